//! HTML pages: charset decoding, main-text extraction and article metadata.
//!
//! Main text comes from dom_smoothie (a Readability.js port). Readability keeps
//! some things a news reader does not want (captions, bylines, share widgets,
//! "Read more" links, related-article lists) and sometimes drops lead text, so
//! the page is pruned before scoring and the extracted HTML is turned into
//! plain paragraphs by a small serializer that skips those parts.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::Path;
use std::sync::OnceLock;

use chrono::NaiveDate;
use dom_query::{local_name, Element};
use dom_smoothie::{Config, Readability};
use encoding_rs::{Encoding, UTF_8};
use regex::{Regex, RegexBuilder};
use serde_json::Value;

use crate::dates;
use crate::page_nodes::PageNodes;

/// The main text and metadata of one HTML page.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct HtmlArticle {
    /// The headline, from the page's metadata or its `<title>`.
    pub title: Option<String>,
    /// Plain text, paragraphs separated by "\n\n".
    pub text: String,
    /// YYYY-MM-DD
    pub published: Option<String>,
    /// YYYY-MM-DD
    pub modified: Option<String>,
    /// Bylines, in page order.
    pub authors: Vec<String>,
    /// The publication's name (`og:site_name`, JSON-LD publisher).
    pub site_name: Option<String>,
    /// Primary language subtag from the page (`en`, `de`, ...), lowercase.
    pub language: Option<String>,
    /// The page's canonical URL (`<link rel="canonical">`, `og:url`).
    pub canonical_url: Option<String>,
    /// The page's own summary (`description`, `og:description`).
    pub description: Option<String>,
    /// What extraction changed that a user should know (a page nested
    /// deeper than [`MAX_NESTING`] flattened).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Where each field was read from (`published` -> `json-ld`,
    /// `title` -> `og:title`, `outlet` -> `host`, ...), so a user can see
    /// why a value was chosen.
    #[serde(default)]
    pub sources: BTreeMap<String, String>,
}

/// Deepest element nesting parsed as written; deeper start tags are dropped
/// (their text kept) so parsing stays linear and within the stack.
pub const MAX_NESTING: usize = crate::nesting::MAX_DEPTH;

/// Deepest tree for which the page's main region is tried (`region.rs`).
const MAX_REGION_DEPTH: usize = 96;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
/// Why no article could be extracted from a page.
pub enum HtmlError {
    #[error("empty HTML input")]
    /// Nothing but white space.
    Empty,
    #[error("no main text found in the page")]
    /// The page has no block of text that reads as an article.
    NoMainText,
    #[error("HTML parser failed on this page")]
    /// The HTML parser gave up on the page.
    ParserFailed,
    #[error("elements nested {0} deep even after flattening")]
    /// Nesting deeper than the parser can hold, even after flattening.
    TooDeep(usize),
}

/// Pages above this size are cut: real articles are far smaller and the
/// parser's cost grows with the DOM.
const MAX_HTML_BYTES: usize = 8 * 1024 * 1024;

// ---------------------------------------------------------------------------
// Bytes -> text

/// Decode an HTML page to a String: BOM, then the HTTP `Content-Type` charset,
/// then `<meta charset>` / `http-equiv`, then chardetng sniffing. The BOM goes
/// first because browsers let it override everything else (WHATWG encoding).
pub fn decode_html_bytes(bytes: &[u8], http_content_type: Option<&str>) -> String {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        return text.into_owned();
    }
    let declared = http_content_type.and_then(charset_from_content_type).or_else(|| charset_from_meta(bytes));
    if let Some(enc) = declared {
        // A page cannot really be UTF-16 if the label was readable as ASCII.
        let enc = if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE { UTF_8 } else { enc };
        let (text, _, had_errors) = enc.decode(bytes);
        // Pages that say UTF-8 but are not are common (old CMS templates):
        // sniff instead of emitting replacement characters.
        if !(had_errors && enc == UTF_8) {
            return text.into_owned();
        }
    }
    if std::str::from_utf8(bytes).is_ok() {
        return String::from_utf8_lossy(bytes).into_owned();
    }
    let mut det = chardetng::EncodingDetector::new();
    det.feed(bytes, true);
    let enc = det.guess(None, true);
    let (text, _, _) = enc.decode(bytes);
    text.into_owned()
}

fn charset_from_content_type(ct: &str) -> Option<&'static Encoding> {
    let lower = ct.to_ascii_lowercase();
    let pos = lower.find("charset=")?;
    let label = lower[pos + 8..]
        .trim_start_matches(['"', '\''])
        .split(|c: char| c == ';' || c == '"' || c == '\'' || c.is_whitespace())
        .next()?;
    Encoding::for_label(label.as_bytes())
}

fn charset_from_meta(bytes: &[u8]) -> Option<&'static Encoding> {
    static RE: OnceLock<regex::bytes::Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::bytes::Regex::new(r#"(?i-u)<meta[^>]*?charset\s*=\s*["']?\s*([a-z0-9_:.\-]+)"#).expect("static regex")
    });
    // Browsers only look at the first 1024 bytes; real pages sometimes put
    // the declaration after a long <head> prologue, so look a bit further.
    let head = &bytes[..bytes.len().min(8192)];
    let caps = re.captures(head)?;
    Encoding::for_label(caps.get(1)?.as_bytes())
}

/// Read a whole file, gunzipping it if it is gzip (magic bytes, not name).
pub fn read_gz_bytes(path: &Path) -> std::io::Result<Vec<u8>> {
    let raw = std::fs::read(path)?;
    if raw.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::with_capacity(raw.len() * 4);
        flate2::read::MultiGzDecoder::new(&raw[..]).read_to_end(&mut out)?;
        Ok(out)
    } else {
        Ok(raw)
    }
}

/// Read a (possibly gzipped) HTML file and decode it with [`decode_html_bytes`].
pub fn read_gz_to_string(path: &Path) -> std::io::Result<String> {
    Ok(decode_html_bytes(&read_gz_bytes(path)?, None))
}

// ---------------------------------------------------------------------------
// Extraction

/// Extract the main text and metadata from an HTML page. `url` is the page's
/// address if known (used for the URL date and relative canonical links).
pub fn extract_html(html: &str, url: Option<&str>) -> Result<HtmlArticle, HtmlError> {
    if html.trim().is_empty() {
        return Err(HtmlError::Empty);
    }
    let html = storyline_core::text::prefix_at_char_boundary(html, MAX_HTML_BYTES);
    // Issue 21: 100,000 nested elements made parsing quadratic and the
    // readability pass overflow the stack; the nesting is bounded first.
    let bounded = crate::nesting::bound_nesting(html, MAX_NESTING);
    // dom_smoothie and html5ever are not expected to panic, but a news
    // pipeline must survive any page, so a panic becomes an error.
    let res = std::panic::catch_unwind(|| extract_inner(&bounded.html, url));
    match res {
        Ok(Ok(mut a)) => {
            if bounded.dropped > 0 {
                a.notes.push(format!(
                    "elements nested deeper than {MAX_NESTING} levels flattened ({} tags dropped, their text kept)",
                    bounded.dropped
                ));
            }
            Ok(a)
        }
        Ok(Err(e)) => Err(e),
        Err(_) => Err(HtmlError::ParserFailed),
    }
}

/// Deepest element of the parsed tree, walked without recursion.
fn tree_depth(r: &Readability) -> usize {
    let mut deepest = 0;
    let mut todo = vec![(r.doc.root(), 0usize)];
    while let Some((node, depth)) = todo.pop() {
        deepest = deepest.max(depth);
        let mut child = node.first_child();
        while let Some(c) = child {
            child = c.next_sibling();
            todo.push((c, depth + 1));
        }
    }
    deepest
}

fn extract_inner(html: &str, url: Option<&str>) -> Result<HtmlArticle, HtmlError> {
    let cfg = Config {
        // the serializer below needs class names to skip widgets
        keep_classes: true,
        // JSON-LD is read by read_metadata; no need to parse it twice
        disable_json_ld: true,
        ..Config::default()
    };
    // dom_smoothie rejects relative URLs; the URL is only a hint anyway.
    let abs_url = url.filter(|u| u.starts_with("http://") || u.starts_with("https://"));
    let html = &*crate::noscript::unwrap_document_noscripts(html);
    let mut r = Readability::new(html, abs_url, Some(cfg.clone()))
        .or_else(|_| Readability::new(html, None, Some(cfg)))
        .map_err(|_| HtmlError::ParserFailed)?;
    // A backstop for the pre-scan: the readability pass recurses on the
    // tree, so a tree deeper than the scan promised is refused, not walked.
    let depth = tree_depth(&r);
    if depth > 2 * MAX_NESTING + 16 {
        return Err(HtmlError::TooDeep(depth));
    }

    // collected before anything below changes the tree
    let nodes = PageNodes::of(&r.doc);
    let mut meta = read_metadata(&r, &nodes, url);
    let declared = declared_kind(&r, &nodes, html);
    drop(nodes);
    crate::streamed::fill_streamed_boundaries(&r.doc);
    prune_document(&r);
    // The region's clean-up measures elements one by one, which costs
    // depth x size; deeper trees than real pages have (hostile input,
    // html5ever's repair of misnested formatting tags) keep Readability's.
    let region = if depth <= MAX_REGION_DEPTH {
        crate::region::main_region_html(&r.doc, declared.article)
            .map(|h| serialize_paragraphs(&h, true, LINK_ENTRY_WORDS))
            .unwrap_or_default()
    } else {
        Vec::new()
    };

    let text = match r.parse() {
        Ok(article) => {
            if meta.title.is_none() && !article.title.trim().is_empty() {
                meta.title = Some(collapse_ws(&article.title));
            }
            if meta.authors.is_empty() {
                if let Some(b) = article.byline.as_deref() {
                    meta.authors = split_authors(b);
                }
            }
            html_to_paragraphs(&article.content)
        }
        Err(_) => Vec::new(),
    };
    let text = choose_text(text, region, declared);
    let text = postprocess_paragraphs(text, &meta);
    // Markup debris ("<<<>>>", lone symbols) is not an article.
    let words =
        text.iter().flat_map(|p| p.split_whitespace()).filter(|w| w.chars().any(char::is_alphanumeric)).take(2).count();
    if words < 2 {
        return Err(HtmlError::NoMainText);
    }
    meta.text = text.join("\n\n");
    Ok(meta)
}

