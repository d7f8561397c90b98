//! Stage tests over the seed articles and real news sentences (ECB+).

use chrono::NaiveDate;

use super::*;
use crate::model::{EntityType, TimexType};

const SEEDS: &str = include_str!("../../../../../shared/data/seeds-dated.jsonl");

struct Seed {
    id: String,
    text: String,
    date: Option<NaiveDate>,
}

fn seeds() -> Vec<Seed> {
    SEEDS
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("seed line is JSON");
            Seed {
                id: v["id"].as_str().unwrap_or_default().to_string(),
                text: v["text"].as_str().unwrap_or_default().to_string(),
                date: v["date"].as_str().and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()),
            }
        })
        .collect()
}

/// All seeds analysed and folded through one registry, in order.
fn analysed() -> Vec<(Seed, Analysis)> {
    let cfg = AnalyzeConfig::default();
    let mut reg = AliasRegistry::new(&cfg);
    seeds()
        .into_iter()
        .map(|s| {
            let mut a = analyze_text(&s.text, s.date, &cfg);
            reg.fold(&mut a, &s.text, s.date);
            (s, a)
        })
        .collect()
}

fn canon_of(a: &Analysis, text: &str) -> Option<String> {
    a.entities.iter().find(|e| e.text == text).map(|e| e.canonical.clone())
}

fn time_of(a: &Analysis, text: &str) -> Option<String> {
    a.times.iter().find(|t| t.text == text).map(|t| t.value.clone())
}

#[test]
fn offsets_are_exact_on_all_seeds() {
    for (s, a) in analysed() {
        let check = |start: usize, end: usize, t: &str| {
            let got: String = s.text.chars().skip(start).take(end - start).collect();
            assert_eq!(got, t, "{}: {start}..{end}", s.id);
        };
        a.entities.iter().for_each(|m| check(m.start, m.end, &m.text));
        a.times.iter().for_each(|m| check(m.start, m.end, &m.text));
        a.quotes.iter().for_each(|m| check(m.start, m.end, &m.text));
        a.amounts.iter().for_each(|m| check(m.start, m.end, &m.text));
    }
}

#[test]
fn ahn_variants_share_one_canonical_across_articles() {
    let all = analysed();
    let c0 = canon_of(&all[0].1, "Ahn Kyu-back").expect("000 names Ahn Kyu-back");
    for i in [1, 3, 4] {
        assert_eq!(canon_of(&all[i].1, "Ahn Gyu-back").as_deref(), Some(c0.as_str()), "seed {i}");
    }
    // Surname-only mentions too.
    assert_eq!(canon_of(&all[1].1, "Ahn").as_deref(), Some(c0.as_str()));
    let kim = canon_of(&all[1].1, "Kim Yong-hyun").expect("001 names Kim Yong-hyun");
    assert_ne!(kim, c0);
}

#[test]
fn hegseth_variants_share_one_canonical() {
    let all = analysed();
    let c = canon_of(&all[0].1, "Pete Hegseth").expect("000 names Pete Hegseth");
    assert_eq!(canon_of(&all[0].1, "Hegseth").as_deref(), Some(c.as_str()));
    for i in [1, 3, 4] {
        assert_eq!(canon_of(&all[i].1, "Hegseth").as_deref(), Some(c.as_str()), "seed {i}");
    }
}

#[test]
fn opcon_variants_share_one_canonical() {
    let all = analysed();
    let c = canon_of(&all[0].1, "OPCON").expect("000 names OPCON");
    assert_eq!(canon_of(&all[0].1, "wartime operational control").as_deref(), Some(c.as_str()));
    assert_eq!(canon_of(&all[1].1, "Opcon").as_deref(), Some(c.as_str()));
    assert_eq!(canon_of(&all[1].1, "wartime operational control").as_deref(), Some(c.as_str()));
    let usfk = canon_of(&all[0].1, "USFK").expect("USFK");
    assert_eq!(usfk, "U.S. Forces Korea");
}

#[test]
fn seed_times_resolve_against_publication_dates() {
    let all = analysed();
    assert_eq!(time_of(&all[0].1, "Nov. 4").as_deref(), Some("2025-11-04"));
    assert_eq!(time_of(&all[0].1, "next week").as_deref(), Some("2025-W45"));
    assert_eq!(time_of(&all[1].1, "Oct. 14").as_deref(), Some("2025-10-14"));
    assert_eq!(time_of(&all[1].1, "Sept. 24").as_deref(), Some("2025-09-24"));
    assert_eq!(time_of(&all[1].1, "Oct. 30, 2024").as_deref(), Some("2024-10-30"));
    assert_eq!(time_of(&all[1].1, "Monday").as_deref(), Some("2025-10-27"));
    assert_eq!(time_of(&all[3].1, "Tuesday").as_deref(), Some("2025-11-04"));
    assert_eq!(time_of(&all[3].1, "Monday").as_deref(), Some("2025-11-03"));
    assert_eq!(time_of(&all[2].1, "Wednesday").as_deref(), Some("2021-12-01"));
    assert_eq!(time_of(&all[2].1, "Thursday").as_deref(), Some("2021-12-02"));
    assert_eq!(time_of(&all[2].1, "January").as_deref(), Some("2021-01"));
    assert_eq!(time_of(&all[4].1, "last Friday").as_deref(), Some("2025-07-25"));
    let w = all[2].1.times.iter().find(|t| t.text == "Wednesday afternoon").expect("Wednesday afternoon");
    assert_eq!((w.kind, w.value.as_str()), (TimexType::Time, "2021-12-01TAF"));
}

