//! Real inputs: WARC archives (plain and one gzip member per record), feed
//! files, and `storyline watch` against a local feed server that honours
//! conditional GET and counts the requests it answers.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common::*;

fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <meta property=\"og:site_name\" content=\"Harbour Times\"></head><body><nav>Home | World | Sport</nav>\
         <article><h1>{title}</h1><p>{body}</p><p>Officials from both governments said the next round would \
         be held in the spring, and that observers from the fisheries council would attend.</p></article>\
         <footer>Copyright Harbour Times. All rights reserved.</footer></body></html>"
    )
}

const BODIES: [&str; 4] = [
    "Karsund and Velmora signed a fisheries treaty on Monday after three years of negotiations over the shared northern waters.",
    "The port of Haldvik was closed on Tuesday as a storm brought waves of eight metres to the northern coast, the coast guard said.",
    "Rail workers in Velmora began a two-day strike on Wednesday over pay, halting most trains between the capital and the coast.",
    "The city library of Karsvik reopened on Thursday after a renovation that took two years and added a children's wing.",
];

fn warc_record(kind: &str, uri: &str, block: &[u8]) -> Vec<u8> {
    let mut r = format!(
        "WARC/1.1\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2025-10-2{}T08:00:00Z\r\n\
         WARC-Record-ID: <urn:uuid:{}>\r\nContent-Type: application/http; msgtype={kind}\r\nContent-Length: {}\r\n\r\n",
        block.len() % 7,
        uri.len(),
        block.len()
    )
    .into_bytes();
    r.extend_from_slice(block);
    r.extend_from_slice(b"\r\n\r\n");
    r
}

fn http_response(status: &str, content_type: &str, body: &str) -> Vec<u8> {
    format!("HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n{body}", body.len())
        .into_bytes()
}

/// Six records: warcinfo, a request, three good pages (one under a tracking
/// URL of another), and, as record 4, a response with a broken
/// Content-Length; then a 404 page (record 7). Returns the records.
fn warc_records() -> Vec<Vec<u8>> {
    vec![
        warc_record("warcinfo", "", b"software: storyline-test\r\nformat: WARC File Format 1.1\r\n"),
        warc_record("request", "https://harbour.example/a", b"GET /a HTTP/1.1\r\nHost: harbour.example\r\n\r\n"),
        warc_record("response", "https://Harbour.Example/a?utm_source=rss#top", &http_response("200 OK", "text/html; charset=utf-8", &page("Treaty signed", BODIES[0]))),
        b"WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: https://harbour.example/broken\r\nContent-Length: twelve\r\n\r\nHTTP/1.1 200 OK\r\n\r\n<html>\r\n\r\n".to_vec(),
        warc_record("response", "https://harbour.example/b", &http_response("200 OK", "text/html", &page("Storm closes port", BODIES[1]))),
        warc_record("metadata", "https://harbour.example/b", b"outlinks: https://harbour.example/c\r\n"),
        warc_record("response", "https://harbour.example/missing", &http_response("404 Not Found", "text/html", &page("Not found", BODIES[3]))),
        warc_record("response", "https://harbour.example/c", &http_response("200 OK", "text/html", &page("Rail strike", BODIES[2]))),
    ]
}

fn check_warc_run(file: &str, run: &Run) {
    let lines = run.jsonl();
    assert_eq!(lines.len(), 3, "three good pages; stdout:\n{}\nstderr:\n{}", run.stdout, run.stderr);
    let titles: Vec<&str> = lines.iter().map(|l| s(l, "title")).collect();
    assert_eq!(titles, ["Treaty signed", "Storm closes port", "Rail strike"]);
    assert!(lines.iter().all(|l| !s(l, "text").contains("All rights reserved")));
    let broken: Vec<&str> = run.stderr.lines().filter(|l| l.starts_with("skipped ")).collect();
    assert_eq!(broken.len(), 2, "the broken record and the 404 are reported:\n{}", run.stderr);
    assert!(
        broken[0].contains(file) && broken[0].contains("record 4") && broken[0].contains("Content-Length"),
        "{}",
        broken[0]
    );
    assert!(broken[1].contains(file) && broken[1].contains("record 7") && broken[1].contains("404"), "{}", broken[1]);
    assert!(
        !run.stderr.contains("record 1 ") && !run.stderr.contains("record 2 ") && !run.stderr.contains("record 6 "),
        "non-response records are skipped quietly:\n{}",
        run.stderr
    );
}

