//! # storyline-ingest
//!
//! Readers that turn files, directories, JSONL, HTML, WARC, feeds, gzip and standard input
//! into [`RawArticle`]s for the pipeline. Every record that cannot be read is
//! reported as a typed [`Skip`] with its file and line, never dropped
//! silently; memory stays bounded whatever the input size.
//!
//! ## Data flow
//!
//! ```text
//! paths --walk (sorted, recursive)--> files --by extension--> FormatReader
//!   .txt  -> PlainTextReader   (whole text, charset sniffed)
//!   .html -> HtmlReader        (main text and metadata)
//!   .jsonl/.json -> JsonlReader (one article per line, bounded lines)
//!   .warc -> WarcReader        (HTML response records; one gzip member per record in .warc.gz)
//!   .rss/.atom/.xml -> FeedReader (one article per entry, through feed-rs)
//!   *.gz  -> the same, through a bounded gzip decoder
//!   "-"   -> JSONL on standard input
//! ```
//!
//! ## Example
//!
//! ```no_run
//! use storyline_ingest::{read_inputs, ReadEvent, ReaderConfig};
//!
//! let mut articles = Vec::new();
//! read_inputs(&["../shared/seeds".into()], &ReaderConfig::default(), &mut |event| match event {
//!     ReadEvent::Article(a) => articles.push(a),
//!     ReadEvent::Skipped(skip) => eprintln!("skipped {skip}"),
//!     ReadEvent::Notice(note) => eprintln!("note: {note}"),
//! });
//! ```

#![deny(missing_docs)]

mod config;
mod dates;
mod decode;
mod feed;
mod formats;
mod lines;
mod nesting;
mod noscript;
mod page_nodes;
mod region;
mod report;
mod streamed;
mod walk;
mod warc;

pub mod fetch;
pub mod html;

pub use config::{Format, ReaderConfig};
pub use decode::decode_text;
pub use feed::{feed_to_articles, read_feed_list, FeedItem, FeedReader, ParsedFeed};
pub use formats::{html_page_to_article, id_from_file_name, id_from_url, FormatReader};
pub use report::{Notice, ReadEvent, Skip, SkipReason, MAX_ID_BYTES};
pub use walk::read_inputs;
pub use warc::{is_html, WarcReader};