/// A paragraph of the page's region that is all link text is kept when it
/// has this many words: a listing's entry (`<a>` around a headline and its
/// summary), not a menu item. Swept 4-10 on WCXB and Zyte (BENCHMARKS.md,
/// "issue 17, third pass").
const LINK_ENTRY_WORDS: usize = 6;

/// Readability's block or the page's main region (`region.rs`), whichever
/// holds the page's content. The region wins when the prose it adds (words
/// of its paragraphs of 8 words or more that Readability left out) outweighs what
/// Readability kept: by half on most pages, twice over on a page that
/// declares itself an article, whose extra paragraphs are more often
/// "more stories" teasers than content. Chosen on the WCXB development
/// split and checked on the Zyte pages (BENCHMARKS.md, "Main text: the
/// page's region").
///
/// The region's link-only paragraphs (a listing's entries) count as prose
/// and are kept on a page that does not declare itself an article; on an
/// article they are "more stories" links and are dropped.
///
/// A page that says it is a product and not an article takes its region
/// whenever the region has text: a product's content is its name, price,
/// specifications and description, short lines that Readability's block of
/// prose (often the description alone, or a review) leaves out.
fn choose_text(readability: Vec<String>, region: Vec<Paragraph>, declared: Declared) -> Vec<String> {
    const MIN_PROSE_WORDS: usize = 8;
    const FEW_KEPT_WORDS: usize = 150;
    let declared_article = declared.article;
    if declared.product && !declared.article && !region.is_empty() {
        return region.into_iter().map(|p| p.text).collect();
    }
    let region: Vec<Paragraph> = region.into_iter().filter(|p| !(p.link_only && declared_article)).collect();
    // words, not paragraphs, are compared: the two serialisations may
    // split the same text differently
    let mut kept: HashMap<&str, usize> = HashMap::new();
    let mut kept_words = 0usize;
    for w in readability.iter().flat_map(|p| p.split_whitespace()) {
        *kept.entry(w).or_default() += 1;
        kept_words += 1;
    }
    // When Readability kept little (a card, a lead, one short post), the
    // region's short lines are the page's content (entries, names, prices)
    // and every word it adds counts; on a longer block they are more often
    // the page's "more stories" and labels.
    let min_words = if kept_words < FEW_KEPT_WORDS { 1 } else { MIN_PROSE_WORDS };
    let mut added_prose = 0usize;
    for p in region.iter().filter(|p| p.text.split_whitespace().nth(min_words - 1).is_some()) {
        for w in p.text.split_whitespace() {
            match kept.get_mut(w) {
                Some(n) if *n > 0 => *n -= 1,
                _ => added_prose += 1,
            }
        }
    }
    let factor = if declared_article { 2.0 } else { 0.5 };
    if added_prose as f64 > factor * kept_words as f64 {
        region.into_iter().map(|p| p.text).collect()
    } else {
        readability
    }
}

/// What the page says it is: an article (`og:type` "article" or a JSON-LD
/// `@type` of the Article or BlogPosting families), a product (`og:type`
/// "product" or a schema.org `Product` microdata item), both or neither.
/// A JSON-LD `Product` is not read as one: stores put it on their category
/// pages too (measured: collections lost).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Declared {
    article: bool,
    product: bool,
}

fn declared_kind(r: &Readability, nodes: &PageNodes, html: &str) -> Declared {
    static LD_TYPE: OnceLock<Regex> = OnceLock::new();
    let ld_type = LD_TYPE.get_or_init(|| {
        Regex::new(r#""@type"\s*:\s*"(?:[A-Za-z]*Article|BlogPosting|LiveBlogPosting|SocialMediaPosting|Report)""#)
            .expect("static regex")
    });
    let mut d = Declared::default();
    for n in nodes.metas.iter().filter(|n| n.attr("property").as_deref() == Some("og:type")) {
        if let Some(c) = n.attr("content") {
            d.article |= c.trim().eq_ignore_ascii_case("article");
            d.product |= c.trim().eq_ignore_ascii_case("product");
        }
    }
    d.article = d.article || nodes.json_ld.iter().any(|n| ld_type.is_match(&n.text()));
    // the walk only on pages that name the type somewhere (a byte search)
    if !d.product && !d.article && html.contains("schema.org/Product") {
        d.product = r.doc.root().descendants_it().any(|n| {
            n.element_ref().is_some_and(|e| {
                crate::region::plain_attr(&e, "itemtype")
                    .is_some_and(|t| t.trim().trim_end_matches('/').ends_with("schema.org/Product"))
            })
        });
    }
    d
}

/// Remove parts of the page that Readability sometimes keeps inside the
/// article container. Only small elements are removed so that a site putting
/// "share" in the class of its whole article wrapper keeps its text.
fn prune_document(r: &Readability) {
    // Matched in document order, so a node's text is as parsed when it is
    // measured: what was removed before it is not inside it.
    for node in &crate::region::select_elements(&r.doc, always_pruned) {
        let raw = node.element_ref().is_some_and(|e| ALWAYS_REMOVED_TAGS.contains(&&*e.name.local));
        // cap: a wrapper named e.g. "comments-enabled" can hold the article
        if raw || crate::region::char_count_below(node, 2500) {
            node.remove_from_parent();
        } else if node.element_ref().is_some_and(|e| &*e.name.local == "form") {
            // a large form is a page's content: forum software wraps a
            // thread's posts in a moderation form (Invision, XenForo),
            // ASP.NET pages wrap the whole page in one
            node.set_attr(KEEP_ATTR, "");
        }
    }
    for node in &crate::region::select_elements(&r.doc, crate::region::has_class_or_id) {
        let key = crate::region::class_id_key(node);
        if is_boilerplate_name(&key) && !is_content_name(&key) {
            // large, or several real paragraphs inside: a content
            // wrapper with an unlucky class name (`newsletter-post`),
            // not a widget; marked so the serializer reads it too
            let widget = crate::region::char_count_below(node, 1500)
                && node.find(&["p"]).iter().filter(|p| p.text().len() > 120).take(2).count() < 2;
            if widget {
                node.remove_from_parent();
            } else {
                node.set_attr(KEEP_ATTR, "");
            }
        }
    }
}

/// Elements `prune_document` removes when small: what the selector list
/// `script, style, noscript, template, svg, button, form, select, textarea,
/// iframe, nav, figcaption, [hidden], [role=dialog], [role=alertdialog],
/// [aria-modal=true], [itemprop=author],
/// [rel=author], .byline, .sharedaddy, .share, .social, #comments, .comments,
/// .comment-list, .related, .newsletter` and the screen-reader-only classes
/// ([`SCREEN_READER_ONLY`]) match, tested by hand the way
/// dom_query's selector engine tests it (class and id case-sensitive, `rel`
/// ASCII case-insensitive on HTML elements): the engine spent about 6% of
/// `storyline extract` on this one list.
fn always_pruned(el: &Element) -> bool {
    const TAGS: &[&str] = &[
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "button",
        "form",
        "select",
        "textarea",
        "iframe",
        "nav",
        "figcaption",
    ];
    const CLASSES: &[&str] =
        &["byline", "sharedaddy", "share", "social", "comments", "comment-list", "related", "newsletter"];
    if TAGS.contains(&&*el.name.local) {
        return true;
    }
    // a widget's class, or text for screen readers only (off screen for
    // everyone else)
    if el.attr_ref(local_name!("class")).is_some_and(|c| {
        c.split_ascii_whitespace()
            .any(|w| CLASSES.contains(&w) || SCREEN_READER_ONLY.iter().any(|s| w.eq_ignore_ascii_case(s)))
    }) {
        return true;
    }
    let html_element = &*el.name.ns == "http://www.w3.org/1999/xhtml";
    let attr = |name| crate::region::plain_attr(el, name);
    // `#comments` reads any id attribute, whatever its namespace
    el.attrs.iter().any(|a| &*a.name.local == "id" && &*a.value == "comments")
        || attr("hidden").is_some()
        // an overlay (cookie consent, sign-up or log-in box) is never the
        // page's text; a large one is kept like any other pruned element
        || matches!(attr("role"), Some("dialog" | "alertdialog"))
        || attr("aria-modal") == Some("true")
        || attr("itemprop") == Some("author")
        || attr("rel").is_some_and(|r| if html_element { r.eq_ignore_ascii_case("author") } else { r == "author" })
}

/// Class names of the visually-hidden text frameworks and CMSs put for
/// screen readers (Bootstrap `sr-only`, WordPress `screen-reader-text`,
/// Drupal `element-invisible`, ...): a second, spoken copy of a price or a
/// label, or "(opens in a new tab)".
#[rustfmt::skip]
const SCREEN_READER_ONLY: &[&str] = &[
    "sr-only", "visually-hidden", "visuallyhidden", "screen-reader-text", "screen-reader-only",
    "wt-screen-reader-only", "u-visually-hidden", "a11y-hidden", "screenreader-only", "sr-text",
    "element-invisible", "assistive-text", "hidden-visually",
];

/// Of [`always_pruned`]'s elements, those removed whatever their size.
const ALWAYS_REMOVED_TAGS: &[&str] = &["script", "style", "noscript", "template", "svg", "iframe"];

/// Class/id words that mark the article container itself.
fn is_content_name(key: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"(^|[\s_-])(content|entry|article|articlebody|article-?body|story|story-?body|post-?body|post-?content|text|main|body)($|[\s_-])")
            .expect("static regex")
    });
    re.is_match(key)
}

fn is_boilerplate_name(key: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(
            r"(^|[\s_-])(share|sharing|social|sociallinks|shareable|share-?bar|share-?tools|share-?buttons|related|related-?(articles|posts|stories|content|links)|read-?more|more-?stories|recommended|newsletter|subscribe|subscription|signup|sign-?up|promo|advert|advertisement|ad-?container|ad-?slot|ad-?unit|ad-?wrapper|dfp|outbrain|taboola|comment|comments|disqus|byline|author-?bio|author-?info|caption|credit|breadcrumbs?|tags|tag-?list|toolbar|popup|modal|cookie|paywall|inline-?related|pullquote)($|[\s_-])",
        )
        .expect("static regex")
    });
    re.is_match(key)
}