#[test]
fn warc_pages_are_read_and_bad_records_reported() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("crawl.warc");
    std::fs::write(&plain, warc_records().concat()).unwrap();
    check_warc_run("crawl.warc", &run(&["extract", &arg(&plain)]).ok());
}

#[test]
fn warc_gz_with_one_member_per_record() {
    let dir = tempfile::tempdir().unwrap();
    let gz = dir.path().join("crawl.warc.gz");
    let mut bytes = Vec::new();
    for record in warc_records() {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(&record).unwrap();
        bytes.extend(enc.finish().unwrap());
    }
    std::fs::write(&gz, bytes).unwrap();
    check_warc_run("crawl.warc.gz", &run(&["extract", &arg(&gz)]).ok());

    // A download cut short inside the last gzip member: the pages before
    // it are read, the cut record is reported.
    let cut = dir.path().join("cut.warc.gz");
    let mut bytes = std::fs::read(&gz).unwrap();
    bytes.truncate(bytes.len() - 40);
    std::fs::write(&cut, bytes).unwrap();
    let out = run(&["extract", &arg(&cut)]).ok();
    assert_eq!(out.jsonl().len(), 2, "{}", out.stderr);
    assert!(
        out.stderr.lines().any(|l| l.starts_with("skipped ") && l.contains("cut.warc.gz record 8")),
        "{}",
        out.stderr
    );

    // Stored with the archive's URL (normalised) and date, and once only
    // however often it is ingested.
    let db = dir.path().join("w.db");
    run(&["ingest", &arg(&gz), "--db", &arg(&db)]).ok();
    let again = run(&["ingest", &arg(&gz), "--db", &arg(&db)]).ok();
    assert!(again.stderr.contains("0 new articles"), "{}", again.stderr);
    assert_eq!(stored_articles(&db), 3);
    let urls = stored_urls(&db);
    assert!(urls.contains(&"https://harbour.example/a".to_string()), "{urls:?}");
    assert!(urls.iter().all(|u| !u.contains("utm_")), "{urls:?}");
}

/// (id, url) of every stored article.
fn stored(db: &Path) -> Vec<(String, String)> {
    use storyline_store::Store;
    let store = storyline_store::SqliteStore::open(db).unwrap();
    let mut out = Vec::new();
    store
        .for_each_article(&mut |a| out.push((a.article.id.clone(), a.article.url.clone().unwrap_or_default())))
        .unwrap();
    out
}

fn stored_urls(db: &Path) -> Vec<String> {
    stored(db).into_iter().map(|(_, u)| u).collect()
}

#[test]
fn feed_file_entries_become_articles() {
    let dir = tempfile::tempdir().unwrap();
    let feed = dir.path().join("news.rss");
    std::fs::write(
        &feed,
        rss(
            "Harbour Times",
            "http://harbour.example",
            &[("a1", "Treaty signed", BODIES[0]), ("a2", "Storm closes port", BODIES[1])],
        ),
    )
    .unwrap();
    let out = run(&["extract", &arg(&feed)]).ok();
    let lines = out.jsonl();
    assert_eq!(lines.len(), 2, "{}", out.stderr);
    assert_eq!(s(&lines[0], "title"), "Treaty signed");
    assert_eq!(s(&lines[0], "published"), "2025-10-27");
    // The same feed under another name, read with --format.
    let odd = dir.path().join("feed.php");
    std::fs::copy(&feed, &odd).unwrap();
    assert_eq!(run(&["extract", &arg(&odd), "--format", "feed"]).ok().jsonl().len(), 2);
    // A JSON Feed saved as .json is told from JSONL by its version URL.
    let json_feed = dir.path().join("feed.json");
    std::fs::write(
        &json_feed,
        "{\n  \"version\": \"https://jsonfeed.org/version/1.1\",\n  \"title\": \"Harbour Times\",\n  \"items\": [\n    \
         {\"id\": \"1\", \"url\": \"https://harbour.example/a3\", \"title\": \"Rail strike\", \"content_text\": \"Rail workers struck.\"}\n  ]\n}\n",
    )
    .unwrap();
    let out = run(&["extract", &arg(&json_feed)]).ok();
    assert_eq!(out.jsonl().len(), 1, "{}", out.stderr);
    assert_eq!(s(&out.jsonl()[0], "title"), "Rail strike");
}

