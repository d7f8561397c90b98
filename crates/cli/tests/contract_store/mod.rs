//! `ingest`, `stories --json` and `show --json` on a SQLite store.

use std::path::Path;

use serde_json::Value;

use crate::common::*;

fn ingest(db: &Path, input: &Path) -> Run {
    run(&["ingest", &arg(input), "--db", &arg(db)]).ok()
}

fn stories(db: &Path) -> Vec<Value> {
    let r = run(&["stories", "--db", &arg(db), "--json"]).ok();
    r.json().as_array().cloned().unwrap_or_else(|| panic!("stories --json is an array:\n{}", r.stdout))
}

/// A store holding the seeds, or `None` once the test is reported skipped.
fn seeded_db() -> Option<(tempfile::TempDir, std::path::PathBuf)> {
    let seeds = seeds_dir()?;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("store.db");
    ingest(&db, &seeds);
    Some((dir, db))
}

/// A store holding `examples/` (in the repository: never skipped).
fn examples_db() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("examples.db");
    ingest(&db, &examples_dir());
    (dir, db)
}

fn article_total(rows: &[Value]) -> u64 {
    rows.iter().map(|r| r["articles"].as_u64().unwrap_or_else(|| panic!("articles count: {r}"))).sum()
}

#[test]
fn ingest_twice_stores_once() {
    let (Some((_dir, db)), Some(dated)) = (seeded_db(), seeds_dated()) else { return };
    assert_eq!(article_total(&stories(&db)), 5);
    ingest(&db, &seeds_dir().unwrap());
    assert_eq!(article_total(&stories(&db)), 5, "the second ingest adds nothing");
    // The same articles through another format (dated JSONL, same ids) are no new articles either.
    ingest(&db, &dated);
    assert_eq!(article_total(&stories(&db)), 5, "same ids from JSONL add nothing");
}

#[test]
fn stories_json_shape() {
    let (_dir, db) = examples_db();
    let rows = stories(&db);
    assert!(!rows.is_empty());
    for r in &rows {
        for k in ["id", "title", "articles", "events", "first", "last"] {
            assert!(r.get(k).is_some(), "story without {k:?}: {r}");
        }
        assert!(r["id"].is_string() && r["title"].is_string(), "{r}");
        assert!(r["events"].as_u64().unwrap_or(0) >= 1, "{r}");
        for k in ["first", "last"] {
            if let Some(d) = r[k].as_str() {
                assert!(is_iso_date(d), "{k} is ISO: {r}");
            }
        }
    }
    // Newest first.
    let lasts: Vec<&str> = rows.iter().filter_map(|r| r["last"].as_str()).collect();
    let mut sorted = lasts.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(lasts, sorted, "stories are listed newest first");
}

fn is_iso_date(d: &str) -> bool {
    let parts: Vec<&str> = d.split('-').collect();
    let digits = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
    match parts.as_slice() {
        [y] => digits(y, 4),
        [y, m] => digits(y, 4) && digits(m, 2),
        [y, m, d] => digits(y, 4) && digits(m, 2) && digits(d, 2),
        _ => false,
    }
}

fn show(db: &Path, id: &str) -> Value {
    run(&["show", id, "--db", &arg(db), "--json"]).ok().json()
}

fn check_show_shape(v: &Value) {
    for k in ["id", "title", "summary", "events", "timeline", "entities", "facts", "quotes", "sources"] {
        assert!(v.get(k).is_some(), "show without {k:?}: {v}");
    }
    let arr = |k: &str| v[k].as_array().unwrap_or_else(|| panic!("{k} is an array: {v}")).clone();
    for e in arr("events") {
        for k in ["id", "title", "date", "articles"] {
            assert!(e.get(k).is_some(), "event without {k:?}: {e}");
        }
        assert!(e["articles"].is_array(), "{e}");
    }
    for t in arr("timeline") {
        for k in ["date", "text", "sources"] {
            assert!(t.get(k).is_some(), "timeline entry without {k:?}: {t}");
        }
    }
    for e in arr("entities") {
        for k in ["canonical", "type", "aliases", "articles"] {
            assert!(e.get(k).is_some(), "entity without {k:?}: {e}");
        }
        let ty = e["type"].as_str().unwrap_or("");
        assert!(["PERSON", "ORG", "PLACE", "OTHER"].contains(&ty), "entity type {ty:?}: {e}");
    }
    for f in arr("facts") {
        for k in ["subject", "value", "unit", "text", "sources", "conflicts"] {
            assert!(f.get(k).is_some(), "fact without {k:?}: {f}");
        }
        for c in f["conflicts"].as_array().cloned().unwrap_or_default() {
            assert!(c.get("value").is_some() && c.get("sources").is_some(), "conflict: {c}");
        }
    }
    for q in arr("quotes") {
        for k in ["speaker", "text", "sources"] {
            assert!(q.get(k).is_some(), "quote without {k:?}: {q}");
        }
    }
    for src in arr("sources") {
        for k in ["article", "outlet", "published", "duplicate_of"] {
            assert!(src.get(k).is_some(), "source without {k:?}: {src}");
        }
    }
}

