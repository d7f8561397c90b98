//! The main region of a page, for pages that are not one article.
//!
//! Readability keeps the densest block of prose and its siblings. On an
//! article that is the story; on a forum thread, a product page, a service
//! page or a listing it is one post or one description, and the rest of the
//! main content is lost (WCXB development split: recall 0.38-0.48 on those
//! page kinds). The region is the page's `<main>`-like container (or its
//! body) with the page furniture taken out: navigation, headers, footers,
//! sidebars and widgets, and blocks that are mostly links. The extractor
//! takes it instead of Readability's block when it holds clearly more text
//! (see `choose_text` in `html.rs`).

use std::collections::HashMap;
use std::sync::OnceLock;

use dom_query::{Document, Element, NodeData, NodeId, NodeRef};
use regex::Regex;

/// Containers that hold a page's main content, most specific first.
const REGIONS: [&str; 6] = ["main", "[role=main]", "#main-content", "#maincontent", "#content", "#main"];

/// The first entry of [`REGIONS`] that `el` matches, tested by hand.
fn region_rank(el: &Element) -> Option<usize> {
    if &*el.name.local == "main" {
        return Some(0);
    }
    if plain_attr(el, "role") == Some("main") {
        return Some(1);
    }
    let id = plain_attr(el, "id")?;
    REGIONS[2..].iter().position(|r| r[1..] == *id).map(|p| p + 2)
}

/// Elements that are page furniture wherever they are: the selector list
/// `nav, aside, header, footer, form, dialog, [role=navigation],
/// [role=banner], [role=contentinfo], [role=complementary], [role=search]`.
fn is_furniture_element(el: &Element) -> bool {
    const TAGS: &[&str] = &["nav", "aside", "header", "footer", "form", "dialog"];
    const ROLES: &[&str] = &["navigation", "banner", "contentinfo", "complementary", "search"];
    TAGS.contains(&&*el.name.local) || plain_attr(el, "role").is_some_and(|r| ROLES.contains(&r))
}

/// Elements whose `<header>` is their own, not the page's banner (HTML's
/// sectioning content and `main`).
pub(crate) const SECTIONING: &[&str] = &["article", "aside", "main", "nav", "section"];

/// A `<header>` inside one of [`SECTIONING`] (`<article>`, `<section>`,
/// `<main>`, ...) and without a `role` that says otherwise: the heading
/// block of that part, not the page's banner, as HTML defines it. A
/// listing's entries carry their headline and summary there, and some site
/// builders put a post's whole text in one.
fn is_section_header(node: &NodeRef) -> bool {
    node.element_ref().is_some_and(|e| &*e.name.local == "header" && plain_attr(&e, "role").is_none())
        && node.ancestors_it(None).any(|a| a.node_name().is_some_and(|n| SECTIONING.contains(&&*n)))
}

/// Elements a reader does not see at first: `[hidden],
/// [style*='display:none'], [style*='display: none'],
/// [style*='visibility:hidden'], [style*='visibility: hidden']`. Not
/// `aria-hidden`: it hides from screen readers what the page shows, such as
/// the second link of a card (headline and summary) or a price shown next
/// to its spoken copy. A large one is often content behind a tab (a
/// product's description) and stays, unless it is a microdata block: sites
/// keep a second, hidden copy of the article there.
fn is_hidden_element(el: &Element) -> bool {
    const STYLES: &[&str] = &["display:none", "display: none", "visibility:hidden", "visibility: hidden"];
    plain_attr(el, "hidden").is_some() || plain_attr(el, "style").is_some_and(|s| STYLES.iter().any(|h| s.contains(h)))
}

/// An attribute without a namespace, the kind a CSS attribute selector
/// without one names; the first, as a selector engine reads it.
pub(crate) fn plain_attr<'e>(el: &'e Element, name: &str) -> Option<&'e str> {
    el.attrs.iter().find(|a| &*a.name.local == name && a.name.ns.is_empty()).map(|a| &*a.value)
}

/// The elements of `doc` for which `pred` holds, in document order: what a
/// selector list matches, without dom_query's selector engine, which costs
/// far more per element than these tests.
pub(crate) fn select_elements<'d>(doc: &'d Document, pred: impl Fn(&Element) -> bool) -> Vec<NodeRef<'d>> {
    doc.root().descendants_it().filter(|n| n.element_ref().is_some_and(|e| pred(&e))).collect()
}

