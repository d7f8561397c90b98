//! The elements a page's metadata is read from, found in one walk.
//!
//! Every `try_select` walks the whole tree, and reading metadata and dates
//! took about a dozen of them per page (6 % of `storyline extract`), each
//! for a handful of elements. One walk now collects them all, in document
//! order, before anything changes the tree.

use dom_query::{Document, NodeRef};

/// Collected by [`PageNodes::of`]; valid until the document is changed.
#[derive(Default)]
pub(crate) struct PageNodes<'a> {
    /// The root `<html>` element.
    pub html: Option<NodeRef<'a>>,
    /// The first `<body>`.
    pub body: Option<NodeRef<'a>>,
    /// Every `<meta>`.
    pub metas: Vec<NodeRef<'a>>,
    /// `<script type=application/ld+json>`.
    pub json_ld: Vec<NodeRef<'a>>,
    /// Every `<script>`, and the metas whose content is a JSON object: where
    /// a page keeps data for its own scripts.
    pub script_data: Vec<NodeRef<'a>>,
    /// Every `<h1>`.
    pub h1s: Vec<NodeRef<'a>>,
    /// `<time>`, `[itemprop=datePublished]`, `[itemprop=dateModified]`,
    /// `[pubdate]`.
    pub dated: Vec<NodeRef<'a>>,
    /// The first `<link rel=canonical>`.
    pub canonical: Option<NodeRef<'a>>,
    /// `<title>` elements inside `<head>`.
    pub head_titles: Vec<NodeRef<'a>>,
}

impl<'a> PageNodes<'a> {
    pub(crate) fn of(doc: &'a Document) -> PageNodes<'a> {
        let mut out = PageNodes::default();
        let mut head: Option<NodeRef<'a>> = None;
        for n in doc.root().descendants_it() {
            let Some(el) = n.element_ref() else { continue };
            // attribute values HTML matches without regard to case (`rel`,
            // `type`) as selectors do; the others as written
            let attr = |name: &str| crate::region::plain_attr(&el, name);
            match &*el.name.local {
                "html" if out.html.is_none() => out.html = Some(n),
                "head" if head.is_none() => head = Some(n),
                "body" if out.body.is_none() => out.body = Some(n),
                "meta" => {
                    if attr("content").is_some_and(|c| c.starts_with('{')) {
                        out.script_data.push(n);
                    }
                    out.metas.push(n);
                }
                "script" => {
                    if attr("type").is_some_and(|t| t.eq_ignore_ascii_case("application/ld+json")) {
                        out.json_ld.push(n);
                    }
                    out.script_data.push(n);
                }
                "h1" => out.h1s.push(n),
                "link"
                    if out.canonical.is_none() && attr("rel").is_some_and(|r| r.eq_ignore_ascii_case("canonical")) =>
                {
                    out.canonical = Some(n)
                }
                _ => {}
            }
            if &*el.name.local == "time"
                || matches!(attr("itemprop"), Some("datePublished" | "dateModified"))
                || attr("pubdate").is_some()
            {
                out.dated.push(n);
            }
        }
        if let Some(head) = head {
            out.head_titles = head.descendants_it().filter(|n| n.has_name("title")).collect();
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_walk_finds_what_the_selectors_found() {
        let page = r#"<html lang=de><head><title>T</title><meta name=a content=x>
            <link rel=Canonical href=/c><script type="Application/LD+JSON">{}</script>
            <meta name=b content='{"k":1}'></head><body><h1>H</h1>
            <p><time datetime=2024-01-02>2 Jan</time><span itemprop=datePublished>d</span>
            <span pubdate>p</span><span itemprop=dateCreated>no</span></p>
            <svg><title>icon</title></svg><script>var a;</script></body></html>"#;
        let doc = Document::from(page);
        let nodes = PageNodes::of(&doc);
        let count = |sel: &str| doc.select(sel).length();
        assert_eq!(nodes.metas.len(), count("meta"));
        assert_eq!(nodes.json_ld.len(), count("script[type='application/ld+json']"));
        assert_eq!(nodes.script_data.len(), count("script, meta[content^='{']"));
        assert_eq!(nodes.h1s.len(), count("h1"));
        assert_eq!(nodes.dated.len(), count("time, [itemprop='datePublished'], [itemprop='dateModified'], [pubdate]"));
        assert_eq!(nodes.dated.len(), 3);
        assert_eq!(nodes.head_titles.len(), count("head title"));
        assert_eq!(nodes.head_titles.len(), 1);
        assert_eq!(nodes.canonical.and_then(|c| c.attr("href")).as_deref(), Some("/c"));
        assert_eq!(nodes.html.and_then(|h| h.attr("lang")).as_deref(), Some("de"));
        assert!(nodes.body.is_some_and(|b| b.is("body")));
    }
}
