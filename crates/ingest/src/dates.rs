//! Publication dates of HTML pages, from every source a page offers.
//!
//! Order of trust (the first source that gives a plausible date wins):
//!
//! 1. `json-ld`: `datePublished` (then `dateCreated`) of the page's
//!    JSON-LD, article-typed objects first, `@graph` and arrays included;
//! 2. `meta:<name>`: `article:published_time`, `og:published_time`,
//!    `itemprop=datePublished`, then the other publication meta tags
//!    (`pubdate`, `date`, `DC.date.issued`, `sailthru.date`,
//!    `parsely-pub-date`, ...);
//! 3. `time`: a `<time datetime>` (or `itemprop=datePublished`) element
//!    outside comments, related lists and footers, publication-marked ones
//!    first (class names of `<body>`, layout hints like `has-sidebar` and
//!    utility classes do not make an element furniture, nor does a
//!    wrapper that holds the page's `<h1>`; an `<aside>` inside the
//!    `<article>` counts after the article's main flow, and its `<footer>`
//!    is its own);
//! 4. `text`: the visible date line of the page (an element named like a
//!    date or byline, or a short line that is a date, `Posted on ...`);
//! 5. `script`: a publication date in the page's script data (a data
//!    layer's `"publishDate"`, JSON in a head meta), for pages with no
//!    publication markup at all;
//! 6. `url`: a full year/month/day path in the page's URL (`/2024/05/17/`),
//!    last because it is the day the URL was made, often a draft's.
//!
//! A head date written in UTC (`2025-12-19T02:41:41Z`) is read as the day
//! in the page's own offset, when the page writes one elsewhere
//! (`2025-12-18T21:46:01-05:00`) and its URL's date path confirms that
//! local day (`/2025/12/18/`): the page's day is its local day, but on the
//! WCXB development pages the annotators took the UTC day as often as the
//! local one, so without the URL's word the date is read as written.
//!
//! A modified/updated date is never taken while a publication date is
//! found; only when none is, a modified date the page *shows* (`<time>` or
//! visible text, "Updated March 9") is used (source suffixed
//! `(modified)`), as a reader would date the page by it. The head's hidden
//! modified times (`article:modified_time`, JSON-LD `dateModified`) are
//! never a publication date: on the WCXB development pages they were wrong
//! 7 times for 2 right, and a missing date is better than a wrong one.
//! Dates before 1995 or more than two days in the future are refused.

use std::sync::OnceLock;

use chrono::{Datelike, FixedOffset, NaiveDate};
use dom_query::NodeRef;
use regex::Regex;

use crate::page_nodes::PageNodes;

/// Earliest year a web page's own date can have.
const MIN_YEAR: i32 = 1995;

/// A date and the source it was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Found {
    pub date: NaiveDate,
    pub source: String,
}

/// Whether `d` can be a page's date: not before the web, not in the future
/// (a crawler sees pages after they were published; two days allow for
/// time zones and clock skew).
pub(crate) fn plausible(d: NaiveDate, today: NaiveDate) -> bool {
    d.year() >= MIN_YEAR && d <= today + chrono::Duration::days(2)
}

/// Day-first or month-first for all-numeric dates (`05/06/2024`), from the
/// page's language: US English writes month first, the rest of the world
/// day first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NumericOrder {
    MonthFirst,
    DayFirst,
}

impl NumericOrder {
    pub fn for_lang(lang: Option<&str>) -> NumericOrder {
        match lang.map(str::to_ascii_lowercase) {
            Some(l) if l == "en" || l == "en-us" || l.starts_with("en_us") => NumericOrder::MonthFirst,
            None => NumericOrder::MonthFirst,
            _ => NumericOrder::DayFirst,
        }
    }
}

/// A machine-readable date (an attribute or JSON-LD value: ISO 8601, RFC
/// 2822, or any spelling [`parse_text_date`] reads).
pub(crate) fn parse_machine_date(s: &str, order: NumericOrder) -> Option<NaiveDate> {
    static ISO: OnceLock<Regex> = OnceLock::new();
    let s = s.trim();
    let iso = ISO.get_or_init(|| {
        Regex::new(r"^\D{0,20}?((?:19|20)\d{2})-?(0[1-9]|1[0-2])-?(0[1-9]|[12]\d|3[01])(?:\D|$)").expect("static regex")
    });
    if let Some(c) = iso.captures(s) {
        return NaiveDate::from_ymd_opt(c[1].parse().ok()?, c[2].parse().ok()?, c[3].parse().ok()?);
    }
    if let Ok(d) = chrono::DateTime::parse_from_rfc2822(s) {
        return Some(d.date_naive());
    }
    // Unix timestamps (seconds or milliseconds) in some CMS meta tags.
    if s.len() >= 9 && s.len() <= 13 && s.bytes().all(|b| b.is_ascii_digit()) {
        let n: i64 = s.parse().ok()?;
        let secs = if s.len() == 13 { n / 1000 } else { n };
        return chrono::DateTime::from_timestamp(secs, 0).map(|d| d.date_naive());
    }
    parse_text_date(s, order).map(|(d, _)| d)
}