// ---------------------------------------------------------------------------
// Extracted HTML -> paragraphs

#[rustfmt::skip]
const BLOCK_TAGS: &[&str] = &[
    "p", "div", "section", "article", "main", "header", "footer", "h1", "h2", "h3", "h4", "h5",
    "h6", "ul", "ol", "li", "dl", "dt", "dd", "blockquote", "pre", "table", "thead", "tbody",
    "tfoot", "tr", "figure", "hr", "br", "address", "details", "summary", "center",
];
const CELL_TAGS: &[&str] = &["td", "th"];
#[rustfmt::skip]
const SKIP_TAGS: &[&str] = &[
    "script", "style", "noscript", "template", "svg", "button", "figcaption", "nav", "aside",
    "form", "select", "textarea", "iframe", "object", "embed", "video", "audio", "canvas", "math",
];
const VOID_TAGS: &[&str] =
    &["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"];

/// Plain text of an HTML fragment (a feed entry's summary or content):
/// paragraphs separated by a blank line, entities decoded, widgets dropped.
pub fn html_fragment_to_text(fragment: &str) -> String {
    html_to_paragraphs(fragment).join("\n\n")
}

/// Convert HTML (dom_smoothie's serialized output, so well formed) to plain
/// paragraphs. A tag scanner is enough here and keeps the walk iterative.
fn html_to_paragraphs(html: &str) -> Vec<String> {
    serialize_paragraphs(html, false, usize::MAX).into_iter().map(|p| p.text).collect()
}

/// One paragraph of serialized text.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Paragraph {
    text: String,
    /// Mostly link text: an entry of a listing, or a related-stories link.
    link_only: bool,
}

/// As [`html_to_paragraphs`], each paragraph marked when it is mostly link
/// text. Such a paragraph is dropped unless it has `link_words` words or
/// more; `skip_page_furniture` also drops `<header>` and `<footer>`, which a
/// whole page region has around its content.
fn serialize_paragraphs(html: &str, skip_page_furniture: bool, link_words: usize) -> Vec<Paragraph> {
    let mut paras: Vec<Paragraph> = Vec::new();
    let mut cur = String::new();
    // bytes of `cur` that came from inside <a>: link-only blocks are
    // related-article lists and teasers, not body text
    let mut link_bytes = 0usize;
    let mut in_link = 0usize;
    // open elements: (name, skipped)
    let mut stack: Vec<(String, bool)> = Vec::new();
    let mut skip_depth = 0usize;
    let bytes = html.as_bytes();
    let mut i = 0;
    // each paragraph's link (the count of outermost `<a>`s opened so far)
    // when it is link text: a card's lines are judged together
    let mut links_of: Vec<Option<usize>> = Vec::new();
    let mut link_seq = 0usize;
    let flush = |cur: &mut String,
                 link_bytes: &mut usize,
                 paras: &mut Vec<Paragraph>,
                 links_of: &mut Vec<Option<usize>>,
                 link_seq: usize| {
        let total = cur.trim().len();
        let t = collapse_ws(cur);
        let link_only = (*link_bytes as f64) >= 0.7 * total as f64;
        if !t.is_empty() {
            links_of.push(link_only.then_some(link_seq));
            paras.push(Paragraph { text: t, link_only });
        }
        cur.clear();
        *link_bytes = 0;
    };
    while i < bytes.len() {
        if bytes[i] == b'<' {
            if html[i..].starts_with("<!--") {
                i = html[i..].find("-->").map_or(bytes.len(), |e| i + e + 3);
                continue;
            }
            let end = find_tag_end(bytes, i + 1);
            let tag = &html[i + 1..end.min(bytes.len())];
            i = (end + 1).min(bytes.len());
            let closing = tag.starts_with('/');
            let body = tag.trim_start_matches('/');
            let name_end = body.find(|c: char| c.is_whitespace() || c == '/' || c == '>').unwrap_or(body.len());
            let name = body[..name_end].to_ascii_lowercase();
            if name.is_empty() || name.starts_with('!') || name.starts_with('?') {
                continue;
            }
            if closing {
                if let Some(pos) = stack.iter().rposition(|(n, _)| *n == name) {
                    for (n, skipped) in stack.drain(pos..) {
                        if skipped {
                            skip_depth -= 1;
                        }
                        if n == "a" {
                            in_link = in_link.saturating_sub(1);
                        }
                    }
                }
                if skip_depth == 0 && BLOCK_TAGS.contains(&name.as_str()) {
                    flush(&mut cur, &mut link_bytes, &mut paras, &mut links_of, link_seq);
                } else if skip_depth == 0 && CELL_TAGS.contains(&name.as_str()) {
                    cur.push(' ');
                }
                continue;
            }
            let is_void = VOID_TAGS.contains(&name.as_str()) || body.ends_with('/');
            if skip_depth == 0 && BLOCK_TAGS.contains(&name.as_str()) {
                flush(&mut cur, &mut link_bytes, &mut paras, &mut links_of, link_seq);
            }
            if !is_void {
                let skip = (SKIP_TAGS.contains(&name.as_str()) && !(name == "form" && body.contains(KEEP_ATTR)))
                    || (skip_page_furniture
                        && matches!(name.as_str(), "header" | "footer")
                        // a section's own header is read (`region::is_section_header`)
                        && !(name == "header"
                            && stack.iter().any(|(n, _)| crate::region::SECTIONING.contains(&n.as_str()))))
                    || attr_says_boilerplate(body, skip_page_furniture);
                if skip {
                    skip_depth += 1;
                }
                if name == "a" {
                    if in_link == 0 {
                        link_seq += 1;
                    }
                    in_link += 1;
                }
                stack.push((name, skip));
            }
        } else {
            let next = html[i..].find('<').map_or(bytes.len(), |p| i + p);
            if skip_depth == 0 {
                let before = cur.len();
                decode_entities_into(&html[i..next], &mut cur);
                if in_link > 0 {
                    link_bytes += cur[before..].trim().len();
                }
            }
            i = next;
        }
    }
    flush(&mut cur, &mut link_bytes, &mut paras, &mut links_of, link_seq);
    // A link-only paragraph is kept when its link holds `link_words` words
    // or more: a listing's entry is often one `<a>` around a title, a
    // company, a place and a date, each a short block of its own.
    let mut link_words_of: HashMap<usize, usize> = HashMap::new();
    if link_words != usize::MAX {
        for (p, l) in paras.iter().zip(&links_of) {
            if let Some(l) = l {
                *link_words_of.entry(*l).or_default() += p.text.split_whitespace().count();
            }
        }
    }
    paras
        .into_iter()
        .zip(links_of)
        .filter(|(p, l)| {
            !p.link_only
                || p.text.split_whitespace().nth(link_words.saturating_sub(1)).is_some()
                || l.is_some_and(|l| link_words_of.get(&l).is_some_and(|&n| n >= link_words))
        })
        .map(|(p, _)| p)
        .collect()
}

/// Position of the `>` closing a tag that starts at `from`, skipping quoted
/// attribute values (they may contain `>`). A quote opens a value only
/// after `=`, as in the HTML tokenizer: elsewhere it is part of an
/// attribute's name, and html5ever writes such a name back as it was parsed
/// (`<div z-50"="">` from a stray quote in the page), so counting it as a
/// value's start made the rest of the page one tag and lost its text.
fn find_tag_end(bytes: &[u8], from: usize) -> usize {
    let mut quote: Option<u8> = None;
    let mut after_eq = false;
    let mut j = from;
    while j < bytes.len() {
        let b = bytes[j];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if (b == b'"' || b == b'\'') && after_eq => quote = Some(b),
            None if b == b'>' => return j,
            None => {}
        }
        if quote.is_none() && !b.is_ascii_whitespace() {
            after_eq = b == b'=';
        }
        j += 1;
    }
    bytes.len()
}

/// Set on an element whose class or id names a widget but which holds
/// content (`prune_document`): the serializer does not skip it.
const KEEP_ATTR: &str = "data-storyline-content";

/// Whether a tag's class or id names a widget the serializer skips. In
/// Readability's block each attribute is read alone; in the page's region
/// (`region`) the two are read together, see below.
fn attr_says_boilerplate(tag_body: &str, region: bool) -> bool {
    if tag_body.contains(KEEP_ATTR) {
        return false;
    }
    // an ASCII `\b`: a Unicode one stops the lazy DFA at the first
    // non-ASCII byte of a tag (an `alt` text), and attribute names are ASCII
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| Regex::new(r#"(?i)(?-u:\b)(?:class|id)\s*=\s*"([^"]*)""#).expect("static regex"));
    if region {
        // in the page's region an element's class and id are one name, as
        // `prune_document` reads them: `<div id="comment-12_wrap"
        // class="entry__content">` is a forum post and `<div id="share-btn"
        // class="post-content">` an article body; but a content word that
        // qualifies a widget (`comment-body`) is the widget's
        let mut key = String::new();
        for m in re.captures_iter(tag_body).filter_map(|c| c.get(1)) {
            key.push_str(m.as_str());
            key.push(' ');
        }
        let key = key.to_ascii_lowercase();
        return is_boilerplate_name(&key)
            && !key.split_ascii_whitespace().any(|w| is_content_name(w) && !is_boilerplate_name(w));
    }
    re.captures_iter(tag_body).filter_map(|c| c.get(1)).any(|m| {
        let key = m.as_str().to_ascii_lowercase();
        is_boilerplate_name(&key) && !is_content_name(&key)
    })
}

fn decode_entities_into(s: &str, out: &mut String) {
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        // byte search: `;` is ASCII, so the index is a char boundary
        let semi = rest.as_bytes()[..rest.len().min(12)].iter().position(|&b| b == b';');
        let decoded = semi.and_then(|e| decode_entity(&rest[1..e]).map(|c| (c, e + 1)));
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
}

fn decode_entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = if let Some(hex) = num.strip_prefix(['x', 'X']) {
            u32::from_str_radix(hex, 16).ok()?
        } else {
            num.parse::<u32>().ok()?
        };
        return char::from_u32(code);
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "ndash" => '–',
        "mdash" => '—',
        "hellip" => '…',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "laquo" => '«',
        "raquo" => '»',
        "copy" => '©',
        "reg" => '®',
        "euro" => '€',
        _ => return None,
    })
}

