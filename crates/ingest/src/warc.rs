//! `.warc` / `.warc.gz`: web archives (ISO 28500, WARC 1.0 and 1.1) as
//! crawlers such as wget, Heritrix or Common Crawl write them.
//!
//! Records are streamed one at a time: a record's block is read into memory
//! only when it is a `response` no larger than `ReaderConfig::max_record_bytes`;
//! every other block is skipped over without being kept. A `.warc.gz` holds
//! one gzip member per record and is decompressed by the walker's
//! multi-member decoder, so offsets in reports are in the uncompressed stream.
//!
//! - `response` records carrying an HTTP 2xx HTML page become articles: the
//!   page goes through the HTML extraction path; `WARC-Target-URI` (normalised)
//!   is the article URL and the source of its id, `WARC-Date` the publication
//!   date when the page gives none, and the URL's host the outlet when the page
//!   names no site.
//! - `warcinfo`, `request`, `metadata`, `revisit`, ... are skipped quietly.
//! - A bad record (truncated, missing or invalid `Content-Length`, no HTTP
//!   message, HTTP error status, not HTML, no main text) is reported as a
//!   [`Skip`] naming the file, the record number and its byte offset; reading
//!   goes on with the next record wherever the stream allows it.

use std::io::{self, BufRead, Read};

use storyline_core::url::outlet_from_url;
use storyline_core::{Origin, RawArticle};

use crate::config::ReaderConfig;
use crate::formats::{html_page_to_article, FormatReader};
use crate::lines::{read_bounded_line, BoundedLine};
use crate::report::{ReadEvent, Skip, SkipReason};

/// Longest WARC or HTTP header line, and whole header block, in bytes. Real
/// headers are a few hundred bytes; the bound keeps garbage from being
/// buffered as one endless "line".
const MAX_HEADER_BYTES: usize = 64 << 10;

/// `.warc` (and, through the walker's gzip decoder, `.warc.gz`).
pub struct WarcReader;

impl FormatReader for WarcReader {
    fn read(
        &self,
        input: &mut dyn BufRead,
        origin: &Origin,
        _id: &str,
        cfg: &ReaderConfig,
        sink: &mut dyn FnMut(ReadEvent),
    ) {
        let mut input = Counted { inner: input, pos: 0 };
        let mut record_no = 0u64;
        // After a record whose extent is unknown (bad header), scan for the
        // next `WARC/` version line instead of reporting every line.
        let mut resync = false;
        let mut line = Vec::new();
        loop {
            // Find the next version line.
            let start = loop {
                let line_start = input.pos;
                match input.read_line(&mut line, MAX_HEADER_BYTES) {
                    Ok(BoundedLine::Eof) => {
                        if record_no == 0 && !resync {
                            sink(skip(origin.clone(), SkipReason::EmptyFile));
                        }
                        return;
                    }
                    Ok(BoundedLine::TooLong) => {}
                    Ok(BoundedLine::Full) if trim(&line).is_empty() => continue,
                    Ok(BoundedLine::Full) if trim(&line).starts_with(b"WARC/") => break line_start,
                    Ok(BoundedLine::Full) => {}
                    Err(e) => return sink(skip(record_origin(origin, record_no + 1, line_start), corrupt(&e))),
                }
                if !resync {
                    resync = true;
                    let reason = SkipReason::BadRecord(
                        "not a WARC record (no WARC/1.x version line); looking for the next record".into(),
                    );
                    sink(skip(record_origin(origin, record_no + 1, line_start), reason));
                }
            };
            resync = false;
            record_no += 1;
            let at = record_origin(origin, record_no, start);
            let headers = match read_headers(&mut input) {
                Ok(h) => h,
                Err(HeaderError::Eof) => {
                    return sink(skip(
                        at,
                        SkipReason::BadRecord("truncated: the file ends inside the WARC header".into()),
                    ))
                }
                Err(HeaderError::TooLong) => {
                    resync = true;
                    sink(skip(at, SkipReason::BadRecord(format!("WARC header longer than {MAX_HEADER_BYTES} bytes"))));
                    continue;
                }
                Err(HeaderError::Io(e)) => return sink(skip(at, corrupt(&e))),
            };
            let Some(length) = header(&headers, "content-length").and_then(|v| v.trim().parse::<u64>().ok()) else {
                resync = true;
                let reason = match header(&headers, "content-length") {
                    Some(v) => format!("invalid Content-Length {v:?}"),
                    None => "no Content-Length".into(),
                };
                sink(skip(at, SkipReason::BadRecord(reason)));
                continue;
            };
            let kind = header(&headers, "warc-type").unwrap_or("").trim().to_ascii_lowercase();
            if kind != "response" || length > cfg.max_record_bytes {
                match input.skip(length) {
                    Ok(n) if n < length => return sink(skip(at, truncated(length, n))),
                    Ok(_) => {}
                    Err(e) => return sink(skip(at, corrupt(&e))),
                }
                if kind == "response" {
                    sink(skip(at, SkipReason::TooLarge { limit: cfg.max_record_bytes }));
                }
                continue;
            }
            let mut block = Vec::with_capacity(length as usize);
            match input.read_up_to(length, &mut block) {
                Ok(n) if n < length => return sink(skip(at, truncated(length, n))),
                Ok(_) => {}
                Err(e) => return sink(skip(at, corrupt(&e))),
            }
            match response_to_article(&block, &headers, &at, cfg) {
                Ok(raw) => sink(ReadEvent::Article(raw)),
                Err(reason) => sink(skip(at, reason)),
            }
        }
    }
}

