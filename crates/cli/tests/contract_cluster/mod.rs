//! `storyline cluster`: the CONTRACT's JSONL, on the seeds and on examples/.

use std::collections::BTreeSet;

use crate::common::*;

const SEED_IDS: [&str; 5] = ["000", "001", "002", "003", "004"];

fn check_shape(lines: &[serde_json::Value]) {
    for l in lines {
        let obj = l.as_object().unwrap_or_else(|| panic!("not an object: {l}"));
        let keys: BTreeSet<&str> = obj.keys().map(String::as_str).collect();
        for k in ["id", "event", "story", "duplicate_of"] {
            assert!(keys.contains(k), "line without {k:?}: {l}");
        }
        assert!(l["event"].is_string() && !s(l, "event").is_empty(), "event label: {l}");
        assert!(l["story"].is_string() && !s(l, "story").is_empty(), "story label: {l}");
        assert!(l["duplicate_of"].is_null() || l["duplicate_of"].is_string(), "duplicate_of: {l}");
    }
}

/// The distinct values of `key` (`event` or `story`) over all lines.
fn labels<'a>(lines: &'a [serde_json::Value], key: &str) -> BTreeSet<&'a str> {
    lines.iter().map(|l| s(l, key)).collect()
}

fn seed_order(lines: &[serde_json::Value]) -> Vec<String> {
    lines.iter().map(|l| short(s(l, "id"))).collect()
}

#[test]
fn dated_seeds_five_lines_in_input_order() {
    let Some(seeds) = seeds_dated() else { return };
    let r = run(&["cluster", &arg(&seeds)]).ok();
    let lines = r.jsonl();
    assert_eq!(lines.len(), 5, "one line per article:\n{}", r.stdout);
    check_shape(&lines);
    assert_eq!(seed_order(&lines), SEED_IDS, "input order, not arrival order");
}

#[test]
fn dated_seeds_events() {
    let Some(seeds) = seeds_dated() else { return };
    let lines = run(&["cluster", &arg(&seeds)]).ok().jsonl();
    let by = by_short_id(&lines);
    let ev = |id: &str| s(&by[id], "event").to_owned();
    assert_eq!(ev("000"), ev("001"), "000 and 001 announce the same 57th SCM: {lines:?}");
    assert_eq!(ev("000"), ev("003"), "003 reports the same 57th SCM: {lines:?}");
    assert_ne!(ev("002"), ev("000"), "002 is the 2021 meeting, another event: {lines:?}");
    assert_ne!(ev("004"), ev("000"), "004 is the July 2025 talks, another event: {lines:?}");
    assert_ne!(ev("002"), ev("004"), "002 and 004 are different events: {lines:?}");
}

#[test]
fn dated_seeds_one_story() {
    let Some(seeds) = seeds_dated() else { return };
    let lines = run(&["cluster", &arg(&seeds)]).ok().jsonl();
    let stories = labels(&lines, "story");
    assert_eq!(stories.len(), 1, "all five seeds are one story (the SCM over the years): {lines:?}");
}

#[test]
fn undated_seeds_events_and_story() {
    let Some(seeds) = seeds_dir() else { return };
    let r = run(&["cluster", &arg(&seeds)]).ok();
    let lines = r.jsonl();
    assert_eq!(lines.len(), 5, "{}", r.stdout);
    check_shape(&lines);
    assert_eq!(seed_order(&lines), SEED_IDS, "sorted path order");
    let by = by_short_id(&lines);
    let ev = |id: &str| s(&by[id], "event").to_owned();
    assert_eq!(ev("000"), ev("001"), "{lines:?}");
    assert_eq!(ev("000"), ev("003"), "{lines:?}");
    let stories = labels(&lines, "story");
    assert_eq!(stories.len(), 1, "all five seeds are one story: {lines:?}");
}

#[test]
fn output_file_matches_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("clusters.jsonl");
    let printed = run(&["cluster", &arg(&examples_dir())]).ok();
    let written = run(&["cluster", &arg(&examples_dir()), "--output", &arg(&out)]).ok();
    assert!(written.stdout.trim().is_empty(), "--output leaves stdout empty: {}", written.stdout);
    let file = std::fs::read_to_string(&out).expect("--output file written");
    assert_eq!(file, printed.stdout);
}

#[test]
fn stdin_dash_reads_jsonl() {
    let feed = examples_dir().join("feed.jsonl");
    let input = std::fs::read(&feed).unwrap();
    let from_stdin = run_stdin(&["cluster", "-"], &input).ok();
    let from_file = run(&["cluster", &arg(&feed)]).ok();
    assert_eq!(from_stdin.jsonl().len(), 2, "{}", from_stdin.stderr);
    assert_eq!(from_stdin.stdout, from_file.stdout, "stdin and file give the same clustering");
}

#[test]
fn deterministic() {
    // examples/ always; the seeds when ../shared is there.
    for input in [seeds_dated(), seeds_dir(), Some(examples_dir())].into_iter().flatten() {
        let a = run(&["cluster", &arg(&input)]).ok();
        let b = run(&["cluster", &arg(&input)]).ok();
        assert_eq!(a.stdout, b.stdout, "two runs on {} differ", input.display());
    }
}

// examples/ as examples/README.md describes it.

fn examples() -> Vec<serde_json::Value> {
    let r = run(&["cluster", &arg(&examples_dir())]).ok();
    assert_only_readme_skipped(&r.stderr);
    let lines = r.jsonl();
    check_shape(&lines);
    lines
}

