//! Walks input paths in a stable order and hands each file to the reader of
//! its format.

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use storyline_core::Origin;

use crate::config::{Format, ReaderConfig};
use crate::feed::feed_to_articles;
use crate::feed::FeedReader;
use crate::fetch::{FetchConfig, Fetcher};
use crate::formats::{
    html_page_to_article, id_from_file_name, id_from_url, io_reason, FormatReader, HtmlReader, JsonlReader,
    PlainTextReader,
};
use crate::report::{ReadEvent, Skip, SkipReason};
use crate::warc::{is_html, WarcReader};

impl Format {
    /// The reader of this format. Defined here, where inputs are dispatched,
    /// so the readers need not import one another.
    pub fn reader(self) -> &'static dyn FormatReader {
        match self {
            Format::PlainText => &PlainTextReader,
            Format::Html => &HtmlReader,
            Format::Jsonl => &JsonlReader,
            Format::Warc => &WarcReader,
            Format::Feed => &FeedReader,
        }
    }
}

/// Reads every article under `paths` (files, directories read recursively in
/// sorted path order, or `-` for JSONL on standard input), calling `sink` for
/// each article, skip and notice in input order.
pub fn read_inputs(paths: &[PathBuf], cfg: &ReaderConfig, sink: &mut dyn FnMut(ReadEvent)) {
    let mut seen = Seen::default();
    for path in paths {
        if path.as_os_str() == "-" {
            let stdin = std::io::stdin();
            let mut lock = stdin.lock();
            let origin = Origin { path: "<stdin>".into(), line: None };
            cfg.format.unwrap_or(Format::Jsonl).reader().read(&mut lock, &origin, "stdin", cfg, sink);
            continue;
        }
        let text = path.to_string_lossy();
        if text.starts_with("http://") || text.starts_with("https://") {
            read_url(&text, cfg, sink);
            continue;
        }
        let mut files = Vec::new();
        collect_files(path, cfg, &mut seen, &mut files, sink);
        for file in files {
            read_file(&file, cfg, sink);
        }
    }
}

fn is_hidden(path: &Path) -> bool {
    path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with('.'))
}

/// The directories and files a walk has reached, by device and inode, so
/// that symbolic links (`ln -s . self`, `ln -s .. up`) neither loop nor
/// read a file twice.
#[derive(Default)]
struct Seen {
    dirs: HashSet<FileKey>,
    files: HashSet<FileKey>,
}

#[cfg(unix)]
type FileKey = (u64, u64);
#[cfg(not(unix))]
type FileKey = PathBuf;