fn skip(origin: Origin, reason: SkipReason) -> ReadEvent {
    ReadEvent::Skipped(Skip { origin, reason })
}

/// Where a record is: `crawl.warc.gz record 3 (byte 2048)`.
fn record_origin(file: &Origin, record_no: u64, offset: u64) -> Origin {
    Origin { path: format!("{} record {record_no} (byte {offset})", file.path), line: None }
}

fn truncated(expected: u64, got: u64) -> SkipReason {
    SkipReason::BadRecord(format!("truncated: Content-Length says {expected} bytes, the file ends after {got}"))
}

fn corrupt(e: &io::Error) -> SkipReason {
    SkipReason::BadRecord(format!("cannot read further (truncated or corrupt compressed data?): {e}"))
}

fn trim(b: &[u8]) -> &[u8] {
    b.trim_ascii()
}

/// Header fields, names lower-cased, in order.
type Headers = Vec<(String, String)>;

fn header<'h>(headers: &'h Headers, name: &str) -> Option<&'h str> {
    headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

enum HeaderError {
    Eof,
    TooLong,
    Io(io::Error),
}

/// Reads `Name: value` lines up to the empty line ending a WARC header.
fn read_headers(input: &mut Counted<'_>) -> Result<Headers, HeaderError> {
    let mut headers: Headers = Vec::new();
    let mut total = 0usize;
    let mut line = Vec::new();
    loop {
        match input.read_line(&mut line, MAX_HEADER_BYTES) {
            Ok(BoundedLine::Eof) => return Err(HeaderError::Eof),
            Ok(BoundedLine::TooLong) => return Err(HeaderError::TooLong),
            Ok(BoundedLine::Full) => {}
            Err(e) => return Err(HeaderError::Io(e)),
        }
        total += line.len();
        if total > MAX_HEADER_BYTES {
            return Err(HeaderError::TooLong);
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            return Ok(headers);
        }
        parse_header_line(text, &mut headers);
    }
}

fn parse_header_line(text: &str, headers: &mut Headers) {
    if text.starts_with([' ', '\t']) {
        // A folded continuation line (obsolete, still written by some tools).
        if let Some((_, v)) = headers.last_mut() {
            v.push(' ');
            v.push_str(text.trim());
        }
    } else if let Some((name, value)) = text.split_once(':') {
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
    }
}

/// A response record's block to an article, or why it is not one.
fn response_to_article(
    block: &[u8],
    headers: &Headers,
    at: &Origin,
    cfg: &ReaderConfig,
) -> Result<RawArticle, SkipReason> {
    let target = header(headers, "warc-target-uri")
        .map(|u| u.trim().trim_start_matches('<').trim_end_matches('>').to_string())
        .filter(|u| !u.is_empty())
        .ok_or_else(|| SkipReason::BadRecord("response record without WARC-Target-URI".into()))?;
    let http = parse_http(block)?;
    if !(200..300).contains(&http.status) {
        return Err(SkipReason::HttpStatus(http.status));
    }
    let content_type = header(&http.headers, "content-type");
    if !is_html(content_type, http.body) {
        return Err(SkipReason::NotHtml(content_type.unwrap_or("unknown").to_string()));
    }
    let body = decode_body(http.body, &http.headers, cfg.max_file_bytes)?;
    let mut raw = html_page_to_article(&body, content_type, &target, at)?;
    let url = raw.url.clone().unwrap_or_default();
    if raw.date.is_none() {
        raw.date = header(headers, "warc-date").map(str::to_string);
        if raw.date.is_some() {
            raw.sources.insert("published".into(), "warc-date".into());
        }
    }
    if raw.source.is_none() {
        raw.source = outlet_from_url(&url);
    }
    Ok(raw)
}

