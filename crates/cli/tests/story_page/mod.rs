//! The reader's surfaces of issue 19: messages of the read commands, the
//! story view over the seeds (titles, outlets, background, facts) and the
//! story list's filters.

use std::path::Path;

use serde_json::Value;

use crate::common::*;

/// A store holding `input` (the seeds, or `examples/`).
fn db_of(input: &Path) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("store.db");
    run(&["ingest", &arg(input), "--db", &arg(&db)]).ok();
    (dir, db)
}

fn show(db: &Path, id: &str) -> Value {
    run(&["show", id, "--db", &arg(db), "--json"]).ok().json()
}

#[test]
fn read_commands_refuse_a_missing_database_and_create_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("no-such.db");
    for args in [
        vec!["stories"],
        vec!["show", "s0"],
        vec!["search", "OPCON"],
        vec!["report", "s0"],
        vec!["serve", "--addr", "127.0.0.1:0"],
    ] {
        let mut full: Vec<&str> = args.clone();
        let db_arg = arg(&db);
        full.extend(["--db", &db_arg]);
        let r = run(&full);
        assert_eq!(r.code, 1, "{args:?} with a missing --db must exit 1: {}", r.stderr);
        assert!(r.stderr.contains(&db_arg), "{args:?}: the message names the path: {}", r.stderr);
        assert!(r.stdout.trim().is_empty(), "{args:?}: nothing on stdout: {}", r.stdout);
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert!(left.is_empty(), "{args:?} created {left:?}");
    }
}

#[test]
fn show_with_a_bad_id_says_what_to_do_on_the_command_line() {
    let (_dir, db) = db_of(&examples_dir());
    let r = run(&["show", "nope", "--db", &arg(&db)]);
    assert_eq!(r.code, 4);
    assert!(r.stderr.contains("\"nope\""), "{}", r.stderr);
    assert!(r.stderr.contains("storyline stories"), "a CLI hint: {}", r.stderr);
    assert!(!r.stderr.contains("/api/"), "no API route on the command line: {}", r.stderr);
}

#[test]
fn a_page_saved_twice_is_counted_as_stored() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    let seed = std::fs::read_to_string(examples_dir().join("b01_library_reopens.txt")).unwrap();
    // One page saved twice under two names: stored once.
    std::fs::write(input.join("a_page.txt"), &seed).unwrap();
    std::fs::write(input.join("b_page_again.txt"), &seed).unwrap();
    let db = dir.path().join("s.db");
    let r = run(&["ingest", &arg(&input), "--db", &arg(&db)]).ok();
    assert!(r.stderr.contains("ingested 1 new article "), "the count is what was stored: {}", r.stderr);
    assert!(r.stderr.contains("; 1 article and 1 story in"), "{}", r.stderr);
    assert_eq!(show(&db, "a_page")["id"], "s0");
}

/// Issue 19's "must show", through the real commands: `show s0 --json`
/// over the seeds (plus one report of the same meeting that gives another
/// troop count) and `stories --min-articles 2` beside an unrelated
/// one-article story.
#[test]
fn show_s0_over_the_seeds_has_titles_outlets_no_background_in_the_timeline_and_a_differing_fact() {
    let Some(seeds) = seeds_dir() else { return };
    let (dir, db) = db_of(&seeds);
    let extra = dir.path().join("extra");
    std::fs::create_dir(&extra).unwrap();
    std::fs::write(
        extra.join("more.jsonl"),
        [
            serde_json::json!({"id": "zz_disagreeing_report", "date": "2025-11-04", "source": "Peninsula Ledger",
                "title": "Defense chiefs discuss OPCON and troops at Seoul security meeting",
                "text": "SEOUL, November 4 - South Korean Defense Minister Ahn Gyu-back and U.S. Secretary of War Pete Hegseth held the annual Security Consultative Meeting (SCM) in Seoul on Tuesday, discussing the transfer of wartime operational control (OPCON) and the role of U.S. Forces Korea (USFK).\n\nThe United States keeps about 28,000 U.S. troops in South Korea, and Washington is considering making their role more flexible.\n\nThe two ministers agreed to continue talks on the OPCON transfer, the Ministry of National Defense said."}),
            serde_json::json!({"id": "library", "date": "2025-10-30", "source": "Karsvik Post",
                "text": "The city library of Karsvik reopened on Thursday after a renovation that took two years and added a children's wing, the mayor said."}),
        ]
        .map(|v| v.to_string())
        .join("\n"),
    )
    .unwrap();
    run(&["ingest", &arg(&extra), "--db", &arg(&db)]).ok();

    let v = show(&db, "s0");
    let sources = v["sources"].as_array().unwrap();
    assert_eq!(sources.len(), 6, "{}", v["sources"]);
    for s in sources {
        assert!(!s["title"].as_str().unwrap().trim().is_empty(), "a source without a title: {s}");
    }
    let outlet = |prefix: &str| {
        sources.iter().find(|s| s["article"].as_str().unwrap().starts_with(prefix)).unwrap()["outlet"].clone()
    };
    assert_eq!(outlet("000"), "AJP");
    assert_eq!(outlet("002"), "Reuters");
    for t in v["timeline"].as_array().unwrap() {
        assert!(t["date"].as_str().unwrap() >= "2021", "a background year in the timeline: {t}");
    }
    assert!(v["background"].as_array().unwrap().iter().any(|t| t["date"] == "1950"), "{}", v["background"]);
    let troops = v["facts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| !f["conflicts"].as_array().unwrap().is_empty())
        .unwrap_or_else(|| panic!("no fact with differing values: {}", v["facts"]));
    let mut values: Vec<(f64, Vec<String>)> = std::iter::once(troops)
        .chain(troops["conflicts"].as_array().unwrap())
        .map(|x| {
            let srcs = x["sources"].as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_string()).collect();
            (x["value"].as_f64().unwrap(), srcs)
        })
        .collect();
    values.sort_by(|a, b| a.0.total_cmp(&b.0));
    assert_eq!(values.iter().map(|v| v.0).collect::<Vec<_>>(), [28000.0, 28500.0], "{troops}");
    assert_eq!(values[0].1, ["zz_disagreeing_report"], "{troops}");
    assert!(values[1].1.len() >= 2 && values[1].1.iter().all(|s| s != "zz_disagreeing_report"), "{troops}");
    // Ahn Kyu-back (AJP) and Ahn Gyu-back (the others) are one person.
    let ahn: Vec<&Value> = v["entities"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["aliases"].as_array().unwrap().iter().any(|a| a.as_str().unwrap().starts_with("Ahn ")))
        .collect();
    assert_eq!(ahn.len(), 1, "{ahn:?}");

    // The story list: the library story has one article, and --min-articles 2 hides it.
    let all = run(&["stories", "--db", &arg(&db), "--json"]).ok().json();
    let all = all.as_array().unwrap();
    assert!(all.iter().any(|s| s["articles"] == 1), "{all:?}");
    let multi = run(&["stories", "--db", &arg(&db), "--json", "--min-articles", "2"]).ok().json();
    let multi = multi.as_array().unwrap();
    assert!(!multi.is_empty() && multi.iter().all(|s| s["articles"].as_u64().unwrap() >= 2), "{multi:?}");
    assert_eq!(multi.len(), all.iter().filter(|s| s["articles"].as_u64().unwrap() >= 2).count());
}