#[test]
fn examples_one_line_per_article() {
    let lines = examples();
    let ids: Vec<String> = lines.iter().map(|l| short(s(l, "id"))).collect();
    assert_eq!(
        ids,
        ["a01", "a02", "a03", "a04", "a05", "a06", "a07", "a08", "b01", "b02", "b03", "c01", "j01", "j02"],
        "13 files, the JSONL holds two articles: {lines:?}"
    );
}

#[test]
fn examples_duplicates() {
    let lines = examples();
    let by = by_short_id(&lines);
    let dup = |id: &str| by[id]["duplicate_of"].as_str().map(short);
    assert_eq!(dup("a04").as_deref(), Some("a03"), "a04 is the syndicated wire copy of a03: {lines:?}");
    assert_eq!(dup("j01").as_deref(), Some("a02"), "j01 reposts a02 word for word: {lines:?}");
    for id in ["a01", "a02", "a03", "a05", "a06", "a08", "b01", "b02", "b03"] {
        assert_eq!(dup(id), None, "{id} is an original: {lines:?}");
    }
}

#[test]
fn examples_events() {
    let lines = examples();
    let by = by_short_id(&lines);
    let ev = |id: &str| s(&by[id], "event").to_owned();
    // The 15th commission (March 2025): previews, eve-of-talks wire, copy.
    for id in ["a02", "a03", "a04", "j01"] {
        assert_eq!(ev(id), ev("a01"), "{id} is about the 15th commission like a01: {lines:?}");
    }
    // The signing on March 11, 2025, reported by the wire and the Herald page.
    assert_eq!(ev("a07"), ev("c01"), "a07 and c01 report the same signing: {lines:?}");
    // The 12th commission (November 2022).
    assert_eq!(ev("a05"), ev("a08"), "a05 and a08 are the 2022 commission: {lines:?}");
    assert_ne!(ev("a05"), ev("a01"), "2022 and 2025 commissions are different events: {lines:?}");
    // The January 2025 first call is an event of its own.
    assert_ne!(ev("a06"), ev("a01"), "{lines:?}");
    assert_ne!(ev("a06"), ev("a05"), "{lines:?}");
    // The rail strike: both days one event, not the fisheries one.
    assert_eq!(ev("b02"), ev("b03"), "{lines:?}");
    assert_ne!(ev("b02"), ev("a01"), "{lines:?}");
    assert_ne!(ev("b01"), ev("b02"), "{lines:?}");
}

#[test]
fn examples_stories() {
    let lines = examples();
    let by = by_short_id(&lines);
    let st = |id: &str| s(&by[id], "story").to_owned();
    let fisheries = ["a01", "a02", "a03", "a04", "a05", "a06", "a07", "a08", "c01", "j01", "j02"];
    for id in fisheries {
        assert_eq!(st(id), st("a01"), "{id} belongs to the Karsund-Velmora fisheries story: {lines:?}");
    }
    assert_eq!(st("b02"), st("b03"), "{lines:?}");
    assert_ne!(st("b02"), st("a01"), "the rail strike is another story: {lines:?}");
    assert_ne!(st("b01"), st("a01"), "the library is another story: {lines:?}");
    assert_ne!(st("b01"), st("b02"), "{lines:?}");
}

/// The shipped model, with its join bias replaced.
fn shipped_model_with_join_bias(bias: f64) -> serde_json::Value {
    let text = std::fs::read_to_string(repo().join("crates/core/src/cluster/join_model.json")).unwrap();
    let mut model: serde_json::Value = serde_json::from_str(&text).unwrap();
    model["join"]["bias"] = bias.into();
    model
}

#[test]
fn join_model_file_is_the_one_used() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("never_join.json");
    // A join bias far below any evidence: no article can join an event.
    std::fs::write(&path, shipped_model_with_join_bias(-1000.0).to_string()).unwrap();
    let shipped = run(&["cluster", &arg(&examples_dir())]).ok().jsonl();
    // A copy takes its original's event whatever the model says.
    let originals = shipped.iter().filter(|l| l["duplicate_of"].is_null()).count();
    let events = labels(&shipped, "event");
    assert!(events.len() < originals, "the shipped model joins the commission's articles: {shipped:?}");
    let lines = run(&["cluster", &arg(&examples_dir()), "--join-model", &arg(&path)]).ok().jsonl();
    let events = labels(&lines, "event");
    assert_eq!(events.len(), originals, "every original opens its own event under the file's model: {lines:?}");
}

#[test]
fn join_model_with_other_features_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old_model.json");
    let mut model = shipped_model_with_join_bias(0.0);
    model["features"].as_array_mut().unwrap().pop();
    std::fs::write(&path, model.to_string()).unwrap();
    let r = run(&["cluster", &arg(&examples_dir()), "--join-model", &arg(&path)]);
    assert_eq!(r.code, 2, "a usage error: {}", r.stderr);
    assert!(r.stderr.contains("old_model.json") && r.stderr.contains("train-cluster"), "{}", r.stderr);
    assert!(r.stdout.is_empty(), "no labels from a refused model: {}", r.stdout);

    std::fs::write(&path, "{ not json").unwrap();
    let r = run(&["cluster", &arg(&examples_dir()), "--join-model", &arg(&path)]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("old_model.json"), "{}", r.stderr);
}
