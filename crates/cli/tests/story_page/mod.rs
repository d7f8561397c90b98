//! The reader's surfaces of issue 19: messages of the read commands, the
//! story view over the seeds (titles, outlets, background, facts) and the
//! story list's filters.

use std::path::Path;

use serde_json::Value;

use crate::common::*;

fn seeded_db() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("store.db");
    run(&["ingest", &arg(&seeds_dir()), "--db", &arg(&db)]).ok();
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
    let (_dir, db) = seeded_db();
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
    let seed = std::fs::read_to_string(seeds_dir().join("000_3d5f58d5529388c6.txt")).unwrap();
    // One page saved twice under two names: stored once.
    std::fs::write(input.join("a_page.txt"), &seed).unwrap();
    std::fs::write(input.join("b_page_again.txt"), &seed).unwrap();
    let db = dir.path().join("s.db");
    let r = run(&["ingest", &arg(&input), "--db", &arg(&db)]).ok();
    assert!(r.stderr.contains("ingested 1 new article "), "the count is what was stored: {}", r.stderr);
    assert!(r.stderr.contains("; 1 article and 1 story in"), "{}", r.stderr);
    assert_eq!(show(&db, "a_page")["id"], "s0");
}