/// `[class], [id]`.
pub(crate) fn has_class_or_id(el: &Element) -> bool {
    plain_attr(el, "class").is_some() || plain_attr(el, "id").is_some()
}

/// Containers tested for link density.
const LINK_LIST_TAGS: &[&str] = &["ul", "ol", "div", "section", "table", "dl", "p", "li"];

/// The page's main region as HTML with its furniture removed; `None` for a
/// page without a body.
pub(crate) fn main_region_html(doc: &Document, declared_article: bool) -> Option<String> {
    // the candidates of every entry of REGIONS, in one walk of the page
    let mut body = None;
    let mut candidates: [Vec<NodeRef>; REGIONS.len()] = Default::default();
    for n in doc.root().descendants_it() {
        let Some(el) = n.element_ref() else { continue };
        if body.is_none() && &*el.name.local == "body" {
            body = Some(n);
        }
        if let Some(i) = region_rank(&el) {
            candidates[i].push(n);
        }
    }
    let body = body?;
    let body_chars = body.normalized_char_count().max(1);
    // a `<main>` that holds a quarter of the body's text is the content;
    // a smaller one is a widget that borrowed the name
    let region =
        candidates.iter().flatten().find(|n| !char_count_below(n, body_chars.div_ceil(4))).copied().unwrap_or(body);
    let region_chars = if region.id == body.id { body_chars } else { region.normalized_char_count().max(1) };
    let frag = region.to_fragment();
    remove_furniture(&frag, region_chars, declared_article);
    remove_link_lists(&frag, region_chars);
    Some(frag.html().to_string())
}

/// Remove navigation, headers, footers, sidebars and widgets (and customer
/// reviews, on a page that does not declare an article). An element
/// holding half the region's text is a wrapper with an unlucky name, not
/// furniture, and stays.
fn remove_furniture(frag: &Document, region_chars: usize, declared_article: bool) {
    let small = |n: &NodeRef| char_count_below(n, region_chars.div_ceil(2));
    for node in select_elements(frag, is_hidden_element) {
        if small(&node) || node.has_attr("itemscope") || node.has_attr("itemprop") {
            node.remove_from_parent();
        }
    }
    for node in select_elements(frag, is_furniture_element).iter().filter(|n| small(n) && !is_section_header(n)) {
        node.remove_from_parent();
    }
    for node in select_elements(frag, has_class_or_id) {
        let key = class_id_key(&node);
        if (is_furniture_name(&key) || (!declared_article && is_review_name(&key))) && small(&node) {
            node.remove_from_parent();
        }
    }
}

/// Class/id words of customer reviews (`product-reviews`, `review-card`,
/// `pdp__review-text`): on a store's page they are not the product's text.
/// On a page that declares an article they may be the article (a review
/// site's `review-body`), and stay.
fn is_review_name(key: &str) -> bool {
    key.split(|c: char| !c.is_ascii_alphanumeric()).any(|t| t == "review" || t == "reviews")
}

/// `node.normalized_char_count() < limit`, reading no more of the node's
/// text than it takes to tell. The full count walks the whole subtree, and
/// the pruning passes ask it of every candidate, wrappers of the whole
/// article included, which cost depth x size.
pub(crate) fn char_count_below(node: &NodeRef, limit: usize) -> bool {
    // dom_query's count: runs of white space count once, white space at
    // the start and the end not at all
    let mut count = 0usize;
    let mut last_ws = true;
    for n in std::iter::once(*node).chain(node.descendants_it()) {
        let over = n.query_or(false, |tn| {
            let NodeData::Text { contents } = &tn.data else { return false };
            for ch in contents.chars() {
                let ws = ch.is_whitespace();
                if !(last_ws && ws) {
                    count += 1;
                }
                last_ws = ws;
            }
            last_ws = contents.ends_with(char::is_whitespace);
            // the trailing-space correction takes at most one off
            count > limit
        });
        if over {
            return false;
        }
    }
    if last_ws && count > 0 {
        count -= 1;
    }
    count < limit
}