#[cfg(unix)]
fn file_key(_path: &Path, meta: &std::fs::Metadata) -> Option<FileKey> {
    use std::os::unix::fs::MetadataExt;
    Some((meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn file_key(path: &Path, _meta: &std::fs::Metadata) -> Option<FileKey> {
    std::fs::canonicalize(path).ok()
}

/// What a non-regular file is, for its skip line.
fn file_kind(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_block_device() || t.is_char_device() {
            return "a device";
        }
    }
    let _ = meta;
    "a special file"
}

/// Files under `path` in sorted order (recursive for directories). Inside
/// a directory only regular files are read: a FIFO or device there would
/// block the run or never end, so it is skipped with its kind. A path named
/// by the user is read whatever it is (`<(zcat a.jsonl.gz)` is a pipe).
fn collect_files(
    path: &Path,
    cfg: &ReaderConfig,
    seen: &mut Seen,
    out: &mut Vec<PathBuf>,
    sink: &mut dyn FnMut(ReadEvent),
) {
    walk(path, cfg, seen, out, sink, true)
}

fn walk(
    path: &Path,
    cfg: &ReaderConfig,
    seen: &mut Seen,
    out: &mut Vec<PathBuf>,
    sink: &mut dyn FnMut(ReadEvent),
    named: bool,
) {
    let origin = || Origin { path: path.display().to_string(), line: None };
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => return sink(ReadEvent::Skipped(Skip { origin: origin(), reason: SkipReason::Io(e.to_string()) })),
    };
    let key = file_key(path, &meta);
    if !meta.is_dir() {
        if !named && !meta.is_file() {
            let reason = SkipReason::NotRegularFile(file_kind(&meta).into());
            return sink(ReadEvent::Skipped(Skip { origin: origin(), reason }));
        }
        // The same file reached again through a link is read once.
        if key.is_none_or(|k| seen.files.insert(k)) {
            out.push(path.to_path_buf());
        }
        return;
    }
    if key.is_some_and(|k| !seen.dirs.insert(k)) {
        return;
    }
    let entries = match std::fs::read_dir(path) {
        Ok(rd) => rd,
        Err(e) => return sink(ReadEvent::Skipped(Skip { origin: origin(), reason: SkipReason::Io(e.to_string()) })),
    };
    let mut children: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    children.sort();
    for child in children {
        if !cfg.include_hidden && is_hidden(&child) {
            continue;
        }
        walk(&child, cfg, seen, out, sink, false);
    }
}

fn read_file(path: &Path, cfg: &ReaderConfig, sink: &mut dyn FnMut(ReadEvent)) {
    let origin = Origin { path: path.display().to_string(), line: None };
    let (format, gz) = match (cfg.format, Format::from_path(path)) {
        (Some(forced), _) => (forced, path.to_string_lossy().to_ascii_lowercase().ends_with(".gz")),
        (None, Ok(f)) => f,
        (None, Err(ext)) => {
            return sink(ReadEvent::Skipped(Skip { origin, reason: SkipReason::UnsupportedFormat(ext) }));
        }
    };
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) => return sink(ReadEvent::Skipped(Skip { origin, reason: SkipReason::Io(e.to_string()) })),
    };
    let id = id_from_file_name(path);
    let mut reader: Box<dyn BufRead> = if gz {
        let mut buffered = BufReader::new(file);
        // Check the magic bytes up front: a clear "not gzip" beats a decoder
        // error halfway through.
        match buffered.fill_buf() {
            Ok(head) if head.len() >= 2 && head[0] == 0x1f && head[1] == 0x8b => {}
            Ok([]) => {
                return sink(ReadEvent::Skipped(Skip { origin, reason: SkipReason::EmptyFile }));
            }
            Ok(_) => {
                return sink(ReadEvent::Skipped(Skip {
                    origin,
                    reason: SkipReason::NotGzip("missing gzip magic bytes".into()),
                }));
            }
            Err(e) => return sink(ReadEvent::Skipped(Skip { origin, reason: io_reason(&e) })),
        }
        Box::new(BufReader::new(flate2::bufread::MultiGzDecoder::new(buffered)))
    } else {
        Box::new(BufReader::new(file))
    };
    // A JSON Feed is a `.json` file too: its version URL near the top says so.
    let format = match (format, cfg.format) {
        (Format::Jsonl, None) if reader.fill_buf().is_ok_and(is_json_feed) => Format::Feed,
        (f, _) => f,
    };
    format.reader().read(&mut reader, &origin, &id, cfg, sink);
}

fn is_json_feed(head: &[u8]) -> bool {
    const SNIFF_BYTES: usize = 1024;
    let head = &head[..head.len().min(SNIFF_BYTES)];
    head.trim_ascii_start().starts_with(b"{") && head.windows(20).any(|w| w == b"jsonfeed.org/version")
}

