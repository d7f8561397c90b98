//! Bounds how deeply an HTML page nests before it is parsed.
//!
//! html5ever checks "is an element in scope" by walking the stack of open
//! elements, so a page of 100,000 nested `<div>`s costs quadratic time, and
//! the readability pass and its serializer recurse on the tree, so 60,000
//! nested `<span><b>` overflow the stack. No news page nests anywhere near
//! [`MAX_DEPTH`] levels, so a linear pre-scan drops the start tags (and their
//! end tags) that would open an element beyond it. The text is kept: only
//! structure past the limit is flattened, and the caller says so in a notice.
//!
//! The scan models the parts of the HTML tree builder that decide depth
//! closely enough to never count *fewer* open elements than the parser will
//! have: elements closed implicitly (`<p>`, `<li>`, table parts), end tags
//! that the parser ignores because a special or scope-boundary element is in
//! the way, raw-text elements, foreign (SVG/MathML) content, and formatting
//! elements that stay in the list of active formatting elements after an
//! implicit close (the parser reopens them). Where it is unsure it counts
//! more, which at worst flattens a pathological page a little early.
//! Every step looks at no more than [`MAX_DEPTH`] open elements, so the scan
//! is linear in the page.
//!
//! The scan also leaves out what no reader of the page uses and the parser
//! spends time on: the rules inside `<style>` and the drawing inside a
//! closed top-level `<svg>` (both about a fifth of a page's bytes; the
//! extractor removes both elements anyway).

use std::borrow::Cow;
use std::collections::HashMap;

/// Deepest nesting kept. Real pages stay under about 60 levels (the deepest
/// of the extraction benchmark's pages is far below this); the readability
/// pass recurses per level, and 256 levels fit a 2 MiB thread stack with a
/// wide margin.
pub(crate) const MAX_DEPTH: usize = 256;

/// A page with its nesting bounded.
pub(crate) struct Bounded<'a> {
    pub html: Cow<'a, str>,
    /// Start tags dropped because they would have opened an element deeper
    /// than the limit.
    pub dropped: usize,
}

#[rustfmt::skip]
const VOID: &[&str] = &[
    "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "image", "img", "input",
    "keygen", "link", "meta", "param", "source", "track", "wbr",
];
#[rustfmt::skip]
const FORMATTING: &[&str] = &[
    "a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u",
];
/// Elements whose content is text up to their end tag (in HTML content).
const RAW_TEXT: &[&str] = &["script", "style", "xmp", "iframe", "noembed", "noframes", "title", "textarea"];
/// The HTML spec's "special" category: an ordinary end tag is ignored when
/// one of these lies between it and its element.
#[rustfmt::skip]
const SPECIAL: &[&str] = &[
    "address", "applet", "area", "article", "aside", "base", "basefont", "bgsound", "blockquote", "body",
    "br", "button", "caption", "center", "col", "colgroup", "dd", "details", "dir", "div", "dl", "dt",
    "embed", "fieldset", "figcaption", "figure", "footer", "form", "frame", "frameset", "h1", "h2", "h3",
    "h4", "h5", "h6", "head", "header", "hgroup", "hr", "html", "iframe", "img", "input", "keygen", "li",
    "link", "listing", "main", "marquee", "menu", "meta", "nav", "noembed", "noframes", "noscript",
    "object", "ol", "p", "param", "plaintext", "pre", "script", "search", "section", "select", "source",
    "style", "summary", "table", "tbody", "td", "template", "textarea", "tfoot", "th", "thead", "title",
    "tr", "track", "ul", "wbr", "xmp", "svg", "math", "foreignobject", "desc", "mi", "mo", "mn", "ms",
    "mtext", "annotation-xml",
];
/// Scope boundaries (with button and list scope added, the strictest the
/// parser uses): a special end tag is ignored when one of these is between.
#[rustfmt::skip]
const SCOPE: &[&str] = &[
    "applet", "caption", "html", "table", "td", "th", "marquee", "object", "template", "button", "ol",
    "ul", "select", "svg", "math", "foreignobject", "desc", "mi", "mo", "mn", "ms", "mtext",
    "annotation-xml",
];
/// Start tags that close an open `<p>` first.
#[rustfmt::skip]
const CLOSES_P: &[&str] = &[
    "address", "article", "aside", "blockquote", "center", "details", "dialog", "dir", "div", "dl",
    "fieldset", "figcaption", "figure", "footer", "header", "hgroup", "main", "menu", "nav", "ol", "p",
    "search", "section", "summary", "ul", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "listing", "form",
    "table", "hr", "xmp", "plaintext", "li", "dd", "dt",
];
/// HTML start tags that end foreign (SVG/MathML) content.
#[rustfmt::skip]
const BREAKS_FOREIGN: &[&str] = &[
    "b", "big", "blockquote", "body", "br", "center", "code", "dd", "div", "dl", "dt", "em", "embed",
    "h1", "h2", "h3", "h4", "h5", "h6", "head", "hr", "i", "img", "li", "listing", "menu", "meta",
    "nobr", "ol", "p", "pre", "ruby", "s", "small", "span", "strong", "strike", "sub", "sup", "table",
    "tt", "u", "ul", "var",
];