/// An element's class and id, lower case, as one string (`"post-body main"`):
/// what the furniture and boilerplate name rules read.
pub(crate) fn class_id_key(node: &NodeRef) -> String {
    let mut key = node.class().map(|c| c.to_string()).unwrap_or_default();
    key.push(' ');
    if let Some(i) = node.id_attr() {
        key.push_str(&i);
    }
    key.to_ascii_lowercase()
}

/// Class and id words of page furniture. Layout hints on wrappers
/// (`has-sidebar`, `no-footer`) are not furniture.
fn is_furniture_name(key: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(
            r"(^|\s)(?:[a-z0-9]+[_-])*(sidebar|side-?bar|menu|menus|navbar|nav|navigation|breadcrumbs?|masthead|site-?header|site-?footer|footer|cookie|consent|gdpr|modal|popup|newsletter|subscribe|share|sharing|social|related|recirc|trending|most-?read|advert|advertisement|ads|ad|sponsor|sponsored|skip-?link|pagination|pager)(?:[_-][a-z0-9]+)*($|\s)",
        )
        .expect("static regex")
    });
    key.split_whitespace()
        .filter(|word| !(word.starts_with("has-") || word.starts_with("no-") || word.contains("not-")))
        .any(|word| re.is_match(word))
}

/// Remove containers whose text is mostly short link text (menus, tag
/// clouds, category lists). One that holds half of the region's text is
/// the page's content (a list of jobs or links as a page's subject), not a
/// menu beside it, and stays, as in the furniture rule. Counts are made in
/// one bottom-up pass, so the cost is linear in the page whatever its depth.
fn remove_link_lists(frag: &Document, region_chars: usize) {
    #[derive(Default, Clone, Copy)]
    struct Counts {
        text: usize,
        link: usize,
        links: usize,
    }
    let root = frag.root();
    let nodes: Vec<NodeRef> = root.descendants_it().collect();
    let mut counts: HashMap<NodeId, Counts> = HashMap::with_capacity(nodes.len());
    let mut doomed = Vec::new();
    for node in nodes.iter().rev() {
        let mut c = counts.get(&node.id).copied().unwrap_or_default();
        if node.is_text() {
            c.text = node.text().chars().filter(|ch| !ch.is_whitespace()).count();
        } else if node.is_element() {
            let name = node.node_name().map(|n| n.to_string()).unwrap_or_default();
            if name == "a" {
                c.link = c.text;
                c.links += 1;
            } else if LINK_LIST_TAGS.contains(&name.as_str())
                && c.links >= 3
                && c.text > 0
                && c.link * 10 > c.text * 6
                // menus and tag clouds have short anchors; a listing's
                // entries are headlines, which are its content
                && c.link < 25 * c.links
                // `text` counts no white space, `region_chars` one per run
                && c.text * 2 < region_chars
            {
                doomed.push(*node);
                // the parent sees it as gone
                c = Counts::default();
            }
        }
        if let Some(parent) = node.parent() {
            let p = counts.entry(parent.id).or_default();
            p.text += c.text;
            p.link += c.link;
            p.links += c.links;
        }
    }
    for node in doomed {
        node.remove_from_parent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region_text(html: &str) -> String {
        let doc = Document::from(html);
        let out = main_region_html(&doc, false).expect("a body");
        Document::from(out.as_str()).root().text().split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn a_thread_keeps_every_post_and_drops_the_furniture() {
        let page = r#"<body><header class="site-header"><a href="/">Home</a> <a href="/t">Topics</a></header>
            <nav><a href="/a">A</a></nav>
            <main><div class="post">First post: the update broke document reviews.</div>
                  <div class="post">Second post: same here since last night.</div>
                  <div class="sidebar-widget">Popular today</div></main>
            <footer>Copyright</footer></body>"#;
        let text = region_text(page);
        assert!(text.contains("First post") && text.contains("Second post"), "{text}");
        for furniture in ["Home", "Topics", "Popular today", "Copyright"] {
            assert!(!text.contains(furniture), "{furniture} kept: {text}");
        }
    }

    #[test]
    fn a_link_list_goes_and_prose_with_a_link_stays() {
        let page = r#"<body><div><p>The committee met on Tuesday and, as <a href="/r">the report</a> says,
            agreed on the budget for the next three years after a long debate.</p>
            <ul><li><a href="/1">World</a></li><li><a href="/2">Sport</a></li><li><a href="/3">Opinion</a></li></ul>
            </div></body>"#;
        let text = region_text(page);
        assert!(text.contains("the report") && text.contains("budget"), "{text}");
        assert!(!text.contains("Sport"), "{text}");
    }

    #[test]
    fn a_card_summary_hidden_from_screen_readers_is_still_shown() {
        // the card's second link (its summary) is `aria-hidden` so that a
        // screen reader does not read the link twice; a sighted reader sees it
        let card = |n: usize| {
            format!(
                r#"<article class="river"><h2><a href="/s{n}">Story {n} headline</a></h2><p class="desc"><a href="/s{n}" aria-hidden="true">Summary {n} of what the story says.</a></p></article>"#
            )
        };
        let cards: String = (0..3).map(card).collect();
        let text = region_text(&format!("<body><main>{cards}</main></body>"));
        assert!(text.contains("Summary 0 of") && text.contains("Summary 2 of"), "{text}");
    }

    #[test]
    fn a_page_that_is_a_list_of_links_keeps_it() {
        // a jobs board: every entry a short headline link, its site and a
        // "hide" link; link text dominates, but the list is the page
        let row = |n: usize| {
            format!(
                r#"<tr><td><a href="/item?id={n}">Startup {n} is hiring engineers</a> (<a href="/from?site=s{n}">s{n}.io</a>)</td></tr><tr><td>{n} hours ago | <a href="/hide?id={n}">hide</a></td></tr>"#
            )
        };
        let rows: String = (0..20).map(row).collect();
        let page = format!(
            r#"<body><div class="top"><a href="/news">new</a> | <a href="/past">past</a> | <a href="/jobs">jobs</a></div><table>{rows}</table></body>"#
        );
        let text = region_text(&page);
        assert!(text.contains("Startup 0 is hiring") && text.contains("Startup 19 is hiring"), "{text}");
        assert!(!text.contains("past"), "{text}");
    }

    #[test]
    fn an_entry_header_is_kept_and_the_page_banner_is_not() {
        let entry = |n: usize| {
            format!(
                r#"<article class="river"><header><h2><a href="/s{n}">Story {n} headline</a></h2><p>Summary {n} of what the story says.</p></header></article>"#
            )
        };
        let entries: String = (0..4).map(entry).collect();
        let page = format!(
            r#"<body><header class="top"><p>Site banner and tagline</p></header><main>{entries}</main></body>"#
        );
        let text = region_text(&page);
        assert!(text.contains("Summary 0 of") && text.contains("Summary 3 of"), "{text}");
        // a header of the whole page, inside `main` or not, still goes
        let page = format!(
            r#"<body><main><header role="banner"><p>Site banner and tagline</p></header>{entries}</main></body>"#
        );
        assert!(!region_text(&page).contains("Site banner"));
    }

    #[test]
    fn a_hidden_copy_of_the_text_is_not_read_twice() {
        let page = r#"<body><main><p>The council approved the plan.</p>
            <div style="display: none" itemscope><p>The council approved the plan.</p></div></main></body>"#;
        assert_eq!(region_text(page).matches("council").count(), 1);
    }

    #[test]
    fn customer_reviews_go_unless_the_page_declares_an_article() {
        let page = r#"<body><main><h1>Oak shelf unit</h1><p>Solid oak, four shelves, 120 x 80 cm, assembled in ten minutes.</p>
            <p>Ships in two days; free returns within 30 days of delivery.</p>
            <div class="pdp-reviews__list"><p>Great shelf, sturdy. Anna</p></div></main></body>"#;
        let region = |article: bool| {
            let out = main_region_html(&Document::from(page), article).expect("a body");
            Document::from(out.as_str()).root().text().to_string()
        };
        assert!(region(false).contains("Solid oak") && !region(false).contains("Great shelf"));
        // a review site's article is its review
        assert!(region(true).contains("Great shelf"));
    }

    #[test]
    fn a_wrapper_named_like_furniture_that_holds_the_content_stays() {
        let words = "The council approved the plan after a public hearing. ".repeat(10);
        let page = format!(r#"<body class="has-sidebar"><div id="page-header-wrap"><p>{words}</p></div></body>"#);
        assert!(region_text(&page).contains("council approved"));
    }
}
