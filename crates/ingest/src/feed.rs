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
        // Each entry goes to the sink as it is converted and is freed then:
        // no second list of every item beside the parsed feed.
        let parsed = parse_feed_each(&bytes, origin, id, None, &mut |item| match item.article {
            Ok(a) => sink(ReadEvent::Article(a)),
            Err(reason) => sink(ReadEvent::Skipped(Skip { origin: item.origin, reason })),
        });
        if let Err(reason) = parsed {
            sink(ReadEvent::Skipped(Skip { origin: origin.clone(), reason }));
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
    let mut items = Vec::new();
    let title = parse_feed_each(bytes, origin, id_prefix, feed_url, &mut |item| items.push(item))?;
    Ok(ParsedFeed { title, items })
}

/// Feeds at least this large are parsed in pieces of [`ENTRIES_PER_PIECE`]
/// entries when their entries can be found by a plain scan.
const PIECEWISE_FROM_BYTES: usize = 1 << 20;
/// Entries per piece of a large feed.
const ENTRIES_PER_PIECE: usize = 1000;

/// Parses a feed and hands each entry's item to `each`, in feed order,
/// dropping the entry once converted; returns the feed's title.
///
/// feed-rs builds every entry before returning (about 1.5 KB each beside
/// its text, in a vector that doubles as it grows): a 100,000-item feed
/// took 10 times its size just to be parsed (issue 21). A large feed whose
/// entries are plain sibling `<item>` or `<entry>` elements is therefore
/// parsed as pieces (the document's head, some of its entries, its tail),
/// one after another; the items are the same as from the whole document.
fn parse_feed_each(
    bytes: &[u8],
    origin: &Origin,
    id_prefix: &str,
    feed_url: Option<&str>,
    each: &mut dyn FnMut(FeedItem),
) -> Result<Option<String>, SkipReason> {
    let spans = if bytes.len() >= PIECEWISE_FROM_BYTES { entry_spans(bytes) } else { None };
    let Some(spans) = spans.filter(|s| s.len() > ENTRIES_PER_PIECE) else {
        return parse_piece(bytes, origin, id_prefix, feed_url, 0, each);
    };
    let (head, tail) = (&bytes[..spans[0].0], &bytes[spans[spans.len() - 1].1..]);
    let mut title = None;
    for (n, group) in spans.chunks(ENTRIES_PER_PIECE).enumerate() {
        let body = &bytes[group[0].0..group[group.len() - 1].1];
        let piece = [head, body, tail].concat();
        let t = parse_piece(&piece, origin, id_prefix, feed_url, n * ENTRIES_PER_PIECE, each)?;
        if n == 0 {
            title = t;
        }
    }
    Ok(title)
}

/// One document (a whole feed or a piece of one); entries are numbered
/// from `first + 1`.
fn parse_piece(
    bytes: &[u8],
    origin: &Origin,
    id_prefix: &str,
    feed_url: Option<&str>,
    first: usize,
    each: &mut dyn FnMut(FeedItem),
) -> Result<Option<String>, SkipReason> {
    let parser = feed_rs::parser::Builder::new().base_uri(feed_url).build();
    // feed-rs is not expected to panic, but garbage must not end a run.
    let parsed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| parser.parse(bytes)))
        .map_err(|_| SkipReason::NotAFeed("the feed parser failed".into()))?;
    let mut feed: Feed = parsed.map_err(|e| SkipReason::NotAFeed(e.to_string()))?;
    let title = feed.title.as_ref().map(text_of).filter(|t| !t.is_empty());
    let language = feed.language.clone();
    for (i, entry) in std::mem::take(&mut feed.entries).into_iter().enumerate() {
        let origin = Origin { path: format!("{} entry {}", origin.path, first + i + 1), line: None };
        let link = entry_link(&entry, feed_url);
        let article = entry_article(&entry, link.as_deref(), title.as_deref(), language.as_deref(), id_prefix, &origin);
        drop(entry);
        each(FeedItem { origin, link, article });
    }
    Ok(title)
}

