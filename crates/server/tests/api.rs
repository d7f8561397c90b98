use serde_json::Value;

use crate::common::{example_records, examples_server, get, request, seeded_server, TOKEN};

fn ids(hits: &Value) -> Vec<String> {
    let mut v: Vec<String> =
        hits["hits"].as_array().unwrap().iter().map(|h| h["id"].as_str().unwrap().to_string()).collect();
    v.sort();
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_and_the_examples_story_is_listed() {
    let s = examples_server().await;
    let h = get(s.addr, "/healthz").await;
    assert_eq!(h.status, 200);
    assert_eq!(h.json()["articles"], 14);

    let r = get(s.addr, "/api/stories").await;
    assert_eq!(r.status, 200);
    let stories = r.json();
    let stories = stories.as_array().unwrap();
    // The fisheries story holds every a*, c01 and j* article.
    let story = stories.iter().find(|s| s["articles"].as_u64().unwrap() >= 3).expect("the fisheries story");
    assert!(story["id"].as_str().unwrap().starts_with('s'));
    assert!(!story["coverage"].as_array().unwrap().is_empty());
    // `min_articles` keeps only the stories that big (issue 19): at the
    // biggest story's size it is listed, one above it nothing is.
    let biggest = stories.iter().map(|s| s["articles"].as_u64().unwrap()).max().unwrap();
    let at = get(s.addr, &format!("/api/stories?min_articles={biggest}")).await.json();
    assert!(at.as_array().unwrap().iter().any(|s| s["articles"].as_u64() == Some(biggest)), "{at}");
    let above = get(s.addr, &format!("/api/stories?min_articles={}", biggest + 1)).await.json();
    assert_eq!(above.as_array().map(Vec::len), Some(0), "{above}");

    let id = story["id"].as_str().unwrap();
    let view = get(s.addr, &format!("/api/stories/{id}")).await;
    assert_eq!(view.status, 200);
    let view = view.json();
    assert_eq!(view["id"], id);
    let sources: Vec<&str> =
        view["sources"].as_array().unwrap().iter().map(|s| s["article"].as_str().unwrap()).collect();
    assert!(
        sources.iter().any(|a| a.starts_with("a01_")) && sources.iter().any(|a| a.starts_with("a02_")),
        "{sources:?}"
    );
    // By article id too, and an event of it.
    assert_eq!(get(s.addr, "/api/stories/a01_npa_preview_2025").await.json()["id"], id);
    let event = view["events"][0]["id"].as_str().unwrap();
    let ev = get(s.addr, &format!("/api/events/{event}")).await;
    assert_eq!(ev.status, 200, "{}", ev.text());
    assert_eq!(ev.json()["story"], id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_finds_the_examples_and_applies_its_filters() {
    let s = examples_server().await;
    let r = get(s.addr, "/api/search?q=quota").await;
    assert_eq!(r.status, 200);
    let found = ids(&r.json());
    assert!(found.iter().any(|i| i == "a07_outcome_2025") && found.iter().any(|i| i == "a05_summit_2022"), "{found:?}");
    let hit = &r.json()["hits"][0];
    assert!(hit["snippet_html"].as_str().unwrap().contains("<mark>"), "{hit}");
    assert!(hit["story"].as_str().unwrap().starts_with('s') && hit["event"].as_str().unwrap().starts_with('e'));
    // Filters: a date range before 2025 finds none of the 2025 outcome reports.
    let r = get(s.addr, "/api/search?q=quota&to=2024-12-31").await.json();
    assert!(ids(&r).iter().any(|i| i == "a05_summit_2022"), "{r}");
    assert!(ids(&r).iter().all(|i| i != "a07_outcome_2025" && i != "c01_herald_outcome_2025"), "{r}");
    // One spelling finds the articles of the others (a01 writes Dmitriy Volkonskiy).
    let r = get(s.addr, "/api/search?entity=Dmitry%20Volkonsky").await.json();
    assert!(ids(&r).iter().any(|i| i == "a01_npa_preview_2025"), "{r}");
    // A bad filter is a 400 with the error body.
    let bad = get(s.addr, "/api/search?q=x&from=yesterday").await;
    assert_eq!(bad.status, 400);
    assert_eq!(bad.json()["error"]["code"], "bad_parameter");
}

/// The same on the seeds, whose spellings are real romanisations.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_opcon_finds_000_and_001() {
    let Some(s) = seeded_server().await else { return };
    let r = get(s.addr, "/api/search?q=OPCON").await;
    assert_eq!(r.status, 200);
    let found = ids(&r.json());
    assert!(found.iter().any(|i| i.starts_with("000_")) && found.iter().any(|i| i.starts_with("001_")), "{found:?}");
    let hit = &r.json()["hits"][0];
    assert!(hit["snippet_html"].as_str().unwrap().contains("<mark>"), "{hit}");
    assert!(hit["story"].as_str().unwrap().starts_with('s') && hit["event"].as_str().unwrap().starts_with('e'));
    // Filters: a date range before the 2025 meeting finds none of them.
    let r = get(s.addr, "/api/search?q=OPCON&to=2021-12-31").await.json();
    assert!(ids(&r).iter().all(|i| !i.starts_with("000_")), "{r}");
    // An alias spelling finds the other spelling's articles.
    let r = get(s.addr, "/api/search?entity=Ahn%20Gyu-back").await.json();
    assert!(ids(&r).iter().any(|i| i.starts_with("000_")), "{r}");
    // A bad filter is a 400 with the error body.
    let bad = get(s.addr, "/api/search?q=x&from=yesterday").await;
    assert_eq!(bad.status, 400);
    assert_eq!(bad.json()["error"]["code"], "bad_parameter");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openapi_is_version_3_and_docs_are_served() {
    let s = examples_server().await;
    let r = get(s.addr, "/api/openapi.json").await;
    assert_eq!(r.status, 200);
    let doc = r.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."), "{}", doc["openapi"]);
    for path in [
        "/api/stories",
        "/api/stories/{id}",
        "/api/search",
        "/api/articles",
        "/api/articles/{id}",
        "/api/events/{id}",
        "/api/entities",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} missing");
    }
    let docs = get(s.addr, "/api/docs/").await;
    assert_eq!(docs.status, 200, "{}", docs.text());
    assert!(docs.text().contains("swagger"), "Swagger UI from the binary");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn posting_needs_the_token_and_the_article_becomes_searchable() {
    let s = examples_server().await;
    let article = br#"{"id": "zz-post", "title": "Quokka census", "text": "Rangers counted quokkas on Rottnest Island on Monday. The quokka population grew.", "date": "2025-11-10", "source": "Test Wire"}"#;
    let r = request(s.addr, "POST", "/api/articles", &[("Content-Type", "application/json")], article).await;
    assert_eq!(r.status, 401);
    let e = r.json();
    assert_eq!(e["error"]["code"], "missing_token");
    assert_eq!(e["error"]["type"], "auth");
    assert!(e["error"]["message"].as_str().unwrap().contains("Bearer"));
    let r = request(s.addr, "POST", "/api/articles", &[("Authorization", "Bearer wrong")], article).await;
    assert_eq!(r.status, 403);

    let auth = format!("Bearer {TOKEN}");
    let r = request(
        s.addr,
        "POST",
        "/api/articles",
        &[("Authorization", auth.as_str()), ("Content-Type", "application/json")],
        article,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let out = r.json();
    assert_eq!(out["articles"][0]["id"], "zz-post");
    assert_eq!(out["articles"][0]["status"], "new");
    assert!(out["articles"][0]["story"].as_str().unwrap().starts_with('s'));
    assert!(out["articles"][0]["event"].as_str().unwrap().starts_with('e'));

    let found = get(s.addr, "/api/search?q=quokka").await.json();
    assert_eq!(ids(&found), ["zz-post"]);
    // Again: stored once.
    let again = request(s.addr, "POST", "/api/articles", &[("Authorization", auth.as_str())], article).await.json();
    assert_eq!(again["articles"][0]["status"], "already_stored");
    // No article in the body: 422 with the error body.
    let empty = request(s.addr, "POST", "/api/articles", &[("Authorization", auth.as_str())], b"not json").await;
    assert_eq!(empty.status, 422);
    assert_eq!(empty.json()["error"]["code"], "no_articles");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_article_text_stays_plain_json_and_the_ui_never_uses_inner_html() {
    let s = examples_server().await;
    let auth = format!("Bearer {TOKEN}");
    let article = br#"{"id": "xss", "title": "Hostile <b>page</b>", "text": "Officials met in Geneva on Monday. <script>alert(1)</script> Then <img src=x onerror=alert(1)> appeared in the text.", "date": "2025-11-11"}"#;
    let r = request(s.addr, "POST", "/api/articles", &[("Authorization", auth.as_str())], article).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let a = get(s.addr, "/api/articles/xss").await;
    assert_eq!(a.status, 200, "{}", a.text());
    assert!(a.header("content-type").unwrap().starts_with("application/json"));
    let text = a.json()["text"].as_str().unwrap().to_string();
    assert!(text.contains("<script>alert(1)</script>") || text.contains("<img src=x onerror=alert(1)>"), "{text}");
    // Search snippets escape it.
    let hits = get(s.addr, "/api/search?q=Geneva").await.json();
    let html = hits["hits"][0]["snippet_html"].as_str().unwrap();
    assert!(!html.contains("<script") && !html.contains("<img"), "{html}");

    // The UI and every response carry a strict CSP; the UI's script never
    // writes HTML.
    let page = get(s.addr, "/").await;
    assert_eq!(page.status, 200);
    let csp = page.header("content-security-policy").unwrap();
    assert!(
        csp.contains("default-src 'self'") && csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert!(!page.text().contains("<script>"), "no inline script in index.html");
    let js = get(s.addr, "/app.js").await;
    assert_eq!(js.status, 200);
    assert!(js.header("content-type").unwrap().contains("javascript"));
    for banned in ["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("] {
        assert!(!js.text().contains(banned), "app.js uses {banned}");
    }
    assert!(js.text().len() > 1000, "the UI script is embedded");
    // Counts meet their nouns in one helper, `plural()`, not in copies of
    // `n === 1 ? "" : "s"` that drift apart ("1 outlets").
    let text = js.text();
    assert!(text.contains("function plural("), "app.js has its plural() helper");
    for repeated in ["=== 1 ? \"\" : \"s\"", "=== 1 ? \" ", "== 1 ? \""] {
        assert!(!text.contains(repeated), "app.js pluralises by hand ({repeated}) instead of plural()");
    }
    // A copy says what kind of copy it is, in the story page's copy list
    // and on its article page.
    assert!(text.matches("copyLabel(").count() >= 4, "copyLabel is used for every copy shown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_come_from_the_table() {
    let s = examples_server().await;
    let r = get(s.addr, "/api/stories/s999999").await;
    assert_eq!(r.status, 404);
    assert_eq!(r.json()["error"]["code"], "not_found");
    assert_eq!(r.json()["error"]["type"], "invalid_request");
    assert_eq!(get(s.addr, "/api/articles/nope").await.status, 404);
    assert_eq!(get(s.addr, "/api/events/e999999").await.status, 404);
    assert_eq!(get(s.addr, "/api/nothing-here").await.json()["error"]["code"], "not_found");
    let r = request(s.addr, "DELETE", "/api/stories", &[], b"").await;
    assert_eq!(r.status, 405);
    assert_eq!(r.json()["error"]["code"], "method_not_allowed");
    let big = vec![b'x'; storyline_server::DEFAULT_MAX_BODY_BYTES + 10];
    let auth = format!("Bearer {TOKEN}");
    let r = request(s.addr, "POST", "/api/articles", &[("Authorization", auth.as_str())], &big).await;
    assert_eq!(r.status, 413);
    assert_eq!(r.json()["error"]["code"], "payload_too_large");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_story_version_and_its_cached_view_follow_new_articles() {
    let s = examples_server().await;
    let v = get(s.addr, "/api/stories/a01_npa_preview_2025/version").await;
    assert_eq!(v.status, 200, "{}", v.text());
    let v = v.json();
    let story = v["id"].as_str().unwrap().to_string();
    let before = v["articles"].as_u64().unwrap();
    assert!(before >= 3, "{v}");
    // By story id too; the view (cached now) agrees with the version.
    assert_eq!(get(s.addr, &format!("/api/stories/{story}/version")).await.json(), v);
    let view = get(s.addr, &format!("/api/stories/{story}")).await;
    assert!(view.header("content-type").unwrap().starts_with("application/json"));
    assert_eq!(view.json()["sources"].as_array().unwrap().len() as u64, before);
    let list = get(s.addr, "/api/stories").await.json();
    let listed = |l: &Value| {
        l.as_array().unwrap().iter().find(|x| x["id"] == story.as_str()).unwrap()["articles"].as_u64().unwrap()
    };
    assert_eq!(listed(&list), before);

    // A copy of j02 (examples/feed.jsonl) joins its story: version, view
    // and list all move.
    let mut copy = example_records().into_iter().find(|a| a["id"] == "j02_velmora_daily_outcome").unwrap();
    copy["id"] = "005_copy".into();
    copy["source"] = "Copy Wire".into();
    let auth = format!("Bearer {TOKEN}");
    let r = request(s.addr, "POST", "/api/articles", &[("Authorization", auth.as_str())], copy.to_string().as_bytes())
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["articles"][0]["story"], story.as_str());
    // It is an exact copy, and says so wherever it is shown: the POST's
    // answer, the article, the story's sources.
    assert_eq!(r.json()["articles"][0]["duplicate_of"], "j02_velmora_daily_outcome");
    assert_eq!(r.json()["articles"][0]["duplicate_kind"], "exact");
    let art = get(s.addr, "/api/articles/005_copy").await.json();
    assert_eq!(
        (art["duplicate_of"].as_str(), art["duplicate_kind"].as_str()),
        (Some("j02_velmora_daily_outcome"), Some("exact"))
    );
    let original = get(s.addr, "/api/articles/j02_velmora_daily_outcome").await.json();
    assert!(original["duplicate_of"].is_null() && original.get("duplicate_kind").is_none(), "{original}");
    let after = get(s.addr, &format!("/api/stories/{story}/version")).await.json();
    assert_eq!(after["articles"].as_u64().unwrap(), before + 1);
    let view = get(s.addr, &format!("/api/stories/{story}")).await.json();
    let sources: Vec<&str> =
        view["sources"].as_array().unwrap().iter().map(|x| x["article"].as_str().unwrap()).collect();
    assert!(sources.contains(&"005_copy"), "{sources:?}");
    let copy_src = view["sources"].as_array().unwrap().iter().find(|x| x["article"] == "005_copy").unwrap();
    assert_eq!(copy_src["duplicate_kind"], "exact");
    assert_eq!(listed(&get(s.addr, "/api/stories").await.json()), before + 1);
    assert_eq!(get(s.addr, "/healthz").await.json()["articles"], 15);

    assert_eq!(get(s.addr, "/api/stories/nope/version").await.status, 404);
    let doc = get(s.addr, "/api/openapi.json").await.json();
    assert!(doc["paths"].get("/api/stories/{id}/version").is_some());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_index_catches_up_with_articles_an_interrupted_ingest_stored() {
    let s = examples_server().await;
    // What a `storyline ingest` killed between its store commit and its
    // index commit leaves: an article in the store that the index lacks.
    let db = s.dir.path().join("store.db");
    let mut store = storyline_store::SqliteStore::open(&db).unwrap();
    let cfg = storyline_core::PipelineConfig::default();
    let mut streamer = storyline_pipeline::ingest::load_streamer(&store, &cfg).unwrap();
    let raw = storyline_core::RawArticle {
        id: "late-1".into(),
        text: "Quarrymen in Velmora voted to end their strike after a fortnight of talks over pay.".into(),
        ..Default::default()
    };
    let report = storyline_pipeline::ingest::ingest(&mut store, None, &mut streamer, &[raw], &cfg).unwrap();
    assert_eq!(report.new, 1);
    let hits = request(s.addr, "GET", "/api/search?q=quarrymen", &[], b"").await.json();
    assert!(ids(&hits).is_empty(), "not indexed yet: {hits}");
    // With no writer running, the server's periodic check repairs the index.
    let st = s.state.clone();
    assert!(tokio::task::spawn_blocking(move || st.refresh_index()).await.unwrap().unwrap());
    let hits = request(s.addr, "GET", "/api/search?q=quarrymen", &[], b"").await.json();
    assert_eq!(ids(&hits), vec!["late-1".to_string()]);
    // A second look finds nothing to do.
    let st = s.state.clone();
    assert!(!tokio::task::spawn_blocking(move || st.refresh_index()).await.unwrap().unwrap());
}
