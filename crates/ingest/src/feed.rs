//! Feeds: RSS 0.9x/1.0/2.0, Atom and JSON Feed (through feed-rs), one
//! article per entry, and the feed lists `storyline watch` reads (plain
//! lists of URLs or OPML).
//!
//! An entry becomes a [`RawArticle`] with its title, link (normalised; it
//! gives the id, see [`id_from_url`]), publication date (else its update
//! date), authors, the feed's title as outlet, and its content (else its
//! summary) as plain text. An entry with neither is reported, not dropped.

use std::sync::OnceLock;

use feed_rs::model::{Entry, Feed, Text};
use storyline_core::url::normalize_url;
use storyline_core::{Origin, RawArticle, TextFormat};

use crate::config::ReaderConfig;
use crate::formats::{id_from_url, read_whole, FormatReader};
use crate::html::html_fragment_to_text;
use crate::report::{ReadEvent, Skip, SkipReason};

/// `.rss`, `.atom`, `.xml`, `.rdf` files, or any file with `--format feed`.
pub struct FeedReader;

impl FormatReader for FeedReader {
    fn read(
        &self,
        input: &mut dyn std::io::BufRead,
        origin: &Origin,
        id: &str,
        cfg: &ReaderConfig,
        sink: &mut dyn FnMut(ReadEvent),
    ) {
        let Some(bytes) = read_whole(input, origin, cfg, sink) else { return };
        match parse_feed(&bytes, origin, id, None) {
            Ok(feed) => {
                for item in feed.items {
                    match item.article {
                        Ok(a) => sink(ReadEvent::Article(a)),
                        Err(reason) => sink(ReadEvent::Skipped(Skip { origin: item.origin, reason })),
                    }
                }
            }
            Err(reason) => sink(ReadEvent::Skipped(Skip { origin: origin.clone(), reason })),
        }
    }
}

/// A parsed feed: its title and one item per entry, in feed order.
#[derive(Debug)]
pub struct ParsedFeed {
    /// The feed's own title, when it has one.
    pub title: Option<String>,
    /// One item per entry, in feed order.
    pub items: Vec<FeedItem>,
}

/// One entry: its normalised link (absolute when the feed's URL is known),
/// and the article made of the entry alone, or why there is none.
#[derive(Debug)]
pub struct FeedItem {
    /// Where the entry was read: the feed, and the entry within it.
    pub origin: Origin,
    /// The entry's link, normalised.
    pub link: Option<String>,
    /// The article made of the entry, or why the entry gave none.
    pub article: Result<RawArticle, SkipReason>,
}

/// The articles of a feed document, for callers that hold the bytes
/// (`storyline watch`). `id_prefix` names entries that have no link;
/// `feed_url` resolves relative links.
pub fn feed_to_articles(
    bytes: &[u8],
    origin: &Origin,
    id_prefix: &str,
    feed_url: Option<&str>,
) -> Result<ParsedFeed, SkipReason> {
    parse_feed(bytes, origin, id_prefix, feed_url)
}

fn parse_feed(
    bytes: &[u8],
    origin: &Origin,
    id_prefix: &str,
    feed_url: Option<&str>,
) -> Result<ParsedFeed, SkipReason> {
    let parser = feed_rs::parser::Builder::new().base_uri(feed_url).build();
    // feed-rs is not expected to panic, but garbage must not end a run.
    let parsed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| parser.parse(bytes)))
        .map_err(|_| SkipReason::NotAFeed("the feed parser failed".into()))?;
    let feed: Feed = parsed.map_err(|e| SkipReason::NotAFeed(e.to_string()))?;
    let title = feed.title.as_ref().map(text_of).filter(|t| !t.is_empty());
    let language = feed.language.clone();
    let items = feed
        .entries
        .iter()
        .enumerate()
        .map(|(i, entry)| {
            let origin = Origin { path: format!("{} entry {}", origin.path, i + 1), line: None };
            let link = entry_link(entry, feed_url);
            let article =
                entry_article(entry, link.as_deref(), title.as_deref(), language.as_deref(), id_prefix, &origin);
            FeedItem { origin, link, article }
        })
        .collect();
    Ok(ParsedFeed { title, items })
}