/// The first full date (day, month and year) written in `s`, with its byte
/// span: `May 17, 2024`, `17 May 2024`, `17. Mai 2024`, `17 de mayo de
/// 2024`, `2024-05-17`, `2024/05/17`, `17.05.2024`, `05/17/2024`, and the
/// day of an ISO instant shown as text (`2022-11-23T08:10+02:00`).
pub(crate) fn parse_text_date(s: &str, order: NumericOrder) -> Option<(NaiveDate, std::ops::Range<usize>)> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        let month = r"(?P<mon>[[:alpha:]äéèûôçñ]{3,10})\.?";
        let day = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th|er|\.)?";
        let day2 = r"(?P<day2>[0-3]?\d)(?:st|nd|rd|th)?";
        let year = r"(?P<year>(?:19|20)\d{2})";
        // the regex crate wants each group name once
        let month2 = month.replace("mon", "mon2");
        let year2 = year.replace("year", "year2");
        Regex::new(&format!(
            r"(?i)\b(?:(?P<y>(?:19|20)\d{{2}})[-/.](?P<m>[01]?\d)[-/.](?P<d>[0-3]?\d)(?:\b|T)|(?P<a>[0-3]?\d)[/.-](?P<b>[0-3]?\d)[/.-](?P<yy>(?:19|20)\d{{2}})\b|{day}\s*(?:de\s+)?{month}\s*(?:de\s+|,\s*)?{year}\b|{month2}\s+{day2},?\s+{year2}\b)"
        ))
        .expect("static regex")
    });
    for c in re.captures_iter(s) {
        let span = c.get(0)?.range();
        let date = (|| {
            if let Some(y) = c.name("y") {
                NaiveDate::from_ymd_opt(y.as_str().parse().ok()?, c["m"].parse().ok()?, c["d"].parse().ok()?)
            } else if let Some(yy) = c.name("yy") {
                let (a, b): (u32, u32) = (c["a"].parse().ok()?, c["b"].parse().ok()?);
                let y: i32 = yy.as_str().parse().ok()?;
                // A dot means day first everywhere (`17.05.2024`); otherwise an
                // impossible month decides, else the page's convention.
                let dotted = s[span.clone()].contains('.');
                let (m, d) = if a > 12 || dotted {
                    (b, a)
                } else if b > 12 {
                    (a, b)
                } else if order == NumericOrder::DayFirst {
                    (b, a)
                } else {
                    (a, b)
                };
                NaiveDate::from_ymd_opt(y, m, d)
            } else {
                let mon = month_number(c.name("mon").or_else(|| c.name("mon2"))?.as_str())?;
                let day: u32 = c.name("day").or_else(|| c.name("day2"))?.as_str().parse().ok()?;
                let year = c.name("year").or_else(|| c.name("year2"))?.as_str();
                NaiveDate::from_ymd_opt(year.parse().ok()?, mon, day)
            }
        })();
        if let Some(d) = date {
            return Some((d, span));
        }
    }
    None
}

/// Month names and abbreviations in the languages of the pages we read
/// (English, German, French, Spanish, Italian, Portuguese, Dutch).
pub(crate) fn month_number(name: &str) -> Option<u32> {
    let n = name.to_lowercase();
    let n = n.trim_end_matches('.');
    #[rustfmt::skip]
    const NAMES: &[(&str, u32)] = &[
        ("january", 1), ("jan", 1), ("januar", 1), ("janvier", 1), ("enero", 1), ("gennaio", 1), ("janeiro", 1), ("januari", 1), ("jänner", 1),
        ("february", 2), ("feb", 2), ("februar", 2), ("février", 2), ("fevrier", 2), ("febrero", 2), ("febbraio", 2), ("fevereiro", 2), ("februari", 2), ("févr", 2),
        ("march", 3), ("mar", 3), ("märz", 3), ("maerz", 3), ("mars", 3), ("marzo", 3), ("março", 3), ("maart", 3), ("mär", 3),
        ("april", 4), ("apr", 4), ("avril", 4), ("abril", 4), ("aprile", 4), ("avr", 4),
        ("may", 5), ("mai", 5), ("mayo", 5), ("maggio", 5), ("maio", 5), ("mei", 5),
        ("june", 6), ("jun", 6), ("juni", 6), ("juin", 6), ("junio", 6), ("giugno", 6), ("junho", 6),
        ("july", 7), ("jul", 7), ("juli", 7), ("juillet", 7), ("julio", 7), ("luglio", 7), ("julho", 7), ("juil", 7),
        ("august", 8), ("aug", 8), ("août", 8), ("aout", 8), ("agosto", 8),
        ("september", 9), ("sep", 9), ("sept", 9), ("septembre", 9), ("septiembre", 9), ("settembre", 9), ("setembro", 9),
        ("october", 10), ("oct", 10), ("oktober", 10), ("okt", 10), ("octobre", 10), ("octubre", 10), ("ottobre", 10), ("outubro", 10),
        ("november", 11), ("nov", 11), ("novembre", 11), ("noviembre", 11), ("novembro", 11),
        ("december", 12), ("dec", 12), ("dezember", 12), ("dez", 12), ("décembre", 12), ("decembre", 12), ("diciembre", 12), ("dicembre", 12), ("dezembro", 12), ("déc", 12),
    ];
    NAMES.iter().find(|(k, _)| *k == n).map(|(_, v)| *v)
}