/// Articles in a store, from `stories --json`.
fn stored_articles(db: &Path) -> u64 {
    let stories = run(&["stories", "--db", &arg(db), "--json"]).ok().json();
    stories.as_array().unwrap().iter().map(|s| s["articles"].as_u64().unwrap()).sum()
}

fn rss(title: &str, base: &str, items: &[(&str, &str, &str)]) -> String {
    let mut out = format!("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\"><channel><title>{title}</title><link>{base}/</link>\n");
    for (i, (path, t, summary)) in items.iter().enumerate() {
        out.push_str(&format!(
            "<item><title>{t}</title><link>{base}/{path}?utm_source=rss&amp;utm_medium=feed</link><guid>{base}/{path}</guid>\
             <pubDate>Mon, 2{} Oct 2025 08:00:00 GMT</pubDate><description>{summary}</description></item>\n",
            7 + i
        ));
    }
    out.push_str("</channel></rss>\n");
    out
}

/// A feed server on 127.0.0.1: `/feed.xml` (ETag = feed version, 304 on a
/// matching If-None-Match) and article pages `/a1`, `/a2`, ...; counts
/// requests per path and 304 answers.
struct FeedServer {
    base: String,
    state: Arc<Mutex<ServerState>>,
}

#[derive(Default)]
struct ServerState {
    version: u32,
    items: usize,
    requests: HashMap<String, usize>,
    not_modified: usize,
}

impl FeedServer {
    fn start(items: usize) -> FeedServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(Mutex::new(ServerState { version: 1, items, ..Default::default() }));
        let (st, b) = (state.clone(), base.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (st, b) = (st.clone(), b.clone());
                std::thread::spawn(move || {
                    let _ = serve_one(stream, &st, &b);
                });
            }
        });
        FeedServer { base, state }
    }

    fn requests(&self, path: &str) -> usize {
        self.state.lock().unwrap().requests.get(path).copied().unwrap_or(0)
    }

    fn not_modified(&self) -> usize {
        self.state.lock().unwrap().not_modified
    }

    fn total_requests(&self) -> usize {
        self.state.lock().unwrap().requests.values().sum()
    }

    /// Publishes one more item (a new feed version and ETag); returns the
    /// feed requests answered before it (taken under the same lock).
    fn publish(&self) -> usize {
        let mut s = self.state.lock().unwrap();
        s.items += 1;
        s.version += 1;
        s.requests.get("/feed.xml").copied().unwrap_or(0)
    }
}

fn serve_one(stream: TcpStream, state: &Mutex<ServerState>, base: &str) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let path = request_line.split_whitespace().nth(1).unwrap_or("/").to_string();
    let mut if_none_match = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.trim().eq_ignore_ascii_case("if-none-match") {
                if_none_match = Some(value.trim().to_string());
            }
        }
    }
    let (status, headers, body) = {
        let mut s = state.lock().unwrap();
        *s.requests.entry(path.clone()).or_default() += 1;
        let etag = format!("\"v{}\"", s.version);
        if path == "/feed.xml" {
            if if_none_match.as_deref() == Some(etag.as_str()) {
                s.not_modified += 1;
                ("304 Not Modified", format!("ETag: {etag}\r\n"), String::new())
            } else {
                let items: Vec<(String, String, String)> = (0..s.items)
                    .map(|i| (format!("a{}", i + 1), format!("Item {}", i + 1), BODIES[i % BODIES.len()].to_string()))
                    .collect();
                let refs: Vec<(&str, &str, &str)> =
                    items.iter().map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str())).collect();
                (
                    "200 OK",
                    format!("Content-Type: application/rss+xml\r\nETag: {etag}\r\n"),
                    rss("Harbour Times", base, &refs),
                )
            }
        } else if let Some(n) = path
            .strip_prefix("/a")
            .and_then(|p| p.split('?').next()?.parse::<usize>().ok())
            .filter(|&n| n >= 1 && n <= s.items)
        {
            let titles = ["Treaty signed", "Storm closes port", "Rail strike", "Library reopens"];
            (
                "200 OK",
                "Content-Type: text/html; charset=utf-8\r\n".to_string(),
                page(titles[(n - 1) % 4], BODIES[(n - 1) % 4]),
            )
        } else {
            ("404 Not Found", "Content-Type: text/plain\r\n".to_string(), "not found".to_string())
        }
    };
    let mut stream = stream;
    write!(stream, "HTTP/1.1 {status}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len())?;
    stream.flush()?;
    // Drain so the client sees a clean close.
    let _ = reader.read(&mut [0u8; 64]);
    Ok(())
}

