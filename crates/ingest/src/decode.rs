//! Bytes to text: UTF-8 when valid, else the charset a BOM names or
//! chardetng guesses, decoded by encoding_rs.

/// Decoded text, and the encoding's name when it was not UTF-8. `Err(())`
/// means "not text in any encoding": the caller reports it as
/// `SkipReason::Undecodable`, so there is nothing more to carry.
#[allow(clippy::result_unit_err)]
pub fn decode_text(bytes: &[u8]) -> Result<(String, Option<&'static str>), ()> {
    if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        if had_errors {
            return Err(());
        }
        let name = (enc != encoding_rs::UTF_8).then(|| enc.name());
        return Ok((text.into_owned(), name));
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok((s.to_string(), None)),
        Err(_) => {
            let mut detector = chardetng::EncodingDetector::new();
            detector.feed(bytes, true);
            let enc = detector.guess(None, true);
            let (text, had_errors) = enc.decode_without_bom_handling(bytes);
            if had_errors {
                Err(())
            } else {
                Ok((text.into_owned(), Some(enc.name())))
            }
        }
    }
}

/// True when `bytes` look like binary data rather than text: a NUL byte, or
/// more than 10% control characters other than tab, CR, LF, FF in the first
/// 8 KiB (enough to judge; text in any charset has almost none).
pub(crate) fn looks_binary(bytes: &[u8]) -> bool {
    const SNIFF_BYTES: usize = 8192;
    const MAX_CONTROL_SHARE: f32 = 0.10;
    // UTF-16 text is half NUL bytes: judge the characters a byte-order mark
    // says it holds, not its bytes.
    if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
            let body = &bytes[bom_len..];
            let head = &body[..body.len().min(SNIFF_BYTES) & !1];
            let (text, _) = enc.decode_without_bom_handling(head);
            let chars = text.chars().count();
            let control = text.chars().filter(|&c| c < ' ' && !matches!(c, '\t' | '\n' | '\r' | '\u{c}')).count();
            return text.contains('\0') || (chars > 0 && control as f32 / chars as f32 > MAX_CONTROL_SHARE);
        }
    }
    let head = &bytes[..bytes.len().min(SNIFF_BYTES)];
    if head.contains(&0) {
        return true;
    }
    let control = head.iter().filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c)).count();
    !head.is_empty() && control as f32 / head.len() as f32 > MAX_CONTROL_SHARE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_passes_through() {
        assert_eq!(decode_text("Ahn Gyu-back ⓒ".as_bytes()).unwrap(), ("Ahn Gyu-back ⓒ".to_string(), None));
    }

    #[test]
    fn latin1_is_detected_and_decoded() {
        let bytes = b"Le ministre de la D\xe9fense a d\xe9clar\xe9 que la r\xe9union aurait lieu \xe0 S\xe9oul.";
        let (text, enc) = decode_text(bytes).unwrap();
        assert!(text.contains("Défense"), "{text}");
        assert!(enc.is_some());
    }

    #[test]
    fn utf16_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "Seoul".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode_text(&bytes).unwrap().0, "Seoul");
    }

    /// Issue 21: a UTF-16 file with a byte-order mark is text, not binary.
    #[test]
    fn utf16_with_bom_is_not_binary() {
        for (bom, le) in [([0xFF, 0xFE], true), ([0xFE, 0xFF], false)] {
            let mut bytes = bom.to_vec();
            for u in "The council met on Monday.\r\nIt voted 23 to 8.".encode_utf16() {
                bytes.extend_from_slice(&if le { u.to_le_bytes() } else { u.to_be_bytes() });
            }
            assert!(!looks_binary(&bytes), "UTF-16 {} read as binary", if le { "LE" } else { "BE" });
            assert!(decode_text(&bytes).unwrap().0.starts_with("The council met"));
        }
        // A BOM in front of binary is still binary.
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend_from_slice(&[0, 0, 1, 0, 2, 0, 3, 0]);
        assert!(looks_binary(&bytes));
    }

    #[test]
    fn binary_detection() {
        assert!(looks_binary(b"\x7fELF\x02\x01\x01\x00\x00"));
        assert!(!looks_binary("plain text\r\nwith lines\tand tabs".as_bytes()));
        assert!(!looks_binary(b""));
    }
}