/// The date path of a URL: `/2024/05/17/`, `/2024-05-17-`, `/20240517/`.
///
/// Only a full year/month/day counts, with one separator throughout (or
/// none and two-digit fields): a year and month alone (`/2025/12/slug`)
/// is no day, and must not be read as `2025-1-2`.
pub(crate) fn date_from_url(url: &str) -> Option<NaiveDate> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(
            r"/((?:19|20)\d{2})(?:/(1[0-2]|0?[1-9])/([12]\d|3[01]|0?[1-9])|-(1[0-2]|0?[1-9])-([12]\d|3[01]|0?[1-9])|(1[0-2]|0[1-9])([12]\d|3[01]|0[1-9]))(?:/|-|_|\.html?|$)",
        )
        .expect("static regex")
    });
    // only the path: a host or query string holds no date
    let path_start = url.find("://").map_or(0, |p| url[p + 3..].find('/').map_or(url.len(), |q| p + 3 + q));
    let path = url[path_start..].split(['?', '#']).next().unwrap_or("");
    let c = re.captures(path)?;
    let (m, d) = [(2, 3), (4, 5), (6, 7)].into_iter().find_map(|(m, d)| Some((c.get(m)?, c.get(d)?)))?;
    NaiveDate::from_ymd_opt(c[1].parse().ok()?, m.as_str().parse().ok()?, d.as_str().parse().ok()?)
}

/// Class/id/itemprop words of an element that holds the page's date line.
fn is_date_name(key: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"(?i)(date|time|publish|posted|byline|dateline|timestamp|entry-meta|post-meta|article-meta|article-info|meta-info|post-info|postmeta|updated|modified)")
            .expect("static regex")
    });
    re.is_match(key)
}

/// Words that say a date is an update, not the publication.
fn says_modified(s: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(
            r"(?i)(updated?|modified|last[- ]reviewed|reviewed|revised|aktualisiert|mis à jour|actualizado|edited)",
        )
        .expect("static regex")
    });
    re.is_match(s)
}

fn says_published(s: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"(?i)(publish|posted|pubdate|veröffentlicht|publié|publicado|pubblicato|created)")
            .expect("static regex")
    });
    re.is_match(s)
}

fn attr_key(n: &NodeRef) -> String {
    let mut k = String::new();
    for a in ["class", "id", "itemprop"] {
        if let Some(v) = n.attr(a) {
            k.push_str(&v);
            k.push(' ');
        }
    }
    k
}

/// Where an element sits: in the page's own text, or in a part of the page
/// that is not the article (comments, related lists, footers, navigation),
/// whose dates belong to other texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Page,
    /// An `<aside>` inside an `<article>`: often the article's own side
    /// column (author, date), sometimes a related box; its dates count
    /// after those of the article's main flow.
    ArticleAside,
    Furniture,
}

/// A class or id token that names a part of the page that is not the
/// article. Layout hints on containers (`has-sidebar`, `no-comments`) and
/// utility classes (`md:[grid-area:sidebar]`) say nothing about the role.
fn furniture_token(tok: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"(?i)(comment|related|recommend|sidebar|widget|footer|teaser|more-?stories|popular|trending|newsletter|reply|respond)")
            .expect("static regex")
    });
    let lower = tok.to_ascii_lowercase();
    !(tok.contains([':', '[']) || ["has-", "no-", "with-", "without-"].iter().any(|p| lower.starts_with(p)))
        && re.is_match(tok)
}

/// The page's headline elements (`<h1>`, at most five) as the node ids of
/// their ancestors: a wrapper that holds the headline is the page's layout,
/// whatever its class says (`widget Blog`, `story-template-sidebar`,
/// `widget-type-blog_content`), not a side block whose dates belong to
/// other texts.
struct Layout(Vec<dom_query::NodeId>);

impl Layout {
    fn of(nodes: &PageNodes) -> Layout {
        let mut ids = Vec::new();
        for h in nodes.h1s.iter().take(5) {
            ids.extend(h.ancestors_it(Some(40)).map(|a| a.id));
        }
        Layout(ids)
    }

    fn holds_headline(&self, n: &NodeRef) -> bool {
        self.0.contains(&n.id)
    }
}

/// Where `n` sits, see [`Place`]. `<body>` and `<html>` are not judged by
/// their classes: WordPress themes put `has-sidebar footer-widgets` on the
/// body of every page. A `<footer>` inside an `<article>` is the article's
/// own (its author and date, as HTML means it), not the page's.
fn place(n: &NodeRef, layout: &Layout) -> Place {
    let mut aside = false;
    let mut footer = false;
    for a in n.ancestors_it(Some(40)) {
        // names compared, not `a.is(selector)`: that parses the selector
        // at every ancestor of every candidate date
        let name = a.node_name();
        let name = name.as_deref().unwrap_or("");
        if matches!(name, "body" | "html") {
            break;
        }
        if name == "article" && footer {
            footer = false;
        }
        if name == "nav" {
            return Place::Furniture;
        }
        if name == "footer" {
            footer = true;
        }
        if !layout.holds_headline(&a)
            && (a.class().is_some_and(|v| v.split_whitespace().any(furniture_token))
                || a.id_attr().is_some_and(|v| v.split_whitespace().any(furniture_token)))
        {
            return Place::Furniture;
        }
        if name == "aside" {
            aside = true;
        } else if aside && name == "article" {
            return Place::ArticleAside;
        }
    }
    if aside || footer {
        Place::Furniture
    } else {
        Place::Page
    }
}

fn in_furniture(n: &NodeRef, layout: &Layout) -> bool {
    place(n, layout) == Place::Furniture
}