/// The byte spans of a feed's `<item>` (RSS) or `<entry>` (Atom) elements,
/// when a plain scan finds them: not nested, each closed, comments and
/// CDATA sections skipped. `None` when unsure: the feed is then parsed whole.
fn entry_spans(bytes: &[u8]) -> Option<Vec<(usize, usize)>> {
    let find = |from: usize, needle: &[u8]| {
        bytes.get(from..).and_then(|rest| rest.windows(needle.len()).position(|w| w == needle)).map(|p| p + from)
    };
    let is_tag = |at: usize, name: &[u8]| {
        bytes[at..].starts_with(name)
            && matches!(bytes.get(at + name.len()), Some(b'>' | b' ' | b'\t' | b'\r' | b'\n' | b'/'))
    };
    let name: &[u8] = if find(0, b"<item").is_some() { b"<item" } else { b"<entry" };
    let close: &[u8] = if name == b"<item" { b"</item>" } else { b"</entry>" };
    let mut spans = Vec::new();
    let mut open: Option<usize> = None;
    let mut i = 0;
    while let Some(lt) = bytes.get(i..).and_then(|rest| rest.iter().position(|&b| b == b'<')).map(|p| p + i) {
        if bytes[lt..].starts_with(b"<!--") {
            i = find(lt, b"-->")? + 3;
        } else if bytes[lt..].starts_with(b"<![CDATA[") {
            i = find(lt, b"]]>")? + 3;
        } else if bytes[lt..].starts_with(close) {
            spans.push((open.take()?, lt + close.len()));
            i = lt + close.len();
        } else if is_tag(lt, name) {
            if open.is_some() {
                return None;
            }
            // `<item/>`: an empty element is its own span.
            let end = find(lt, b">")?;
            if bytes[end - 1] == b'/' {
                spans.push((lt, end + 1));
            } else {
                open = Some(lt);
            }
            i = end + 1;
        } else {
            i = lt + 1;
        }
    }
    (open.is_none() && !spans.is_empty()).then_some(spans)
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

    /// A large feed parsed in pieces gives the items the whole document
    /// gives, in order and numbered alike, with the feed's title on each.
    #[test]
    fn a_large_feed_read_in_pieces_gives_the_same_items() {
        let mut doc = String::from(
            "<?xml version=\"1.0\"?>\n<!-- a <item> in a comment -->\n<rss version=\"2.0\"><channel><title>Big Feed</title>\n",
        );
        let mut n = 0;
        while doc.len() < PIECEWISE_FROM_BYTES + 1000 {
            doc.push_str(&format!(
                "<item><title>Item {n}</title><link>https://big.example/{n}</link>\
                 <description><![CDATA[<p>Text {n} with an </item> inside CDATA.</p>]]></description></item>\n"
            ));
            n += 1;
        }
        doc.push_str("<item/>\n</channel></rss>\n");
        let spans = entry_spans(doc.as_bytes()).expect("plain items");
        assert_eq!(spans.len(), n + 1);
        let origin = Origin { path: "big.rss".into(), line: None };
        let mut pieces = Vec::new();
        let title = parse_feed_each(doc.as_bytes(), &origin, "b", None, &mut |i| pieces.push(i)).unwrap();
        let whole = parse_piece(doc.as_bytes(), &origin, "b", None, 0, &mut |_| {}).unwrap();
        assert_eq!(title.as_deref(), Some("Big Feed"));
        assert_eq!(whole, title);
        let mut expected = Vec::new();
        parse_piece(doc.as_bytes(), &origin, "b", None, 0, &mut |i| expected.push(i)).unwrap();
        assert_eq!(pieces.len(), expected.len());
        assert_eq!(format!("{pieces:?}"), format!("{expected:?}"));
        assert_eq!(pieces[n - 1].origin.path, format!("big.rss entry {n}"));
        assert!(n > ENTRIES_PER_PIECE, "more than one piece");
    }

    #[test]
    fn entries_that_a_plain_scan_cannot_place_mean_a_whole_parse() {
        assert_eq!(entry_spans(b"<rss><item><item></item></item></rss>"), None, "nested");
        assert_eq!(entry_spans(b"<rss><item><title>x</title></rss>"), None, "unclosed");
        assert_eq!(entry_spans(b"<rss><item><!-- never closed </item></rss>"), None);
        assert_eq!(entry_spans(b"<rss><items></items></rss>"), None, "not an item");
        assert_eq!(entry_spans(b"<feed><entry>a</entry><entry>b</entry></feed>"), Some(vec![(6, 22), (22, 38)]));
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