/// The entry's page: its `alternate` link, else its first link; an Atom or
/// RSS `guid` that is a URL when there is no link at all.
fn entry_link(entry: &Entry, base: Option<&str>) -> Option<String> {
    let href = entry
        .links
        .iter()
        .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
        .or_else(|| entry.links.first())
        .map(|l| l.href.trim().to_string())
        .or_else(|| {
            Some(entry.id.trim().to_string()).filter(|id| id.starts_with("http://") || id.starts_with("https://"))
        })?;
    if href.is_empty() {
        return None;
    }
    let absolute = match base.and_then(|b| url::Url::parse(b).ok()) {
        Some(b) => b.join(&href).map(|u| u.to_string()).unwrap_or(href),
        None => href,
    };
    Some(normalize_url(&absolute))
}

fn entry_article(
    entry: &Entry,
    link: Option<&str>,
    feed_title: Option<&str>,
    language: Option<&str>,
    id_prefix: &str,
    origin: &Origin,
) -> Result<RawArticle, SkipReason> {
    let content = entry.content.as_ref().and_then(|c| c.body.as_deref()).map(fragment_text).filter(|t| !t.is_empty());
    let summary = entry.summary.as_ref().map(text_of).filter(|t| !t.is_empty());
    let text = content.or(summary).ok_or(SkipReason::MissingText)?;
    let id = match link {
        Some(l) => id_from_url(l),
        None => format!("{id_prefix}-{:016x}", xxhash_rust::xxh3::xxh3_64(entry.id.as_bytes())),
    };
    Ok(RawArticle {
        id,
        title: entry.title.as_ref().map(text_of).filter(|t| !t.is_empty()),
        text,
        // Title, date and authors come from the feed, not from the text.
        format: TextFormat::ExtractedHtml,
        date: entry.published.or(entry.updated).map(|d| d.to_rfc3339()),
        url: link.map(str::to_string),
        source: feed_title.map(str::to_string),
        language: entry
            .language
            .as_deref()
            .or(language)
            .map(|l| l.split(['-', '_']).next().unwrap_or(l).to_ascii_lowercase()),
        authors: entry.authors.iter().filter_map(|p| p.name.clone()).filter(|n| !n.trim().is_empty()).collect(),
        origin: origin.clone(),
        ..Default::default()
    })
}

/// Plain text of a feed `Text`, whatever its type (markup is stripped).
fn text_of(t: &Text) -> String {
    fragment_text(&t.content)
}