/// Inside the article's own container: a date there is the article's, a
/// date elsewhere may be the site header's "today" or a teaser's.
fn in_article(n: &NodeRef) -> bool {
    n.ancestors_it(Some(40)).any(|a| {
        a.has_name("article")
            || a.has_name("main")
            || a.attr("itemprop").as_deref() == Some("articleBody")
            || a.attr("role").as_deref() == Some("main")
    })
}

/// Published and modified dates seen by one kind of source: the first
/// inside the article container wins over the first elsewhere.
#[derive(Default)]
struct Pair {
    published: Option<Found>,
    modified: Option<Found>,
    published_outside: Option<Found>,
    modified_outside: Option<Found>,
}

impl Pair {
    fn offer(&mut self, date: NaiveDate, source: &str, modified: bool, inside: bool) {
        let slot = match (modified, inside) {
            (false, true) => &mut self.published,
            (true, true) => &mut self.modified,
            (false, false) => &mut self.published_outside,
            (true, false) => &mut self.modified_outside,
        };
        if slot.is_none() {
            *slot = Some(Found { date, source: source.to_string() });
        }
    }

    fn finish(self) -> Pair {
        Pair {
            published: self.published.or(self.published_outside),
            modified: self.modified.or(self.modified_outside),
            ..Pair::default()
        }
    }
}

/// Machine-readable dates of `<time>` and `itemprop=datePublished` elements.
fn time_elements(nodes: &PageNodes, layout: &Layout, order: NumericOrder, ok: &dyn Fn(NaiveDate) -> bool) -> Pair {
    let mut pair = Pair::default();
    // Publication-marked elements first, then the rest in document order.
    let mut marked = Pair::default();
    for n in nodes.dated.iter().take(200) {
        let at = place(n, layout);
        if n.has_name("meta") || at == Place::Furniture {
            continue;
        }
        let value = n.attr("datetime").or_else(|| n.attr("content")).map(|v| v.to_string());
        let text = n.text().to_string();
        let shown = (text.len() < 120).then(|| parse_text_date(&text, order).map(|(d, _)| d)).flatten();
        let machine = value.as_deref().and_then(|v| parse_machine_date(v, order));
        // A `datetime` that does not start with the year (`02-12-2025`) is
        // ambiguous; the element's own text (`December 02, 2025`) is not.
        let ambiguous = value.as_deref().is_some_and(|v| !v.trim_start().starts_with(['1', '2']));
        let date = if ambiguous { shown.or(machine) } else { machine.or(shown) };
        let Some(date) = date.filter(|d| ok(*d)) else { continue };
        // The element's own names and the words just before it
        // ("Updated"): not the parent's whole text, which may hold a
        // second, updated date after this one.
        let mut context = attr_key(n);
        if let Some(p) = n.parent() {
            context.push_str(&attr_key(&p));
            context.push_str(&words_before(&p.text(), &text));
        }
        let modified = says_modified(&context) && !says_published(&attr_key(n));
        let inside = in_article(n) && at == Place::Page;
        if n.has_attr("pubdate") || says_published(&attr_key(n)) {
            marked.offer(date, "time", modified, inside);
        }
        pair.offer(date, "time", modified, inside);
    }
    let (marked, pair) = (marked.finish(), pair.finish());
    Pair {
        published: marked.published.or(pair.published),
        modified: marked.modified.or(pair.modified),
        ..Pair::default()
    }
}

/// Up to 40 bytes of `parent` just before the first occurrence of `own`
/// (the element's own text), or nothing when it is not found.
fn words_before(parent: &str, own: &str) -> String {
    let own = own.trim();
    if own.is_empty() {
        // a `<time datetime>` with no text: its parent's words, if short
        return if parent.len() < 200 { parent.to_string() } else { String::new() };
    }
    let Some(at) = parent.find(own) else { return String::new() };
    let mut start = at.saturating_sub(40);
    while !parent.is_char_boundary(start) {
        start += 1;
    }
    parent[start..at].to_string()
}

/// The visible date line: elements named like a date or byline whose text
/// holds a full date, then short text lines that are a date.
fn visible_date(nodes: &PageNodes, layout: &Layout, order: NumericOrder, ok: &dyn Fn(NaiveDate) -> bool) -> Pair {
    let mut pair = Pair::default();
    let Some(body) = nodes.body else { return pair };
    let mut seen_named = 0usize;
    let mut line_pair = Pair::default();
    let mut lines = 0usize;
    for n in body.descendants_it() {
        if n.is_element() {
            if seen_named >= 60 || !is_date_name(&attr_key(&n)) {
                continue;
            }
            seen_named += 1;
            let text = n.text();
            if text.len() > 300 || in_furniture(&n, layout) {
                continue;
            }
            if let Some((d, span)) = parse_text_date(&text, order).filter(|(d, _)| ok(*d)) {
                let before = &text[..span.start];
                let modified = says_modified(before) || (says_modified(&attr_key(&n)) && !says_published(before));
                pair.offer(d, "text", modified, in_article(&n));
            }
        } else if n.is_text() && lines < 3000 {
            lines += 1;
            let t = n.text();
            let t = t.trim();
            if t.len() < 8 || t.len() > 80 || !t.bytes().any(|b| b.is_ascii_digit()) {
                continue;
            }
            let Some((d, span)) = parse_text_date(t, order).filter(|(d, _)| ok(*d)) else { continue };
            // A line that is a date, or says it is the posting date; a date
            // inside a sentence is what the article talks about.
            let before = t[..span.start].trim();
            let after = t[span.end..].trim();
            let is_line = before.split_whitespace().count() <= 3 && after.split_whitespace().count() <= 3;
            if !(is_line || says_published(before) || says_modified(before)) {
                continue;
            }
            let Some(parent) = n.parent() else { continue };
            let hidden_or_link = parent
                .node_name()
                .is_some_and(|t| matches!(&*t, "script" | "style" | "noscript" | "template" | "option" | "a"));
            if hidden_or_link || in_furniture(&parent, layout) {
                continue;
            }
            line_pair.offer(d, "text", says_modified(before), in_article(&parent));
        }
    }
    let (pair, line_pair) = (pair.finish(), line_pair.finish());
    Pair {
        published: pair.published.or(line_pair.published),
        modified: pair.modified.or(line_pair.modified),
        ..Pair::default()
    }
}