fn is(set: &[&str], name: &str) -> bool {
    set.contains(&name)
}

fn is_heading(name: &str) -> bool {
    matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
}

/// Open elements the parser's tree gains for one start tag: table parts
/// imply a `<tbody>` or `<tr>` the page may not write.
fn weight(name: &str) -> usize {
    if matches!(name, "table" | "tr" | "td" | "th") {
        2
    } else {
        1
    }
}

struct Open<'a> {
    name: Cow<'a, str>,
    /// Tag name and raw attributes: formatting elements with equal keys
    /// count once up to three times (the parser's "Noah's Ark" clause).
    key: String,
    foreign: bool,
}

struct Scan<'a> {
    html: &'a str,
    max_depth: usize,
    stack: Vec<Open<'a>>,
    depth: usize,
    foreign: usize,
    /// Formatting elements closed implicitly that the parser will reopen.
    lingering: Vec<(Cow<'a, str>, String)>,
    /// Start tags dropped and not yet matched by an end tag, by name.
    dropped_open: HashMap<String, usize>,
    dropped: usize,
    out: Option<String>,
    copied: usize,
    /// The open top-level `<svg>`: the stack's length below it and where its
    /// content starts.
    svg: Option<(usize, usize)>,
}

/// `html` with nesting deeper than `max_depth` flattened (see the module
/// documentation); borrowed unchanged when nothing was dropped.
pub(crate) fn bound_nesting(html: &str, max_depth: usize) -> Bounded<'_> {
    let mut s = Scan::new(html, max_depth);
    s.run();
    let dropped = s.dropped;
    let html = match s.out {
        Some(mut out) => {
            out.push_str(&html[s.copied..]);
            Cow::Owned(out)
        }
        None => Cow::Borrowed(html),
    };
    Bounded { html, dropped }
}

/// A tag name in lower case, borrowed when it is written so (nearly always):
/// the scan reads every tag of every page.
fn lowercase(name: &str) -> Cow<'_, str> {
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(name.to_ascii_lowercase())
    } else {
        Cow::Borrowed(name)
    }
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0c)
}