struct HttpMessage<'b> {
    status: u16,
    pub headers: Headers,
    pub body: &'b [u8],
}

/// Splits an HTTP response (status line, headers, body).
fn parse_http(block: &[u8]) -> Result<HttpMessage<'_>, SkipReason> {
    let bad = |what: &str| SkipReason::BadRecord(format!("response record without a valid HTTP message: {what}"));
    if !block.starts_with(b"HTTP/") {
        return Err(bad("no HTTP status line"));
    }
    let head_len = block.len().min(MAX_HEADER_BYTES);
    let (head_end, body_start) = find_head_end(&block[..head_len]).ok_or_else(|| bad("no end of the HTTP header"))?;
    let head = String::from_utf8_lossy(&block[..head_end]);
    let mut lines = head.split('\n').map(|l| l.trim_end_matches('\r'));
    let status_line = lines.next().unwrap_or("");
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok())
        .ok_or_else(|| bad("unreadable status line"))?;
    let mut headers = Vec::new();
    for line in lines {
        parse_header_line(line, &mut headers);
    }
    Ok(HttpMessage { status, headers, body: &block[body_start..] })
}

/// End of the header and start of the body: after `\r\n\r\n` or `\n\n`.
fn find_head_end(b: &[u8]) -> Option<(usize, usize)> {
    let crlf = b.windows(4).position(|w| w == b"\r\n\r\n").map(|i| (i, i + 4));
    let lf = b.windows(2).position(|w| w == b"\n\n").map(|i| (i, i + 2));
    match (crlf, lf) {
        (Some(a), Some(b)) => Some(if a.0 <= b.0 { a } else { b }),
        (a, b) => a.or(b),
    }
}

/// Whether a response is an HTML page: by its Content-Type, or, when it
/// has none, by a look at the body.
pub fn is_html(content_type: Option<&str>, body: &[u8]) -> bool {
    match content_type.map(|c| c.split(';').next().unwrap_or("").trim().to_ascii_lowercase()) {
        Some(ct) if !ct.is_empty() => ct == "text/html" || ct == "application/xhtml+xml",
        _ => {
            let head = String::from_utf8_lossy(&body[..body.len().min(1024)]).to_ascii_lowercase();
            head.contains("<html") || head.contains("<!doctype html")
        }
    }
}

/// Undoes chunked transfer coding and gzip/deflate content coding, keeping
/// at most `limit` bytes.
fn decode_body(body: &[u8], headers: &Headers, limit: u64) -> Result<Vec<u8>, SkipReason> {
    let chunked = header(headers, "transfer-encoding").is_some_and(|t| t.to_ascii_lowercase().contains("chunked"));
    let body = if chunked {
        dechunk(body).ok_or_else(|| SkipReason::BadRecord("bad chunked transfer encoding".into()))?
    } else {
        body.to_vec()
    };
    let coding = header(headers, "content-encoding").map(|c| c.trim().to_ascii_lowercase()).unwrap_or_default();
    let mut out = Vec::new();
    let read = match coding.as_str() {
        "" | "identity" => return Ok(body),
        // Some archives store the decoded body but keep the header: trust the magic bytes.
        "gzip" | "x-gzip" if !body.starts_with(&[0x1f, 0x8b]) => return Ok(body),
        "gzip" | "x-gzip" => flate2::read::MultiGzDecoder::new(&body[..]).take(limit + 1).read_to_end(&mut out),
        "deflate" => flate2::read::ZlibDecoder::new(&body[..]).take(limit + 1).read_to_end(&mut out),
        other => return Err(SkipReason::BadRecord(format!("unsupported Content-Encoding {other:?}"))),
    };
    match read {
        Ok(_) if out.len() as u64 > limit => Err(SkipReason::TooLarge { limit }),
        Ok(_) => Ok(out),
        Err(e) => Err(SkipReason::BadRecord(format!("cannot decompress the {coding} body: {e}"))),
    }
}