#[test]
fn troops_amount_is_the_same_in_three_articles() {
    let all = analysed();
    for i in [2, 3, 4] {
        let a = all[i].1.amounts.iter().find(|a| a.text.contains("28,500")).unwrap_or_else(|| panic!("seed {i}: {:?}", all[i].1.amounts));
        assert_eq!((a.value, a.unit.as_str()), (28500.0, "troops"), "seed {i}");
    }
}

#[test]
fn seed_quotes_have_speakers() {
    let all = analysed();
    let q = &all[0].1.quotes;
    assert!(q.iter().any(|q| q.text.starts_with("A wide range") && q.speaker.as_deref() == Some("Ministry of National Defense")), "{q:?}");
    let q4 = &all[4].1.quotes;
    assert!(q4.iter().any(|q| q.text.starts_with("I hope") && q.speaker.is_some()), "{q4:?}");
    assert!(!q4.iter().any(|q| q.text == "ironclad"));
}

#[test]
fn no_panics_on_odd_input() {
    let cfg = AnalyzeConfig::default();
    let d = NaiveDate::from_ymd_opt(2025, 1, 1);
    for t in [
        "",
        " ",
        "\n\n\n",
        "no capitals here at all, just words and 12 numbers.",
        "“unbalanced quote that never closes",
        "closing only” and \" stray \"\"\" marks “",
        "Ünïcödé Ñame met 東京 officials in Zürich on Mon. 3 — “Grüße aus Köln, sagte er heute”",
        "(ABC) (X) () ( ) Dec. 99 Feb 30 0th $ % 1e9",
        "A",
        "Mr.",
    ] {
        let _ = analyze_text(t, d, &cfg);
        let _ = analyze_text(t, None, &cfg);
    }
    let long = "Defense Minister Ahn Gyu-back said “we will meet on Nov. 4 with 500 troops.” ".repeat(2000);
    let a = analyze_text(&long, d, &cfg);
    assert!(a.entities.len() >= 2000);
}

#[test]
fn analyze_article_maps_offsets_to_raw_text() {
    use crate::model::{Article, Paragraph, ParagraphKind};
    let raw = "HEADLINE\n\nDefense Minister Ahn Gyu-back will visit Seoul on Nov. 4.\nAds here\nAhn said “we will talk a lot there.”";
    let p1 = "Defense Minister Ahn Gyu-back will visit Seoul on Nov. 4.";
    let p2 = "Ahn said “we will talk a lot there.”";
    let art = Article {
        title: "HEADLINE".into(),
        text: format!("{p1}\n\n{p2}"),
        paragraphs: vec![
            Paragraph { text: p1.into(), kind: ParagraphKind::Body, raw_start: Some(10) },
            Paragraph { text: p2.into(), kind: ParagraphKind::Body, raw_start: Some(raw.chars().count() - p2.chars().count()) },
        ],
        published: NaiveDate::from_ymd_opt(2025, 10, 27),
        raw_text: raw.into(),
        ..Default::default()
    };
    let a = analyze_article(&art, &AnalyzeConfig::default());
    for e in &a.entities {
        let got: String = raw.chars().skip(e.start).take(e.end - e.start).collect();
        assert_eq!(got, e.text);
    }
    let ahn: Vec<_> = a.entities.iter().filter(|e| e.canonical == "Ahn Gyu-back").collect();
    assert_eq!(ahn.len(), 2, "{:?}", a.entities);
    assert_eq!(a.times[0].value, "2025-11-04");
    assert_eq!(a.quotes[0].speaker.as_deref(), Some("Ahn Gyu-back"));
}

#[test]
fn entity_types_on_seeds() {
    let all = analysed();
    let a = &all[1].1;
    let kind = |t: &str| a.entities.iter().find(|e| e.text == t).map(|e| e.kind);
    assert_eq!(kind("Jin Yong-sung"), Some(EntityType::Person));
    assert_eq!(kind("Seoul"), Some(EntityType::Place));
    assert_eq!(kind("Ministry of National Defense"), Some(EntityType::Org));
    assert!(!a.entities.iter().any(|e| matches!(e.text.as_str(), "The" | "In" | "This" | "Established" | "Discussions")));
    let w = &all[0].1;
    assert_eq!(canon_of(w, "U.S. Department of War").as_deref(), Some("U.S. Department of Defense"));
}