/// Where a tag that starts at `from` (just after its name) ends, as the HTML
/// tokenizer reads it: quotes only count inside attribute values.
/// `(index after '>', self-closing)`, or `None` at end of input.
fn tag_end(b: &[u8], mut i: usize) -> Option<(usize, bool)> {
    loop {
        // before attribute name
        while i < b.len() && is_ws(b[i]) {
            i += 1;
        }
        match b.get(i)? {
            b'>' => return Some((i + 1, false)),
            b'/' => {
                if b.get(i + 1) == Some(&b'>') {
                    return Some((i + 2, true));
                }
                i += 1;
                continue;
            }
            _ => {}
        }
        // attribute name (a leading '=' belongs to the name)
        i += 1;
        while i < b.len() && !is_ws(b[i]) && !matches!(b[i], b'/' | b'>' | b'=') {
            i += 1;
        }
        while i < b.len() && is_ws(b[i]) {
            i += 1;
        }
        if b.get(i) != Some(&b'=') {
            continue;
        }
        i += 1;
        while i < b.len() && is_ws(b[i]) {
            i += 1;
        }
        match b.get(i)? {
            q @ (b'"' | b'\'') => {
                let q = *q;
                i += 1;
                while i < b.len() && b[i] != q {
                    i += 1;
                }
                b.get(i)?;
                i += 1;
            }
            b'>' => return Some((i + 1, false)),
            _ => {
                while i < b.len() && !is_ws(b[i]) && b[i] != b'>' {
                    i += 1;
                }
            }
        }
    }
}

/// End of a name starting at `i`: up to white space, `/` or `>`.
fn name_end(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && !is_ws(b[i]) && !matches!(b[i], b'/' | b'>') {
        i += 1;
    }
    i
}

fn find_from(hay: &str, from: usize, needle: &str) -> Option<usize> {
    let hay = hay.get(from..)?;
    // a one-byte needle (`<`, `>`) as a char: memchr, where a `&str` needle
    // goes through the general substring searcher at every tag
    let found = match needle.as_bytes() {
        [b] if b.is_ascii() => hay.find(char::from(*b)),
        _ => hay.find(needle),
    };
    found.map(|p| from + p)
}

impl<'a> Scan<'a> {
    /// A scan of `html` that has read nothing yet.
    fn new(html: &'a str, max_depth: usize) -> Self {
        Scan {
            html,
            max_depth,
            stack: Vec::new(),
            depth: 0,
            foreign: 0,
            lingering: Vec::new(),
            dropped_open: HashMap::new(),
            dropped: 0,
            out: None,
            copied: 0,
            svg: None,
        }
    }

    fn run(&mut self) {
        let html = self.html;
        let b = html.as_bytes();
        let mut i = 0;
        while let Some(lt) = find_from(html, i, "<") {
            let rest = &b[lt + 1..];
            match rest.first() {
                Some(b'!') => i = self.skip_markup_declaration(lt),
                Some(b'?') => i = find_from(html, lt, ">").map_or(b.len(), |e| e + 1),
                Some(b'/') => match rest.get(1) {
                    Some(c) if c.is_ascii_alphabetic() => i = self.end_tag(lt),
                    // `</>` is dropped by the parser, `</ x>` is a comment
                    _ => i = find_from(html, lt, ">").map_or(b.len(), |e| e + 1),
                },
                Some(c) if c.is_ascii_alphabetic() => i = self.start_tag(lt),
                _ => i = lt + 1,
            }
        }
    }

    /// `<!--...-->`, `<!DOCTYPE>`, `<![CDATA[...]]>` (in foreign content) or
    /// a bogus comment; the index after it.
    fn skip_markup_declaration(&self, lt: usize) -> usize {
        let (html, len) = (self.html, self.html.len());
        let after = &html[lt..];
        if let Some(rest) = after.strip_prefix("<!--") {
            // `<!-->` and `<!--->` end at once
            if rest.starts_with('>') {
                return lt + 5;
            }
            if rest.starts_with("->") {
                return lt + 6;
            }
            // The rarer `--!>` is only looked for before the first `-->`:
            // searching the rest of the page for it at every comment made
            // the scan quadratic in the number of comments.
            let a = find_from(html, lt + 4, "-->").map(|e| e + 3);
            let b_end = a.unwrap_or(len);
            let b = html[lt + 4..b_end].find("--!>").map(|e| lt + 4 + e + 4);
            return match (a, b) {
                (Some(x), Some(y)) => x.min(y),
                (x, y) => x.or(y).unwrap_or(len),
            };
        }
        if self.foreign > 0 && after.starts_with("<![CDATA[") {
            return find_from(html, lt + 9, "]]>").map_or(len, |e| e + 3);
        }
        find_from(html, lt, ">").map_or(len, |e| e + 1)
    }

