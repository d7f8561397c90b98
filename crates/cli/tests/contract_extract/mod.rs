//! `storyline extract`: the must-show on the seeds, and a snapshot
//! of what users see.

use crate::common::*;

const BOILERPLATE: [&str; 8] = [
    "Copyright",
    "All rights reserved",
    "Legal Disclaimer",
    "Support Independent Journalism",
    "Razorpay",
    "To write comments",
    "Standards Board Policy",
    "We don't allow anyone to copy",
];

/// One line per seed, or `None` once the test is reported skipped.
fn extract_seeds() -> Option<Vec<serde_json::Value>> {
    let r = run(&["extract", &arg(&seeds_dir()?)]).ok();
    let lines = r.jsonl();
    assert_eq!(lines.len(), 5, "one line per seed:\n{}\n{}", r.stdout, r.stderr);
    Some(lines)
}

#[test]
fn shape_follows_contract() {
    let Some(lines) = extract_seeds() else { return };
    for l in lines {
        for k in
            ["id", "title", "text", "published", "authors", "language", "machine_translated", "boilerplate_removed"]
        {
            assert!(l.get(k).is_some(), "{} has no {k:?}", s(&l, "id"));
        }
        assert!(l["authors"].is_array(), "{l}");
        assert!(l["machine_translated"].is_boolean(), "{l}");
        assert!(l["boilerplate_removed"].is_u64(), "{l}");
        assert!(!s(&l, "text").trim().is_empty(), "{l}");
    }
}

#[test]
fn no_boilerplate_line() {
    let Some(lines) = extract_seeds() else { return };
    for l in lines {
        for line in s(&l, "text").lines() {
            for b in BOILERPLATE {
                assert!(!line.contains(b), "{}: boilerplate {b:?} left in line {line:?}", s(&l, "id"));
            }
        }
    }
}

#[test]
fn seed_000_each_paragraph_once() {
    let Some(lines) = extract_seeds() else { return };
    let by = by_short_id(&lines);
    let text = s(&by["000"], "text");
    let paragraphs: Vec<&str> = text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()).collect();
    for p in &paragraphs {
        let n = paragraphs.iter().filter(|q| *q == p).count();
        assert_eq!(n, 1, "000 repeats paragraph {p:?}");
    }
    // Every content sentence of the raw file survives (the repeat is folded, not dropped).
    let raw = std::fs::read_to_string(seeds_dir().unwrap().join("000_3d5f58d5529388c6.txt")).unwrap();
    for probe in [
        "Defense Minister Ahn Kyu-back will hold talks",
        "The working-level talks between the two",
        "A wide range of topics will be discussed",
        "coordination on policies toward North Korea",
        "Discussions on the transfer of wartime operational control",
    ] {
        assert!(raw.contains(probe), "probe {probe:?} is in the seed");
        assert_eq!(text.matches(probe).count(), 1, "000: {probe:?} should appear exactly once:\n{text}");
    }
    assert!(!text.contains("translated by AI"), "the translation note is metadata, not text:\n{text}");
}

#[test]
fn published_dates() {
    let Some(lines) = extract_seeds() else { return };
    let by = by_short_id(&lines);
    assert_eq!(s(&by["001"], "published"), "2025-10-27", "001: `Published: 27 Oct. 2025`");
    assert_eq!(s(&by["003"], "published"), "2025-11-03", "003: ` date 2025-11-03`");
}

#[test]
fn machine_translated() {
    let Some(lines) = extract_seeds() else { return };
    let by = by_short_id(&lines);
    assert_eq!(by["000"]["machine_translated"], true, "000: `translated by AI`");
    assert_eq!(by["001"]["machine_translated"], true, "001: `with the help of generative AI tools`");
    assert_eq!(by["002"]["machine_translated"], false);
}

#[test]
fn examples_boilerplate_and_metadata() {
    let r = run(&["extract", &arg(&examples_dir())]).ok();
    let lines = r.jsonl();
    assert_eq!(lines.len(), 14, "{}", r.stderr);
    let examples_boilerplate = [
        "All rights reserved",
        "To write comments",
        "Legal Disclaimer",
        "Keep Local News Alive",
        "one-time donation",
        "Share this article",
        "We don't allow anyone to copy",
        "Be the first to comment",
        "Support our journalism",
        "Comments (0)",
        "Comments are closed",
    ];
    for l in &lines {
        for line in s(l, "text").lines() {
            for b in examples_boilerplate {
                assert!(!line.contains(b), "{}: boilerplate {b:?} left in {line:?}", s(l, "id"));
            }
        }
    }
    let by = by_short_id(&lines);
    assert_eq!(by["a01"]["machine_translated"], true, "a01 carries a `translated by AI` note");
    assert_eq!(by["a06"]["machine_translated"], true, "a06: `with the help of generative AI tools`");
    assert_eq!(by["a02"]["machine_translated"], false);
    assert_eq!(s(&by["a02"], "published"), "2025-03-03");
    assert_eq!(s(&by["a03"], "published"), "2025-03-10");
    assert_eq!(s(&by["a05"], "published"), "2022-11-17");
    assert_eq!(s(&by["c01"], "published"), "2025-03-11", "the HTML page's article:published_time");
    assert!(by["a01"]["published"].is_null(), "a01's dateline has no year: {}", by["a01"]);
    let a01 = s(&by["a01"], "text");
    assert_eq!(
        a01.matches("Scientists from the North Skarn Marine Institute").count(),
        1,
        "a01 repeats its body:\n{a01}"
    );
    let c01 = s(&by["c01"], "text");
    assert!(c01.contains("412,000 tonnes"), "HTML main text kept:\n{c01}");
    assert!(!c01.contains("Most read"), "HTML side bar dropped:\n{c01}");
}

#[test]
fn examples_dateline_with_year_gives_published() {
    let r = run(&["extract", &arg(&examples_dir().join("a07_outcome_2025.txt"))]).ok();
    let l = &r.jsonl()[0];
    assert_eq!(s(l, "published"), "2025-03-11", "`KARSVIK, March 11, 2025 (NPA) -` carries the year: {l}");
    assert!(!s(l, "text").contains("(NPA) -"), "the dateline is metadata, not text: {l}");
}

#[test]
fn snapshot_seeds() {
    let Some(lines) = extract_seeds() else { return };
    insta::assert_json_snapshot!("extract_seeds", lines);
}
