//! Line reading with bounded memory, shared by the JSONL and WARC readers:
//! a hostile input can be one endless line, so a line longer than the
//! limit is consumed and dropped instead of kept.

use std::io::{self, BufRead};

/// What [`read_bounded_line`] found.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum BoundedLine {
    /// A whole line (with its end, when the input had one) is in the buffer.
    Full,
    /// A line over the limit was consumed; the buffer is empty.
    TooLong,
    /// The input has no more bytes.
    Eof,
}

/// Reads one line (with its `\n`) into `buf`, keeping at most `limit`
/// bytes; the rest of a longer line is consumed and dropped. Returns the
/// outcome and the bytes consumed from `input` (for record offsets).
pub(crate) fn read_bounded_line(
    input: &mut dyn BufRead,
    buf: &mut Vec<u8>,
    limit: usize,
) -> io::Result<(BoundedLine, u64)> {
    buf.clear();
    let (mut too_long, mut consumed) = (false, 0u64);
    loop {
        let chunk = input.fill_buf()?;
        if chunk.is_empty() {
            let outcome = match (consumed, too_long) {
                (0, _) => BoundedLine::Eof,
                (_, true) => BoundedLine::TooLong,
                (_, false) => BoundedLine::Full,
            };
            return Ok((outcome, consumed));
        }
        let (take, done) = match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (chunk.len(), false),
        };
        if !too_long {
            if buf.len() + take > limit {
                too_long = true;
                buf.clear();
            } else {
                buf.extend_from_slice(&chunk[..take]);
            }
        }
        input.consume(take);
        consumed += take as u64;
        if done {
            return Ok((if too_long { BoundedLine::TooLong } else { BoundedLine::Full }, consumed));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &[u8], limit: usize) -> Vec<(BoundedLine, Vec<u8>, u64)> {
        // A tiny buffer, so lines span several fills.
        let mut reader = io::BufReader::with_capacity(3, input);
        let mut out = Vec::new();
        let mut buf = Vec::new();
        loop {
            let (outcome, consumed) = read_bounded_line(&mut reader, &mut buf, limit).unwrap();
            if outcome == BoundedLine::Eof {
                assert_eq!(consumed, 0);
                return out;
            }
            out.push((outcome, buf.clone(), consumed));
        }
    }

    #[test]
    fn an_over_long_line_is_dropped_and_the_next_one_read() {
        let got = lines(b"short\nthis line is far too long\nok\nlast", 8);
        assert_eq!(
            got,
            vec![
                (BoundedLine::Full, b"short\n".to_vec(), 6),
                (BoundedLine::TooLong, Vec::new(), 26),
                (BoundedLine::Full, b"ok\n".to_vec(), 3),
                (BoundedLine::Full, b"last".to_vec(), 4),
            ]
        );
    }

    #[test]
    fn an_endless_last_line_without_its_end_is_too_long() {
        let got = lines(&[b'x'; 1000], 10);
        assert_eq!(got, vec![(BoundedLine::TooLong, Vec::new(), 1000)]);
    }
}
