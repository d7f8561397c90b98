//! Hostile input at every reader (issue 21): arbitrary and structured bytes
//! thrown at the text, HTML, JSONL, WARC and feed readers must give
//! articles, skips or notices, never a panic, and in bounded time. Case
//! counts are fixed (no persistence files) so the whole file runs in
//! seconds in a release build; inputs that once broke a reader are kept in
//! `tests/fixtures/hostile/` and replayed by `fixtures_replay`.

use std::io::Cursor;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use storyline_core::Origin;
use storyline_ingest::{html, Format, ReadEvent, ReaderConfig};

/// Longest one reader may take on one input of these sizes, in CPU time
/// of the reading thread (release build; the slowest honest case is well
/// under a tenth of it).
const BUDGET: Duration = Duration::from_secs(3);

/// Time spent so far by this thread on a CPU: unlike the wall clock, it
/// does not grow when other tests and builds share the machine's cores (a
/// 2-core CI machine running tests in parallel measured 3.5 s of wall time
/// for a case that takes 0.3 s alone). The wall clock where Linux's
/// per-thread counter cannot be read.
struct Stopwatch {
    cpu_start: Option<u64>,
    wall_start: Instant,
}

fn thread_cpu_ns() -> Option<u64> {
    // /proc/thread-self/schedstat: time on CPU (ns), time waiting, slices.
    std::fs::read_to_string("/proc/thread-self/schedstat").ok()?.split_whitespace().next()?.parse().ok()
}

impl Stopwatch {
    fn start() -> Self {
        Stopwatch { cpu_start: thread_cpu_ns(), wall_start: Instant::now() }
    }
    fn elapsed(&self) -> Duration {
        match (self.cpu_start, thread_cpu_ns()) {
            (Some(a), Some(b)) => Duration::from_nanos(b.saturating_sub(a)),
            _ => self.wall_start.elapsed(),
        }
    }
}

const FORMATS: [Format; 5] = [Format::PlainText, Format::Html, Format::Jsonl, Format::Warc, Format::Feed];

fn config() -> ProptestConfig {
    ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() }
}

/// Reads `bytes` as `format`; returns (articles, skips) and checks the time.
fn read(format: Format, bytes: &[u8]) -> (usize, usize) {
    let origin = Origin { path: "fuzz".into(), line: None };
    let (mut articles, mut skips) = (0, 0);
    let start = Stopwatch::start();
    format.reader().read(&mut Cursor::new(bytes), &origin, "fuzz", &ReaderConfig::default(), &mut |e| match e {
        ReadEvent::Article(a) => {
            assert!(!a.id.is_empty());
            articles += 1
        }
        ReadEvent::Skipped(_) => skips += 1,
        ReadEvent::Notice(_) => {}
    });
    let took = start.elapsed();
    assert!(took < BUDGET, "{format:?} took {took:?} on {} bytes", bytes.len());
    (articles, skips)
}

/// Pieces of markup that have broken or slowed HTML parsers: nesting,
/// misnesting, table and list parts, foreign content, raw text, comments,
/// quotes in odd places.
#[rustfmt::skip]
const HTML_PIECES: &[&str] = &[
    "<div>", "</div>", "<span>", "</span>", "<b>", "</b>", "<i>", "<a href=x>", "</a>", "<p>", "</p>",
    "<li>", "<ul>", "</ul>", "<table>", "<tr>", "<td>", "</td>", "</table>", "<svg>", "</svg>",
    "<math>", "<style>", "</style>", "<script>", "</script>", "<!--", "-->", "<font color=red>",
    "<font size=", "\"", "'", "<div '>", "<div/>", "<title>", "<textarea>", "<select>", "<option>",
    "<template>", "<button>", "<form>", "<h1>", "<h2>", "<pre>", "<br>", "<img src=x>",
    "<![CDATA[", "]]>", "<!DOCTYPE html>", "<body>", "<html>", "</body>", "&amp;", "&#x0;", "\0",
    "text ", "more words here. ", "<plaintext>", "<noscript>", "<object>", "<frameset>", "<",
];