/// Collapse runs of whitespace (including NBSP and zero-width chars) to one
/// space and trim.
fn collapse_ws(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() || c == '\u{a0}' {
            space = true;
        } else if matches!(c, '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{feff}') {
            continue;
        } else {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    out
}

/// Line-level clean-up of what Readability kept: share prompts, "Read more",
/// bylines, photo credits, a repeated title.
fn postprocess_paragraphs(paras: Vec<String>, meta: &HtmlArticle) -> Vec<String> {
    // `read more\b.{0,120}` and the like are spelled `read more(?:[^\w\n].{0,119})?`,
    // the same language before `$`: a Unicode `\b` makes the lazy DFA give
    // up on any paragraph with a non-ASCII character (curly quotes), and the
    // slow fallback cost 5% of `storyline extract`.
    static BOILER: OnceLock<Regex> = OnceLock::new();
    let boiler = BOILER.get_or_init(|| {
        // The default lazy-DFA cache (2 MiB) is too small for this pattern's
        // bounded repeats: the DFA gave up on one short line in ten and the
        // backtracker took over, 25 times slower (6% of `storyline extract`).
        RegexBuilder::new(
            r"(?i)^(?:advertisement|advertising|sponsored( content)?|share( this( article| story)?)?( on)?:?|share via|read more(?:[^\w\n].{0,119})?|see more(?:[^\w\n].{0,119})?|continue reading[:.…]*|don'?t miss(?:[^\w\n].{0,39})?|you may also like.{0,10}|most (read|popular|viewed)( stories)?|top stories(?:[^\w\n].{0,39})?|advert|this slideshow requires javascript\.?|tell us what you think.{0,5}|\|? ?updated:? .{0,40}|by [^.!?]{1,60}\d{1,2}[:/]\d{2}.{0,30}|related( articles| stories| coverage)?:?|recommended( for you)?|more from .{0,40}|click here to .{0,60}|sign up for .{0,80}|subscribe( now| today)?.{0,60}|follow us on .{0,40}|(photo|image|picture|video|graphic)s?( credit)?:.{0,120}|(getty images|reuters|ap photo|afp)( via getty images)?|posted (on|in) .{0,60}|(published|updated|last updated):? .{0,40}|by [\p{Lu}][\p{L}.'\- ]{1,40}( and [\p{Lu}][\p{L}.'\- ]{1,40})?|comments?( \(\d+\))?|\d+ comments?|leave a (comment|reply)|(facebook|twitter|linkedin|whatsapp|email|pinterest|reddit)( (facebook|twitter|linkedin|whatsapp|email|pinterest|reddit))*|all rights reserved.{0,60}|(copyright|©).{0,100})$",
        )
        .dfa_size_limit(32 << 20)
        .build()
        .expect("static regex")
    });
    // The same lines in the other languages whose month names `dates`
    // reads (German, French, Spanish, Italian, Portuguese, Dutch), tried
    // only on pages not declared English, and compiled on the first such
    // page rather than on every run's first page.
    static BOILER_OTHER: OnceLock<Regex> = OnceLock::new();
    let boiler_other = || {
        BOILER_OTHER.get_or_init(|| {
        RegexBuilder::new(concat!(
            r"(?i)^(?:anzeige|werbung|publicité|publicidad|pubblicità|publicidade|advertentie",
            r"|(artikel |beitrag )?teilen|partager( cet article| sur .{0,30})?|compartir( en .{0,30})?|condividi|compartilh(e|ar)|delen",
            r"|weiterlesen|mehr (zum thema|lesen|dazu)(?:[^\w\n].{0,59})?|lesen sie (auch|mehr)(?:[^\w\n].{0,79})?|das könnte sie auch interessieren.{0,5}|auch interessant(?:[^\w\n].{0,39})?",
            r"|(à )?lire (aussi|également|la suite|plus)(?:[^\w\n].{0,119})?|(voir|en savoir) plus(?:[^\w\n].{0,59})?",
            r"|leer más(?:[^\w\n].{0,119})?|(también )?te puede interesar(?:[^\w\n].{0,59})?|leggi (anche|di più)(?:[^\w\n].{0,119})?|leia (também|mais)(?:[^\w\n].{0,119})?|lees (ook|meer)(?:[^\w\n].{0,119})?",
            r"|(kommentare?|commentaires?|comentarios?|commenti|comentários|reacties)( \(\d+\))?|\d+ (kommentare?|commentaires?|comentarios?|commenti|comentários|reacties)",
            r"|(foto|fotos|bild|bilder|quelle|crédits? photo|crédits?|créditos?)( ?:).{0,120}",
            r"|(alle rechte vorbehalten|tous droits réservés|todos los derechos reservados|tutti i diritti riservati|todos os direitos reservados|alle rechten voorbehouden).{0,60}",
            r"|(veröffentlicht|aktualisiert|publié|mis à jour|publicado|actualizado|pubblicato|aggiornato|atualizado|gepubliceerd|bijgewerkt)( am| le| el| il| em| op)?:? .{0,40}",
            r"|(von|par|por|di|door) (?-i:\p{Lu})[\p{L}.'\- ]{1,40}( (und|et|y|e|en) (?-i:\p{Lu})[\p{L}.'\- ]{1,40})?)$",
        ))
        .dfa_size_limit(32 << 20)
        .build()
        .expect("static regex")
        })
    };
    let other_language = meta.language.as_deref() != Some("en");
    let title = meta.title.as_deref().map(collapse_ws).unwrap_or_default();
    let mut out: Vec<String> = Vec::with_capacity(paras.len());
    for p in paras {
        let t = p.trim();
        if t.is_empty() {
            continue;
        }
        if t.chars().count() <= 160 && (boiler.is_match(t) || (other_language && boiler_other().is_match(t))) {
            continue;
        }
        // Readability often repeats the headline as the first block.
        if out.is_empty() && !title.is_empty() && t == title {
            continue;
        }
        if out.last().is_some_and(|l| l == t) {
            continue;
        }
        out.push(t.to_string());
    }
    out
}

// ---------------------------------------------------------------------------
// Metadata

fn read_metadata(r: &Readability, nodes: &PageNodes, url: Option<&str>) -> HtmlArticle {
    let doc = &r.doc;
    let mut sources: BTreeMap<String, String> = BTreeMap::new();
    let metas = MetaTags::of(nodes);
    // The content (or datetime) of the first `<meta>` that `matches`, as
    // `meta[key='value']` selectors found it.
    let meta = |matches: &dyn Fn(&dom_query::NodeRef) -> bool| -> Option<String> {
        for node in nodes.metas.iter().filter(|n| matches(n)) {
            let v = node.attr("content").or_else(|| node.attr("datetime"))?;
            let v = collapse_ws(&v);
            if !v.is_empty() {
                return Some(v);
            }
        }
        None
    };
    let text_of = |list: &[dom_query::NodeRef]| -> Option<String> {
        list.iter().map(|n| collapse_ws(&n.text())).find(|t| !t.is_empty())
    };
    let ld = JsonLd::from_nodes(nodes);

    let canonical_url = nodes
        .canonical
        .and_then(|c| c.attr("href"))
        .map(|s| s.trim().to_string())
        .or_else(|| meta(&|n| attr_is(n, "property", "og:url")))
        .filter(|s| !s.is_empty())
        .map(|c| absolutize(&c, url));
    let host = url
        .and_then(storyline_core::url::outlet_from_url)
        .or_else(|| canonical_url.as_deref().and_then(storyline_core::url::outlet_from_url));

    // Outlet: the page's own site name, then its publisher, then its host.
    let site_name = [
        (metas.get("og:site_name"), "og:site_name"),
        (ld.publisher.clone(), "json-ld publisher"),
        (metas.get("application-name"), "application-name"),
        (host.clone(), "host"),
    ]
    .into_iter()
    .find_map(|(v, src)| v.filter(|v| !v.is_empty()).map(|v| (v, src)))
    .map(|(v, src)| {
        sources.insert("outlet".into(), src.into());
        v
    });
    let site_names: Vec<&str> =
        [site_name.as_deref(), ld.publisher.as_deref(), host.as_deref()].into_iter().flatten().collect();

    // Each candidate is read only if those before it gave nothing: the
    // `<title>`, `<h1>` and language lookups each walk the whole document.
    type Candidate<'c> = (&'c dyn Fn() -> Option<String>, &'static str);
    let titles: [Candidate; 5] = [
        (&|| metas.get("og:title"), "og:title"),
        (&|| metas.get("twitter:title"), "twitter:title"),
        (&|| ld.headline.clone(), "json-ld"),
        (&|| text_of(&nodes.head_titles), "title"),
        (&|| text_of(&nodes.h1s), "h1"),
    ];
    let title = titles
        .into_iter()
        .find_map(|(v, src)| {
            let t = strip_site_suffix(&v()?, &site_names);
            (!t.is_empty()).then_some((t, src))
        })
        .map(|(t, src)| match shown_headline(nodes, &t).filter(|h1| *h1 != t) {
            Some(h1) => {
                sources.insert("title".into(), "h1".into());
                h1
            }
            None => {
                sources.insert("title".into(), src.into());
                t
            }
        });

    let languages: [Candidate; 3] = [
        (&|| nodes.html.and_then(|h| h.attr("lang")).map(|s| s.to_string()), "html lang"),
        (
            &|| {
                meta(&|n| {
                    n.attr("http-equiv").is_some_and(|v| v.eq_ignore_ascii_case("content-language"))
                        || attr_is(n, "name", "language")
                })
            },
            "meta:content-language",
        ),
        (&|| meta(&|n| attr_is(n, "property", "og:locale")), "og:locale"),
    ];
    let language = languages
        .into_iter()
        .find_map(|(v, src)| v().and_then(|l| normalize_lang(&l)).map(|l| (l, src)))
        .map(|(l, src)| {
            sources.insert("language".into(), src.into());
            l
        });

    // Publication dates in trust order (see `dates`): JSON-LD, then the
    // publication meta tags, strongest first.
    let mut head = dates::HeadDates { published: Vec::new(), modified: Vec::new() };
    for (v, src) in &ld.published {
        head.published.push((v.clone(), src.to_string()));
    }
    for key in PUBLISHED_META {
        if let Some(v) = metas.get(key) {
            head.published.push((v, format!("meta:{key}")));
        }
    }
    if let Some(v) = ld.modified.clone() {
        head.modified.push((v, "json-ld".into()));
    }
    for key in MODIFIED_META {
        if let Some(v) = metas.get(key) {
            head.modified.push((v, format!("meta:{key}")));
        }
    }
    let urls: Vec<&str> = url.into_iter().chain(canonical_url.as_deref()).collect();
    let today = chrono::Utc::now().date_naive();
    let published = dates::pick(nodes, &head, &urls, language.as_deref(), today).map(|f| {
        sources.insert("published".into(), f.source);
        f.date.format("%Y-%m-%d").to_string()
    });
    let modified = head.modified.iter().find_map(|(d, _)| normalize_date(d));

    let mut authors: Vec<String> = Vec::new();
    fn add_to(authors: &mut Vec<String>, a: &str) {
        for name in split_authors(a) {
            if !authors.iter().any(|x| x.eq_ignore_ascii_case(&name)) {
                authors.push(name);
            }
        }
    }
    for key in ["author", "article:author", "parsely-author", "sailthru.author", "dc.creator"] {
        for v in metas.all(key) {
            add_to(&mut authors, &v);
        }
        if !authors.is_empty() {
            sources.insert("authors".into(), format!("meta:{key}"));
            break;
        }
    }
    if authors.is_empty() {
        for a in &ld.authors {
            add_to(&mut authors, a);
        }
        if !authors.is_empty() {
            sources.insert("authors".into(), "json-ld".into());
        }
    }
    if authors.is_empty() {
        if let Some(s) = doc.try_select("[rel='author'], [itemprop='author'] [itemprop='name'], [itemprop='author']") {
            for n in s.nodes().iter().take(5) {
                add_to(&mut authors, &n.text());
            }
        }
        if !authors.is_empty() {
            sources.insert("authors".into(), "byline".into());
        }
    }

    // A page that names its site nowhere (no site-name meta, no publisher,
    // no URL) still ends its title with it: "systemd - ArchWiki".
    let (title, site_name) = match (title, site_name) {
        (Some(t), None) => match title_site_suffix(&t) {
            Some((head, site)) => {
                sources.insert("outlet".into(), "title suffix".into());
                (Some(head), Some(site))
            }
            None => (Some(t), None),
        },
        other => other,
    };

    let description = meta(&|n| attr_is(n, "name", "description"))
        .or_else(|| meta(&|n| attr_is(n, "property", "og:description") || attr_is(n, "name", "og:description")))
        .or_else(|| ld.description.clone());

    HtmlArticle {
        title,
        text: String::new(),
        published,
        modified,
        authors,
        site_name,
        language,
        canonical_url,
        description,
        notes: Vec::new(),
        sources,
    }
}

/// Meta tags (`name`, `property`, `itemprop` or `http-equiv`, lower-cased)
/// naming a publication date, strongest first.
const PUBLISHED_META: &[&str] = &[
    "article:published_time",
    "og:published_time",
    "datepublished",
    "article:published",
    "og:publish_date",
    "publish-date",
    "publish_date",
    "publishdate",
    "pubdate",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date.created",
    "dcterms.created",
    "citation_publication_date",
    "citation_date",
    "cxenseparse:publishtime",
    "article.published",
    "article_date_original",
    "original-publish-date",
    "publication_date",
    "published",
    "publisheddate",
    "date-pub",
    "dc.date",
    "dcterms.date",
    "date",
];

/// Meta tags naming a modification date, strongest first.
const MODIFIED_META: &[&str] = &[
    "article:modified_time",
    "og:updated_time",
    "datemodified",
    "article:modified",
    "dcterms.modified",
    "last-modified",
    "lastmod",
];

/// Whether `n`'s attribute `key` is `value`, as written.
fn attr_is(n: &dom_query::NodeRef, key: &str, value: &str) -> bool {
    n.attr(key).is_some_and(|v| &*v == value)
}

/// The page's meta tags by lower-cased key, first value first.
struct MetaTags(Vec<(String, String)>);

impl MetaTags {
    fn of(nodes: &PageNodes) -> MetaTags {
        let mut out = Vec::new();
        for n in nodes.metas.iter().take(500) {
            let Some(v) = n.attr("content").or_else(|| n.attr("datetime")) else { continue };
            let v = collapse_ws(&v);
            if v.is_empty() {
                continue;
            }
            for a in ["property", "name", "itemprop", "http-equiv"] {
                if let Some(k) = n.attr(a) {
                    out.push((k.trim().to_ascii_lowercase(), v.clone()));
                }
            }
        }
        MetaTags(out)
    }

    fn get(&self, key: &str) -> Option<String> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
    }

    fn all<'a>(&'a self, key: &'a str) -> impl Iterator<Item = String> + 'a {
        self.0.iter().filter(move |(k, _)| k == key).map(|(_, v)| v.clone())
    }
}

