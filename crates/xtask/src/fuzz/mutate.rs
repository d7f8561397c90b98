//! Mutations: byte-level (flip, set, insert, delete, duplicate, truncate,
//! splice) and structure-level (deep nesting of a tag from the input,
//! huge attributes, NUL, encodings, lying lengths, JSON and XML nesting,
//! target tokens), one to eight stacked on a seed.

use super::Target;

/// Largest input produced: deep enough nesting (28,000 levels of
/// `<span><b>`, 100 times the HTML bound), small enough that a linear
/// reader is far below the stall limit on a loaded machine.
const MAX_INPUT: usize = 256 << 10;

/// splitmix64: small, fast, and the same sequence for the same seed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// Mostly small numbers, sometimes large: repetition counts.
    fn count(&mut self, max: usize) -> usize {
        match self.below(4) {
            0 => 1 + self.below(4),
            1 => 1 + self.below(64),
            2 => 1 + self.below(1024),
            _ => 1 + self.below(max),
        }
    }
}

/// Pieces that break or slow parsers, per target.
fn tokens(target: Target) -> &'static [&'static str] {
    match target {
        Target::Html => &[
            "<div>",
            "</div>",
            "<span><b>",
            "</b>",
            "<table><tr><td>",
            "<svg>",
            "<math>",
            "<template>",
            "<script>",
            "</script>",
            "<style>",
            "<!--",
            "-->",
            "<![CDATA[",
            "]]>",
            "<plaintext>",
            "<textarea>",
            "<select><option>",
            "<p>",
            "<br/>",
            "<a href=\"",
            "&#x0;",
            "&amp",
            "&#99999999;",
            "<meta charset=\"shift_jis\">",
            "<meta http-equiv=\"content-type\" content=\"text/html; charset=utf-16\">",
            "<base href=\"javascript:x\">",
            "<time datetime=\"9999-99-99\">",
            "<article>",
            "<main>",
            "<h1>",
            "<noscript>",
            "<frameset>",
            "<",
            "<meta property=\"article:published_time\" content=\"",
            "<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\"datePublished\":",
        ],
        Target::Warc => &[
            "WARC/1.0\r\n",
            "WARC-Type: response\r\n",
            "WARC-Type: resource\r\n",
            "Content-Length: 0\r\n",
            "Content-Length: 18446744073709551615\r\n",
            "Content-Length: -1\r\n",
            "\r\n\r\n",
            "HTTP/1.1 200 OK\r\n",
            "HTTP/1.1 302 Found\r\nLocation: data:text/html,x\r\n",
            "Content-Type: text/html; charset=utf-16\r\n",
            "Transfer-Encoding: chunked\r\n",
            "Content-Encoding: gzip\r\n",
            "WARC-Target-URI: \r\n",
            "WARC-Target-URI: http://[::1]/\r\n",
            "0\r\n\r\n",
            "ffffffff\r\n",
        ],
        Target::Feed => &[
            "<item>",
            "</item>",
            "<entry>",
            "<title>",
            "</title>",
            "<link>",
            "<description>",
            "<![CDATA[",
            "]]>",
            "<!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;\">]>",
            "&b;",
            "&a;",
            "&#0;",
            "<!ENTITY x SYSTEM \"file:///etc/passwd\">",
            "<pubDate>",
            "Mon, 99 Foo 2025 99:99:99 GMT",
            "</pubDate>",
            "<content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\">",
            "xmlns:x=\"",
            "<x:y>",
            "<?xml version=\"1.0\" encoding=\"UTF-16\"?>",
            "{\"version\":\"https://jsonfeed.org/version/1\",\"items\":[",
        ],
        Target::Jsonl => &[
            "{\"id\":",
            "\"text\":",
            "\"html\":",
            "\"date\":",
            "\"url\":",
            "\"source\":",
            "null",
            "true",
            "1e999",
            "-0",
            "[",
            "]",
            "{",
            "}",
            "\\u0000",
            "\\ud800",
            "\\udc00\\ud800",
            "\"",
            ",",
            ":",
            "\n",
            "\r\n",
            "\"date\":\"9999-12-31T25:61:61Z\"",
            "\"url\":\"http://[::ffff:127.0.0.1]/\"",
        ],
        Target::Text => &["\r\n", "\n\n", "\u{feff}", "\u{202e}", "\u{0}", "\t", " ", "Mr.", "U.S.", "...", "\u{fffd}"],
        Target::Query => &[
            "title:",
            "text:",
            "id:",
            "names:",
            "nofield:",
            "*",
            "?",
            "~",
            "~2",
            "^",
            "^0.5",
            "\"",
            "(",
            ")",
            "[",
            "]",
            "{",
            "}",
            " TO ",
            " AND ",
            " OR ",
            " NOT ",
            "+",
            "-",
            "/",
            "\\",
            " IN ",
            "<",
            ">",
            "=",
            "!",
            ".",
            "\u{0}",
            "é",
            ":",
            "'",
            "*:*",
            "title:*",
            "[* TO *]",
            "/.*/",
            "\"a\"~99999999999",
        ],
    }
}