fn html_doc() -> impl Strategy<Value = String> {
    // A random run of pieces repeated many times: deep and wide documents.
    (prop::collection::vec(prop::sample::select(HTML_PIECES), 1..40), 1usize..3000)
        .prop_map(|(run, times)| run.concat().repeat(times))
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn every_reader_survives_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        for format in FORMATS {
            read(format, &bytes);
        }
    }

    #[test]
    fn html_survives_structured_markup(doc in html_doc()) {
        let start = Stopwatch::start();
        let _ = html::extract_html(&doc, Some("https://example.com/2024/01/02/a"));
        prop_assert!(start.elapsed() < BUDGET, "{} bytes took {:?}", doc.len(), start.elapsed());
        // The same document through the file reader and inside a JSONL record.
        read(Format::Html, doc.as_bytes());
        let line = serde_json::json!({"id": "h", "html": doc}).to_string();
        read(Format::Jsonl, line.as_bytes());
    }

    #[test]
    fn jsonl_survives_odd_records(
        fields in prop::collection::vec(
            (prop::sample::select(&["id", "text", "html", "title", "date", "url", "source", "language", "x"][..]),
             prop_oneof![
                 Just(serde_json::Value::Null),
                 any::<bool>().prop_map(serde_json::Value::from),
                 any::<f64>().prop_map(serde_json::Value::from),
                 ".{0,80}".prop_map(serde_json::Value::from),
                 Just(serde_json::json!([1, {"a": []}])),
                 Just(serde_json::json!({"nested": {"deeper": [null]}})),
             ]),
            0..12),
        junk in ".{0,40}",
    ) {
        let obj: serde_json::Map<String, serde_json::Value> =
            fields.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        let body = format!("{}\n{junk}\n[{}]\n", serde_json::Value::Object(obj.clone()), serde_json::Value::Object(obj));
        read(Format::Jsonl, body.as_bytes());
    }

    #[test]
    fn warc_survives_lying_records(
        records in prop::collection::vec(
            (prop::sample::select(&["response", "request", "warcinfo", "resource", "bogus"][..]),
             prop_oneof![Just(None), (0u64..100_000).prop_map(Some), Just(Some(u64::MAX))],
             prop::sample::select(&["HTTP/1.1 200 OK", "HTTP/1.1 302 Found", "HTTP/9 x", "", "garbage"][..]),
             prop::sample::select(&["text/html", "text/html; charset=utf-16", "application/pdf", ""][..]),
             ".{0,200}"),
            0..6),
    ) {
        let mut warc = Vec::new();
        for (kind, len, status, ct, body) in records {
            let http = format!("{status}\r\nContent-Type: {ct}\r\n\r\n<html><body><p>{body}</p></body></html>");
            let len = len.map_or(String::new(), |l| format!("Content-Length: {l}\r\n"));
            warc.extend_from_slice(
                format!("WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: http://example.com/a\r\n{len}\r\n{http}\r\n\r\n")
                    .as_bytes(),
            );
        }
        read(Format::Warc, &warc);
    }

    #[test]
    fn feed_survives_odd_xml(
        depth in 0usize..3000,
        item in ".{0,100}",
        kind in prop::sample::select(&["rss", "feed", "rdf:RDF", "opml", "x"][..]),
    ) {
        let feed = format!(
            "<?xml version=\"1.0\"?><{kind} version=\"2.0\"><channel><title>t</title><item><title>{item}</title>\
             <link>http://example.com/a</link><description>{}{item}</description></item></channel></{kind}>",
            "<x>".repeat(depth)
        );
        read(Format::Feed, feed.as_bytes());
    }
}

/// Inputs kept because they once crashed or stalled a reader (issue 21),
/// replayed through every reader.
#[test]
fn fixtures_replay() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        for format in FORMATS {
            read(format, &bytes);
        }
        n += 1;
    }
    assert!(n > 0, "no fixtures in {}", dir.display());
}