fn fragment_text(s: &str) -> String {
    if s.contains('<') || s.contains('&') {
        html_fragment_to_text(s)
    } else {
        s.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

/// The feed URLs of a `storyline watch` list: an OPML document (every
/// `xmlUrl` attribute), else one URL per line with `#` comments and blank
/// lines ignored.
pub fn read_feed_list(text: &str) -> Vec<String> {
    static XML_URL: OnceLock<regex::Regex> = OnceLock::new();
    if text.contains("<opml") || text.contains("<outline") {
        let re = XML_URL
            .get_or_init(|| regex::Regex::new(r#"(?i)\bxmlUrl\s*=\s*(?:"([^"]*)"|'([^']*)')"#).expect("static regex"));
        return re
            .captures_iter(text)
            .filter_map(|c| c.get(1).or_else(|| c.get(2)))
            .map(|m| m.as_str().replace("&amp;", "&").trim().to_string())
            .filter(|u| !u.is_empty())
            .collect();
    }
    text.lines()
        .map(|l| l.split_once(" #").map_or(l, |(before, _)| before).trim())
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(doc: &str) -> ParsedFeed {
        parse_feed(
            doc.as_bytes(),
            &Origin { path: "f.xml".into(), line: None },
            "f",
            Some("https://news.example.com/feed.xml"),
        )
        .unwrap()
    }

    #[test]
    fn rss2_entries_become_articles() {
        let feed = parse(
            r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Example News</title><link>https://news.example.com/</link>
            <item><title>Treaty signed</title><link>/2025/treaty?utm_source=rss</link><pubDate>Mon, 27 Oct 2025 08:00:00 GMT</pubDate>
            <description>&lt;p&gt;The two governments &lt;b&gt;signed&lt;/b&gt; the treaty.&lt;/p&gt;</description><author>desk@example.com (Jane Roe)</author></item>
            <item><title>No text</title><link>https://news.example.com/empty</link></item>
            </channel></rss>"#,
        );
        assert_eq!(feed.title.as_deref(), Some("Example News"));
        assert_eq!(feed.items.len(), 2);
        let a = feed.items[0].article.as_ref().unwrap();
        assert_eq!(feed.items[0].link.as_deref(), Some("https://news.example.com/2025/treaty"));
        assert_eq!(a.url.as_deref(), Some("https://news.example.com/2025/treaty"));
        assert_eq!(a.id, id_from_url("https://news.example.com/2025/treaty"));
        assert_eq!(a.title.as_deref(), Some("Treaty signed"));
        assert_eq!(a.text, "The two governments signed the treaty.");
        assert_eq!(a.source.as_deref(), Some("Example News"));
        assert!(a.date.as_deref().unwrap().starts_with("2025-10-27"));
        assert_eq!(feed.items[1].article, Err(SkipReason::MissingText));
        assert_eq!(feed.items[1].origin.path, "f.xml entry 2");
    }

    #[test]
    fn atom_and_json_feed() {
        let feed = parse(
            r#"<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom News</title><id>urn:x</id><updated>2025-10-27T00:00:00Z</updated>
            <entry><title>Talks</title><id>urn:e1</id><link href="https://atom.example.com/talks"/><updated>2025-10-28T00:00:00Z</updated>
            <content type="html">&lt;p&gt;Talks resumed.&lt;/p&gt;</content></entry></feed>"#,
        );
        let a = feed.items[0].article.as_ref().unwrap();
        assert_eq!((a.text.as_str(), a.source.as_deref()), ("Talks resumed.", Some("Atom News")));
        let feed = parse(
            r#"{"version":"https://jsonfeed.org/version/1.1","title":"JSON News","items":[{"id":"1","url":"https://j.example.com/1","title":"One","content_text":"Plain words.","date_published":"2025-10-29T10:00:00Z"}]}"#,
        );
        let a = feed.items[0].article.as_ref().unwrap();
        assert_eq!((a.text.as_str(), a.url.as_deref()), ("Plain words.", Some("https://j.example.com/1")));
    }

    #[test]
    fn garbage_is_not_a_feed() {
        for doc in ["", "hello", "<html><body>x</body></html>", "{\"a\":1}", "<rss><channel><item>"] {
            let r = parse_feed(doc.as_bytes(), &Origin::default(), "x", None);
            if let Ok(f) = r {
                assert!(f.items.iter().all(|i| i.article.is_err() || !i.article.as_ref().unwrap().text.is_empty()));
            }
        }
    }

    #[test]
    fn feed_lists_plain_and_opml() {
        assert_eq!(
            read_feed_list("# my feeds\nhttps://a.example/rss\n\n  https://b.example/atom  # news\n"),
            vec!["https://a.example/rss", "https://b.example/atom"]
        );
        let opml = r#"<?xml version="1.0"?><opml version="2.0"><body><outline text="News">
            <outline type="rss" text="A" xmlUrl="https://a.example/rss?x=1&amp;y=2"/><outline text="B" xmlUrl='https://b.example/feed'/></outline></body></opml>"#;
        assert_eq!(read_feed_list(opml), vec!["https://a.example/rss?x=1&y=2", "https://b.example/feed"]);
    }
}
