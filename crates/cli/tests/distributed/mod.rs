//! PostgreSQL + NATS JetStream: `publish` and any number of `worker`s
//! decide exactly like an embedded `ingest`, also when a worker is killed.
//!
//! Needs PostgreSQL (`STORYLINE_PG_URL`, default
//! `postgres://postgres@127.0.0.1:5432/test`) and NATS with JetStream
//! (`STORYLINE_NATS_URL`, default `nats://127.0.0.1:4222`). When neither
//! variable is set and a server does not answer, the tests print
//! `skipped: needs ...` (visible in `cargo test` output) and pass; with a
//! variable set an unreachable server fails them. CI sets both, so there
//! they always run. Each test works in its own
//! schema and stream (random names), dropped at the end.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use storyline_store::postgres::testing::{self, TempSchema};
use storyline_store::{open_store, PgStore, SqliteStore, Store};

use crate::common::*;

/// The test corpus: the first lines of ecbplus-dev (undated; two events
/// per topic, copies among them: about 60 events of several articles) and
/// of gva-dev (dated local reports), 300 articles in all.
const ECB_ARTICLES: usize = 200;
const GVA_ARTICLES: usize = 100;
const ARTICLES: usize = ECB_ARTICLES + GVA_ARTICLES;

fn nats_url() -> String {
    std::env::var("STORYLINE_NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into())
}

/// Whether both servers are there; prints why a test is skipped if not.
fn available(test: &str) -> bool {
    if !testing::available(test) {
        return false;
    }
    if std::env::var_os("STORYLINE_NATS_URL").is_some() {
        return true;
    }
    let up = std::net::TcpStream::connect_timeout(&"127.0.0.1:4222".parse().unwrap(), Duration::from_secs(1)).is_ok();
    if !up {
        // Straight to the stream: eprintln! is captured by the harness.
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "skipped: needs NATS, none at 127.0.0.1:4222 and STORYLINE_NATS_URL is unset ({test})"
        );
    }
    up
}

/// Whether the servers and the dev sets the corpus is cut from are there;
/// says why a test is skipped if not.
fn corpus_available(test: &str) -> bool {
    available(test)
        && shared("data/events/ecbplus-dev.jsonl").is_some()
        && shared("data/events/gva-dev.jsonl").is_some()
}

/// A JetStream stream deleted when the test ends (also on panic).
struct TempStream(String);

impl TempStream {
    fn new(prefix: &str) -> Self {
        TempStream(testing::unique_schema(prefix))
    }
}

impl Drop for TempStream {
    fn drop(&mut self) {
        let _ = storyline_pipeline::distributed::delete_stream(&nats_url(), &self.0);
    }
}

/// Worker processes killed when the test ends (also on panic).
struct Workers(Vec<Child>);

impl Drop for Workers {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// The corpus file, written once per test run.
fn corpus() -> &'static Path {
    static FILE: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &FILE
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let read = |name: &str| {
                let path = shared(&format!("data/events/{name}")).expect("checked by corpus_available");
                std::fs::read_to_string(path).unwrap()
            };
            let (ecb, gva) = (read("ecbplus-dev.jsonl"), read("gva-dev.jsonl"));
            let head: Vec<&str> = ecb.lines().take(ECB_ARTICLES).chain(gva.lines().take(GVA_ARTICLES)).collect();
            let path = dir.path().join("gva-head.jsonl");
            std::fs::write(&path, head.join("\n") + "\n").unwrap();
            (dir, path)
        })
        .1
}

/// What a store decided: who copies whom, and which articles share an
/// event and a story (as partitions: labels may differ, groups may not).
#[derive(Debug, PartialEq)]
struct Decisions {
    articles: usize,
    duplicates: BTreeSet<(String, String)>,
    events: BTreeSet<BTreeSet<String>>,
    stories: BTreeSet<BTreeSet<String>>,
}

fn decisions(store: &dyn Store) -> Decisions {
    let mut duplicates = BTreeSet::new();
    let mut events: BTreeMap<u32, BTreeSet<String>> = BTreeMap::new();
    let mut stories: BTreeMap<u32, BTreeSet<String>> = BTreeMap::new();
    let mut articles = 0;
    store
        .for_each_article(&mut |a| {
            articles += 1;
            if let Some(d) = &a.duplicate {
                duplicates.insert((a.article.id.clone(), d.original.clone()));
            }
            events.entry(a.event).or_default().insert(a.article.id.clone());
            stories.entry(a.story).or_default().insert(a.article.id.clone());
        })
        .unwrap();
    Decisions { articles, duplicates, events: events.into_values().collect(), stories: stories.into_values().collect() }
}