/// The page's shown headline, when it is the head's title in the page's
/// own words: its first `<h1>` of two words or more, at least half of
/// whose words are in `title`. The head's title is written for search and
/// sharing ("Best Tax Preparation Software"); the headline is what the
/// reader sees ("The Best Tax Preparation Software of 2025"). On the WCXB dev
/// pages the shown one matched the annotated title on 6.6-8.7 points more
/// articles and 5.1-5.2 more other pages, on both halves of the hosts
/// (BENCHMARKS.md, "Dates and titles on real pages").
fn shown_headline(nodes: &PageNodes, title: &str) -> Option<String> {
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
    };
    let h1 = nodes
        .h1s
        .iter()
        .filter(|n| n.ancestors_it(None).any(|a| a.has_name("body")))
        .map(|n| collapse_ws(&n.text()))
        .find(|t| !t.is_empty())?;
    let mut h1_words = words(&h1);
    h1_words.sort_unstable();
    h1_words.dedup();
    if h1.len() > 300 || h1_words.len() < 2 {
        return None;
    }
    let title_words = words(title);
    let shared = h1_words.iter().filter(|w| title_words.contains(w)).count();
    (shared * 2 >= h1_words.len()).then_some(h1)
}

/// "Story headline | Site" -> "Story headline": a first or last segment
/// that names the site (its site name, publisher or host) is dropped.
fn strip_site_suffix(title: &str, sites: &[&str]) -> String {
    const SEPS: [&str; 9] = [" | ", " - ", " – ", " — ", " :: ", " · ", " : ", " • ", " » "];
    let t = collapse_ws(title);
    let key = |s: &str| s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect::<String>();
    // A host names the site by its first label: `www.bbc.co.uk` -> `bbc`.
    let names: Vec<String> = sites
        .iter()
        .map(|s| {
            let s = s.trim();
            let is_host = !s.contains(' ') && s.contains('.');
            if is_host {
                key(s.trim_start_matches("www.").split('.').next().unwrap_or(s))
            } else {
                key(s)
            }
        })
        .filter(|k| k.chars().count() >= 3)
        .collect();
    let names_site = |seg: &str| {
        let k = key(seg);
        k.chars().count() >= 3
            && names.iter().any(|n| k == *n || k.starts_with(n.as_str()) || (n.contains(k.as_str()) && k.len() >= 4))
    };
    for sep in SEPS {
        if let Some(pos) = t.rfind(sep) {
            let (head, tail) = (&t[..pos], &t[pos + sep.len()..]);
            if names_site(tail) && !head.trim().is_empty() {
                return head.trim().to_string();
            }
        }
        if let Some(pos) = t.find(sep) {
            let (head, tail) = (&t[..pos], &t[pos + sep.len()..]);
            if names_site(head) && !tail.trim().is_empty() {
                return tail.trim().to_string();
            }
        }
    }
    // Unknown site name: drop a short last segment after a strong separator.
    for sep in [" | ", " – ", " — ", " - "] {
        if let Some(pos) = t.rfind(sep) {
            let (head, tail) = (&t[..pos], &t[pos + sep.len()..]);
            if tail.split_whitespace().count() <= 4 && head.split_whitespace().count() >= 3 {
                return head.trim().to_string();
            }
        }
    }
    t
}

/// The title without its last segment, and that segment as the site's
/// name, when the segment after a separator is short (at most four words,
/// no digits: "Part 2" and "2025 Guide" are the headline's own).
fn title_site_suffix(title: &str) -> Option<(String, String)> {
    const SEPS: [&str; 6] = [" | ", " – ", " — ", " - ", " · ", " • "];
    let (pos, sep) = SEPS.iter().filter_map(|sep| title.rfind(sep).map(|p| (p, *sep))).max_by_key(|(p, _)| *p)?;
    let (head, tail) = (title[..pos].trim(), title[pos + sep.len()..].trim());
    let words = tail.split_whitespace().count();
    let fits =
        (1..=4).contains(&words) && !tail.chars().any(|c| c.is_ascii_digit()) && tail.chars().any(char::is_alphabetic);
    (fits && head.chars().any(char::is_alphabetic)).then(|| (head.to_string(), tail.to_string()))
}

fn split_authors(s: &str) -> Vec<String> {
    static SEP: OnceLock<Regex> = OnceLock::new();
    let sep = SEP.get_or_init(|| Regex::new(r"(?i)\s*(?:,|;|\band\b|&|\|)\s*").expect("static regex"));
    let s = collapse_ws(s);
    let s = s
        .trim_start_matches(|c: char| !c.is_alphanumeric())
        .trim_start_matches("By ")
        .trim_start_matches("by ")
        .trim_start_matches("BY ");
    if s.starts_with("http") || s.contains('@') || s.chars().count() > 120 {
        return Vec::new();
    }
    sep.split(s)
        // Bylines run into separators and dates: "Loshaun Dixon -", "Ann Lee •".
        .map(|p| p.trim().trim_end_matches(|c: char| !c.is_alphanumeric() && c != ')').trim().to_string())
        .filter(|p| {
            let words = p.split_whitespace().count();
            (1..=5).contains(&words) && p.chars().any(char::is_alphabetic)
        })
        .collect()
}

fn normalize_lang(l: &str) -> Option<String> {
    let primary = l.trim().split(['-', '_']).next()?.to_ascii_lowercase();
    if (2..=3).contains(&primary.len()) && primary.chars().all(|c| c.is_ascii_alphabetic()) {
        Some(primary)
    } else {
        None
    }
}

