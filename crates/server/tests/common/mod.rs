//! Helpers: a server over a temp store holding `examples/` (or the seeds),
//! bound to a real loopback socket, and a minimal HTTP/1.1 client (no
//! client library: the tests see exactly the bytes a browser or curl
//! would).

#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde_json::Value;
use storyline_server::{router, AppState};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub const TOKEN: &str = "test-token-123";

// The one rule for tests that read `../shared` (skip visibly, or fail
// under STORYLINE_REQUIRE_SHARED=1), shared with core's and the CLI's tests.
#[path = "../../../core/src/test_data.rs"]
mod test_data;
pub(crate) use test_data::shared_path;

pub struct TestServer {
    pub addr: SocketAddr,
    pub dir: tempfile::TempDir,
    pub state: AppState,
}

/// The repository's `examples/`: 14 articles written for the project.
pub fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

/// The records of `examples/feed.jsonl`, for tests that post a copy.
pub fn example_records() -> Vec<Value> {
    let text = std::fs::read_to_string(examples_dir().join("feed.jsonl")).unwrap();
    text.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

/// A server whose store holds `examples/` (read and ingested through the
/// library, as `storyline ingest examples/` would), on 127.0.0.1:0. Most
/// tests need only some articles, and these are in the repository.
pub async fn examples_server() -> TestServer {
    let mut raws = Vec::new();
    let cfg = storyline_ingest::ReaderConfig::default();
    storyline_ingest::read_inputs(&[examples_dir()], &cfg, &mut |event| {
        if let storyline_ingest::ReadEvent::Article(raw) = event {
            raws.push(raw)
        }
    });
    assert_eq!(raws.len(), 14, "the examples' 14 articles");
    serve_articles(raws, 14).await
}

/// A server whose store holds the dated seeds, or `None` once the test is
/// reported skipped because `../shared` is absent.
pub async fn seeded_server() -> Option<TestServer> {
    let seeds = std::fs::read(shared_path("data/seeds-dated.jsonl")?).unwrap();
    let (raws, skipped) = storyline_pipeline::ingest::parse_articles(&seeds, 16 << 20);
    assert!(skipped.is_empty(), "{skipped:?}");
    Some(serve_articles(raws, 5).await)
}

/// A server over a temp store holding `raws` (`new` of them new), bound to
/// a real loopback socket.
async fn serve_articles(raws: Vec<storyline_core::RawArticle>, new: usize) -> TestServer {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("store.db");
    let state = AppState::open(&db, Some(TOKEN.into()), storyline_server::DEFAULT_MAX_BODY_BYTES).unwrap();
    let report = state.ingest(raws).await.unwrap();
    assert_eq!(report.new, new);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = router(state.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    TestServer { addr, dir, state }
}

pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// One request over a fresh connection (`Connection: close`).
pub async fn request(addr: SocketAddr, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Response {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut head =
        format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    for (n, v) in headers {
        head.push_str(&format!("{n}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(body).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("a complete response head");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers: Vec<(String, String)> =
        lines.filter_map(|l| l.split_once(':')).map(|(n, v)| (n.trim().to_string(), v.trim().to_string())).collect();
    let mut body = raw[split + 4..].to_vec();
    if headers.iter().any(|(n, v)| n.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked")) {
        body = dechunk(&body);
    }
    Response { status, headers, body }
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = b.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(String::from_utf8_lossy(&b[..eol]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        out.extend_from_slice(&b[eol + 2..eol + 2 + size]);
        b = &b[eol + 2 + size + 2..];
    }
    out
}

pub async fn get(addr: SocketAddr, path: &str) -> Response {
    request(addr, "GET", path, &[], b"").await
}