/// Everything the page's head says, in trust order, for [`pick`].
pub(crate) struct HeadDates {
    /// (value, source) pairs of publication dates, most trusted first.
    pub published: Vec<(String, String)>,
    /// (value, source) pairs of modified dates, most trusted first.
    pub modified: Vec<(String, String)>,
}

/// The page's publication date and its source, see the module doc.
pub(crate) fn pick(
    nodes: &PageNodes,
    head: &HeadDates,
    urls: &[&str],
    lang: Option<&str>,
    today: NaiveDate,
) -> Option<Found> {
    let order = NumericOrder::for_lang(lang);
    let ok = |d: NaiveDate| plausible(d, today);
    let url_date = urls.iter().find_map(|u| date_from_url(u)).filter(|d| ok(*d));
    let local = local_offset(nodes, head);
    let first = |list: &[(String, String)]| {
        list.iter().find_map(|(v, src)| {
            // A UTC instant is moved to the page's local day only when the
            // URL's date path says that day: on its own the rule broke as
            // many WCXB pages as it fixed (their annotators took the UTC day).
            let local_day = local.and_then(|off| utc_instant_in(v, off)).filter(|d| Some(*d) == url_date);
            let date = local_day.or_else(|| parse_machine_date(v, order));
            date.filter(|d| ok(*d)).map(|date| Found { date, source: src.clone() })
        })
    };
    if let Some(f) = first(&head.published) {
        return Some(f);
    }
    let layout = Layout::of(nodes);
    let times = time_elements(nodes, &layout, order, &ok);
    if let Some(f) = times.published {
        return Some(f);
    }
    let visible = visible_date(nodes, &layout, order, &ok);
    if let Some(f) = visible.published {
        return Some(f);
    }
    if let Some(date) = script_data_date(nodes).filter(|d| ok(*d)) {
        return Some(Found { date, source: "script".into() });
    }
    // The URL's date path is the day the URL was made (often a draft's),
    // so it comes after every date the page itself states.
    if let Some(date) = url_date {
        return Some(Found { date, source: "url".into() });
    }
    // A modified date only when the page shows it ("Updated March 9"): a
    // reader dates the page by it. The head's hidden modified time is often
    // a template re-save, wrong far more often than right, so the page
    // stays undated rather than wrongly dated.
    let modified = times.modified.or(visible.modified)?;
    Some(Found { date: modified.date, source: format!("{} (modified)", modified.source) })
}

/// A publication date held in the page's script data (an analytics data
/// layer's `"publishDate"`, a framework's page props) or in a head meta
/// whose content is a JSON object: what a page without any publication
/// markup still tells its own scripts.
fn script_data_date(nodes: &PageNodes) -> Option<NaiveDate> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r#""(?:datePublished|publishDate|publishedDate|date_published|firstPublishedDate|publish_date)\\?"\s*:\s*\\?"((?:19|20)\d{2})-(\d{2})-(\d{2})"#)
            .expect("static regex")
    });
    nodes.script_data.iter().take(200).find_map(|n| {
        let text = if n.has_name("meta") { n.attr("content")?.to_string() } else { n.text().to_string() };
        let c = re.captures(&text)?;
        // a product's or a listing's data has dates too; only an article's counts
        if !text.contains("rticle") {
            return None;
        }
        NaiveDate::from_ymd_opt(c[1].parse().ok()?, c[2].parse().ok()?, c[3].parse().ok()?)
    })
}

/// The page's own UTC offset, when it writes one that is not zero: from
/// its head dates (published, then modified), then its `<time datetime>`
/// elements. A site stores `article:published_time` in UTC and prints
/// local time; the local day is the page's day.
fn local_offset(nodes: &PageNodes, head: &HeadDates) -> Option<FixedOffset> {
    let from_head = head.published.iter().chain(&head.modified).map(|(v, _)| v.clone());
    let from_time = nodes
        .dated
        .iter()
        .filter(|n| n.has_name("time"))
        .filter_map(|n| n.attr("datetime").map(|v| v.to_string()))
        .take(50);
    from_head
        .chain(from_time)
        .filter_map(|v| chrono::DateTime::parse_from_rfc3339(v.trim()).ok())
        .map(|d| *d.offset())
        .find(|o| o.local_minus_utc() != 0)
}

