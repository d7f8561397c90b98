//! What the readers are told: the input [`Format`] (by extension or forced
//! with `--format`) and the [`ReaderConfig`] limits. Kept apart from the
//! walk and the readers so that every reader depends on it and it on none
//! of them.

use std::path::Path;

/// The input formats storyline reads, by file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain text (`.txt`): the whole file is one article.
    PlainText,
    /// An HTML page (`.html`, `.htm`): its main text and metadata.
    Html,
    /// JSON Lines (`.jsonl`, `.json`): one article object per line.
    Jsonl,
    /// Web archive (`.warc`, and `.warc.gz` through the gzip decoder).
    Warc,
    /// RSS 0.9x/1.0/2.0, Atom or JSON Feed: one article per entry.
    Feed,
}

impl Format {
    /// Format and gzip flag from a file name: `a.txt`, `a.html.gz`, `b.jsonl`.
    /// `Err` carries the unsupported extension for the report.
    pub fn from_path(path: &Path) -> Result<(Format, bool), String> {
        let name = path.file_name().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default();
        let (stem, gz) = match name.strip_suffix(".gz") {
            Some(stem) => (stem.to_string(), true),
            None => (name.clone(), false),
        };
        let ext = stem.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
        let format = match ext {
            "txt" | "text" => Format::PlainText,
            "html" | "htm" | "xhtml" => Format::Html,
            "jsonl" | "json" | "ndjson" => Format::Jsonl,
            "warc" => Format::Warc,
            "rss" | "atom" | "xml" | "rdf" => Format::Feed,
            _ => return Err(if gz { format!(".{ext}.gz") } else { format!(".{ext}") }),
        };
        Ok((format, gz))
    }

    /// The format named on the command line (`--format feed`).
    pub fn from_name(name: &str) -> Option<Format> {
        Some(match name.to_ascii_lowercase().as_str() {
            "txt" | "text" => Format::PlainText,
            "html" => Format::Html,
            "jsonl" | "json" => Format::Jsonl,
            "warc" => Format::Warc,
            "feed" | "rss" | "atom" => Format::Feed,
            _ => return None,
        })
    }
}

/// Limits that keep memory bounded on hostile input.
#[derive(Debug, Clone)]
pub struct ReaderConfig {
    /// Largest one-article file (`.txt`, `.html`, after gunzip), in bytes.
    /// News pages are well under 5 MB; 16 MiB leaves room for odd pages
    /// while a runaway file cannot exhaust memory.
    pub max_file_bytes: u64,
    /// Largest JSONL record (one line), in bytes; same reasoning.
    pub max_record_bytes: u64,
    /// Read dot-files and dot-directories (off: `.git`, `.DS_Store`).
    pub include_hidden: bool,
    /// Read every file (and standard input) as this format instead of
    /// judging by extension (`--format feed` for a feed named `.php`).
    pub format: Option<Format>,
    /// `http(s)://` inputs: may they be on private, loopback or link-local
    /// addresses (off: a URL argument must not reach the intranet).
    pub allow_private: bool,
}

impl Default for ReaderConfig {
    fn default() -> Self {
        ReaderConfig {
            max_file_bytes: 16 << 20,
            max_record_bytes: 16 << 20,
            include_hidden: false,
            format: None,
            allow_private: false,
        }
    }
}
