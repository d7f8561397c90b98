//! Typed reports of what a reader skipped or changed, and why.

use std::fmt;

use storyline_core::{Origin, RawArticle};

/// The longest article id any reader accepts, in bytes. Ids are keys:
/// both stores index them, and PostgreSQL refuses an index row over about
/// 2,700 bytes, so a longer id would fail a whole batch there (and only
/// there). Ids from file names and URLs are far shorter; only a JSON `id`
/// can be this long.
pub const MAX_ID_BYTES: usize = 1024;

/// How much of a too-long id a skip line shows.
const ID_OPENING_CHARS: usize = 40;

/// The skip reason for an id over [`MAX_ID_BYTES`], if it is.
pub(crate) fn check_id_len(id: &str) -> Option<SkipReason> {
    (id.len() > MAX_ID_BYTES).then(|| SkipReason::IdTooLong {
        bytes: id.len(),
        opening: id.chars().take(ID_OPENING_CHARS).flat_map(char::escape_debug).collect(),
    })
}

/// What a reader hands to its caller, in input order.
#[derive(Debug)]
pub enum ReadEvent {
    /// An article that was read.
    Article(RawArticle),
    /// A file or record that was not read, and why.
    Skipped(Skip),
    /// Read, but with something the user should know (e.g. a charset guess).
    Notice(Notice),
}

/// Why a record or file was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    /// The file could not be opened or read (the OS's message).
    Io(String),
    /// A file of zero bytes.
    EmptyFile,
    /// More bytes than `ReaderConfig::max_file_bytes` (or the record limit).
    TooLarge {
        /// The limit that was exceeded, in bytes.
        limit: u64,
    },
    /// NUL bytes or mostly control characters: not text.
    Binary,
    /// A `.gz` file that is not gzip, or a gzip stream that breaks (the decoder's message).
    NotGzip(String),
    /// A JSONL line that is not valid JSON (the parser's message).
    InvalidJson(String),
    /// A JSON value that is not an object.
    NotAnObject,
    /// A JSON object without an `id` string.
    MissingId,
    /// An `id` longer than [`MAX_ID_BYTES`]: no store could index it the
    /// same way (PostgreSQL refuses index rows over about 2,700 bytes).
    IdTooLong {
        /// Its length in bytes.
        bytes: usize,
        /// Its opening, for the message (the whole id would flood it).
        opening: String,
    },
    /// Neither `text` nor `html`, or only white space.
    MissingText,
    /// Bytes that are not valid in any encoding we could detect.
    Undecodable,
    /// Extension storyline does not read.
    UnsupportedFormat(String),
    /// An HTML page in which no main text was found.
    NoMainText(String),
    /// A WARC record that cannot be read (truncated, bad `Content-Length`,
    /// no HTTP message) or an HTTP exchange that went wrong.
    BadRecord(String),
    /// An HTTP response (archived or fetched) with a non-2xx status.
    HttpStatus(u16),
    /// A response that is not an HTML page; carries its Content-Type.
    NotHtml(String),
    /// A file read as a feed that is not RSS, Atom or JSON Feed.
    NotAFeed(String),
    /// A FIFO, socket or device met in a directory walk; carries its kind.
    NotRegularFile(String),
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::Io(e) => write!(f, "cannot read: {e}"),
            SkipReason::EmptyFile => write!(f, "empty file"),
            SkipReason::TooLarge { limit } => {
                write!(f, "larger than the limit of {limit} bytes (raise --max-file-mb to read it)")
            }
            SkipReason::Binary => write!(f, "binary data, not text"),
            SkipReason::NotGzip(e) => write!(f, "not a valid gzip stream: {e}"),
            SkipReason::InvalidJson(e) => write!(f, "invalid JSON: {e}"),
            SkipReason::NotAnObject => write!(f, "not a JSON object (one article object per line expected)"),
            SkipReason::MissingId => write!(f, "no \"id\" string field"),
            SkipReason::IdTooLong { bytes, opening } => {
                write!(f, "id \"{opening}...\" is {bytes} bytes, over the limit of {MAX_ID_BYTES} bytes")
            }
            SkipReason::MissingText => write!(f, "no \"text\" or \"html\" content"),
            SkipReason::Undecodable => write!(f, "bytes are not valid text in any detected encoding"),
            SkipReason::UnsupportedFormat(ext) => write!(
                f,
                "unsupported file type {ext:?} (storyline reads .txt, .html, .htm, .jsonl, .json, .warc, .rss, .atom, .xml and their .gz)"
            ),
            // The extractor's own message may already say it (`no main
            // text found in the page`): said once, not twice.
            SkipReason::NoMainText(e) if e.starts_with("no main text") => write!(f, "{e}"),
            SkipReason::NoMainText(e) => write!(f, "no main text found in the page: {e}"),
            SkipReason::BadRecord(e) => write!(f, "bad record: {e}"),
            SkipReason::HttpStatus(code) => write!(f, "HTTP status {code}, not a page"),
            SkipReason::NotHtml(ct) => write!(f, "not an HTML page (Content-Type {ct})"),
            SkipReason::NotAFeed(e) => write!(f, "not an RSS, Atom or JSON feed: {e}"),
            SkipReason::NotRegularFile(kind) => {
                write!(f, "{kind}, not a regular file: only files are read from directories")
            }
        }
    }
}

/// A skipped file or record, with where it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skip {
    /// The file (and line or record) it came from.
    pub origin: Origin,
    /// Why it was skipped.
    pub reason: SkipReason,
}

impl fmt::Display for Skip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.origin, self.reason)
    }
}

/// Something a user should know about a record that was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// The file (and line or record) it is about.
    pub origin: Origin,
    /// What happened, in words for the user.
    pub message: String,
}

impl fmt::Display for Notice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.origin, self.message)
    }
}

#[cfg(test)]
mod display_tests {
    use super::SkipReason;

    #[test]
    fn a_too_long_id_is_shown_by_its_opening_only() {
        let id = "x".repeat(3000);
        assert!(super::check_id_len(&"y".repeat(super::MAX_ID_BYTES)).is_none());
        let text = super::check_id_len(&id).unwrap().to_string();
        assert_eq!(text, format!("id \"{}...\" is 3000 bytes, over the limit of 1024 bytes", "x".repeat(40)));
        // Control characters in the opening are escaped, not printed.
        let text = super::check_id_len(&format!("a\nb\u{1b}[31m{id}")).unwrap().to_string();
        assert!(text.starts_with("id \"a\\nb\\u{1b}[31m"), "{text}");
    }

    #[test]
    fn no_main_text_is_said_once() {
        let r = SkipReason::NoMainText("no main text found in the page".into());
        assert_eq!(r.to_string(), "no main text found in the page");
        let r = SkipReason::NoMainText("empty main text".into());
        assert_eq!(r.to_string(), "no main text found in the page: empty main text");
    }
}