/// The local day of `v` at `offset`, when `v` is an instant written in UTC
/// (`2025-12-19T02:41:41Z`, `+00:00`); `None` for anything else, which is
/// read as written.
fn utc_instant_in(v: &str, offset: FixedOffset) -> Option<NaiveDate> {
    let d = chrono::DateTime::parse_from_rfc3339(v.trim()).ok()?;
    (d.offset().local_minus_utc() == 0).then(|| d.with_timezone(&offset).date_naive())
}

#[cfg(test)]
mod tests {
    use super::*;
    use dom_query::Document;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn text_dates_in_several_spellings_and_languages() {
        let us = NumericOrder::MonthFirst;
        let eu = NumericOrder::DayFirst;
        let p = |s: &str, o| parse_text_date(s, o).map(|(d, _)| d.to_string());
        assert_eq!(p("Posted on May 17, 2024 by admin", us).as_deref(), Some("2024-05-17"));
        assert_eq!(p("17th May 2024", us).as_deref(), Some("2024-05-17"));
        assert_eq!(p("Oct. 7 2019", us).as_deref(), Some("2019-10-07"));
        assert_eq!(p("Veröffentlicht am 17. Mai 2024", eu).as_deref(), Some("2024-05-17"));
        assert_eq!(p("publié le 3 mars 2025", eu).as_deref(), Some("2025-03-03"));
        assert_eq!(p("17 de mayo de 2024", eu).as_deref(), Some("2024-05-17"));
        assert_eq!(p("17.05.2024", us).as_deref(), Some("2024-05-17"));
        assert_eq!(p("05/06/2024", us).as_deref(), Some("2024-05-06"));
        assert_eq!(p("05/06/2024", eu).as_deref(), Some("2024-06-05"));
        assert_eq!(p("13/11/2025 09:21", us).as_deref(), Some("2025-11-13"));
        assert_eq!(p("2024/05/17", eu).as_deref(), Some("2024-05-17"));
        // an ISO instant printed as the byline's text
        assert_eq!(p("2022-11-23T08:10+02:00", us).as_deref(), Some("2022-11-23"));
        // a year alone, or a month and year, is not a publication day
        assert_eq!(p("Copyright 2024", us), None);
        assert_eq!(p("May 2024", us), None);
        assert_eq!(p("Mayor 17, 2024", us), None);
    }

    #[test]
    fn machine_dates() {
        let o = NumericOrder::MonthFirst;
        assert_eq!(parse_machine_date("2024-03-05T23:30:00-05:00", o), Some(d("2024-03-05")));
        assert_eq!(parse_machine_date("Tue, 05 Mar 2024 08:00:00 GMT", o), Some(d("2024-03-05")));
        assert_eq!(parse_machine_date("20240305", o), Some(d("2024-03-05")));
        assert_eq!(parse_machine_date("1709625600", o), Some(d("2024-03-05")));
        assert_eq!(parse_machine_date("Thu, 09/25/2025 - 11:38", o), Some(d("2025-09-25")));
        assert_eq!(parse_machine_date("soon", o), None);
    }

    #[test]
    fn url_date_paths() {
        assert_eq!(date_from_url("https://x.com/2020/1/31/story"), Some(d("2020-01-31")));
        assert_eq!(date_from_url("https://x.com/news/2024-05-17-bridge.html"), Some(d("2024-05-17")));
        assert_eq!(date_from_url("https://x.com/20240517/bridge"), Some(d("2024-05-17")));
        // ids and hosts are not dates
        assert_eq!(date_from_url("https://x.com/article/582896/best.html"), None);
        assert_eq!(date_from_url("https://x.com/best?d=2024/05/17"), None);
        // a year and month are no day: not 2025-01-02
        assert_eq!(date_from_url("https://x.org/archive/2025/12/Advent_week_2.html"), None);
        assert_eq!(date_from_url("https://x.com/blog/2025-12-17-minisgl"), Some(d("2025-12-17")));
        assert_eq!(date_from_url("https://x.com/tabletop/2025/12/16/best"), Some(d("2025-12-16")));
        assert_eq!(date_from_url("https://x.com/2025/12/small-adventures.html"), None);
        // mixed separators are not one date
        assert_eq!(date_from_url("https://x.com/2025/12-16/x"), None);
    }

    #[test]
    fn far_future_and_prehistoric_dates_are_refused() {
        let today = d("2025-12-01");
        assert!(plausible(d("2025-12-02"), today));
        assert!(!plausible(d("2026-03-01"), today));
        assert!(!plausible(d("1970-01-01"), today));
    }

    fn pick_html(html: &str, url: Option<&str>) -> Option<(String, String)> {
        let doc = Document::from(html);
        let head = HeadDates { published: Vec::new(), modified: Vec::new() };
        let urls: Vec<&str> = url.into_iter().collect();
        pick(&PageNodes::of(&doc), &head, &urls, Some("en"), d("2025-12-01")).map(|f| (f.date.to_string(), f.source))
    }

    #[test]
    fn time_element_published_beats_updated_and_comments() {
        let html = r#"<html><body><article><header>
            <p>Updated <time datetime="2025-03-09T10:00">March 9</time></p>
            <p>Published <time datetime="2025-03-02" class="published">March 2</time></p></header>
            <p>Body text.</p></article>
            <section class="comments"><time datetime="2025-04-01">April 1</time></section></body></html>"#;
        assert_eq!(pick_html(html, None), Some(("2025-03-02".into(), "time".into())));
        let only_update = r#"<html><body><p>Last updated <time datetime="2025-03-09">March 9</time></p></body></html>"#;
        assert_eq!(pick_html(only_update, None), Some(("2025-03-09".into(), "time (modified)".into())));
    }

