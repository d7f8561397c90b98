//! The view of the seed story, built the way the CLI builds it.

use super::*;
use crate::analyze::AliasRegistry;
use crate::model::RawArticle;
use crate::{prepare, PipelineConfig, Prepared};

const SEEDS: &str = include_str!("../../../../../shared/data/seeds-dated.jsonl");

/// The seeds prepared and alias-folded in date order, as `ingest` does.
fn prepared_seeds() -> Vec<Prepared> {
    let cfg = PipelineConfig::default();
    let mut out: Vec<Prepared> = SEEDS
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("seed line is JSON");
            let s = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
            let raw = RawArticle { id: s("id").unwrap(), text: s("text").unwrap(), date: s("date"), title: s("title"), ..Default::default() };
            prepare(&raw, &cfg)
        })
        .collect();
    let mut order: Vec<usize> = (0..out.len()).collect();
    order.sort_by_key(|&i| (out[i].article.best_date(), i));
    let mut reg = AliasRegistry::new(&cfg.analyze);
    for i in order {
        let p = &mut out[i];
        reg.fold_article(&p.article, &mut p.analysis);
    }
    out
}

fn seed_view() -> StoryView {
    let seeds = prepared_seeds();
    let members: Vec<StoryMember> = seeds
        .iter()
        .map(|p| {
            let n = &p.article.id[..3];
            let event = match n {
                "000" | "001" | "003" => 1,
                "002" => 2,
                _ => 3,
            };
            StoryMember { article: &p.article, analysis: &p.analysis, event, duplicate_of: None, paragraphs: &[] }
        })
        .collect();
    build_view("s1", &members)
}

fn short(ids: &[String]) -> Vec<&str> {
    ids.iter().map(|s| &s[..3]).collect()
}

fn has_prefix(d: &Option<String>, p: &str) -> bool {
    d.as_deref().is_some_and(|d| d.starts_with(p))
}

#[test]
fn seed_events_are_dated() {
    let v = seed_view();
    assert!(v.events.len() >= 3, "{:#?}", v.events);
    for p in ["2021-12", "2025-07", "2025-11-04"] {
        assert!(v.events.iter().any(|e| has_prefix(&e.date, p)), "no event dated {p}: {:#?}", v.events);
    }
    let e = v.events.iter().find(|e| e.date.as_deref() == Some("2025-11-04")).unwrap();
    assert_eq!(short(&e.articles), vec!["000", "001", "003"]);
    assert!(v.events.iter().all(|e| !e.title.is_empty() && !e.summary.is_empty()));
}

#[test]
fn seed_timeline_merges_sources_and_dates_past_events() {
    let v = seed_view();
    let nov4 = v.timeline.iter().find(|t| t.date == "2025-11-04").expect("2025-11-04 entry");
    for id in ["000", "001", "003"] {
        assert!(short(&nov4.sources).contains(&id), "{nov4:?}");
    }
    let audit = v.timeline.iter().find(|t| t.date == "2025-10-14").expect("2025-10-14 entry");
    assert!(audit.text.contains("parliamentary audit"), "{audit:?}");
    assert!(v.timeline.iter().any(|t| t.date == "2025-09-24"), "{:#?}", v.timeline);
    // The 56th SCM, dated in a photo caption.
    assert!(v.timeline.iter().any(|t| t.date == "2024-10-30"), "{:#?}", v.timeline);
    // "since taking office in July" (published in October) is July 2025.
    assert!(v.timeline.iter().all(|t| !t.date.starts_with("2026-07")), "{:#?}", v.timeline);
    let dates: Vec<&str> = v.timeline.iter().map(|t| t.date.as_str()).collect();
    let mut sorted = dates.clone();
    sorted.sort();
    assert_eq!(dates, sorted);
}

#[test]
fn seed_troop_fact_agrees_across_three_sources() {
    let v = seed_view();
    let f = v.facts.iter().find(|f| f.value == 28500.0 && f.subject.contains("U.S. troops")).expect("28,500 U.S. troops");
    let mut s = short(&f.sources);
    s.sort();
    assert_eq!(s, vec!["002", "003", "004"], "{f:?}");
    assert!(f.conflicts.is_empty(), "{f:?}");
    // South Korea's own 450,000 troops are another subject, not a conflict.
    assert!(v.facts.iter().all(|f| f.conflicts.is_empty()), "{:#?}", v.facts);
}

#[test]
fn seed_aliases_and_variants() {
    let v = seed_view();
    assert!(v.entities.iter().any(|e| e.aliases.iter().any(|a| a == "Ahn Kyu-back") && e.aliases.iter().any(|a| a == "Ahn Gyu-back")));
    let sec = v.variants.iter().find(|x| x.canonical == "Secretary of Defense").expect("Secretary variants");
    assert!(sec.forms.iter().any(|f| f.text == "Secretary of War"), "{sec:?}");
    assert!(sec.forms.iter().any(|f| f.text == "Secretary of Defense"), "{sec:?}");
    assert_eq!(sec.explained_by, "alias table (renamed)");
    assert!(sec.holders.iter().any(|h| h == "Pete Hegseth"));
}