/// An `http(s)://` input: a feed (one article per entry) or an HTML page,
/// by `--format`, else by the response's Content-Type.
fn read_url(url: &str, cfg: &ReaderConfig, sink: &mut dyn FnMut(ReadEvent)) {
    let origin = Origin { path: url.to_string(), line: None };
    let fetch_cfg =
        FetchConfig { max_bytes: cfg.max_file_bytes, allow_private: cfg.allow_private, ..FetchConfig::default() };
    let resp = match Fetcher::new(fetch_cfg).get(url, None) {
        Ok(r) => r,
        Err(e) => return sink(ReadEvent::Skipped(Skip { origin, reason: SkipReason::Io(e.to_string()) })),
    };
    let ct = resp.content_type.as_deref();
    let format = cfg.format.unwrap_or(if is_html(ct, &resp.body) { Format::Html } else { Format::Feed });
    match format {
        Format::Html => match html_page_to_article(&resp.body, ct, &resp.url, &origin) {
            Ok(mut a) => {
                a.source = a.source.or_else(|| storyline_core::url::outlet_from_url(&resp.url));
                sink(ReadEvent::Article(a))
            }
            Err(reason) => sink(ReadEvent::Skipped(Skip { origin, reason })),
        },
        Format::Feed => match feed_to_articles(&resp.body, &origin, &id_from_url(url), Some(&resp.url)) {
            Ok(feed) => {
                for item in feed.items {
                    match item.article {
                        Ok(a) => sink(ReadEvent::Article(a)),
                        Err(reason) => sink(ReadEvent::Skipped(Skip { origin: item.origin, reason })),
                    }
                }
            }
            Err(reason) => sink(ReadEvent::Skipped(Skip { origin, reason })),
        },
        other => other.reader().read(&mut std::io::Cursor::new(resp.body), &origin, &id_from_url(url), cfg, sink),
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn read_all(paths: &[PathBuf]) -> (Vec<String>, Vec<Skip>) {
        let (mut ids, mut skips) = (Vec::new(), Vec::new());
        read_inputs(paths, &ReaderConfig::default(), &mut |e| match e {
            ReadEvent::Article(a) => ids.push(a.id),
            ReadEvent::Skipped(s) => skips.push(s),
            ReadEvent::Notice(_) => {}
        });
        (ids, skips)
    }

    /// Issue 21: `ln -s . d/self; ln -s .. d/sub/up` made the walk endless;
    /// each directory is now followed once and each file read once.
    #[test]
    fn symlink_loops_finish_and_read_each_file_once() {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path().join("d");
        std::fs::create_dir_all(d.join("sub")).unwrap();
        std::fs::write(d.join("a.txt"), "The council met on Monday and voted.").unwrap();
        std::fs::write(d.join("sub/b.txt"), "The ferry resumed service on Tuesday.").unwrap();
        std::os::unix::fs::symlink(".", d.join("self")).unwrap();
        std::os::unix::fs::symlink("..", d.join("sub/up")).unwrap();
        // A second name for a file is the same file.
        std::os::unix::fs::symlink("a.txt", d.join("same.txt")).unwrap();
        let (ids, skips) = read_all(std::slice::from_ref(&d));
        assert_eq!(ids, ["a", "b"], "{skips:?}");
        assert!(skips.is_empty(), "{skips:?}");
        // Starting below the loop: `up` leads to d, which holds sub again.
        let (ids, _) = read_all(&[d.join("sub")]);
        assert_eq!(ids, ["b", "a"]);
    }

    /// Issue 21: a FIFO in an input directory hung the run on open.
    #[test]
    fn fifo_in_a_directory_is_skipped_with_its_kind() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("a.txt"), "The council met on Monday and voted.").unwrap();
        let fifo = tmp.path().join("pipe.txt");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            eprintln!("skipping: mkfifo is not available");
            return;
        }
        let (ids, skips) = read_all(&[tmp.path().to_path_buf()]);
        assert_eq!(ids, ["a"]);
        assert_eq!(skips.len(), 1, "{skips:?}");
        assert!(skips[0].origin.path.ends_with("pipe.txt"));
        assert_eq!(skips[0].reason, SkipReason::NotRegularFile("a FIFO (named pipe)".into()));
        assert!(skips[0].to_string().contains("FIFO"), "{}", skips[0]);
    }
}