    #[test]
    fn visible_date_line_and_url() {
        let html = r#"<html><body><h1>Headline</h1><div class="post-meta">By Ann Lee | March 4, 2025</div>
            <p>On January 2, 2020 the council first met, and it met again much later.</p></body></html>"#;
        assert_eq!(pick_html(html, None), Some(("2025-03-04".into(), "text".into())));
        // a date inside a sentence is what the article is about, not its date
        let sentence = r#"<html><body><p>On January 2, 2020 the council first met, and it met again much later.</p></body></html>"#;
        assert_eq!(pick_html(sentence, None), None);
        // the date the page states comes before the URL's date path, which
        // is used only when the page states none
        assert_eq!(pick_html(html, Some("https://x.com/2025/03/05/story")), Some(("2025-03-04".into(), "text".into())));
        assert_eq!(
            pick_html(sentence, Some("https://x.com/2025/03/05/story")),
            Some(("2025-03-05".into(), "url".into()))
        );
        assert_eq!(pick_html(sentence, Some("https://x.com/2025/03/story")), None);
        let line = r#"<html><body><h1>Headline</h1><p>Posted on 4 March 2025</p><p>Text.</p></body></html>"#;
        assert_eq!(pick_html(line, None), Some(("2025-03-04".into(), "text".into())));
    }

    #[test]
    fn an_articles_script_data_dates_a_page_with_no_date_markup() {
        let layer = r#"<html><head><script>window.dataLayer=[{"pageType":"article","createDate":"2019-09-12","publishDate":"2025-05-27"}]</script></head>
            <body><h1>Headline</h1><p>Text.</p></body></html>"#;
        assert_eq!(pick_html(layer, None), Some(("2025-05-27".into(), "script".into())));
        // escaped JSON inside a JavaScript string, as frameworks stream it
        let escaped = r#"<html><body><h1>Headline</h1><script>push("{\"@type\":\"NewsArticle\",\"datePublished\":\"2024-02-03T10:00:00Z\"}")</script></body></html>"#;
        assert_eq!(pick_html(escaped, None), Some(("2024-02-03".into(), "script".into())));
        // a product's data is not an article's date
        let product = r#"<html><head><script>{"@type":"Product","datePublished":"2025-01-01"}</script></head><body><h1>Mug</h1></body></html>"#;
        assert_eq!(pick_html(product, None), None);
        // the page's own date line still comes first
        let shown = layer.replace("<p>Text.</p>", "<p>Posted on 4 March 2025</p>");
        assert_eq!(pick_html(&shown, None), Some(("2025-03-04".into(), "text".into())));
    }

    #[test]
    fn head_sources_win_and_future_is_skipped() {
        let doc = Document::from("<html><body><time datetime='2025-01-01'>x</time></body></html>");
        let head = HeadDates {
            published: vec![
                ("2031-01-01".into(), "json-ld".into()),
                ("2025-02-03T08:00:00Z".into(), "meta:article:published_time".into()),
            ],
            modified: vec![("2025-02-04".into(), "json-ld".into())],
        };
        let f = pick(&PageNodes::of(&doc), &head, &[], None, d("2025-12-01")).unwrap();
        assert_eq!((f.date.to_string(), f.source.as_str()), ("2025-02-03".into(), "meta:article:published_time"));
    }

    #[test]
    fn body_classes_and_layout_hints_are_not_furniture() {
        // WordPress themes name the body `has-sidebar footer-widgets`
        let body = r#"<html><body class="single has-sidebar footer-widgets"><div class="entry-header">
            <time datetime="2024-04-02T10:20:00+00:00" class="entry-date published">April 2, 2024</time></div>
            <p>Text.</p></body></html>"#;
        assert_eq!(pick_html(body, None), Some(("2024-04-02".into(), "time".into())));
        let tailwind = r#"<html><body><article class="md:[grid-template-areas:'sidebar_main']">
            <div class="md:[grid-area:sidebar]"><time datetime="2025-08-04">Aug 04, 2025</time></div>
            <p>Text.</p></article></body></html>"#;
        assert_eq!(pick_html(tailwind, None), Some(("2025-08-04".into(), "time".into())));
        // a real comment section still is furniture
        let comments = r#"<html><body><article><p>Text.</p></article>
            <div class="comments-area"><time datetime="2025-04-01">April 1</time></div></body></html>"#;
        assert_eq!(pick_html(comments, None), None);
    }

    #[test]
    fn a_widget_named_wrapper_that_holds_the_headline_is_the_layout() {
        // Blogger and HubSpot wrap the whole post in `widget` blocks
        let post = r#"<html><body><div class="widget Blog"><h1>Small models</h1>
            <h2 class="date-header"><span>Wednesday, November 19, 2025</span></h2><p>Text.</p></div></body></html>"#;
        assert_eq!(pick_html(post, None), Some(("2025-11-19".into(), "text".into())));
        // a widget beside the headline is still a side block
        let side = r#"<html><body><h1>Small models</h1><p>Text.</p>
            <div class="widget recent"><span class="date">November 19, 2025</span></div></body></html>"#;
        assert_eq!(pick_html(side, None), None);
    }