/// Issue 21, "must show": 100,000 nested `<span><b>` aborted the process
/// (stack overflow) and 100,000 nested `<div>` took minutes. Both now read
/// within the budget, text kept, and the flattening is reported.
#[test]
fn deep_nesting_reads_in_bounded_time_with_a_notice() {
    for (name, page) in [
        ("span-b", format!("<body>{}x y", "<span><b>".repeat(100_000))),
        ("div", format!("<body>{}The council met on Monday. It voted.", "<div>".repeat(100_000))),
        ("div-closed", format!("<body>{}The council met.{}", "<div>".repeat(100_000), "</div>".repeat(100_000))),
        ("table", format!("<body>{}The council met on Monday.", "<table><tr><td>".repeat(30_000))),
        ("misnested", format!("<body>{}The council met on Monday.", "<b><div></b>".repeat(30_000))),
    ] {
        let start = Stopwatch::start();
        let origin = Origin { path: format!("{name}.html"), line: None };
        let mut events = Vec::new();
        Format::Html.reader().read(
            &mut Cursor::new(page.as_bytes()),
            &origin,
            name,
            &ReaderConfig::default(),
            &mut |e| events.push(e),
        );
        let took = start.elapsed();
        // 2 s is the promise on an idle machine; tests share the CPU.
        assert!(took < Duration::from_secs(5), "{name}: {took:?}");
        let text = events.iter().find_map(|e| match e {
            ReadEvent::Article(a) => Some(a.text.clone()),
            _ => None,
        });
        let text = text.unwrap_or_else(|| panic!("{name}: no article: {events:?}"));
        assert!(text.contains("x y") || text.contains("The council met"), "{name}: {text}");
        let noted = events.iter().any(|e| matches!(e, ReadEvent::Notice(n) if n.message.contains("flattened")));
        assert!(noted, "{name}: the flattening is reported: {events:?}");
    }
}

/// The deep page on a small thread stack, as the server's workers have:
/// the overflow happened in the readability pass, on any thread.
#[test]
fn deep_nesting_fits_a_small_thread_stack() {
    let page = format!("<body>{}x y", "<span><b>".repeat(60_000));
    let t = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(move || html::extract_html(&page, None).map(|a| a.text))
        .unwrap();
    assert_eq!(t.join().expect("no stack overflow").unwrap(), "x y");
}

/// Found by `html_survives_structured_markup` (CI, 2026-12-05): misnested
/// formatting tags make html5ever build a tree as deep as the nesting bound,
/// and the main-region clean-up, which measures elements one by one, took
/// 3.3 s on 110 KB of this. Such trees now keep Readability's text alone.
#[test]
fn misnested_formatting_tags_do_not_make_the_region_quadratic() {
    let doc = "<h1>&#x0;<option><select><form>]]></b><font color=red>".repeat(1000);
    let start = Stopwatch::start();
    let _ = html::extract_html(&doc, None);
    assert!(start.elapsed() < BUDGET, "{} bytes took {:?}", doc.len(), start.elapsed());
    read(Format::Html, doc.as_bytes());
    let line = serde_json::json!({"id": "h", "html": doc}).to_string();
    read(Format::Jsonl, line.as_bytes());
}

/// A streamed page (React `Suspense`) whose thousands of boundaries never
/// close: each boundary's fallback is looked for among a bounded number
/// of siblings, not all the page's.
#[test]
fn unclosed_streamed_boundaries_cost_a_bounded_scan_each() {
    let n = 4000;
    let mut doc = String::from("<html><body><div><!--$?-->");
    for i in 0..n {
        doc.push_str(&format!("<template id=\"B:{i:x}\"></template><!--$?--><i>x</i>"));
    }
    doc.push_str("</div>");
    let mut script = String::new();
    for i in 0..n {
        doc.push_str(&format!("<div hidden id=\"S:{i:x}\"><p>Part {i} of a long streamed article.</p></div>"));
        script.push_str(&format!("$RC(\"B:{i:x}\",\"S:{i:x}\");"));
    }
    doc.push_str(&format!("<script>{script}</script></body></html>"));
    let start = Stopwatch::start();
    let text = html::extract_html(&doc, None).map(|a| a.text).unwrap_or_default();
    assert!(start.elapsed() < BUDGET, "{} bytes took {:?}", doc.len(), start.elapsed());
    let parts = text.matches(" of a long streamed article.").count();
    assert!(parts >= 1000, "{parts} parts: {}", &text[..text.len().min(300)]);
}