/// The embedded (SQLite) ingest of the corpus: the reference.
fn embedded() -> &'static Decisions {
    static REF: OnceLock<Decisions> = OnceLock::new();
    REF.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("embedded.db");
        run(&["ingest", &arg(corpus()), "--db", &arg(&db)]).ok();
        let d = decisions(&SqliteStore::open(&db).unwrap());
        assert!(d.articles > ARTICLES / 2, "the embedded ingest stored {} articles", d.articles);
        assert!(!d.duplicates.is_empty(), "the corpus should hold copies");
        assert!(
            d.events.iter().filter(|e| e.len() > 1).count() >= 20,
            "the corpus should hold events of several articles"
        );
        d
    })
}

fn publish(stream: &str) {
    run(&["publish", &arg(corpus()), "--nats", &nats_url(), "--stream", stream]).ok();
}

fn spawn_worker(url: &str, stream: &str, extra: &[&str]) -> Child {
    Command::new(bin())
        .args(["worker", "--db", url, "--nats", &nats_url(), "--stream", stream, "--until-idle", "2"])
        .args(extra)
        .current_dir(repo())
        .env_remove("STORYLINE_DB")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn storyline worker")
}

/// Waits for every worker to exit by itself (they stop when idle), within
/// `limit`; each must succeed.
fn wait_all(workers: &mut Workers, limit: Duration) {
    let deadline = Instant::now() + limit;
    for c in &mut workers.0 {
        loop {
            if let Some(status) = c.try_wait().unwrap() {
                let mut err = String::new();
                if let Some(mut e) = c.stderr.take() {
                    use std::io::Read;
                    let _ = e.read_to_string(&mut err);
                }
                assert!(status.success(), "a worker failed ({status}):\n{err}");
                break;
            }
            assert!(Instant::now() < deadline, "workers still running after {limit:?}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// The work tables are empty and the frontier is past every message.
fn assert_drained(store: &PgStore, stream: &str) {
    let (pending, next) = store.queue_state(stream).unwrap();
    assert_eq!(pending, 0, "pending rows left over");
    assert_eq!(next, Some(ARTICLES as i64 + 1), "every published message was assigned");
}

fn run_distributed(workers: usize) -> Decisions {
    let schema = TempSchema::new("st_dist");
    let stream = TempStream::new("st_dist");
    let url = schema.url();
    PgStore::connect(&url).unwrap();
    publish(&stream.0);
    // Started together, the workers race for the queued articles.
    let mut procs = Workers((0..workers).map(|_| spawn_worker(&url, &stream.0, &["--batch", "8"])).collect());
    wait_all(&mut procs, Duration::from_secs(120));
    let store = PgStore::connect(&url).unwrap();
    assert_drained(&store, &stream.0);
    decisions(&store)
}

#[test]
fn one_and_three_workers_decide_like_the_embedded_store() {
    if !corpus_available("one_and_three_workers_decide_like_the_embedded_store") {
        return;
    }
    let reference = embedded();
    eprintln!(
        "embedded: {} articles, {} copies, {} events, {} stories",
        reference.articles,
        reference.duplicates.len(),
        reference.events.len(),
        reference.stories.len()
    );
    let one = run_distributed(1);
    assert_eq!(&one, reference, "1 worker");
    let three = run_distributed(3);
    assert_eq!(&three, reference, "3 workers");
}

#[test]
fn a_worker_killed_mid_run_loses_and_doubles_nothing() {
    if !corpus_available("a_worker_killed_mid_run_loses_and_doubles_nothing") {
        return;
    }
    let reference = embedded();
    let schema = TempSchema::new("st_kill");
    let stream = TempStream::new("st_kill");
    let url = schema.url();
    let store = PgStore::connect(&url).unwrap();
    publish(&stream.0);
    // Short ack wait: the killed worker's messages come back quickly.
    let opts = ["--batch", "8", "--ack-wait", "3"];
    let mut procs = Workers(vec![spawn_worker(&url, &stream.0, &opts)]);
    // The first worker most likely takes the writer lock: kill that one,
    // so both redelivery and the hand-over of assignment are exercised.
    std::thread::sleep(Duration::from_millis(300));
    procs.0.push(spawn_worker(&url, &stream.0, &opts));
    procs.0.push(spawn_worker(&url, &stream.0, &opts));
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let stored = store.article_count().unwrap();
        let pending = store.queue_state(&stream.0).unwrap().0;
        if stored >= 20 || pending >= 40 {
            break;
        }
        assert!(Instant::now() < deadline, "no progress before the kill");
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut victim = procs.0.remove(0);
    victim.kill().unwrap(); // SIGKILL: no cleanup, no acks, no unlock
    victim.wait().unwrap();
    let pending = store.queue_state(&stream.0).unwrap().0;
    eprintln!("killed a worker with {} articles stored and {pending} pending", store.article_count().unwrap());
    assert!(
        store.article_count().unwrap() < reference.articles as u64,
        "the run finished before the kill; the test proves nothing"
    );
    wait_all(&mut procs, Duration::from_secs(120));
    assert_drained(&store, &stream.0);
    let mut ids = std::collections::BTreeSet::new();
    store
        .for_each_article(&mut |a| {
            ids.insert(a.article.id);
        })
        .unwrap();
    assert_eq!(ids.len() as u64, store.article_count().unwrap(), "an article stored twice");
    assert_eq!(&decisions(&store), reference);
}

/// A message redelivered after its row was decided (its first worker
/// committed the row, then died before acking) must not leave a pending
/// row behind the frontier, where no assigner would ever take it. Staged
/// deterministically: the frontier starts past every message, as if a
/// dead writer had decided them all, so every delivery is such a late copy.
#[test]
fn messages_behind_the_frontier_leave_no_pending_rows() {
    if !corpus_available("messages_behind_the_frontier_leave_no_pending_rows") {
        return;
    }
    let schema = TempSchema::new("st_behind");
    let stream = TempStream::new("st_behind");
    let url = schema.url();
    let store = PgStore::connect(&url).unwrap();
    publish(&stream.0);
    store.queue_start(&stream.0, ARTICLES as i64 + 1).unwrap();
    let mut procs = Workers(vec![spawn_worker(&url, &stream.0, &["--batch", "8"])]);
    wait_all(&mut procs, Duration::from_secs(120));
    assert_drained(&store, &stream.0);
    assert_eq!(store.article_count().unwrap(), 0, "an already decided message was stored again");
}

/// Stored cleaned text of every article, by id.
fn stored_texts(store: &dyn Store) -> BTreeMap<String, String> {
    let mut texts = BTreeMap::new();
    store
        .for_each_article(&mut |a| {
            texts.insert(a.article.id.clone(), a.article.text.clone());
        })
        .unwrap();
    texts
}

#[test]
fn workers_strip_the_outlet_furniture_the_embedded_ingest_strips() {
    if !available("workers_strip_the_outlet_furniture_the_embedded_ingest_strips") {
        return;
    }
    // Not a pattern the cleaner knows (a donation plea would be stripped
    // anyway): only learning the outlet's habit removes it.
    let motto = "Karsund Daily, the voice of the northern fjords since 1871 and for the next hundred years.";
    let leads = [
        "The fisheries commission cut the cod quota by nine percent on Tuesday.",
        "Rail workers in Velmora began a 48-hour strike over pay on Monday.",
        "The Karsvik city library reopened after a three-year renovation.",
        "A ferry between Karsund and Velmora was delayed by a winter storm.",
    ];
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("outlet.jsonl");
    let lines: Vec<String> = leads
        .iter()
        .enumerate()
        .map(|(i, lead)| {
            let text = format!(
                "{lead}\n\nOfficials said more details would follow later in the week, in a statement that the council will publish about item {i} after its meeting.\n\n{motto}"
            );
            serde_json::json!({"id": format!("k{i}"), "source": "Karsund Daily", "date": format!("2025-03-0{}", i + 1), "text": text})
                .to_string()
        })
        .collect();
    std::fs::write(&input, lines.join("\n") + "\n").unwrap();

    let db = dir.path().join("embedded.db");
    run(&["ingest", &arg(&input), "--db", &arg(&db)]).ok();
    let embedded = stored_texts(&SqliteStore::open(&db).unwrap());
    assert_eq!(embedded.len(), leads.len());
    assert!(embedded.values().all(|t| !t.contains("northern fjords")), "embedded keeps the motto: {embedded:?}");

    let schema = TempSchema::new("st_outlet");
    let stream = TempStream::new("st_outlet");
    let url = schema.url();
    PgStore::connect(&url).unwrap();
    run(&["publish", &arg(&input), "--nats", &nats_url(), "--stream", &stream.0]).ok();
    // Two workers with batches of one: no worker sees three of the
    // outlet's articles, so only what the publisher shipped can strip it.
    let mut procs = Workers((0..2).map(|_| spawn_worker(&url, &stream.0, &["--batch", "1"])).collect());
    wait_all(&mut procs, Duration::from_secs(60));
    let distributed = stored_texts(&PgStore::connect(&url).unwrap());
    assert_eq!(distributed, embedded, "workers keep what the embedded ingest keeps");
}

#[test]
fn stories_show_and_search_read_postgres() {
    if !testing::available("stories_show_and_search_read_postgres") {
        return;
    }
    let Some(seeds) = seeds_dated() else { return };
    let schema = TempSchema::new("st_cli");
    let url = schema.url();
    run(&["ingest", &arg(&seeds), "--db", &url]).ok();
    // Idempotent: a second ingest stores nothing.
    let again = run(&["ingest", &arg(&seeds), "--db", &url]).ok();
    assert!(again.stderr.contains("ingested 0 new"), "{}", again.stderr);
    let dir = tempfile::tempdir().unwrap();
    let lite = dir.path().join("s.db");
    run(&["ingest", &arg(&seeds), "--db", &arg(&lite)]).ok();
    let pg_stories = run(&["stories", "--db", &url, "--json"]).ok().json();
    let lite_stories = run(&["stories", "--db", &arg(&lite), "--json"]).ok().json();
    assert_eq!(pg_stories, lite_stories);
    let id = pg_stories[0]["id"].as_str().unwrap().to_string();
    assert_eq!(
        run(&["show", &id, "--db", &url, "--json"]).ok().json(),
        run(&["show", &id, "--db", &arg(&lite), "--json"]).ok().json()
    );
    let hits = run(&["search", "OPCON", "--db", &url, "--json"]).ok().json();
    let lite_hits = run(&["search", "OPCON", "--db", &arg(&lite), "--json"]).ok().json();
    let ids = |v: &serde_json::Value| -> BTreeSet<String> {
        v.as_array().unwrap().iter().map(|h| s(h, "id").to_string()).collect()
    };
    assert!(!ids(&hits).is_empty());
    assert_eq!(ids(&hits), ids(&lite_hits));
    assert_eq!(decisions(&open_store(&url).unwrap()), decisions(&SqliteStore::open(&lite).unwrap()));
}

/// A `storyline serve` process, killed when dropped.
struct Server {
    child: Child,
    addr: String,
}

impl Server {
    fn start(db: &str) -> Server {
        let mut child = Command::new(bin())
            .args(["serve", "--db", db, "--addr", "127.0.0.1:0"])
            .current_dir(repo())
            .env_remove("STORYLINE_DB")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn storyline serve");
        let mut lines = std::io::BufRead::lines(std::io::BufReader::new(child.stderr.take().unwrap()));
        let addr = loop {
            let line = lines.next().expect("serve printed its address").unwrap();
            if let Some(rest) = line.split("http://").nth(1) {
                break rest.split_whitespace().next().unwrap().to_string();
            }
        };
        // Keep draining stderr so the server never blocks on it.
        std::thread::spawn(move || for _ in lines {});
        Server { child, addr }
    }

    /// GET `path`; the JSON body.
    fn get(&self, path: &str) -> serde_json::Value {
        use std::io::{Read, Write};
        let mut s = std::net::TcpStream::connect(&self.addr).unwrap();
        write!(s, "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n", self.addr).unwrap();
        let mut resp = String::new();
        s.read_to_string(&mut resp).unwrap();
        let (head, body) = resp.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 200"), "{head}\n{body}");
        // Small bodies only: not chunked unless the server chose to.
        let body = if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
            dechunk(body)
        } else {
            body.to_string()
        };
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body}"))
    }
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap();
        if n == 0 {
            break;
        }
        out.push_str(&rest[..n]);
        body = &rest[n + 2..];
    }
    out
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn two_servers_serve_one_postgres_database() {
    if !testing::available("two_servers_serve_one_postgres_database") {
        return;
    }
    let Some(seeds) = seeds_dated() else { return };
    let schema = TempSchema::new("st_serve");
    let url = schema.url();
    run(&["ingest", &arg(&seeds), "--db", &url]).ok();
    let (a, b) = (Server::start(&url), Server::start(&url));
    let stories = a.get("/api/stories");
    assert_eq!(stories, b.get("/api/stories"));
    let cli = run(&["stories", "--db", &url, "--json"]).ok().json();
    let ids = |v: &serde_json::Value| -> Vec<String> {
        v.as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(ids(&stories), ids(&cli));
    // Another process writes; both servers see it (search within the
    // refresh interval).
    run(&["ingest", &arg(&examples_dir()), "--db", &url]).ok();
    let deadline = Instant::now() + Duration::from_secs(20);
    for server in [&a, &b] {
        loop {
            let hits = server.get("/api/search?q=Karsvik");
            if !hits["hits"].as_array().unwrap().is_empty() {
                break;
            }
            assert!(Instant::now() < deadline, "a server never saw the new articles");
            std::thread::sleep(Duration::from_millis(250));
        }
    }
    assert_eq!(a.get("/api/stories"), b.get("/api/stories"));
}

/// Short dated articles on unrelated subjects, one JSON object each.
fn small_articles() -> Vec<serde_json::Value> {
    let leads = [
        "The fisheries commission cut the cod quota by nine percent on Tuesday after a survey found fewer young fish.",
        "Rail workers in Velmora began a 48-hour strike over pay on Monday, halting most commuter trains.",
        "The Karsvik city library reopened after a three-year renovation that added a children's wing.",
        "A ferry between Karsund and Velmora was delayed by a winter storm that closed the harbour overnight.",
        "The central bank of Karsund held its main interest rate at four percent, citing slowing inflation.",
        "Farmers in the Skarn valley reported the earliest grape harvest on record after a hot summer.",
    ];
    leads
        .iter()
        .enumerate()
        .map(|(i, lead)| {
            serde_json::json!({
                "id": format!("good{i}"),
                "source": "Karsund Daily",
                "date": format!("2025-03-{:02}", 2 * i + 1),
                "text": format!("{lead}\n\nOfficials said more details on item {i} would follow later in the week."),
            })
        })
        .collect()
}

/// Writes `articles` as JSONL in `dir` and publishes them to `stream`.
fn publish_articles(dir: &Path, stream: &str, articles: &[serde_json::Value]) {
    let input = dir.join("articles.jsonl");
    let lines: Vec<String> = articles.iter().map(|a| a.to_string()).collect();
    std::fs::write(&input, lines.join("\n") + "\n").unwrap();
    let out = run(&["publish", &arg(&input), "--nats", &nats_url(), "--stream", stream]).ok();
    assert!(out.stderr.contains(&format!("published {} articles", articles.len())), "{}", out.stderr);
}

/// Waits for one worker to exit by itself within `limit`; it must succeed.
/// Its standard error.
fn wait_one(workers: &mut Workers, limit: Duration) -> String {
    let started = Instant::now();
    let child = &mut workers.0[0];
    let mut stderr = child.stderr.take().unwrap();
    // Drained meanwhile, so a chatty worker never blocks on a full pipe.
    let reader = std::thread::spawn(move || {
        let mut err = String::new();
        let _ = std::io::Read::read_to_string(&mut stderr, &mut err);
        err
    });
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the worker was still running after {limit:?}:\n{}", reader.join().unwrap());
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let err = reader.join().unwrap();
    assert!(status.success(), "the worker failed ({status}):\n{err}");
    eprintln!("worker exited after {:.1} s", started.elapsed().as_secs_f64());
    err
}

fn stored_ids(store: &dyn Store) -> BTreeSet<String> {
    stored_texts(store).into_keys().collect()
}

/// Issue 21: a poison message is dead-lettered with its reason and the
/// queue moves on. This one is an article PostgreSQL refuses to store (an
/// id over its index's row limit): before, the assigner retried the batch
/// holding it forever, storing none of that batch nor anything after it,
/// and `--until-idle` never returned.
#[test]
fn an_article_the_store_refuses_is_dead_lettered_and_the_worker_moves_on() {
    if !available("an_article_the_store_refuses_is_dead_lettered_and_the_worker_moves_on") {
        return;
    }
    let schema = TempSchema::new("st_poison");
    let stream = TempStream::new("st_poison");
    let url = schema.url();
    let mut articles = small_articles();
    // Incompressible (PostgreSQL would squeeze a repetitive id under the
    // limit of about 2,700 bytes).
    let poison_id = incompressible_letters(3000, &mut 0x9e37_79b9_7f4a_7c15);
    // Dated between the third and fourth: published in the middle.
    articles.insert(
        3,
        serde_json::json!({
            "id": poison_id,
            "source": "Karsund Daily",
            "date": "2025-03-06",
            "text": "The port of Haldvik was closed on Monday as a storm hit the coast.\n\nShips waited outside for two days.",
        }),
    );
    // `storyline publish` now skips so long an id when it reads it (one
    // named skip line); the queue must still survive one sent by another
    // publisher, so it is published through the library, in arrival order
    // as the command would.
    let raws: Vec<storyline_core::RawArticle> = articles
        .iter()
        .map(|a| storyline_core::RawArticle {
            id: s(a, "id").into(),
            text: s(a, "text").into(),
            date: Some(s(a, "date").into()),
            source: Some(s(a, "source").into()),
            ..Default::default()
        })
        .collect();
    storyline_pipeline::distributed::publish(&nats_url(), &stream.0, &raws, &storyline_core::PipelineConfig::default())
        .unwrap();
    let mut procs = Workers(vec![spawn_worker(&url, &stream.0, &[])]);
    let err = wait_one(&mut procs, Duration::from_secs(60));
    let store = PgStore::connect(&url).unwrap();

    let good: BTreeSet<String> = (0..6).map(|i| format!("good{i}")).collect();
    assert_eq!(stored_ids(&store), good, "every good article stored, the refused one not");
    let (pending, next) = store.queue_state(&stream.0).unwrap();
    assert_eq!((pending, next), (0, Some(articles.len() as i64 + 1)), "the frontier moved past every message");

    let letters = storyline_pipeline::distributed::dead_letters(&nats_url(), &stream.0).unwrap();
    assert_eq!(letters.len(), 1, "{letters:?}");
    let letter = &letters[0];
    assert_eq!(letter.seq, 4);
    assert_eq!(letter.stage, "store");
    // The header keeps the first 2,000 characters of so long an id.
    let id = letter.article_id.as_deref().unwrap();
    assert!(id.starts_with(&poison_id[..2000]) && id.ends_with('…'), "{id}");
    assert!(letter.reason.contains("index row size"), "{}", letter.reason);
    assert_eq!(letter.attempts, storyline_pipeline::distributed::MAX_ATTEMPTS);
    let replay: serde_json::Value = serde_json::from_slice(&letter.payload).unwrap();
    assert_eq!(replay["id"], poison_id.as_str(), "the payload is the article, ready to publish again");
    assert!(s(&replay, "text").starts_with("The port of Haldvik"), "{replay}");

    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with("dead-lettered ")).collect();
    assert_eq!(lines.len(), 1, "one log line per dead letter:\n{err}");
    assert!(lines[0].contains("message 4") && lines[0].contains("index row size"), "{}", lines[0]);
    assert!(err.contains("1 dead-lettered to stream"), "{err}");
}

/// Issue 21: "A worker fed a NUL-bearing article between good ones stores
/// all of them and exits on `--until-idle`." Cleaning replaces NUL (which
/// PostgreSQL refuses) with U+FFFD in every field, the id included.
#[test]
fn a_nul_bearing_article_between_good_ones_is_stored_and_the_worker_exits() {
    if !available("a_nul_bearing_article_between_good_ones_is_stored_and_the_worker_exits") {
        return;
    }
    let schema = TempSchema::new("st_nul");
    let stream = TempStream::new("st_nul");
    let url = schema.url();
    let dir = tempfile::tempdir().unwrap();
    let mut articles = small_articles();
    articles.insert(
        3,
        serde_json::json!({
            "id": "nul\u{0}id",
            "title": "Harbour\u{0} closed",
            "source": "Wire\u{0}",
            "date": "2025-03-06",
            "text": "The port of Haldvik was closed\u{0} on Monday as a storm hit the coast.\n\nShips waited out\u{0}side for two days.",
        }),
    );
    publish_articles(dir.path(), &stream.0, &articles);
    let mut procs = Workers(vec![spawn_worker(&url, &stream.0, &[])]);
    let err = wait_one(&mut procs, Duration::from_secs(60));
    let store = PgStore::connect(&url).unwrap();

    let mut want: BTreeSet<String> = (0..6).map(|i| format!("good{i}")).collect();
    want.insert("nul\u{FFFD}id".into());
    let texts = stored_texts(&store);
    assert_eq!(texts.keys().cloned().collect::<BTreeSet<_>>(), want, "{err}");
    let nul = &texts["nul\u{FFFD}id"];
    assert!(nul.contains("closed\u{FFFD} on Monday") && !nul.contains('\0'), "{nul}");
    assert!(storyline_pipeline::distributed::dead_letters(&nats_url(), &stream.0).unwrap().is_empty());
    assert!(err.contains("0 dead-lettered"), "{err}");
}