    fn drop_tag(&mut self, from: usize, to: usize, space: bool) {
        self.cut(from, to);
        if space {
            // a dropped block boundary still separates words
            self.out.get_or_insert_default().push(' ');
        }
    }

    /// Leaves `from..to` out of the output.
    fn cut(&mut self, from: usize, to: usize) {
        let from = from.max(self.copied);
        if from >= to {
            return;
        }
        let out = self.out.get_or_insert_with(|| String::with_capacity(self.html.len()));
        out.push_str(&self.html[self.copied..from]);
        self.copied = to;
    }

    fn start_tag(&mut self, lt: usize) -> usize {
        let b = self.html.as_bytes();
        let ne = name_end(b, lt + 1);
        let Some((end, self_closing)) = tag_end(b, ne) else {
            // a tag cut off by the end of input is dropped by the parser
            return b.len();
        };
        let name = lowercase(&self.html[lt + 1..ne]);
        if self.foreign > 0 && is(BREAKS_FOREIGN, &name) {
            while self.stack.last().is_some_and(|o| o.foreign) {
                self.pop();
            }
            // the drawing ended early; what follows it is page content
            self.svg = None;
        }
        let in_foreign = self.foreign > 0 || name == "svg" || name == "math";
        if (in_foreign && self_closing) || is(VOID, &name) || matches!(&*name, "html" | "head" | "body") {
            return end;
        }
        self.implied_closes(&name);
        if self.depth + self.lingering.len() + weight(&name) > self.max_depth {
            self.dropped += 1;
            *self.dropped_open.entry(name.to_string()).or_default() += 1;
            self.drop_tag(lt, end, is(SPECIAL, &name));
            // A dropped raw-text tag's content is markup to the parser now,
            // so it is scanned as such.
            return end;
        }
        let raw = !in_foreign && is(RAW_TEXT, &name);
        let key = if is(FORMATTING, &name) { self.html[lt + 1..end].to_ascii_lowercase() } else { String::new() };
        self.depth += weight(&name);
        if in_foreign {
            self.foreign += 1;
        }
        if self.svg.is_some_and(|(below, _)| self.stack.len() <= below) {
            self.svg = None;
        }
        if name == "svg" && self.foreign == 1 {
            self.svg = Some((self.stack.len(), end));
        }
        self.stack.push(Open { name: name.clone(), key, foreign: in_foreign });
        if name == "plaintext" {
            return b.len();
        }
        if raw {
            // the element's text runs to `</name` followed by a delimiter
            let mut at = end;
            while let Some(p) = find_from(self.html, at, "</") {
                let ne = p + 2 + name.len();
                let matches = self.html.get(p + 2..ne).is_some_and(|n| n.eq_ignore_ascii_case(&name));
                if matches && b.get(ne).is_none_or(|&c| is_ws(c) || c == b'/' || c == b'>') {
                    if name == "style" {
                        self.cut(end, p);
                    }
                    return p;
                }
                at = p + 2;
            }
            return b.len();
        }
        end
    }

    /// The elements the parser closes before opening `name`.
    fn implied_closes(&mut self, name: &str) {
        if self.foreign > 0 {
            return;
        }
        if is(CLOSES_P, name) {
            self.close_down(|n| n == "p", |n| is(SCOPE, n));
        }
        match name {
            "li" => self.close_down(|n| n == "li", |n| is(SPECIAL, n) && !matches!(n, "address" | "div" | "p")),
            "dd" | "dt" => {
                self.close_down(|n| n == "dd" || n == "dt", |n| is(SPECIAL, n) && !matches!(n, "address" | "div" | "p"))
            }
            "tr" => self.close_down(
                |n| n == "tr",
                |n| matches!(n, "table" | "tbody" | "thead" | "tfoot" | "html" | "template"),
            ),
            "td" | "th" => {
                self.close_down(|n| n == "td" || n == "th", |n| matches!(n, "tr" | "table" | "html" | "template"))
            }
            "tbody" | "thead" | "tfoot" => self.close_down(
                |n| matches!(n, "tbody" | "thead" | "tfoot"),
                |n| matches!(n, "table" | "html" | "template"),
            ),
            "button" => self.close_down(|n| n == "button", |n| is(SCOPE, n)),
            "option" | "optgroup" if self.stack.last().is_some_and(|o| o.name == "option") => self.pop(),
            "table" if self.stack.last().is_some_and(|o| o.name == "table") => self.pop(),
            _ if is_heading(name) && self.stack.last().is_some_and(|o| is_heading(&o.name)) => self.pop(),
            _ => {}
        }
    }