fn finished(out: std::process::Output) -> Run {
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn watch_cmd(feeds: &Path, db: &Path, extra: &[&str]) -> Command {
    let mut cmd = Command::new(bin());
    cmd.args(["watch", &arg(feeds), "--db", &arg(db), "--host-delay-ms", "50"]).args(extra).env_remove("STORYLINE_DB");
    cmd
}

fn wait_until(what: &str, timeout: Duration, mut cond: impl FnMut() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(start.elapsed() < timeout, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn watch_once_fetches_new_items_and_skips_an_unchanged_feed() {
    let server = FeedServer::start(2);
    let dir = tempfile::tempdir().unwrap();
    let feeds = dir.path().join("feeds.txt");
    std::fs::write(&feeds, format!("# test feeds\n{}/feed.xml\n", server.base)).unwrap();
    let db = dir.path().join("watch.db");

    let first = finished(watch_cmd(&feeds, &db, &["--once", "--allow-private"]).output().unwrap()).ok();
    assert_eq!(
        (server.requests("/feed.xml"), server.requests("/a1"), server.requests("/a2")),
        (1, 1, 1),
        "{}",
        first.stderr
    );
    assert_eq!(stored_articles(&db), 2, "{}", first.stderr);

    // Unchanged feed: a 304, no page fetched, nothing stored twice.
    let second = finished(watch_cmd(&feeds, &db, &["--once", "--allow-private"]).output().unwrap()).ok();
    assert_eq!(server.not_modified(), 1, "{}", second.stderr);
    assert_eq!(
        (server.requests("/feed.xml"), server.requests("/a1"), server.requests("/a2")),
        (2, 1, 1),
        "{}",
        second.stderr
    );
    assert_eq!(stored_articles(&db), 2);
    assert!(second.stderr.contains("1 not modified"), "{}", second.stderr);

    // The pages are stored under their normalised URLs, with the page's text.
    let a1 = format!("{}/a1", server.base);
    let stored = stored(&db);
    assert!(stored.contains(&(storyline_ingest::id_from_url(&a1), a1.clone())), "{stored:?}");
}

#[test]
fn watch_picks_up_a_new_item_within_one_interval() {
    let server = FeedServer::start(1);
    let dir = tempfile::tempdir().unwrap();
    let feeds = dir.path().join("feeds.opml");
    std::fs::write(
        &feeds,
        format!("<?xml version=\"1.0\"?><opml version=\"2.0\"><body><outline text=\"Harbour\" type=\"rss\" xmlUrl=\"{}/feed.xml\"/></body></opml>", server.base),
    )
    .unwrap();
    let db = dir.path().join("watch.db");
    let child = watch_cmd(&feeds, &db, &["--interval", "1", "--allow-private"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let _guard = KillOnDrop(child);
    wait_until("the first item's page", Duration::from_secs(20), || server.requests("/a1") == 1);
    // Let a poll or two find the feed unchanged.
    wait_until("a 304 for the unchanged feed", Duration::from_secs(10), || server.not_modified() >= 1);
    assert_eq!(server.requests("/a1"), 1, "an unchanged feed's items are not fetched again");

    let feed_polls_before = server.publish();
    let published = Instant::now();
    wait_until("the new item's page", Duration::from_secs(10), || server.requests("/a2") == 1);
    // The first poll after publishing found it: one feed request, whatever
    // the machine's load, and about one interval of wall time.
    assert_eq!(server.requests("/feed.xml"), feed_polls_before + 1, "the new item is taken by the next poll");
    assert!(published.elapsed() < Duration::from_secs(4), "picked up after {:?}, interval 1 s", published.elapsed());
    wait_until("the new item stored", Duration::from_secs(10), || stored_articles(&db) == 2);
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!((server.requests("/a1"), server.requests("/a2")), (1, 1), "no page is fetched twice");
    assert_eq!(stored_articles(&db), 2);
}

#[test]
fn watch_refuses_private_addresses_without_the_flag() {
    let server = FeedServer::start(1);
    let dir = tempfile::tempdir().unwrap();
    let feeds = dir.path().join("feeds.txt");
    std::fs::write(&feeds, format!("{}/feed.xml\n", server.base)).unwrap();
    let db = dir.path().join("watch.db");
    let out = finished(watch_cmd(&feeds, &db, &["--once"]).output().unwrap());
    assert_ne!(out.code, 0, "nothing could be read");
    assert!(out.stderr.contains("refused") && out.stderr.contains("--allow-private"), "{}", out.stderr);
    assert_eq!(server.total_requests(), 0, "no request reached the server");

    // Same for a URL given to ingest.
    let url = format!("{}/feed.xml", server.base);
    let out = run(&["ingest", &url, "--db", &arg(&db)]);
    assert_ne!(out.code, 0);
    assert!(out.stderr.contains("refused"), "{}", out.stderr);
    assert_eq!(server.total_requests(), 0);
    // With the flag, the URL is read as a feed.
    let ok = run(&["extract", &url, "--allow-private"]).ok();
    assert_eq!(ok.jsonl().len(), 1, "{}", ok.stderr);
}

fn watch_args(feeds: &[&str], db: &Path, extra: &[&str]) -> Run {
    let mut cmd = Command::new(bin());
    cmd.arg("watch")
        .args(feeds)
        .args(["--db", &arg(db), "--host-delay-ms", "50"])
        .args(extra)
        .env_remove("STORYLINE_DB");
    finished(cmd.output().unwrap())
}

/// The Harbour Times' feed file `name` listing `items` (path, title,
/// summary) on `server`, in a temporary directory (kept alive by the first
/// value), and the path of a store beside it, not created yet.
fn feed_file(server: &FeedServer, name: &str, items: &[(&str, &str, &str)]) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let feed = dir.path().join(name);
    std::fs::write(&feed, rss("Harbour Times", &server.base, items)).unwrap();
    let db = dir.path().join("w.db");
    (dir, feed, db)
}

/// A feed file is watched as a feed (it was read as a list of URLs: one
/// error per line), and says so; a page that answered 404 is not stored
/// from the feed's summary, and the message says it is not.
#[test]
fn watch_takes_a_feed_file_and_never_stores_a_page_that_is_gone() {
    let server = FeedServer::start(2);
    let items = [("a1", "Treaty signed", BODIES[0]), ("a2", "Storm closes port", BODIES[1]), ("a9", "Gone", BODIES[3])];
    let (_dir, feed, db) = feed_file(&server, "news.rss", &items);
    let out = watch_args(&[&arg(&feed)], &db, &["--once", "--allow-private"]).ok();
    assert!(
        out.stderr.contains(&format!("watching {}: a feed file (\"Harbour Times\", 3 entries)", arg(&feed))),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("not an http"), "the feed is not read as a list of URLs:\n{}", out.stderr);
    assert_eq!((server.requests("/a1"), server.requests("/a2"), server.requests("/a9")), (1, 1, 1));
    let gone: Vec<&str> = out.stderr.lines().filter(|l| l.contains("/a9")).collect();
    assert!(
        gone.len() == 1 && gone[0].starts_with("skipped ") && gone[0].contains("404") && gone[0].contains("not stored"),
        "{}",
        out.stderr
    );
    assert_eq!(stored_articles(&db), 2, "{}", out.stderr);
    assert!(stored_urls(&db).iter().all(|u| !u.ends_with("/a9")));
    assert!(out.stderr.contains("2 articles stored (0 duplicates)"), "{}", out.stderr);

    // The unchanged file is not read again; given as a file:// URL it is
    // the same feed.
    let url = format!("file://{}", arg(&feed));
    let again = watch_args(&[&url], &db, &["--once", "--allow-private"]).ok();
    assert!(again.stderr.contains(&format!("watching {url}: a feed file")), "{}", again.stderr);
    assert!(again.stderr.contains("1 not modified"), "{}", again.stderr);
    assert_eq!((server.requests("/a1"), server.requests("/a9")), (1, 1), "{}", again.stderr);

    // A new item in the file is picked up at the next poll.
    std::fs::write(
        &feed,
        rss("Harbour Times", &server.base, &items).replace("</channel>", "<item><title>Extra</title><description>Rail workers in Velmora began a strike.</description></item></channel>"),
    )
    .unwrap();
    let third = watch_args(&[&url], &db, &["--once"]);
    assert_eq!(third.code, 0, "{}", third.stderr);
    assert!(third.stderr.contains("0 not modified") && third.stderr.contains("1 new item:"), "{}", third.stderr);
    assert_eq!(stored_articles(&db), 3);
}

/// When a page cannot be fetched (here: refused, a loopback address
/// without --allow-private) the feed entry's own text is stored, and both
/// the item's message and the poll's summary say so.
#[test]
fn watch_says_when_it_stores_the_feed_text_instead_of_the_page() {
    let server = FeedServer::start(2);
    let items = [("a1", "Treaty signed", BODIES[0]), ("a2", "Storm closes port", BODIES[1])];
    let (_dir, feed, db) = feed_file(&server, "news.xml", &items);
    let out = watch_args(&[&format!("file://{}", arg(&feed))], &db, &["--once"]).ok();
    assert_eq!(server.total_requests(), 0);
    let notes: Vec<&str> = out.stderr.lines().filter(|l| l.contains("stored the feed entry's text")).collect();
    assert_eq!(notes.len(), 2, "{}", out.stderr);
    assert!(notes.iter().all(|l| l.starts_with("note: ") && l.contains("refused")), "{}", out.stderr);
    assert!(out.stderr.contains("2 of them from the feed's text, the page failed"), "{}", out.stderr);
    assert_eq!(stored_articles(&db), 2);
}

/// A feed URL given directly is watched as one; a list names how many
/// feeds it holds; what is none of these is refused before anything is
/// fetched or created.
#[test]
fn watch_says_what_each_argument_is() {
    let server = FeedServer::start(1);
    let dir = tempfile::tempdir().unwrap();
    let url = format!("{}/feed.xml", server.base);
    let list = dir.path().join("feeds.txt");
    std::fs::write(&list, format!("# feeds\n{url}\n")).unwrap();
    let db = dir.path().join("w.db");
    let out = watch_args(&[&url, &arg(&list)], &db, &["--once", "--allow-private"]).ok();
    assert!(out.stderr.contains(&format!("watching {url}: a feed URL")), "{}", out.stderr);
    assert!(out.stderr.contains(&format!("watching {}: a list of 1 feed URL", arg(&list))), "{}", out.stderr);
    assert!(out.stderr.contains("poll 1: 1 feed ("), "the same feed twice is polled once:\n{}", out.stderr);
    assert_eq!(server.requests("/feed.xml"), 1);
    assert_eq!(stored_articles(&db), 1);

    let prose = dir.path().join("notes.txt");
    std::fs::write(&prose, "Things to read later\nthe harbour story\n").unwrap();
    let db2 = dir.path().join("never.db");
    for bad in [arg(&prose), "ftp://example.com/feed".to_string(), arg(&dir.path().join("missing.rss"))] {
        let out = watch_args(&[&bad], &db2, &["--once"]);
        assert_eq!(out.code, 2, "{bad}: {}", out.stderr);
        assert!(out.stderr.contains(&bad), "{}", out.stderr);
        assert!(!db2.exists(), "nothing is created for a bad argument");
    }
    let out = watch_args(&[&arg(&prose)], &db2, &["--once"]);
    assert!(out.stderr.contains("not a feed") && out.stderr.contains("nor a list of feed URLs"), "{}", out.stderr);
}
