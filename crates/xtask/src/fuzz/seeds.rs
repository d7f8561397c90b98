//! The seed corpus of each target, from real pages: `examples/`,
//! `../shared/seeds`, a sample of the WCXB dev pages, and the hostile
//! fixtures (earlier finds included). WARC records and feeds are built
//! around those pages and texts, since no real WARC or feed file ships.

use std::path::{Path, PathBuf};

use super::Target;

/// WCXB pages taken (every n-th file, sorted, so the sample is stable).
const WCXB_SAMPLE: usize = 40;
/// Seeds larger than this are cut: mutations of huge seeds run slowly and
/// find nothing a smaller one would not.
const MAX_SEED_BYTES: usize = 256 << 10;

fn files(dir: &Path, exts: &[&str]) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().and_then(|e| e.to_str()).is_some_and(|e| exts.contains(&e)))
        .collect();
    out.sort();
    out
}

fn read_all(paths: &[PathBuf]) -> Vec<Vec<u8>> {
    paths
        .iter()
        .filter_map(|p| std::fs::read(p).ok())
        .map(|mut b| {
            b.truncate(MAX_SEED_BYTES);
            b
        })
        .collect()
}

/// Every n-th WCXB page, at most `WCXB_SAMPLE`.
fn wcxb_pages(shared: &Path) -> Vec<Vec<u8>> {
    let all = files(&shared.join("data/extraction/wcxb-dev/html"), &["html", "htm"]);
    let step = (all.len() / WCXB_SAMPLE).max(1);
    read_all(&all.into_iter().step_by(step).take(WCXB_SAMPLE).collect::<Vec<_>>())
}

fn texts(shared: &Path) -> Vec<Vec<u8>> {
    let mut out = read_all(&files(Path::new("examples"), &["txt"]));
    out.extend(read_all(&files(&shared.join("seeds"), &["txt"])));
    out
}

