//! Pages rendered by a streaming server (React 18+ `Suspense`, as Next.js
//! serves them).
//!
//! Such a page sends its layout first, with a placeholder for every part
//! that was not ready (`<!--$?--><template id="B:0"></template><div>Loading
//! paragraph...</div><!--/$-->`), then sends each part at the end of the
//! body in a hidden `<div hidden id="S:0">`, and a script
//! (`$RC("B:0","S:0")`) that moves it into place in a browser. A reader of
//! the HTML alone sees "Loading paragraph..." where the article is, and
//! the article in hidden elements it drops. This pass does what the script
//! does: on the WCXB development split 29 pages stream this way.

use std::collections::HashMap;
use std::sync::OnceLock;

use dom_query::{Document, NodeRef};
use regex::Regex;

/// Boundaries filled per page at most: a bound on work for hostile input.
const MAX_BOUNDARIES: usize = 2000;

/// Siblings read looking for a boundary's closing comment: a fallback is a
/// few elements, and without a bound a page of thousands of unclosed
/// boundaries among thousands of siblings would cost their product.
const MAX_FALLBACK_SIBLINGS: usize = 200;

/// Moves each streamed segment into the place of its boundary's fallback.
/// Returns how many boundaries were filled.
pub(crate) fn fill_streamed_boundaries(doc: &Document) -> usize {
    let Some(segments) = doc.try_select("div[hidden][id^='S:']") else { return 0 };
    let segments: HashMap<String, NodeRef> =
        segments.nodes().iter().filter_map(|n| Some((n.id_attr()?.to_string(), *n))).collect();
    let Some(templates) = doc.try_select("template[id^='B:'], template[id^='P:']") else { return 0 };
    let templates: HashMap<String, NodeRef> =
        templates.nodes().iter().filter_map(|n| Some((n.id_attr()?.to_string(), *n))).collect();

    // The scripts say which segment completes which boundary. A page saved
    // without them cannot be put in order: its segments are shown where
    // they are, and the short fallbacks ("Loading...") go.
    let pairs = completions(doc);
    if pairs.is_empty() {
        for template in templates.values() {
            if template.id_attr().is_some_and(|id| id.starts_with("B:")) {
                remove_fallback(template);
            }
            template.remove_from_parent();
        }
        for segment in segments.values() {
            segment.remove_attr("hidden");
        }
        return segments.len();
    }
    let mut filled = 0;
    for (b, s) in pairs.into_iter().take(MAX_BOUNDARIES) {
        let (Some(template), Some(segment)) = (templates.get(&b), segments.get(&s)) else { continue };
        if template.parent().is_none() || segment.parent().is_none() {
            continue;
        }
        // a segment inside the boundary it fills would be moved into itself
        if template.ancestors_it(None).any(|a| a.id == segment.id) {
            continue;
        }
        if b.starts_with("B:") {
            remove_fallback(template);
        }
        for child in segment.children() {
            template.insert_before(&child);
        }
        template.remove_from_parent();
        segment.remove_from_parent();
        filled += 1;
    }
    filled
}

/// `(template, segment)` pairs from the page's scripts: `$RC("B:0","S:0")`
/// completes boundary `B:0` with segment `S:0`, `$RS("S:1","P:1")` puts
/// segment `S:1` where the placeholder `P:1` is.
fn completions(doc: &Document) -> Vec<(String, String)> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r#"\$R(C|S)\("([BS]:[0-9A-Za-z]+)","([SP]:[0-9A-Za-z]+)"\)"#).expect("static regex")
    });
    let Some(scripts) = doc.try_select("script") else { return Vec::new() };
    let mut pairs = Vec::new();
    for script in scripts.nodes() {
        let text = script.text();
        if !text.contains("$RC(") && !text.contains("$RS(") {
            continue;
        }
        pairs.extend(re.captures_iter(&text).map(|c| {
            if &c[1] == "C" {
                (c[2].to_string(), c[3].to_string())
            } else {
                (c[3].to_string(), c[2].to_string())
            }
        }));
    }
    pairs
}

