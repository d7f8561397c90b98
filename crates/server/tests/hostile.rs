//! Hostile requests (issue 21): each answers with a clear status, never a
//! 500 with engine internals, a refused client or a dead server.

use crate::common::{examples_server, get, request, TOKEN};

/// `q=title:*` answered 500 with the search engine's schema in the body.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn field_wildcard_and_range_queries_are_400_not_500() {
    let s = examples_server().await;
    for q in ["title:*", "text:*", "id:*", "nofield:*", "quota%20AND%20title:*", "title:%5Ba%20TO%20z%5D"] {
        let r = get(s.addr, &format!("/api/search?q={q}")).await;
        assert_eq!(r.status, 400, "{q}: {}", r.text());
        let e = r.json();
        assert_eq!(e["error"]["code"], "bad_parameter", "{q}: {e}");
        let msg = e["error"]["message"].as_str().unwrap();
        assert!(msg.contains("not supported"), "{q}: {msg}");
        assert!(!msg.contains("Schema") && !msg.contains("fast field"), "{q}: engine internals leaked: {msg}");
    }
    // Ordinary field queries still work.
    assert_eq!(get(s.addr, "/api/search?q=title:quota").await.status, 200);
}

/// The scheme of `Authorization` is case-insensitive (RFC 9110).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bearer_scheme_is_case_insensitive() {
    let s = examples_server().await;
    let article = br#"{"id": "case-1", "text": "Rangers counted quokkas on Rottnest Island on Monday. The quokka population grew."}"#;
    for scheme in ["bearer", "BEARER", "Bearer", "bEaReR"] {
        let auth = format!("{scheme} {TOKEN}");
        let r = request(s.addr, "POST", "/api/articles", &[("Authorization", auth.as_str())], article).await;
        assert_eq!(r.status, 200, "{scheme}: {}", r.text());
    }
    let r = request(s.addr, "POST", "/api/articles", &[("Authorization", "Basic abc")], article).await;
    assert_eq!(r.status, 401);
    let r = request(s.addr, "POST", "/api/articles", &[("Authorization", "bearer wrong")], article).await;
    assert_eq!(r.status, 403);
}

/// A NUL in a posted article is stored as U+FFFD (PostgreSQL refuses NUL;
/// both stores now hold the same text), and the article reads back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn posted_nul_is_replaced_and_stored() {
    let s = examples_server().await;
    let auth = format!("Bearer {TOKEN}");
    let body = br#"{"id": "nul-1", "title": "Port\u0000 closed", "text": "The port of Haldvik\u0000 was closed on Monday as a storm brought waves to the coast, officials said."}"#;
    let r = request(s.addr, "POST", "/api/articles", &[("Authorization", auth.as_str())], body).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let a = get(s.addr, "/api/articles/nul-1").await;
    assert_eq!(a.status, 200, "{}", a.text());
    let a = a.json();
    assert!(a["text"].as_str().unwrap().contains("Haldvik\u{FFFD} was"), "{a}");
    assert_eq!(a["title"], "Port\u{FFFD} closed");
}

/// A POST of deeply nested HTML killed `serve` (stack overflow on a worker
/// thread); it is now read, flattened, and the server stays up.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn posted_deep_html_does_not_kill_the_server() {
    let s = examples_server().await;
    let auth = format!("Bearer {TOKEN}");
    for (id, inner) in [("deep-span", "<span><b>".repeat(20_000)), ("deep-div", "<div>".repeat(20_000))] {
        let html =
            format!("<html><body>{inner}The council of Haldvik met on Monday and voted for the bridge.</body></html>");
        let body = serde_json::json!({"id": id, "html": html}).to_string();
        let start = std::time::Instant::now();
        let r = request(s.addr, "POST", "/api/articles", &[("Authorization", auth.as_str())], body.as_bytes()).await;
        assert_eq!(r.status, 200, "{id}: {}", r.text());
        assert!(start.elapsed() < std::time::Duration::from_secs(5), "{id}: {:?}", start.elapsed());
    }
    assert_eq!(get(s.addr, "/healthz").await.status, 200);
}

/// An article may be called `s0` or `s03`: `s03` is not a story label (the
/// labels are written `s3`), and `article:s0` names the article whatever
/// stories exist.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn articles_named_like_stories_can_be_shown() {
    let s = examples_server().await;
    let auth = format!("Bearer {TOKEN}");
    let body = br#"[{"id": "s0", "text": "Beekeepers in Vardholm reported a record honey harvest on Monday, the growers' association said."},
        {"id": "s03", "text": "The Vardholm chess club won the national team title on Sunday after beating the holders."}]"#;
    let r = request(s.addr, "POST", "/api/articles", &[("Authorization", auth.as_str())], body).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(get(s.addr, "/api/articles/s0").await.status, 200);
    for (path, article) in
        [("/api/stories/article:s0", "s0"), ("/api/stories/s03", "s03"), ("/api/stories/article:s03", "s03")]
    {
        let v = get(s.addr, path).await;
        assert_eq!(v.status, 200, "{path}: {}", v.text());
        let v = v.json();
        let sources: Vec<&str> =
            v["sources"].as_array().unwrap().iter().map(|x| x["article"].as_str().unwrap()).collect();
        assert!(sources.contains(&article), "{path}: {sources:?}");
    }
    assert_eq!(get(s.addr, "/api/stories/article:nope").await.status, 404);
}