    /// Pops down to and including the nearest open element matching
    /// `target`, unless a `blocker` comes first.
    fn close_down(&mut self, target: impl Fn(&str) -> bool, blocker: impl Fn(&str) -> bool) {
        let Some(pos) =
            self.stack.iter().rev().position(|o| target(&o.name) || blocker(&o.name)).map(|p| self.stack.len() - 1 - p)
        else {
            return;
        };
        if !target(&self.stack[pos].name) {
            return;
        }
        while self.stack.len() > pos + 1 {
            self.pop();
        }
        self.pop_matched();
    }

    /// Pops the top element, closed implicitly: a formatting element stays
    /// in the parser's list of active formatting elements, to be reopened.
    fn pop(&mut self) {
        let Some(o) = self.stack.pop() else { return };
        self.depth -= weight(&o.name);
        if o.foreign {
            self.foreign -= 1;
        }
        if !o.key.is_empty() && self.lingering.iter().filter(|(_, k)| *k == o.key).count() < 3 {
            self.lingering.push((o.name, o.key));
        }
    }

    /// Pops the top element, closed by its own end tag.
    fn pop_matched(&mut self) {
        if let Some(o) = self.stack.pop() {
            self.depth -= weight(&o.name);
            if o.foreign {
                self.foreign -= 1;
            }
        }
    }

