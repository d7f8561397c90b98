//! One reader per input format, behind [`FormatReader`]: a new format is one
//! new impl here (or in its own module), its extension in
//! [`Format::from_path`] and its arm in [`Format::reader`].

use std::io::BufRead;
use std::path::Path;

use serde_json::Value;
use storyline_core::url::normalize_url;
use storyline_core::{Origin, RawArticle, TextFormat};

use crate::config::{Format, ReaderConfig};
use crate::decode::{decode_text, looks_binary};
use crate::html;
use crate::lines::{read_bounded_line, BoundedLine};
use crate::report::{Notice, ReadEvent, Skip, SkipReason};

/// Reads one decompressed input stream of one format.
pub trait FormatReader: Sync {
    /// `id` is the id derived from the file name, for one-article formats.
    fn read(
        &self,
        input: &mut dyn BufRead,
        origin: &Origin,
        id: &str,
        cfg: &ReaderConfig,
        sink: &mut dyn FnMut(ReadEvent),
    );
}

/// The id of a one-article file: its name without extensions
/// (`a.html.gz` -> `a`, `000_3d5f.txt` -> `000_3d5f`).
pub fn id_from_file_name(path: &Path) -> String {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let without_gz = name.strip_suffix(".gz").or_else(|| name.strip_suffix(".GZ")).unwrap_or(&name);
    match Format::from_path(Path::new(without_gz)) {
        Ok(_) => without_gz.rsplit_once('.').map(|(stem, _)| stem.to_string()).unwrap_or_default(),
        Err(_) => without_gz.to_string(),
    }
}

/// The id of an article known by its address: the host and a hash of the
/// normalised URL (`example.com-3f2a9c0d1e2b4a5c`), so the same page read
/// from a WARC file, a feed or a fetch gets the same id and is stored once.
pub fn id_from_url(url: &str) -> String {
    let url = normalize_url(url);
    let host = storyline_core::url::outlet_from_url(&url).unwrap_or_else(|| "url".into());
    format!("{host}-{:016x}", xxhash_rust::xxh3::xxh3_64(url.as_bytes()))
}

/// An HTML page fetched from (or archived at) `url` to an article: charset
/// from the BOM, `content_type` or the page, main text and metadata through
/// [`html::extract_html`], the normalised `url` as the article's URL and the
/// source of its id. The caller fills what the page does not give (outlet,
/// date) from what it knows.
pub fn html_page_to_article(
    body: &[u8],
    content_type: Option<&str>,
    url: &str,
    origin: &Origin,
) -> Result<RawArticle, SkipReason> {
    let page = html::decode_html_bytes(body, content_type);
    let url = normalize_url(url);
    let (mut raw, _notes) = html_to_raw(&page, &id_from_url(&url), Some(&url), origin)?;
    // Where the page was fetched from is its address; a canonical link in
    // the page may point elsewhere (an AMP or mobile twin).
    raw.url = Some(url);
    Ok(raw)
}

/// Reads a whole one-article stream, bounded by `max_file_bytes`.
pub(crate) fn read_whole(
    input: &mut dyn BufRead,
    origin: &Origin,
    cfg: &ReaderConfig,
    sink: &mut dyn FnMut(ReadEvent),
) -> Option<Vec<u8>> {
    let mut bytes = Vec::new();
    let limit = cfg.max_file_bytes;
    let skip = |reason| ReadEvent::Skipped(Skip { origin: origin.clone(), reason });
    // Read one byte past the limit to tell "exactly at" from "over".
    match input.take(limit + 1).read_to_end(&mut bytes) {
        Ok(_) if bytes.len() as u64 > limit => {
            sink(skip(SkipReason::TooLarge { limit }));
            None
        }
        Ok(_) if bytes.iter().all(u8::is_ascii_whitespace) => {
            sink(skip(SkipReason::EmptyFile));
            None
        }
        Ok(_) if looks_binary(&bytes) => {
            sink(skip(SkipReason::Binary));
            None
        }
        Ok(_) => Some(bytes),
        Err(e) => {
            sink(skip(io_reason(&e)));
            None
        }
    }
}

pub(crate) fn io_reason(e: &std::io::Error) -> SkipReason {
    // flate2 reports a bad header as InvalidInput/InvalidData.
    match e.kind() {
        std::io::ErrorKind::InvalidInput | std::io::ErrorKind::InvalidData => SkipReason::NotGzip(e.to_string()),
        _ => SkipReason::Io(e.to_string()),
    }
}

use std::io::Read;

/// `.txt`: the whole file is one scraped article.
pub struct PlainTextReader;

