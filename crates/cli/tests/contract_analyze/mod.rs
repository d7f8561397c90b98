//! `storyline analyze`: offsets into the text as given, times resolved
//! against the publication date.

use serde_json::Value;

use crate::common::*;

fn analyze(path: &std::path::Path) -> Vec<Value> {
    run(&["analyze", &arg(path)]).ok().jsonl()
}

fn times<'a>(line: &'a Value, text: &str) -> Vec<&'a Value> {
    line["times"].as_array().unwrap().iter().filter(|t| s(t, "text") == text).collect()
}

#[test]
fn offsets_are_chars_into_the_file_text() {
    // An example always; seed 001 (non-ASCII text) when ../shared is there.
    let seed = seeds_dir().map(|d| d.join("001_cc2096c2dac57694.txt"));
    for path in [Some(examples_dir().join("a02_herald_preview_2025.txt")), seed].into_iter().flatten() {
        let raw: Vec<char> = std::fs::read_to_string(&path).unwrap().chars().collect();
        let line = &analyze(&path)[0];
        for kind in ["entities", "times", "quotes", "amounts"] {
            for span in line[kind].as_array().unwrap() {
                let (start, end) = (span["start"].as_u64().unwrap() as usize, span["end"].as_u64().unwrap() as usize);
                assert!(start < end && end <= raw.len(), "{kind} span out of range: {span}");
                let got: String = raw[start..end].iter().collect();
                if kind != "quotes" {
                    assert_eq!(
                        got,
                        s(span, "text"),
                        "{} {kind}: offsets do not match the text: {span}",
                        path.display()
                    );
                }
            }
        }
    }
}

#[test]
fn seed_000_nov_4_resolves_with_the_crawl_date() {
    let Some(seeds) = seeds_dated() else { return };
    let lines = run(&["analyze", &arg(&seeds)]).ok().jsonl();
    let by = by_short_id(&lines);
    let nov4 = times(&by["000"], "Nov. 4");
    assert!(!nov4.is_empty(), "000 mentions Nov. 4: {}", by["000"]["times"]);
    assert_eq!(s(nov4[0], "value"), "2025-11-04", "{}", nov4[0]);
}

#[test]
fn upcoming_date_resolves_forward() {
    // a08 is published 2022-11-09; "are due to open ... on Nov. 16" is a week later.
    let line = &analyze(&examples_dir().join("a08_preview_2022.txt"))[0];
    assert_eq!(s(line, "published"), "2022-11-09");
    let nov16 = times(line, "Nov. 16");
    assert!(!nov16.is_empty(), "{}", line["times"]);
    assert_eq!(s(nov16[0], "value"), "2022-11-16", "a date a week after publication, not a year before: {}", nov16[0]);
}