    fn end_tag(&mut self, lt: usize) -> usize {
        let b = self.html.as_bytes();
        let ne = name_end(b, lt + 2);
        let Some((end, _)) = tag_end(b, ne) else { return b.len() };
        let name = lowercase(&self.html[lt + 2..ne]);
        let name = &*name;
        if let Some(n) = self.dropped_open.get_mut(name).filter(|n| **n > 0) {
            // the end of an element that was never opened
            *n -= 1;
            self.drop_tag(lt, end, is(SPECIAL, name));
            return end;
        }
        if matches!(name, "html" | "head" | "body" | "br") {
            return end;
        }
        if self.foreign > 0 && self.stack.last().is_some_and(|o| o.foreign) {
            self.close_down(|n| n == name, |n| is(SPECIAL, n) && n != "svg" && n != "math");
            if let Some((below, from)) = self.svg.filter(|_| name == "svg") {
                if self.stack.len() == below {
                    self.cut(from, lt);
                    self.svg = None;
                }
            }
            return end;
        }
        if is(FORMATTING, name) {
            if self.stack.last().is_some_and(|o| o.name == name) {
                self.pop_matched();
            } else if let Some(p) = self.lingering.iter().rposition(|(n, _)| *n == name) {
                self.lingering.remove(p);
            }
            return end;
        }
        match name {
            "table" => self.close_down(|n| n == "table", |n| matches!(n, "html" | "template")),
            "tr" | "td" | "th" | "tbody" | "thead" | "tfoot" | "caption" => {
                self.close_down(|n| n == name, |n| matches!(n, "table" | "html" | "template"))
            }
            _ if is(SPECIAL, name) => self.close_down(|n| n == name, |n| is(SCOPE, n)),
            _ => self.close_down(|n| n == name, |n| is(SPECIAL, n)),
        }
        end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn max_open(html: &str) -> usize {
        // depth of the bounded output as the scan itself sees it
        let mut s = Scan::new(html, usize::MAX);
        s.run();
        s.depth + s.lingering.len()
    }

    #[test]
    fn ordinary_pages_are_untouched() {
        let page = "<html><body><div class=\"a>b\"><p>one<p>two<ul><li>x<li>y</ul>\
            <table><tr><td>1<td>2<tr><td>3</table><script>if (a<b) { x = '<div>'; }</script>\
            <!-- <div> --><svg><path/><style><g></style></svg><b><i>t</b></i></div>";
        let b = bound_nesting(page, 8);
        assert_eq!(b.dropped, 0);
        // only the drawing inside the closed `<svg>` is left out
        assert_eq!(b.html, page.replace("<path/><style><g></style>", ""));
        let plain = "<html><body><div class=\"a>b\"><p>one<p>two<ul><li>x</ul></div>";
        assert!(matches!(bound_nesting(plain, 8).html, Cow::Borrowed(_)));
    }

    #[test]
    fn style_rules_and_closed_drawings_are_left_out() {
        let page = "<head><STYLE media=x>p { color: red } a<b</style></head><body><p>before\
            <svg viewBox='0 0 1 1'><svg><title>icon</title></svg><g><path d=M0/></svg>after</p></body>";
        let b = bound_nesting(page, 64);
        assert_eq!(
            b.html,
            "<head><STYLE media=x></style></head><body><p>before<svg viewBox='0 0 1 1'></svg>after</p></body>"
        );
        assert_eq!(b.dropped, 0);
        // a drawing that an HTML element breaks out of is kept: the parser
        // puts what follows in the page
        let open = "<body><svg><g><text>label</text><p>page text</p></body>";
        assert_eq!(bound_nesting(open, 64).html, open);
        let unclosed_style = "<style>p { color: red }";
        assert_eq!(bound_nesting(unclosed_style, 64).html, unclosed_style);
    }

    #[test]
    fn deep_nesting_is_flattened_and_text_kept() {
        let page = format!("<body>{}x y", "<span><b>".repeat(10_000));
        let b = bound_nesting(&page, 64);
        assert!(b.dropped > 19_000, "{}", b.dropped);
        assert!(b.html.ends_with("x y"));
        assert!(max_open(&b.html) <= 64);
        let page = format!("{}deep text{}", "<div>".repeat(10_000), "</div>".repeat(10_000));
        let b = bound_nesting(&page, 64);
        assert!(b.html.contains("deep text"));
        assert_eq!(b.html.matches("<div>").count(), 64);
        assert_eq!(b.html.matches("</div>").count(), 64);
    }

    #[test]
    fn many_comments_are_scanned_in_linear_time() {
        // each comment once searched the rest of the page for `--!>`
        let page = format!("<body>{}<p>end</p>", "<!-- c --><div>x</div>".repeat(200_000));
        let b = bound_nesting(&page, 64);
        assert_eq!(b.dropped, 0);
        // `--!>` still ends a comment, before a later `-->`
        let page = "<!-- a --!><div>seen</div><!-- b -->";
        let mut s = Scan::new(page, usize::MAX);
        assert_eq!(s.skip_markup_declaration(0), "<!-- a --!>".len());
        s.run();
    }

    #[test]
    fn tricks_that_hide_depth_are_counted() {
        // an ordinary end tag does not close past a special element
        let page = "<span><div></span>".repeat(1000);
        assert!(max_open(&page) >= 2000);
        // misnested formatting: the parser keeps both open
        let page = "<b><div></b>".repeat(1000);
        assert!(max_open(&page) >= 2000);
        // a quote in an attribute name does not start a value
        let page = "<div '>".repeat(1000);
        assert!(max_open(&page) >= 1000);
        // `<div/>` opens a div in HTML
        let page = "<div/>".repeat(1000);
        assert!(max_open(&page) >= 1000);
        // a dropped script's content is markup
        let page = format!("{}<script>{}", "<div>".repeat(10), "<div>".repeat(100));
        assert_eq!(bound_nesting(&page, 10).dropped, 101);
    }
}