impl FormatReader for PlainTextReader {
    fn read(
        &self,
        input: &mut dyn BufRead,
        origin: &Origin,
        id: &str,
        cfg: &ReaderConfig,
        sink: &mut dyn FnMut(ReadEvent),
    ) {
        let Some(bytes) = read_whole(input, origin, cfg, sink) else { return };
        let text = match decode_text(&bytes) {
            Ok((text, None)) => text,
            Ok((text, Some(enc))) => {
                sink(ReadEvent::Notice(Notice {
                    origin: origin.clone(),
                    message: format!("not UTF-8; decoded as {enc}"),
                }));
                text
            }
            Err(()) => {
                sink(ReadEvent::Skipped(Skip { origin: origin.clone(), reason: SkipReason::Undecodable }));
                return;
            }
        };
        sink(ReadEvent::Article(RawArticle {
            id: id.to_string(),
            text,
            format: TextFormat::Scraped,
            origin: origin.clone(),
            ..Default::default()
        }));
    }
}

/// `.html`/`.htm`: the main text and metadata of one page.
pub struct HtmlReader;

impl FormatReader for HtmlReader {
    fn read(
        &self,
        input: &mut dyn BufRead,
        origin: &Origin,
        id: &str,
        cfg: &ReaderConfig,
        sink: &mut dyn FnMut(ReadEvent),
    ) {
        let Some(bytes) = read_whole(input, origin, cfg, sink) else { return };
        let page = html::decode_html_bytes(&bytes, None);
        match html_to_raw(&page, id, None, origin) {
            Ok((raw, notes)) => {
                for message in notes {
                    sink(ReadEvent::Notice(Notice { origin: origin.clone(), message }));
                }
                sink(ReadEvent::Article(raw))
            }
            Err(reason) => sink(ReadEvent::Skipped(Skip { origin: origin.clone(), reason })),
        }
    }
}

/// Extracts an HTML page into a [`RawArticle`], with the extraction's notes
/// for the user; fields given by the caller (JSONL) win over those found in
/// the page.
pub(crate) fn html_to_raw(
    page: &str,
    id: &str,
    url: Option<&str>,
    origin: &Origin,
) -> Result<(RawArticle, Vec<String>), SkipReason> {
    let extracted = html::extract_html(page, url).map_err(|e| SkipReason::NoMainText(e.to_string()))?;
    if extracted.text.trim().is_empty() {
        return Err(SkipReason::NoMainText("empty main text".into()));
    }
    Ok((
        RawArticle {
            id: id.to_string(),
            title: extracted.title,
            text: extracted.text,
            format: TextFormat::ExtractedHtml,
            date: extracted.published,
            url: extracted.canonical_url.or_else(|| url.map(str::to_string)).map(|u| normalize_url(&u)),
            source: extracted.site_name,
            language: extracted.language,
            authors: extracted.authors,
            sources: extracted.sources,
            origin: origin.clone(),
        },
        extracted.notes,
    ))
}

/// `.jsonl`/`.json`: one article object per line (a `.json` file holding one
/// array of objects is read too). Lines are read with a bounded buffer, so a
/// huge line costs at most `max_record_bytes` of memory.
pub struct JsonlReader;

impl FormatReader for JsonlReader {
    fn read(
        &self,
        input: &mut dyn BufRead,
        origin: &Origin,
        _id: &str,
        cfg: &ReaderConfig,
        sink: &mut dyn FnMut(ReadEvent),
    ) {
        let mut line_no = 0u64;
        let mut buf = Vec::new();
        let mut saw_content = false;
        // The limit is the record's; its line end comes on top.
        let limit = usize::try_from(cfg.max_record_bytes.saturating_add(1)).unwrap_or(usize::MAX);
        loop {
            line_no += 1;
            let at = Origin { path: origin.path.clone(), line: Some(line_no) };
            match read_bounded_line(input, &mut buf, limit).map(|(outcome, _)| outcome) {
                Ok(BoundedLine::Eof) => break,
                Ok(BoundedLine::TooLong) => {
                    saw_content = true;
                    sink(ReadEvent::Skipped(Skip {
                        origin: at,
                        reason: SkipReason::TooLarge { limit: cfg.max_record_bytes },
                    }));
                    continue;
                }
                Ok(BoundedLine::Full) => {}
                Err(e) => {
                    sink(ReadEvent::Skipped(Skip { origin: at, reason: io_reason(&e) }));
                    return;
                }
            }
            let line = trim_ascii(&buf);
            if line.is_empty() {
                continue;
            }
            saw_content = true;
            if line_no == 1 && line.first() == Some(&b'[') {
                // A JSON array: small by nature of `.json` exports; bounded by
                // the record limit above because it was read as one line.
                read_json_array(line, &at, sink);
                continue;
            }
            if looks_binary(line) {
                sink(ReadEvent::Skipped(Skip { origin: at, reason: SkipReason::Binary }));
                continue;
            }
            match serde_json::from_slice::<Value>(line) {
                Ok(v) => record_to_events(v, at, sink),
                Err(e) => {
                    let reason = if std::str::from_utf8(line).is_err() {
                        SkipReason::Undecodable
                    } else {
                        SkipReason::InvalidJson(e.to_string())
                    };
                    sink(ReadEvent::Skipped(Skip { origin: at, reason }));
                }
            }
        }
        if !saw_content {
            sink(ReadEvent::Skipped(Skip { origin: origin.clone(), reason: SkipReason::EmptyFile }));
        }
    }
}