/// One input: a seed (sometimes two spliced) with one to eight mutations.
pub fn mutate(rng: &mut Rng, target: Target, corpus: &[Vec<u8>]) -> Vec<u8> {
    let mut data = rng.pick(corpus).clone();
    let rounds = 1 + rng.below(8);
    for _ in 0..rounds {
        mutate_once(rng, target, corpus, &mut data);
        if data.len() > MAX_INPUT {
            data.truncate(MAX_INPUT);
        }
    }
    data
}

fn mutate_once(rng: &mut Rng, target: Target, corpus: &[Vec<u8>], data: &mut Vec<u8>) {
    let len = data.len();
    let at = rng.below(len + 1);
    match rng.below(16) {
        // Byte level.
        0 => {
            if len > 0 {
                let i = rng.below(len);
                data[i] ^= 1 << rng.below(8);
            }
        }
        1 => {
            if len > 0 {
                let i = rng.below(len);
                data[i] = *rng.pick(&[0u8, 0xff, 0xfe, 0x80, 0xc0, b'<', b'>', b'"', b'&', b'\n', b'\r', 0x1b]);
            }
        }
        2 => {
            let n = 1 + rng.below(16);
            let bytes: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
            insert(data, at, bytes);
        }
        3 => {
            let n = rng.below(len - at + 1).min(1 + rng.below(4096));
            data.drain(at..at + n);
        }
        4 => {
            // Duplicate a range, possibly many times.
            let n = rng.below(len - at + 1).min(4096);
            let piece = data[at..at + n].to_vec();
            let times = rng.count(64);
            let copy: Vec<u8> = piece.repeat(times);
            insert(data, at, copy);
        }
        5 => data.truncate(at),
        6 => {
            // Splice in part of another seed.
            let other = rng.pick(corpus);
            let from = rng.below(other.len());
            let n = rng.below(other.len() - from + 1);
            let piece = other[from..from + n].to_vec();
            insert(data, at, piece);
        }
        // Structure level.
        7 | 8 => {
            // Deep nesting of a tag that the input has (else a target token).
            let tag = open_tag_near(data, rng.below(len.max(1)))
                .unwrap_or_else(|| rng.pick(tokens(target)).as_bytes().to_vec());
            let times = rng.count(100_000).min(MAX_INPUT / tag.len().max(1));
            insert(data, at, tag.repeat(times));
        }
        9 => {
            // A huge attribute or field value.
            let n = rng.count(200_000);
            let mut piece = match target {
                Target::Jsonl => b"\"x\":\"".to_vec(),
                Target::Query => Vec::new(),
                _ => b"<a title=\"".to_vec(),
            };
            piece.extend(std::iter::repeat_n(*rng.pick(&[b'x', b' ', b'&', b'\'', 0u8]), n));
            piece.extend_from_slice(if target == Target::Jsonl { b"\"," } else { b"\">" });
            insert(data, at, piece);
        }
        10 => {
            // Odd encodings: UTF-16 (with or without a BOM), invalid UTF-8.
            match rng.below(4) {
                0 | 1 => {
                    let text = String::from_utf8_lossy(data).into_owned();
                    let be = rng.below(2) == 0;
                    let mut out: Vec<u8> = match (be, rng.below(2)) {
                        (true, 0) => vec![0xfe, 0xff],
                        (false, 0) => vec![0xff, 0xfe],
                        _ => Vec::new(),
                    };
                    for u in text.encode_utf16() {
                        out.extend_from_slice(&if be { u.to_be_bytes() } else { u.to_le_bytes() });
                    }
                    *data = out;
                }
                2 => {
                    let odd: &[&[u8]] =
                        &[b"\xef\xbb\xbf", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xe2\x82"];
                    let piece = rng.pick(odd).to_vec();
                    insert(data, at, piece);
                }
                _ => {
                    let nuls = vec![0u8; rng.count(64)];
                    insert(data, at, nuls);
                }
            }
        }
        11 => {
            // Lying numbers: change the digits after `Length:` or any digits.
            if let Some(i) = find(data, b"Length:").or_else(|| data.iter().position(u8::is_ascii_digit)) {
                let start = i + if data[i..].starts_with(b"Length:") { 7 } else { 0 };
                let end = start + data[start..].iter().take_while(|b| b.is_ascii_digit() || **b == b' ').count();
                let n = rng.pick(&["0", "1", "-1", "99999999999999999999", "18446744073709551615", "4294967296", "7"]);
                data.splice(start..end, format!(" {n}").into_bytes()).for_each(drop);
            }
        }
        12 => {
            // Nesting in the target's own syntax.
            let (open, close): (&[u8], &[u8]) = match target {
                Target::Jsonl => (b"[", b"]"),
                Target::Query => (b"(", b")"),
                Target::Feed | Target::Warc => (b"<x>", b"</x>"),
                _ => (b"<div>", b"</div>"),
            };
            let times = rng.count(50_000);
            let mut piece = open.repeat(times);
            if rng.below(2) == 0 {
                piece.extend(close.repeat(times));
            }
            insert(data, at, piece);
        }
        _ => {
            // Tokens of the target, one or repeated.
            let tok = rng.pick(tokens(target)).as_bytes();
            let times = rng.count(2000);
            insert(data, at, tok.repeat(times));
        }
    }
}

fn insert(data: &mut Vec<u8>, at: usize, piece: Vec<u8>) {
    data.splice(at..at, piece).for_each(drop);
}

fn find(data: &[u8], needle: &[u8]) -> Option<usize> {
    data.windows(needle.len()).position(|w| w == needle)
}

/// The opening tag (`<name ...>`) at or after `from`, if there is one
/// within a few KB.
fn open_tag_near(data: &[u8], from: usize) -> Option<Vec<u8>> {
    let window = &data[from.min(data.len())..data.len().min(from + 4096)];
    let start = window.windows(2).position(|w| w[0] == b'<' && w[1].is_ascii_alphabetic())?;
    let end = window[start..].iter().position(|&b| b == b'>')?;
    (end < 200).then(|| window[start..start + end + 1].to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_inputs_and_inputs_stay_bounded() {
        let corpus = vec![b"<html><body><div class=a><p>Some text &amp; more.</p></div></body></html>".to_vec()];
        for target in Target::ALL {
            let run = |seed| {
                let mut rng = Rng::new(seed);
                (0..300).map(|_| mutate(&mut rng, target, &corpus)).collect::<Vec<_>>()
            };
            let (a, b) = (run(7), run(7));
            assert_eq!(a, b, "{target:?}");
            assert_ne!(a, run(8), "{target:?}");
            assert!(a.iter().all(|i| i.len() <= MAX_INPUT));
            // The structure-level mutations happen: some inputs grow a lot.
            assert!(a.iter().any(|i| i.len() > 10 * corpus[0].len()), "{target:?}");
        }
    }

    #[test]
    fn an_open_tag_is_found_for_deep_nesting() {
        assert_eq!(open_tag_near(b"xx <div class=a>y", 0).as_deref(), Some(&b"<div class=a>"[..]));
        assert_eq!(open_tag_near(b"no tags", 0), None);
    }
}