fn escape_xml(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// A WARC response record around an HTML page.
fn warc_record(url: &str, page: &[u8]) -> Vec<u8> {
    let mut http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n".to_vec();
    http.extend_from_slice(page);
    let mut out = format!(
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {url}\r\nWARC-Date: 2025-03-03T10:00:00Z\r\n\
         WARC-Record-ID: <urn:uuid:{:032x}>\r\nContent-Type: application/http;msgtype=response\r\n\
         Content-Length: {}\r\n\r\n",
        xxhash_rust::xxh3::xxh3_128(page),
        http.len()
    )
    .into_bytes();
    out.extend_from_slice(&http);
    out.extend_from_slice(b"\r\n\r\n");
    out
}

/// RSS, Atom and RDF feeds whose items are the seed texts.
fn feeds(texts: &[Vec<u8>]) -> Vec<Vec<u8>> {
    let items: Vec<(String, String)> = texts
        .iter()
        .map(|t| {
            let t = String::from_utf8_lossy(t);
            let title =
                t.lines().find(|l| !l.trim().is_empty()).unwrap_or("untitled").chars().take(120).collect::<String>();
            (escape_xml(&title), escape_xml(&t.chars().take(2000).collect::<String>()))
        })
        .collect();
    let mut out = Vec::new();
    for chunk in items.chunks(4) {
        let mut rss = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>Seed Daily</title><link>https://seed.example/</link>\n");
        let mut atom = String::from("<?xml version=\"1.0\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Seed Atom</title><id>urn:seed</id><updated>2025-03-03T10:00:00Z</updated>\n");
        let mut rdf = String::from("<?xml version=\"1.0\"?>\n<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" xmlns=\"http://purl.org/rss/1.0/\"><channel rdf:about=\"https://seed.example/\"><title>Seed RDF</title></channel>\n");
        for (i, (title, body)) in chunk.iter().enumerate() {
            rss.push_str(&format!(
                "<item><title>{title}</title><link>https://seed.example/{i}</link><guid>seed-{i}</guid>\
                 <pubDate>Mon, 03 Mar 2025 10:00:00 GMT</pubDate><description><![CDATA[<p>{body}</p>]]></description></item>\n"
            ));
            atom.push_str(&format!(
                "<entry><title>{title}</title><link href=\"https://seed.example/a/{i}\"/><id>urn:seed:{i}</id>\
                 <updated>2025-03-03T10:00:00Z</updated><content type=\"html\">{body}</content></entry>\n"
            ));
            rdf.push_str(&format!(
                "<item rdf:about=\"https://seed.example/r/{i}\"><title>{title}</title><link>https://seed.example/r/{i}</link>\
                 <description>{body}</description></item>\n"
            ));
        }
        rss.push_str("</channel></rss>\n");
        atom.push_str("</feed>\n");
        rdf.push_str("</rdf:RDF>\n");
        out.extend([rss.into_bytes(), atom.into_bytes(), rdf.into_bytes()]);
    }
    out
}

/// JSONL files: the seed texts as `text` records, a few pages as `html`.
fn jsonl(texts: &[Vec<u8>], pages: &[Vec<u8>]) -> Vec<Vec<u8>> {
    let mut out = read_all(&files(Path::new("examples"), &["jsonl"]));
    let mut lines = Vec::new();
    for (i, t) in texts.iter().enumerate() {
        let text = String::from_utf8_lossy(t);
        lines.push(
            serde_json::json!({"id": format!("s{i}"), "title": text.lines().next().unwrap_or(""), "text": text,
                "date": "2025-03-03", "source": "Seed", "url": format!("https://seed.example/{i}")})
            .to_string(),
        );
    }
    for chunk in lines.chunks(3) {
        out.push((chunk.join("\n") + "\n").into_bytes());
    }
    for (i, p) in pages.iter().take(8).enumerate() {
        let page = String::from_utf8_lossy(p);
        out.push((serde_json::json!({"id": format!("p{i}"), "html": page}).to_string() + "\n").into_bytes());
    }
    out
}

const QUERIES: &[&str] = &[
    "earthquake",
    "\"wartime OPCON\"",
    "title:security",
    "+allies -seoul",
    "text:coast AND title:earthquake",
    "(seoul OR coast) NOT friday",
    "ahn~1",
    "secur*",
    "title:[a TO z]",
    "names:\"Ahn Gyu-back\"",
    "coast^2 quake",
    "id:a",
];

/// The seeds of `target`, with every fixture of its kind (and, for the
/// readers, of any kind: a page makes a fine hostile JSONL seed).
pub fn corpus(target: Target, shared: &Path, fixtures: &Path) -> Vec<Vec<u8>> {
    let pages = wcxb_pages(shared);
    let texts = texts(shared);
    let mut out = match target {
        Target::Html => {
            let mut v = read_all(&files(Path::new("examples"), &["html", "htm"]));
            v.extend(pages.iter().cloned());
            v
        }
        Target::Warc => {
            let mut v: Vec<Vec<u8>> = pages
                .iter()
                .enumerate()
                .map(|(i, p)| warc_record(&format!("https://seed.example/page/{i}"), p))
                .collect();
            // Two and three records in one file.
            let joined: Vec<Vec<u8>> = v.chunks(3).map(|c| c.concat()).collect();
            v.extend(joined);
            v
        }
        Target::Feed => feeds(&texts),
        Target::Jsonl => jsonl(&texts, &pages),
        Target::Text => texts.clone(),
        Target::Query => QUERIES.iter().map(|q| q.as_bytes().to_vec()).collect(),
    };
    let mine = files(fixtures, &[target.extension()]);
    let others: Vec<PathBuf> = match target {
        Target::Query => Vec::new(),
        _ => files(fixtures, &["html", "txt", "jsonl", "warc", "rss"]),
    };
    out.extend(read_all(&mine));
    out.extend(read_all(
        &others.into_iter().filter(|p| !p.to_string_lossy().ends_with(target.extension())).collect::<Vec<_>>(),
    ));
    out.retain(|s| !s.is_empty());
    out
}