/// Removes what a browser shows until the boundary is filled: the nodes
/// after its template up to the boundary's closing `<!--/$-->` comment, or,
/// on a page saved without comments, the one short element after it
/// ("Loading paragraph...").
fn remove_fallback(template: &NodeRef) {
    // The fallback's length in siblings, nested boundaries included.
    let mut fallback = None;
    let mut depth = 0usize;
    let mut next = template.next_sibling();
    for read in 0..MAX_FALLBACK_SIBLINGS {
        let Some(n) = next else { break };
        if n.is_comment() {
            let c = comment_text(&n);
            if c == "/$" {
                if depth == 0 {
                    fallback = Some(read);
                    break;
                }
                depth -= 1;
            } else if c.starts_with('$') {
                depth += 1;
            }
        }
        next = n.next_sibling();
    }
    match fallback {
        Some(len) => {
            for _ in 0..len {
                if let Some(n) = template.next_sibling() {
                    n.remove_from_parent();
                }
            }
        }
        None => {
            if let Some(n) = template.next_element_sibling() {
                if !n.has_name("template") && crate::region::char_count_below(&n, 60) {
                    n.remove_from_parent();
                }
            }
        }
    }
}

fn comment_text(n: &NodeRef) -> String {
    n.query_or(String::new(), |node| match &node.data {
        dom_query::NodeData::Comment { contents } => contents.to_string(),
        _ => String::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body_text(doc: &Document) -> String {
        doc.select("body").text().split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn a_streamed_segment_takes_its_boundarys_place() {
        let doc = Document::from(
            r#"<html><body><h1>Title</h1><div class="article">
            <!--$?--><template id="B:0"></template><div>Loading paragraph...</div><!--/$-->
            <p>Middle.</p>
            <!--$?--><template id="B:1"></template><div>Loading paragraph...</div><!--/$-->
            </div><div hidden id="S:1"><p>Second part.</p></div><script>$RC("B:1","S:1")</script>
            <div hidden id="S:0"><p>First part.</p></div><script>$RC("B:0","S:0")</script></body></html>"#,
        );
        assert_eq!(fill_streamed_boundaries(&doc), 2);
        let text = body_text(&doc);
        assert!(text.starts_with("Title First part. Middle. Second part."), "{text}");
        assert!(!text.contains("Loading"), "{text}");
        assert_eq!(doc.select("[hidden]").length(), 0);
    }

    #[test]
    fn without_scripts_the_segments_are_shown_and_the_short_fallback_goes() {
        let doc = Document::from(
            r#"<html><body><div><template id="B:0"></template><div>Loading paragraph...</div>
            <div class="offers">Our offers are listed below this line in a long box.</div></div>
            <div hidden id="S:0"><p>The article's first paragraph.</p></div></body></html>"#,
        );
        assert_eq!(fill_streamed_boundaries(&doc), 1);
        let text = body_text(&doc);
        assert_eq!(text, "Our offers are listed below this line in a long box. The article's first paragraph.");
        assert_eq!(doc.select("[hidden]").length(), 0);
    }

    #[test]
    fn a_fallback_with_a_boundary_inside_goes_whole() {
        let doc = Document::from(
            r#"<html><body><div><!--$?--><template id="B:0"></template><div>Loading</div>
            <!--$?--><template id="B:9"></template><span>Inner loading</span><!--/$--><p>Still fallback.</p><!--/$-->
            <p>After.</p></div><div hidden id="S:0"><p>Streamed.</p></div><script>$RC("B:0","S:0")</script></body></html>"#,
        );
        assert_eq!(fill_streamed_boundaries(&doc), 1);
        let text = body_text(&doc);
        assert!(text.starts_with("Streamed. After."), "{text}");
        assert!(!text.contains("loading") && !text.contains("Loading") && !text.contains("Still fallback"), "{text}");
    }

    #[test]
    fn a_page_without_boundaries_is_left_alone() {
        let doc = Document::from(r#"<html><body><div hidden id="S:0"><p>Kept hidden.</p></div></body></html>"#);
        assert_eq!(fill_streamed_boundaries(&doc), 0);
        assert_eq!(doc.select("[hidden]").length(), 1);
    }
}