fn read_json_array(line: &[u8], at: &Origin, sink: &mut dyn FnMut(ReadEvent)) {
    match serde_json::from_slice::<Vec<Value>>(line) {
        Ok(items) => {
            for (i, v) in items.into_iter().enumerate() {
                let item_origin = Origin { path: format!("{}[{}]", at.path, i), line: at.line };
                record_to_events(v, item_origin, sink);
            }
        }
        Err(e) => sink(ReadEvent::Skipped(Skip { origin: at.clone(), reason: SkipReason::InvalidJson(e.to_string()) })),
    }
}

fn trim_ascii(mut b: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = b {
        if first.is_ascii_whitespace() {
            b = rest
        } else {
            break;
        }
    }
    while let [rest @ .., last] = b {
        if last.is_ascii_whitespace() {
            b = rest
        } else {
            break;
        }
    }
    b
}

fn string_field(obj: &serde_json::Map<String, Value>, key: &str) -> Option<String> {
    obj.get(key).and_then(Value::as_str).map(str::to_string).filter(|s| !s.trim().is_empty())
}

/// One JSON object to an article (with a notice when its `date` cannot be
/// read, so a wrong date format is not silently ignored), or the reason it
/// is not one.
fn record_to_events(value: Value, at: Origin, sink: &mut dyn FnMut(ReadEvent)) {
    let unread_date = match &value {
        Value::Object(obj) => match obj.get("date") {
            None | Some(Value::Null) => None,
            Some(Value::String(d)) if d.trim().is_empty() || storyline_core::parse_input_date(d).is_some() => None,
            Some(other) => Some(other.to_string()),
        },
        _ => None,
    };
    let mut notices = Vec::new();
    let event = record_to_event(value, at.clone(), &mut notices);
    for notice in notices {
        sink(ReadEvent::Notice(notice));
    }
    if let (ReadEvent::Article(_), Some(date)) = (&event, unread_date) {
        let message = format!(
            "date {date} not understood (YYYY-MM-DD, RFC 3339, RFC 2822 or \"Month D, YYYY\" expected); \
             the publication date is looked for in the text instead"
        );
        sink(ReadEvent::Notice(Notice { origin: at, message }));
    }
    sink(event);
}

fn record_to_event(value: Value, at: Origin, notices: &mut Vec<Notice>) -> ReadEvent {
    let skip = |reason| ReadEvent::Skipped(Skip { origin: at.clone(), reason });
    let Value::Object(obj) = value else { return skip(SkipReason::NotAnObject) };
    let Some(id) = string_field(&obj, "id") else { return skip(SkipReason::MissingId) };
    if let Some(reason) = crate::report::check_id_len(&id) {
        return skip(reason);
    }
    let url = string_field(&obj, "url").map(|u| normalize_url(&u));
    let mut raw = match (string_field(&obj, "text"), string_field(&obj, "html")) {
        (Some(text), _) => {
            RawArticle { id, text, format: TextFormat::Scraped, origin: at.clone(), ..Default::default() }
        }
        (None, Some(page)) => match html_to_raw(&page, &id, url.as_deref(), &at) {
            Ok((raw, notes)) => {
                notices.extend(notes.into_iter().map(|message| Notice { origin: at.clone(), message }));
                raw
            }
            Err(reason) => return skip(reason),
        },
        (None, None) => return skip(SkipReason::MissingText),
    };
    // Fields given in the record win over what was found in the page (and
    // lose the page's source: an unsourced field came from the input).
    if let Some(title) = string_field(&obj, "title") {
        raw.title = Some(title);
        raw.sources.remove("title");
    }
    if let Some(date) = string_field(&obj, "date") {
        raw.date = Some(date);
        raw.sources.remove("published");
    }
    if url.is_some() {
        raw.url = url;
    }
    if let Some(source) = string_field(&obj, "source") {
        raw.source = Some(source);
        raw.sources.remove("outlet");
    }
    if let Some(language) = string_field(&obj, "language") {
        raw.language = Some(language);
    }
    ReadEvent::Article(raw)
}