    #[test]
    fn an_articles_own_footer_dates_it_and_the_pages_footer_does_not() {
        let own = r#"<html><body><article><h1>Remote work</h1><p>Text.</p>
            <footer><span class="author__meta-date">March 30, 2023</span></footer></article></body></html>"#;
        assert_eq!(pick_html(own, None), Some(("2023-03-30".into(), "text".into())));
        let page = r#"<html><body><article><h1>Remote work</h1><p>Text.</p></article>
            <footer><span class="footer-date">March 30, 2023</span></footer></body></html>"#;
        assert_eq!(pick_html(page, None), None);
    }

    #[test]
    fn aside_inside_the_article_counts_after_its_main_flow() {
        let side = r#"<html><body><main><article><h1>Intro to git</h1>
            <aside><time datetime="2021-06-06">June 6, 2021</time></aside><p>Text.</p></article></main></body></html>"#;
        assert_eq!(pick_html(side, None), Some(("2021-06-06".into(), "time".into())));
        let both = r#"<html><body><article><aside><time datetime="2021-01-01">Jan 1</time></aside>
            <header><time datetime="2021-06-06">June 6, 2021</time></header><p>Text.</p></article></body></html>"#;
        assert_eq!(pick_html(both, None), Some(("2021-06-06".into(), "time".into())));
        // an aside outside any article is still a sidebar
        let sidebar =
            r#"<html><body><aside><time datetime="2021-01-01">Jan 1</time></aside><p>Text.</p></body></html>"#;
        assert_eq!(pick_html(sidebar, None), None);
    }

    #[test]
    fn only_the_words_before_a_time_element_mark_it_updated() {
        // both dates share a parent: the first is the publication date
        let html = r#"<html><body><div class="post-header"><span>By Ann</span>
            <time class="entry-time">April 26, 2024</time>
            <time class="entry-modified-time">Updated on: October 28, 2024</time></div><p>Text.</p></body></html>"#;
        assert_eq!(pick_html(html, None), Some(("2024-04-26".into(), "time".into())));
    }

    #[test]
    fn an_ambiguous_datetime_yields_to_the_elements_own_text() {
        let html = r#"<html><body><article><time datetime="02-12-2025">December 02, 2025</time><p>Text.</p></article></body></html>"#;
        assert_eq!(pick_html(html, None), Some(("2025-12-02".into(), "time".into())));
        // an ISO datetime is trusted over the text
        let iso = r#"<html><body><article><time datetime="2025-12-02">Dec 3, 2025</time><p>Text.</p></article></body></html>"#;
        assert_eq!(pick_html(iso, None), Some(("2025-12-02".into(), "time".into())));
    }

    #[test]
    fn hidden_modified_times_are_not_a_publication_date() {
        let doc = Document::from("<html><body><p>Text.</p></body></html>");
        let head = HeadDates {
            published: Vec::new(),
            modified: vec![("2026-01-12T16:29:48+00:00".into(), "meta:article:modified_time".into())],
        };
        assert_eq!(pick(&PageNodes::of(&doc), &head, &[], None, d("2026-12-01")), None);
        // but an update the page shows is what a reader dates it by
        let shown = Document::from(
            "<html><body><p>Last updated <time datetime='2026-01-12'>January 12</time></p></body></html>",
        );
        let f = pick(&PageNodes::of(&shown), &head, &[], None, d("2026-12-01")).unwrap();
        assert_eq!((f.date.to_string(), f.source.as_str()), ("2026-01-12".into(), "time (modified)"));
    }

    #[test]
    fn utc_head_dates_are_read_in_the_pages_own_offset() {
        let head = |v: &str| HeadDates {
            published: vec![(v.into(), "meta:article:published_time".into())],
            modified: Vec::new(),
        };
        let local = Document::from(
            "<html><body><article><p>Text.</p></article><div><time datetime='2025-12-18T21:46:01-05:00'>9:46 pm</time></div></body></html>",
        );
        let url = ["https://x.com/2025/12/18/comfort-watches/"];
        let at = |doc: &Document, v: &str| {
            pick(&PageNodes::of(doc), &head(v), &url, None, d("2026-12-01")).map(|f| f.date.to_string())
        };
        // 02:41 UTC on the 19th is 21:41 on the 18th in New York, the URL's day
        assert_eq!(at(&local, "2025-12-19T02:41:41+00:00").as_deref(), Some("2025-12-18"));
        assert_eq!(at(&local, "2025-12-19T02:41:41Z").as_deref(), Some("2025-12-18"));
        // without the URL's word, the UTC day as written
        let no_url = pick(&PageNodes::of(&local), &head("2025-12-19T02:41:41Z"), &[], None, d("2026-12-01"))
            .map(|f| f.date.to_string());
        assert_eq!(no_url.as_deref(), Some("2025-12-19"));
        // a date with its own offset, or with no time, is read as written
        assert_eq!(at(&local, "2025-12-19T02:41:41+01:00").as_deref(), Some("2025-12-19"));
        assert_eq!(at(&local, "2025-12-19").as_deref(), Some("2025-12-19"));
        // a page that writes no other offset: UTC as written
        let utc = Document::from("<html><body><p>Text.</p></body></html>");
        assert_eq!(at(&utc, "2025-12-19T02:41:41Z").as_deref(), Some("2025-12-19"));
    }
}