/// `Transfer-Encoding: chunked` to the plain body; `None` when malformed.
fn dechunk(mut b: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(b.len());
    loop {
        let eol = b.iter().position(|&c| c == b'\n')?;
        let line = std::str::from_utf8(&b[..eol]).ok()?;
        let size_text = line.split(';').next()?.trim();
        let size = usize::from_str_radix(size_text, 16).ok()?;
        b = &b[eol + 1..];
        if size == 0 {
            return Some(out);
        }
        if b.len() < size {
            // A chunk cut short at the end of the record: keep what is there.
            out.extend_from_slice(b);
            return Some(out);
        }
        out.extend_from_slice(&b[..size]);
        b = &b[size..];
        b = b.strip_prefix(b"\r\n").or_else(|| b.strip_prefix(b"\n")).unwrap_or(b);
        if b.is_empty() {
            return Some(out);
        }
    }
}

/// The input with the count of bytes consumed, for record offsets.
struct Counted<'a> {
    inner: &'a mut dyn BufRead,
    pos: u64,
}

impl Counted<'_> {
    /// One line (with its end) into `buf`, at most `limit` bytes kept; the
    /// rest of a longer line is consumed and dropped.
    fn read_line(&mut self, buf: &mut Vec<u8>, limit: usize) -> io::Result<BoundedLine> {
        let (outcome, consumed) = read_bounded_line(self.inner, buf, limit)?;
        self.pos += consumed;
        Ok(outcome)
    }

    /// Consumes up to `n` bytes without keeping them; returns how many there were.
    fn skip(&mut self, n: u64) -> io::Result<u64> {
        let got = io::copy(&mut (&mut self.inner).take(n), &mut io::sink())?;
        self.pos += got;
        Ok(got)
    }

    /// Reads up to `n` bytes into `out`; returns how many there were.
    fn read_up_to(&mut self, n: u64, out: &mut Vec<u8>) -> io::Result<u64> {
        let got = (&mut self.inner).take(n).read_to_end(out)? as u64;
        self.pos += got;
        Ok(got)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::id_from_url;
    use std::io::Cursor;

    const PAGE: &str = "<html><head><title>Treaty signed</title></head><body><article>\
        <h1>Treaty signed</h1><p>The two governments signed the fisheries treaty on Monday after \
        three years of talks, officials said in a joint statement.</p><p>The agreement sets quotas \
        for cod and herring and creates a joint patrol of the shared waters.</p></article></body></html>";

    fn record(kind: &str, uri: &str, block: &[u8]) -> Vec<u8> {
        let mut r = format!(
            "WARC/1.1\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2025-10-27T08:00:00Z\r\n\
             WARC-Record-ID: <urn:uuid:1>\r\nContent-Type: application/http;msgtype=response\r\nContent-Length: {}\r\n\r\n",
            block.len()
        )
        .into_bytes();
        r.extend_from_slice(block);
        r.extend_from_slice(b"\r\n\r\n");
        r
    }

    fn http(status: &str, ct: &str, body: &str) -> Vec<u8> {
        format!("HTTP/1.1 {status}\r\nContent-Type: {ct}\r\nContent-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
    }

    fn read(bytes: &[u8]) -> (Vec<RawArticle>, Vec<Skip>) {
        let mut arts = Vec::new();
        let mut skips = Vec::new();
        let origin = Origin { path: "t.warc".into(), line: None };
        WarcReader.read(&mut Cursor::new(bytes), &origin, "t", &ReaderConfig::default(), &mut |e| match e {
            ReadEvent::Article(a) => arts.push(a),
            ReadEvent::Skipped(s) => skips.push(s),
            ReadEvent::Notice(_) => {}
        });
        (arts, skips)
    }

    #[test]
    fn response_records_become_articles_with_url_date_and_outlet() {
        let mut w = record("warcinfo", "", b"software: test\r\n");
        w.extend(record("request", "https://News.Example.com/a", b"GET /a HTTP/1.1\r\n\r\n"));
        w.extend(record(
            "response",
            "https://News.Example.com/a?utm_source=x#top",
            &http("200 OK", "text/html; charset=utf-8", PAGE),
        ));
        let (arts, skips) = read(&w);
        assert!(skips.is_empty(), "{skips:?}");
        assert_eq!(arts.len(), 1);
        let a = &arts[0];
        assert_eq!(a.url.as_deref(), Some("https://news.example.com/a"));
        assert_eq!(a.date.as_deref(), Some("2025-10-27T08:00:00Z"));
        assert_eq!(a.source.as_deref(), Some("news.example.com"));
        assert_eq!(a.id, id_from_url("https://news.example.com/a"));
        assert!(a.text.contains("fisheries treaty"), "{}", a.text);
    }

    #[test]
    fn bad_records_are_reported_with_number_and_offset() {
        let mut w = record("response", "https://e.com/404", &http("404 Not Found", "text/html", PAGE));
        let second_at = w.len();
        w.extend(record("response", "https://e.com/img", &http("200 OK", "image/png", "PNG")));
        w.extend(b"WARC/1.1\r\nWARC-Type: response\r\nContent-Length: lots\r\n\r\njunk\r\n\r\n");
        w.extend(record("response", "https://e.com/ok", &http("200 OK", "text/html", PAGE)));
        let mut cut = record("response", "https://e.com/cut", &http("200 OK", "text/html", PAGE));
        cut.truncate(cut.len() - 100);
        w.extend(cut);
        let (arts, skips) = read(&w);
        assert_eq!(arts.len(), 1);
        let shown: Vec<String> = skips.iter().map(|s| s.to_string()).collect();
        assert_eq!(skips.len(), 4, "{shown:#?}");
        assert!(shown[0].starts_with("t.warc record 1 (byte 0): ") && shown[0].contains("404"), "{}", shown[0]);
        assert!(
            shown[1].starts_with(&format!("t.warc record 2 (byte {second_at}): ")) && shown[1].contains("image/png"),
            "{}",
            shown[1]
        );
        assert!(shown[2].contains("record 3") && shown[2].contains("Content-Length"), "{}", shown[2]);
        assert!(shown[3].contains("record 5") && shown[3].contains("truncated"), "{}", shown[3]);
    }

    #[test]
    fn garbage_never_panics() {
        for bytes in [
            &b""[..],
            b"\r\n\r\n",
            b"hello world\nnot warc",
            b"WARC/1.0\r\n",
            b"WARC/1.0\r\nContent-Length: 99999999999999999999\r\n\r\n",
            b"\x00\xff\xfeWARC/",
            b"WARC/1.1\r\nWARC-Type: response\r\nContent-Length: 3\r\n\r\nabc",
        ] {
            let _ = read(bytes);
        }
    }

    #[test]
    fn chunked_and_gzip_bodies() {
        let chunked = format!("{:x}\r\n{PAGE}\r\n0\r\n\r\n", PAGE.len());
        let block =
            format!("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n{chunked}");
        let (arts, skips) = read(&record("response", "https://e.com/c", block.as_bytes()));
        assert_eq!((arts.len(), skips.len()), (1, 0), "{skips:?}");

        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, PAGE.as_bytes()).unwrap();
        let mut block = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n\r\n".to_vec();
        block.extend(gz.finish().unwrap());
        let (arts, skips) = read(&record("response", "https://e.com/g", &block));
        assert_eq!((arts.len(), skips.len()), (1, 0), "{skips:?}");
    }

    #[test]
    fn oversized_response_is_skipped_without_being_buffered() {
        let big = "x".repeat(4096);
        let mut w = record("response", "https://e.com/big", &http("200 OK", "text/html", &big));
        w.extend(record("response", "https://e.com/ok", &http("200 OK", "text/html", PAGE)));
        let mut arts = Vec::new();
        let mut skips = Vec::new();
        let cfg = ReaderConfig { max_record_bytes: 1024, ..Default::default() };
        let origin = Origin { path: "t.warc".into(), line: None };
        WarcReader.read(&mut Cursor::new(w), &origin, "t", &cfg, &mut |e| match e {
            ReadEvent::Article(a) => arts.push(a),
            ReadEvent::Skipped(s) => skips.push(s),
            ReadEvent::Notice(_) => {}
        });
        assert_eq!(arts.len(), 1);
        assert_eq!(skips.len(), 1);
        assert!(matches!(skips[0].reason, SkipReason::TooLarge { .. }));
    }
}