fn absolutize(href: &str, base: Option<&str>) -> String {
    if href.starts_with("http://") || href.starts_with("https://") {
        return href.to_string();
    }
    let Some(base) = base else { return href.to_string() };
    let Some(scheme_end) = base.find("://") else { return href.to_string() };
    let host_end = base[scheme_end + 3..].find('/').map_or(base.len(), |p| scheme_end + 3 + p);
    if let Some(rest) = href.strip_prefix("//") {
        format!("{}//{}", &base[..scheme_end + 1], rest)
    } else if href.starts_with('/') {
        format!("{}{}", &base[..host_end], href)
    } else {
        href.to_string()
    }
}

/// Any common date spelling -> YYYY-MM-DD.
pub(crate) fn normalize_date(s: &str) -> Option<String> {
    static ISO: OnceLock<Regex> = OnceLock::new();
    static TEXT: OnceLock<Regex> = OnceLock::new();
    let s = s.trim();
    let iso = ISO.get_or_init(|| {
        Regex::new(r"(?:^|[^\d])((?:19|20)\d{2})[-/.]?(0[1-9]|1[0-2])[-/.]?(0[1-9]|[12]\d|3[01])(?:[^\d]|$)")
            .expect("static regex")
    });
    if let Some(c) = iso.captures(s) {
        let d = NaiveDate::from_ymd_opt(c[1].parse().ok()?, c[2].parse().ok()?, c[3].parse().ok()?)?;
        return Some(d.format("%Y-%m-%d").to_string());
    }
    // "October 7, 2019", "7 October 2019", "Oct. 7 2019"
    let text = TEXT.get_or_init(|| {
        Regex::new(r"(?i)\b(?:(\d{1,2})\s+)?(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(?:(\d{1,2})(?:st|nd|rd|th)?,?\s+)?((?:19|20)\d{2})\b")
            .expect("static regex")
    });
    let c = text.captures(s)?;
    let month = crate::dates::month_number(&c[2])?;
    let day: u32 = c.get(1).or_else(|| c.get(3))?.as_str().parse().ok()?;
    let d = NaiveDate::from_ymd_opt(c[4].parse().ok()?, month, day)?;
    Some(d.format("%Y-%m-%d").to_string())
}

