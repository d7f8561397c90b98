//! Pages that ship their content inside `<noscript>`.
//!
//! An HTML5 parser with scripting on (html5ever, as browsers do) reads a
//! `<noscript>` body as raw text, so whatever is in it is invisible to the
//! extractor. Forum software (Discourse) and some shops put the whole
//! crawler view of the page there: on the WCXB development split 19 forum
//! pages gave no text at all for that reason. A `<noscript>` that holds a
//! real document (paragraphs and a few kilobytes of markup) is therefore
//! turned into a `<div>`; the usual small ones ("enable JavaScript", a
//! tracking pixel) are left alone.

use std::borrow::Cow;

/// Markup inside one `<noscript>` below which it is a notice or a pixel.
const MIN_DOCUMENT_BYTES: usize = 2000;

/// The page with every `<noscript>` that holds a document turned into a
/// `<div>`. Borrowed when nothing changes (most pages).
pub(crate) fn unwrap_document_noscripts(html: &str) -> Cow<'_, str> {
    let lower_starts = find_all_ci(html, "<noscript");
    if lower_starts.is_empty() {
        return Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len());
    let mut copied = 0;
    let mut changed = false;
    for start in lower_starts {
        if start < copied {
            continue; // nested inside a block already handled
        }
        let Some(open_end) = html[start..].find('>').map(|e| start + e + 1) else { break };
        let Some(close) = find_ci(&html[open_end..], "</noscript").map(|e| open_end + e) else { break };
        let inner = &html[open_end..close];
        if inner.len() < MIN_DOCUMENT_BYTES || !has_paragraph(inner) {
            continue;
        }
        let close_end = html[close..].find('>').map_or(html.len(), |e| close + e + 1);
        out.push_str(&html[copied..start]);
        out.push_str("<div data-storyline-noscript>");
        out.push_str(inner);
        out.push_str("</div>");
        copied = close_end;
        changed = true;
    }
    if !changed {
        return Cow::Borrowed(html);
    }
    out.push_str(&html[copied..]);
    Cow::Owned(out)
}

fn has_paragraph(markup: &str) -> bool {
    find_all_ci(markup, "<p")
        .into_iter()
        .any(|i| markup.as_bytes().get(i + 2).is_some_and(|b| b.is_ascii_whitespace() || *b == b'>'))
}

/// Byte offsets of every ASCII-case-insensitive occurrence of `needle`
/// (which must be lowercase ASCII and start with `<`). memchr jumps from one
/// `<` to the next: this scan reads every page, and a byte-by-byte loop cost
/// 7 % of extraction.
fn find_all_ci(hay: &str, needle: &str) -> Vec<usize> {
    tag_starts_ci(hay, needle).collect()
}

fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    tag_starts_ci(hay, needle).next()
}

fn tag_starts_ci<'a>(hay: &'a str, needle: &'a str) -> impl Iterator<Item = usize> + 'a {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    debug_assert_eq!(n.first(), Some(&b'<'));
    memchr::memchr_iter(b'<', h).filter(move |&i| h.get(i..i + n.len()).is_some_and(|w| w.eq_ignore_ascii_case(n)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_noscript_holding_a_document_becomes_a_div() {
        let post = "<p>We are on Teams and the version released last night is broken.</p>".repeat(40);
        let page = format!("<body><NOSCRIPT data-path=\"/t/1\">{post}</noscript><section id=main></section></body>");
        let out = unwrap_document_noscripts(&page);
        let lower = out.to_ascii_lowercase();
        assert!(!lower.contains("<noscript") && !lower.contains("</noscript"), "{out}");
        assert!(out.contains("<div data-storyline-noscript><p>We are on Teams"));
        assert!(out.ends_with("</div><section id=main></section></body>"));
    }

    #[test]
    fn small_notices_and_pixels_stay_as_they_are() {
        let page = "<body><noscript><p>Please enable JavaScript.</p></noscript>\
                    <noscript><img src=x></noscript><p>text</p></body>";
        assert!(matches!(unwrap_document_noscripts(page), Cow::Borrowed(_)));
        let big_without_paragraphs = format!("<noscript>{}</noscript>", "<img src=a>".repeat(400));
        assert!(matches!(unwrap_document_noscripts(&big_without_paragraphs), Cow::Borrowed(_)));
    }

    #[test]
    fn an_unclosed_noscript_is_left_alone() {
        let page = format!("<noscript>{}", "<p>x</p>".repeat(500));
        assert_eq!(unwrap_document_noscripts(&page), page.as_str());
    }
}