#[test]
fn seed_quotes_group_wordings() {
    let v = seed_view();
    let q = v.quotes.iter().find(|q| q.text.contains("A wide range of topics")).expect("ministry quote");
    assert_eq!(short(&q.sources), vec!["000", "003"], "{q:?}");
    assert!(q.wordings.iter().any(|w| w.text.contains("changing security environment and threats")));
}

#[test]
fn seed_summary_and_sources() {
    let v = seed_view();
    assert!(!v.title.is_empty());
    assert!(v.summary.contains("Nov. 4") || v.summary.contains("Seoul"), "{}", v.summary);
    assert_eq!(v.sources.len(), 5);
    let s0 = v.sources.iter().find(|s| s.article.starts_with("000")).unwrap();
    assert!(s0.machine_translated);
    assert_eq!(s0.outlet.as_deref(), Some("AJP"));
}

#[test]
fn copies_are_listed_under_their_original() {
    let seeds = prepared_seeds();
    let members: Vec<StoryMember> = seeds
        .iter()
        .map(|p| StoryMember {
            article: &p.article,
            analysis: &p.analysis,
            event: 1,
            duplicate_of: p.article.id.starts_with("003").then_some("000_3d5f58d5529388c6"),
            paragraphs: &[],
        })
        .collect();
    let v = build_view("s1", &members);
    let i = v.sources.iter().position(|s| s.article.starts_with("000")).unwrap();
    assert_eq!(short(&v.sources[i].copies), vec!["003"]);
    assert!(v.sources[i + 1].article.starts_with("003"));
    // A copy adds no source of its own to timeline or facts.
    assert!(v.timeline.iter().all(|t| !short(&t.sources).contains(&"003")));
}

#[test]
fn seed_view_snapshot() {
    insta::assert_json_snapshot!("seed_view", seed_view());
}

#[test]
fn seed_html_report_has_the_timeline() {
    let v = seed_view();
    let html = render::to_html(&v);
    assert!(html.contains("<svg id=\"timeline-chart\""));
    assert!(html.contains("<g class=\"mark\" data-date=\"2025-11-04\" data-sources=\"3\">"));
    assert!(!html.contains("<script"));
    let md = render::to_markdown(&v);
    assert!(md.contains("| 2025-11-04 |"));
    // STORY_REPORT_DIR=/tmp/x writes both, for looking at them.
    if let Ok(dir) = std::env::var("STORY_REPORT_DIR") {
        std::fs::write(format!("{dir}/seeds.html"), &html).unwrap();
        std::fs::write(format!("{dir}/seeds.md"), &md).unwrap();
    }
}

#[test]
fn reused_paragraphs_point_to_the_earlier_article_but_copies_do_not() {
    let cfg = PipelineConfig::default();
    let wire = "The two defence chiefs agreed to expand joint drills and to review the transfer of wartime operational control next year, officials said.";
    let raw = |id: &str, date: &str, body: String| prepare(&RawArticle { id: id.into(), text: body, date: Some(date.into()), ..Default::default() }, &cfg);
    let original = raw("a", "2025-11-04", format!("Ministers met in Seoul on Tuesday for the annual security talks.\n\n{wire}"));
    let local = raw("b", "2025-11-05", format!("Residents near the base in Pyeongtaek said they were watching the talks closely.\n\n{wire}\n\nThe city council will discuss noise complaints on Friday."));
    let copy = raw("c", "2025-11-05", original.article.text.clone());
    let dedup = crate::dedup::DedupConfig::default();
    let [sig_a, sig_b, sig_c] = [&original, &local, &copy].map(|p| crate::dedup::signature(&p.article, &dedup));
    let members = [
        StoryMember { article: &original.article, analysis: &original.analysis, event: 1, duplicate_of: None, paragraphs: &sig_a.paragraphs },
        StoryMember { article: &local.article, analysis: &local.analysis, event: 1, duplicate_of: None, paragraphs: &sig_b.paragraphs },
        StoryMember { article: &copy.article, analysis: &copy.analysis, event: 1, duplicate_of: Some("a"), paragraphs: &sig_c.paragraphs },
    ];
    let v = build_view("s1", &members);
    let source = |id: &str| v.sources.iter().find(|s| s.article == id).unwrap_or_else(|| panic!("source {id}"));
    let reused = &source("b").reused;
    assert_eq!(reused.len(), 1, "{reused:?}");
    assert_eq!(reused[0].found_in, ["a"]);
    assert_eq!(reused[0].text, wire);
    assert_eq!(local.article.paragraphs[reused[0].paragraph].text, wire);
    assert!(source("a").reused.is_empty(), "the earliest printer reuses nothing");
    assert!(source("c").reused.is_empty(), "a copy is listed as a copy, not as reuse");
}