#[test]
fn show_story_and_article() {
    let Some((_dir, db)) = seeded_db() else { return };
    let rows = stories(&db);
    for r in &rows {
        let id = s(r, "id");
        let v = show(&db, id);
        check_show_shape(&v);
        assert_eq!(s(&v, "id"), id);
        let n_sources = v["sources"].as_array().map(Vec::len).unwrap_or(0) as u64;
        assert_eq!(n_sources, r["articles"].as_u64().unwrap(), "one source per article of {id}");
    }
    // An article id shows the story holding it.
    let by_article = show(&db, "003_3c120438f9401b4a");
    check_show_shape(&by_article);
    let sources: Vec<&str> = by_article["sources"].as_array().unwrap().iter().map(|x| s(x, "article")).collect();
    assert!(sources.contains(&"003_3c120438f9401b4a"), "{by_article}");
    // 000, 001 and 003 are one event of that story.
    let events = by_article["events"].as_array().unwrap();
    let holding = events
        .iter()
        .find(|e| e["articles"].as_array().unwrap().iter().any(|a| a == "003_3c120438f9401b4a"))
        .expect("an event holds 003");
    let arts: Vec<String> =
        holding["articles"].as_array().unwrap().iter().map(|a| short(a.as_str().unwrap())).collect();
    for id in ["000", "001", "003"] {
        assert!(arts.contains(&id.to_owned()), "{id} in the 57th SCM event: {holding}");
    }
}

#[test]
fn show_aliases_fold_spellings() {
    let Some((_dir, db)) = seeded_db() else { return };
    let v = show(&db, "000_3d5f58d5529388c6");
    let ahn = v["entities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["aliases"].as_array().map(|a| a.iter().any(|x| x == "Ahn Kyu-back")).unwrap_or(false));
    let ahn = ahn.unwrap_or_else(|| panic!("an entity with alias Ahn Kyu-back: {}", v["entities"]));
    let aliases = ahn["aliases"].as_array().unwrap();
    assert!(aliases.iter().any(|x| x == "Ahn Gyu-back"), "Ahn Kyu-back and Ahn Gyu-back are one person: {ahn}");
}

#[test]
fn show_unknown_id_fails_clearly() {
    let (_dir, db) = examples_db();
    let r = run(&["show", "nope", "--db", &arg(&db), "--json"]);
    assert_ne!(r.code, 0, "unknown id must fail");
    assert_eq!(r.code, 4, "exit::NOT_FOUND");
    assert!(r.stderr.contains("nope"), "the message names the id: {}", r.stderr);
    assert!(r.stdout.trim().is_empty(), "nothing on stdout: {}", r.stdout);
}

#[test]
fn examples_ingest() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("examples.db");
    let r = ingest(&db, &examples_dir());
    assert_only_readme_skipped(&r.stderr);
    let rows = stories(&db);
    assert_eq!(article_total(&rows), 14, "{rows:?}");
    ingest(&db, &examples_dir());
    assert_eq!(article_total(&stories(&db)), 14, "idempotent");
}

#[test]
fn the_story_list_and_the_story_view_name_a_story_alike() {
    let (_dir, db) = examples_db();
    let rows = stories(&db);
    assert!(rows.iter().any(|r| r["articles"].as_u64() > Some(2)), "a story of several articles: {rows:?}");
    for r in &rows {
        let id = r["id"].as_str().unwrap();
        let view = run(&["show", id, "--db", &arg(&db), "--json"]).ok().json();
        assert!(!r["title"].as_str().unwrap().is_empty(), "{r}");
        assert_eq!(r["title"], view["title"], "story {id}");
    }
}

#[test]
fn examples_aliases_fold_romanisations() {
    let (_dir, db) = examples_db();
    let v = show(&db, "a07_outcome_2025");
    let entities = v["entities"].as_array().unwrap();
    let holder = |name: &str| {
        entities.iter().position(|e| e["aliases"].as_array().map(|a| a.iter().any(|x| x == name)).unwrap_or(false))
    };
    let first = holder("Dmitri Volkonsky").unwrap_or_else(|| panic!("Dmitri Volkonsky is an alias: {}", v["entities"]));
    for variant in ["Dmitriy Volkonskiy", "Dmitry Volkonsky"] {
        assert_eq!(holder(variant), Some(first), "{variant} and Dmitri Volkonsky are one person: {}", entities[first]);
    }
}