#[derive(Default)]
struct JsonLd {
    headline: Option<String>,
    /// `datePublished` values of article-typed objects, then of the
    /// others, then `dateCreated`, with the source to report.
    published: Vec<(String, &'static str)>,
    modified: Option<String>,
    authors: Vec<String>,
    publisher: Option<String>,
    description: Option<String>,
}

impl JsonLd {
    fn from_nodes(nodes: &PageNodes) -> JsonLd {
        let mut out = JsonLd::default();
        let mut objects: Vec<Value> = Vec::new();
        for node in &nodes.json_ld {
            let raw = node.text();
            // some CMSs wrap the JSON in a CDATA comment
            let raw = raw.trim().trim_start_matches("//<![CDATA[").trim_end_matches("//]]>");
            if let Ok(v) = serde_json::from_str::<Value>(raw) {
                flatten_ld(v, &mut objects, 0);
            }
        }
        // Article-typed objects first: a page's JSON-LD often also describes
        // the site (WebSite, Organization) with its own name and dates.
        let is_article = |o: &Value| {
            let ty = match o.get("@type") {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(" "),
                _ => String::new(),
            };
            ty.contains("Article") || ty.contains("Posting") || ty.contains("Report")
        };
        objects.sort_by_key(|o| !is_article(o));
        let created: Vec<String> =
            objects.iter().filter_map(|o| o.get("dateCreated").and_then(Value::as_str).map(collapse_ws)).collect();
        for o in &objects {
            let s = |k: &str| o.get(k).and_then(Value::as_str).map(collapse_ws).filter(|s| !s.is_empty());
            if out.headline.is_none() && is_article(o) {
                out.headline = s("headline");
            }
            if let Some(d) = s("datePublished") {
                out.published.push((d, "json-ld"));
            }
            if out.modified.is_none() {
                out.modified = s("dateModified");
            }
            if out.description.is_none() && is_article(o) {
                out.description = s("description");
            }
            if out.authors.is_empty() {
                if let Some(a) = o.get("author").or_else(|| o.get("creator")) {
                    collect_names(a, &mut out.authors);
                }
            }
            if out.publisher.is_none() {
                if let Some(p) = o.get("publisher") {
                    let mut names = Vec::new();
                    collect_names(p, &mut names);
                    out.publisher = names.into_iter().next();
                }
            }
        }
        out.published.extend(created.into_iter().map(|d| (d, "json-ld dateCreated")));
        out
    }
}

fn flatten_ld(v: Value, out: &mut Vec<Value>, depth: usize) {
    if depth > 4 || out.len() > 64 {
        return;
    }
    match v {
        Value::Array(a) => a.into_iter().for_each(|x| flatten_ld(x, out, depth + 1)),
        Value::Object(mut m) => {
            if let Some(g) = m.remove("@graph") {
                flatten_ld(g, out, depth + 1);
            }
            out.push(Value::Object(m));
        }
        _ => {}
    }
}

fn collect_names(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) if !s.starts_with("http") => out.push(collapse_ws(s)),
        Value::Array(a) => a.iter().take(10).for_each(|x| collect_names(x, out)),
        Value::Object(m) => {
            if let Some(Value::String(n)) = m.get("name") {
                out.push(collapse_ws(n));
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r##"<!DOCTYPE html>
<html lang="en-GB"><head>
<meta charset="utf-8">
<title>Council approves new bridge | The Riverside Gazette</title>
<meta property="og:site_name" content="The Riverside Gazette">
<link rel="canonical" href="/news/2024/03/05/bridge">
<script type="application/ld+json">
{"@context":"https://schema.org","@type":"NewsArticle","headline":"Council approves new bridge",
 "datePublished":"2024-03-05T08:30:00+01:00","dateModified":"2024-03-06T10:00:00Z",
 "author":[{"@type":"Person","name":"Jane Miller"}],"publisher":{"@type":"Organization","name":"Riverside Gazette Ltd"}}
</script>
<script>var tracking = "SHOULD NOT APPEAR";</script>
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li></ul></nav>
<main><article>
<h1>Council approves new bridge</h1>
<div class="byline">By Jane Miller</div>
<div class="share-buttons"><a href="#">Facebook</a> <a href="#">Twitter</a> <a href="#">Email</a></div>
<p>The city council voted on Tuesday to approve the construction of a new pedestrian bridge across the river, ending a debate that has lasted nearly a decade.</p>
<p>The bridge, which will cost an estimated &euro;12 million, is expected to open in 2026. Supporters say it will cut travel times for thousands of commuters &amp; cyclists every day.</p>
<figure><img src="b.jpg"><figcaption>An artist's impression of the bridge. Photo: City Council</figcaption></figure>
<p>Opponents argued that the money should be spent on repairing existing roads, but the motion passed by 23 votes to 8 after a long session that ran late into the evening.</p>
<p>Construction is due to begin in the autumn, once the final environmental assessments have been completed and the contracts have been awarded to the builders.</p>
</article></main>
<section id="comments"><h3>Comments</h3><div class="comment"><p>Great news, finally! I have waited so long for this bridge to be built.</p></div></section>
<footer><p>Copyright 2024 The Riverside Gazette. All rights reserved.</p><a href="/privacy">Privacy</a></footer>
</body></html>"##;

    #[test]
    fn html_extracts_body_and_metadata() {
        let a = extract_html(PAGE, Some("https://gazette.example/news/2024/03/05/bridge")).unwrap();
        let paras: Vec<&str> = a.text.split("\n\n").collect();
        assert_eq!(paras.len(), 4, "{:#?}", paras);
        assert!(paras[0].starts_with("The city council voted on Tuesday"));
        assert!(paras[1].contains("€12 million"));
        assert!(paras[1].contains("commuters & cyclists"));
        assert!(paras[3].starts_with("Construction is due"));
        for bad in
            ["SHOULD NOT APPEAR", "Home", "Facebook", "Great news", "Copyright", "artist's impression", "By Jane"]
        {
            assert!(!a.text.contains(bad), "{bad} leaked: {}", a.text);
        }
        assert_eq!(a.title.as_deref(), Some("Council approves new bridge"));
        assert_eq!(a.published.as_deref(), Some("2024-03-05"));
        assert_eq!(a.modified.as_deref(), Some("2024-03-06"));
        assert_eq!(a.authors, vec!["Jane Miller".to_string()]);
        assert_eq!(a.site_name.as_deref(), Some("The Riverside Gazette"));
        assert_eq!(a.language.as_deref(), Some("en"));
        assert_eq!(a.canonical_url.as_deref(), Some("https://gazette.example/news/2024/03/05/bridge"));
    }

    #[test]
    fn html_drops_boilerplate_lines_in_the_pages_own_language() {
        let body = |lang: &str| {
            format!(
                r#"<html lang="{lang}"><head><title>Neue Brücke</title></head><body><article>
<p>Der Stadtrat hat am Dienstag den Bau einer neuen Fußgängerbrücke über den Fluss beschlossen und damit eine lange Debatte beendet.</p>
<p>Anzeige</p>
<p>Von Anna Schmidt</p>
<p>Die Brücke soll rund zwölf Millionen Euro kosten und im Jahr 2026 eröffnet werden, sagen die Planer der Stadtverwaltung.</p>
<p>Foto: dpa</p>
<p>Mehr zum Thema: Wie die Stadt ihre Radwege ausbauen will</p>
<p>Gegner wollten das Geld lieber in die Reparatur bestehender Straßen stecken, doch der Antrag wurde mit großer Mehrheit angenommen.</p>
</article></body></html>"#
            )
        };
        let de = extract_html(&body("de"), None).unwrap();
        assert!(de.text.starts_with("Der Stadtrat"), "{}", de.text);
        assert!(de.text.contains("zwölf Millionen") && de.text.contains("Gegner wollten"), "{}", de.text);
        for bad in ["Anzeige", "Von Anna", "Foto: dpa", "Mehr zum Thema"] {
            assert!(!de.text.contains(bad), "{bad} kept: {}", de.text);
        }
        // a page declared English is read with the English lines only
        let en = extract_html(&body("en"), None).unwrap();
        assert!(en.text.contains("Mehr zum Thema"), "{}", en.text);
    }

    #[test]
    fn html_sources_say_where_each_field_came_from() {
        let a = extract_html(PAGE, Some("https://gazette.example/news/2024/03/05/bridge")).unwrap();
        let src = |k: &str| a.sources.get(k).map(String::as_str);
        assert_eq!(src("published"), Some("json-ld"));
        assert_eq!(src("title"), Some("json-ld"));
        assert_eq!(src("outlet"), Some("og:site_name"));
        assert_eq!(src("authors"), Some("json-ld"));
        assert_eq!(src("language"), Some("html lang"));
    }

    #[test]
    fn html_outlet_falls_back_to_publisher_then_host() {
        let body = "<p>The city council voted on Tuesday to approve the construction of a new pedestrian bridge across the river.</p>";
        let page = format!(
            r#"<html><head><title>Bridge approved | Gazette</title><script type="application/ld+json">{{"@type":"NewsArticle","publisher":{{"@type":"Organization","name":"Gazette"}}}}</script></head><body>{body}</body></html>"#
        );
        let a = extract_html(&page, None).unwrap();
        assert_eq!(
            (a.site_name.as_deref(), a.sources.get("outlet").map(String::as_str)),
            (Some("Gazette"), Some("json-ld publisher"))
        );
        assert_eq!(a.title.as_deref(), Some("Bridge approved"));
        let page = format!("<html><head><title>Bridge approved</title></head><body>{body}</body></html>");
        let a = extract_html(&page, Some("https://www.gazette.example/a")).unwrap();
        assert_eq!(
            (a.site_name.as_deref(), a.sources.get("outlet").map(String::as_str)),
            (Some("gazette.example"), Some("host"))
        );
        // no site named anywhere and no URL: the title's last segment is the site
        let page = format!("<html><head><title>systemd - ArchWiki</title></head><body>{body}</body></html>");
        let a = extract_html(&page, None).unwrap();
        assert_eq!(
            (a.title.as_deref(), a.site_name.as_deref(), a.sources.get("outlet").map(String::as_str)),
            (Some("systemd"), Some("ArchWiki"), Some("title suffix"))
        );
        // a numbered part is the headline's own
        let page = format!("<html><head><title>Recap - Episode 12</title></head><body>{body}</body></html>");
        let a = extract_html(&page, None).unwrap();
        assert_eq!((a.title.as_deref(), a.site_name.as_deref()), (Some("Recap - Episode 12"), None));
    }

    #[test]
    fn html_the_shown_headline_wins_over_the_heads_search_title() {
        let page = |h1: &str| {
            format!(
                r#"<html><head><meta property="og:title" content="Best Tax Preparation Software | Ledger"></head>
                <body><header><h1>{h1}</h1></header><article><p>{}</p></article></body></html>"#,
                "We tested twelve tax programs over three months and compared their prices and features. ".repeat(4)
            )
        };
        let title = |html: &str| {
            let a = extract_html(html, None).unwrap();
            (a.title.unwrap_or_default(), a.sources.get("title").cloned().unwrap_or_default())
        };
        // the page's own words for the same headline
        assert_eq!(
            title(&page("The Best Tax Preparation Software of 2025")),
            ("The Best Tax Preparation Software of 2025".into(), "h1".into())
        );
        // a logo or an unrelated heading is no headline
        assert_eq!(title(&page("Ledger")), ("Best Tax Preparation Software".into(), "og:title".into()));
        assert_eq!(
            title(&page("Subscribe to our weekly digest")),
            ("Best Tax Preparation Software".into(), "og:title".into())
        );
    }

    #[test]
    fn html_titles_lose_the_site_name_and_authors_their_punctuation() {
        let sites = ["The Riverside Gazette", "riversidegazette.com"];
        assert_eq!(strip_site_suffix("Bridge approved | The Riverside Gazette", &sites), "Bridge approved");
        assert_eq!(strip_site_suffix("Bridge approved – RIVERSIDE GAZETTE", &sites), "Bridge approved");
        assert_eq!(strip_site_suffix("Riverside Gazette | Bridge approved", &sites), "Bridge approved");
        // the host names the site when no site name is given
        assert_eq!(
            strip_site_suffix(
                "Council votes on the new river bridge - Riversidegazette News",
                &["riversidegazette.com"]
            ),
            "Council votes on the new river bridge"
        );
        // a segment that is not the site stays
        assert_eq!(
            strip_site_suffix("Pope Francis: a life in pictures and words", &sites),
            "Pope Francis: a life in pictures and words"
        );
        assert_eq!(split_authors("Loshaun Dixon -"), vec!["Loshaun Dixon".to_string()]);
        assert_eq!(split_authors("By Ann Lee • and Bo Kim |"), vec!["Ann Lee".to_string(), "Bo Kim".to_string()]);
    }

    #[test]
    fn html_publication_date_sources_in_trust_order() {
        let body = "<p>The city council voted on Tuesday to approve the construction of a new pedestrian bridge across the river.</p>";
        // meta published beats a JSON-LD-less page's time element
        let page = format!(
            r#"<html><head><meta property="article:modified_time" content="2024-03-09"><meta name="parsely-pub-date" content="2024-03-02T10:00:00Z"></head><body><time datetime="2024-03-08">x</time>{body}</body></html>"#
        );
        let a = extract_html(&page, None).unwrap();
        assert_eq!(a.published.as_deref(), Some("2024-03-02"));
        assert_eq!(a.sources.get("published").map(String::as_str), Some("meta:parsely-pub-date"));
        // JSON-LD inside @graph, WebSite first, Article second
        let page = format!(
            r#"<html><head><script type="application/ld+json">{{"@graph":[{{"@type":"WebSite","name":"G"}},{{"@type":["NewsArticle"],"datePublished":"2024-02-01T10:00:00+01:00","dateModified":"2024-02-05"}}]}}</script></head><body>{body}</body></html>"#
        );
        let a = extract_html(&page, None).unwrap();
        assert_eq!((a.published.as_deref(), a.modified.as_deref()), (Some("2024-02-01"), Some("2024-02-05")));
        // no published date anywhere: the head's hidden modified time is
        // kept as `modified`, never given as the publication date
        let page = format!(
            r#"<html><head><meta property="article:modified_time" content="2024-03-09"></head><body>{body}</body></html>"#
        );
        let a = extract_html(&page, None).unwrap();
        assert_eq!((a.published.as_deref(), a.modified.as_deref()), (None, Some("2024-03-09")));
        assert_eq!(a.sources.get("published"), None);
    }

    #[test]
    fn html_a_content_wrapper_with_a_widget_name_is_read() {
        // a newsletter platform puts its posts in `<article class="newsletter-post">`:
        // a name that also marks sign-up boxes, but here it holds the text
        let para = "<p>The council voted on Tuesday to approve the construction of a new pedestrian bridge across the river, ending a long debate.</p>";
        let page = format!(
            r#"<html><body><div id="main"><article class="typography newsletter-post post"><h1>Bridge</h1>{}</article>
            <div class="newsletter-signup"><p>Subscribe to get new posts by email.</p></div></div></body></html>"#,
            para.repeat(4)
        );
        let a = extract_html(&page, None).expect("the post is read");
        assert!(a.text.contains("pedestrian bridge"), "{}", a.text);
        assert!(!a.text.contains("Subscribe"), "{}", a.text);
    }

    #[test]
    fn html_a_listing_keeps_its_linked_entries_and_an_article_drops_them() {
        let entries: String = [
            "Senior backend engineer to build our payments platform in Berlin",
            "Frontend developer for a small team making tools for teachers",
            "Data engineer to run the pipelines behind our weather forecasts",
            "Site reliability engineer for a growing open source database company",
        ]
        .iter()
        .map(|t| format!(r#"<li><a href="/job"><h3>{t}</h3><span>Remote, full time</span></a></li>"#))
        .collect();
        let intro = "<p>Remote programming jobs posted this week, newest first.</p>";
        let menu = r#"<ul><li><a href="/">Home</a></li><li><a href="/jobs">Jobs</a></li><li><a href="/about">About</a></li></ul>"#;
        let listing = format!(r#"<html><body>{menu}<main>{intro}<ul>{entries}</ul></main></body></html>"#);
        let a = extract_html(&listing, None).expect("a listing has text");
        assert!(a.text.contains("payments platform") && a.text.contains("open source database"), "{}", a.text);
        assert!(!a.text.contains("About"), "{}", a.text);
        // the same links under a declared article's text are more stories
        let story = "<p>The city council voted on Tuesday to approve the construction of a new pedestrian bridge across the river, ending a debate that has lasted nearly a decade and divided the town.</p>";
        let article = format!(
            r#"<html><head><meta property="og:type" content="article"></head><body><main><article>{}</article><ul>{entries}</ul></main></body></html>"#,
            story.repeat(3)
        );
        let a = extract_html(&article, None).expect("an article");
        assert!(a.text.contains("pedestrian bridge") && !a.text.contains("payments platform"), "{}", a.text);
    }

    #[test]
    fn html_a_thread_inside_a_moderation_form_is_read() {
        // forum software wraps a thread's posts in one `<form>` (for the
        // moderators' checkboxes); a small form is a search or login box
        let post = |n: usize| {
            format!(
                r#"<article class="entry"><div class="entry__author">member{n}</div><div class="entry__content"><p>Reply {n}: the update broke document reviews on our server as well, and rolling back the plugin to the previous version fixed it for us until the vendor ships a patch.</p></div></article>"#
            )
        };
        let posts: String = (0..16).map(post).collect();
        let page = format!(
            r#"<html><head><meta property="og:type" content="website"></head><body><main><h1>Document reviews broken</h1>
            <form action="/topic/1?do=multimod" method="post">{posts}</form>
            <form action="/search"><label>Search the forum</label><input name="q"></form></main></body></html>"#
        );
        // the page's region as the extractor reads it (Readability's block
        // is one post or the whole form, depending on the page)
        let r = Readability::new(page.as_str(), None, None).expect("parsed");
        prune_document(&r);
        let region = crate::region::main_region_html(&r.doc, false).expect("a body");
        let text: Vec<String> = serialize_paragraphs(&region, true, 6).into_iter().map(|p| p.text).collect();
        let text = text.join("\n");
        assert!(text.contains("Reply 0:") && text.contains("Reply 15:"), "{text}");
        assert!(!text.contains("Search the forum"), "{text}");
    }

    #[test]
    fn html_the_region_reads_class_and_id_as_one_name() {
        // a forum post whose id names a comment but whose class names the
        // content, and a blog comment whose class qualifies "body" by "comment"
        let html = r#"<div id="comment-12_wrap" class="entry__content"><p>The rollback fixed it for us.</p></div>
            <div id="div-comment-3" class="comment-body"><p>Great post, thanks for sharing.</p></div>"#;
        let region: Vec<String> = serialize_paragraphs(html, true, 6).into_iter().map(|p| p.text).collect();
        assert_eq!(region, vec!["The rollback fixed it for us.".to_string()]);
        // Readability's block reads each attribute alone, as before
        assert!(serialize_paragraphs(html, false, 6).is_empty());
    }

    #[test]
    fn html_screen_reader_text_is_pruned_and_aria_hidden_text_is_not() {
        let doc = dom_query::Document::from(
            r#"<p><span class="sr-only">Sale price</span><span aria-hidden="true">$20</span>
            <span class="screen-reader-text">(opens in a new tab)</span></p>"#,
        );
        let pruned: Vec<String> =
            crate::region::select_elements(&doc, always_pruned).iter().map(|n| n.text().to_string()).collect();
        assert_eq!(pruned, vec!["Sale price".to_string(), "(opens in a new tab)".to_string()]);
    }

    #[test]
    fn html_a_modal_dialog_is_pruned() {
        // a consent banner's text is prose, and Readability took it for the
        // page's text on a listing with little prose of its own
        let doc = dom_query::Document::from(
            r#"<main><p>Latest economy stories.</p></main>
            <div id="cmp-banner" role="dialog" aria-label="Privacy"><p>We and our partners store and access personal data on your device.</p></div>
            <div class="signup" aria-modal="true"><p>Join us.</p></div>"#,
        );
        let pruned: Vec<String> =
            crate::region::select_elements(&doc, always_pruned).iter().map(|n| n.text().trim().to_string()).collect();
        assert_eq!(
            pruned,
            vec![
                "We and our partners store and access personal data on your device.".to_string(),
                "Join us.".to_string()
            ]
        );
    }

    #[test]
    fn html_a_stray_quote_in_an_attribute_name_does_not_hide_the_text() {
        // html5ever keeps a quote inside an attribute's name and writes it
        // back as `z-50"=""`: not the start of a quoted value
        let html = r#"<div class="relative" z-50"=""><p>Forecast demand and track attendance in one place.</p></div>
            <p>Payroll runs with one click.</p>"#;
        let text: Vec<String> = serialize_paragraphs(html, true, 6).into_iter().map(|p| p.text).collect();
        assert_eq!(
            text,
            vec![
                "Forecast demand and track attendance in one place.".to_string(),
                "Payroll runs with one click.".to_string()
            ]
        );
    }

    #[test]
    fn html_the_region_reads_a_sections_header_and_not_the_pages() {
        let html = r#"<header class="top"><p>Site banner</p></header>
            <article><header><h2>Story one</h2><p>Summary of the first story.</p></header></article>"#;
        let text: Vec<String> = serialize_paragraphs(html, true, 6).into_iter().map(|p| p.text).collect();
        assert_eq!(text, vec!["Story one".to_string(), "Summary of the first story.".to_string()]);
    }

    #[test]
    fn html_a_listing_card_is_judged_as_one_link() {
        // one `<a>` around a job's title, company and terms, each a short
        // block: together an entry; a menu's one-word links are not
        let html = r#"<ul><li><a href="/jobs/1"><h3>Software Engineer</h3><p>Cortes 23</p><p>Remote, full time</p></a></li></ul>
            <ul><li><a href="/">Home</a></li><li><a href="/about">About us</a></li></ul>"#;
        let text: Vec<String> = serialize_paragraphs(html, true, 6).into_iter().map(|p| p.text).collect();
        assert_eq!(
            text,
            vec!["Software Engineer".to_string(), "Cortes 23".to_string(), "Remote, full time".to_string()]
        );
        // Readability's block keeps no link-only block, as before
        assert!(serialize_paragraphs(html, false, usize::MAX).is_empty());
    }

    #[test]
    fn html_a_product_page_takes_its_region() {
        let description =
            "Crisp almond thins baked in small batches with dried cranberries and no added salt.".to_string();
        // a description long enough (150+ words) that short lines beside
        // it are not counted on a page that declares nothing
        let readability: Vec<String> = (0..12).map(|_| description.clone()).collect();
        let region: Vec<Paragraph> = readability
            .iter()
            .map(String::as_str)
            .chain(["Package quantity: 148 g", "Product code: ALD-00601", "Kosher"])
            .map(|t| Paragraph { text: t.to_string(), link_only: false })
            .collect();
        // a product's specifications are short lines, which the prose
        // count does not weigh
        let product = Declared { article: false, product: true };
        assert_eq!(choose_text(readability.clone(), region.clone(), product).len(), 15);
        assert_eq!(choose_text(readability.clone(), region.clone(), Declared::default()), readability);
        let both = Declared { article: true, product: true };
        assert_eq!(choose_text(readability.clone(), region, both), readability);

        let declared = |head: &str, body: &str| {
            let page = format!("<html><head>{head}</head><body>{body}</body></html>");
            let r = Readability::new(page.as_str(), None, None).expect("parsed");
            declared_kind(&r, &PageNodes::of(&r.doc), &page)
        };
        assert_eq!(declared(r#"<meta property="og:type" content="product">"#, "<p>x</p>"), product);
        assert_eq!(declared("", r#"<div itemscope itemtype="https://schema.org/Product"><p>x</p></div>"#), product);
        assert_eq!(
            declared(
                r#"<meta property="og:type" content="article">"#,
                r#"<div itemtype="https://schema.org/Product"></div>"#
            ),
            Declared { article: true, product: false }
        );
        assert_eq!(declared("", "<p>x</p>"), Declared::default());
    }

    #[test]
    fn html_short_lines_count_when_readability_kept_little() {
        // a listing that declares itself an article (a site-wide `og:type`):
        // Readability keeps the intro, the region adds the entries, each a
        // short line that the prose count does not weigh
        let intro = "Our guide lists the trails near the city, with their length and difficulty.".to_string();
        let mut region = vec![Paragraph { text: intro.clone(), link_only: false }];
        for n in 0..12 {
            region.push(Paragraph { text: format!("Trail {n}: 4 km, moderate"), link_only: false });
        }
        let readability = vec![intro.clone()];
        let article = Declared { article: true, product: false };
        assert_eq!(choose_text(readability.clone(), region.clone(), article).len(), 13);
        // a short article beside a few lines of site furniture keeps its text
        assert_eq!(choose_text(readability.clone(), region[..4].to_vec(), article), readability);
        assert_eq!(choose_text(readability.clone(), region.clone(), Declared::default()).len(), 13);
        // a long block keeps the old rule: short lines beside it are labels
        let long: Vec<String> = (0..20).map(|_| intro.clone()).collect();
        let mut region_long: Vec<Paragraph> =
            long.iter().map(|t| Paragraph { text: t.clone(), link_only: false }).collect();
        region_long.extend(region[1..].iter().cloned());
        assert_eq!(choose_text(long.clone(), region_long, Declared::default()), long);
    }

    #[test]
    fn html_decodes_windows_1252_and_euc_kr() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(
            "<html><head><meta charset=\"windows-1252\"></head><body><p>Café “quoted” – naïve</p></body></html>",
        );
        let s = decode_html_bytes(&bytes, None);
        assert!(s.contains("Café “quoted” – naïve"), "{s}");
        // header wins over nothing; no meta at all
        let (bytes, _, _) =
            encoding_rs::EUC_KR.encode("<html><body><p>서울 시민들이 새 다리를 환영했다</p></body></html>");
        let s = decode_html_bytes(&bytes, Some("text/html; charset=EUC-KR"));
        assert!(s.contains("서울 시민들이 새 다리를 환영했다"), "{s}");
        // no declaration: sniffed
        let long = "<html><body><p>서울 시민들이 새 다리를 환영했다. 시의회는 화요일에 새 보행자 다리 건설을 승인했다.</p></body></html>";
        let (bytes, _, _) = encoding_rs::EUC_KR.encode(long);
        assert!(decode_html_bytes(&bytes, None).contains("시의회는 화요일에"));
        // BOM
        let mut b = vec![0xEF, 0xBB, 0xBF];
        b.extend_from_slice("<p>Grüße</p>".as_bytes());
        assert_eq!(decode_html_bytes(&b, Some("text/html; charset=iso-8859-1")), "<p>Grüße</p>");
    }

    #[test]
    fn html_garbage_is_an_error_not_a_panic() {
        assert_eq!(extract_html("", None), Err(HtmlError::Empty));
        assert!(extract_html("\u{0}\u{1}<<<>>>&&&;;;<div", None).is_err());
        assert!(extract_html("<html><body><nav>menu</nav></body></html>", Some("not a url")).is_err());
        let junk: String = (0..5000u32).map(|i| char::from_u32(i * 7919 % 0x10FFFF).unwrap_or('x')).collect();
        let _ = extract_html(&junk, None);
        let _ = decode_html_bytes(&[0xff, 0xfe, 0x00], None);
        let _ = decode_html_bytes(&[0x80, 0x81, 0xfe, 0xff, 0x00, 0x3c], Some("charset=bogus"));
    }

    #[test]
    fn html_dates_and_titles() {
        assert_eq!(normalize_date("2019-10-07T12:00:00Z").as_deref(), Some("2019-10-07"));
        assert_eq!(normalize_date("October 7, 2019").as_deref(), Some("2019-10-07"));
        assert_eq!(normalize_date("7 Oct 2019").as_deref(), Some("2019-10-07"));
        assert_eq!(normalize_date("soon"), None);
        assert_eq!(strip_site_suffix("A long headline here - BBC News", &[]), "A long headline here");
        assert_eq!(html_to_paragraphs("<p>a &amp; <b>b</b></p><div>c<br>d</div>"), vec!["a & b", "c", "d"]);
    }
}
