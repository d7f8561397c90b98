//! The view of the seed story, built the way the CLI builds it.

use super::*;
use crate::analyze::AliasRegistry;
use crate::model::RawArticle;
use crate::test_data::shared;
use crate::{prepare, PipelineConfig, Prepared};
use std::collections::BTreeSet;

/// The seeds prepared and alias-folded in date order, as `ingest` does
/// (`None`: ../shared is absent, the test is skipped).
fn prepared_seeds() -> Option<Vec<Prepared>> {
    let seeds = shared("data/seeds-dated.jsonl")?;
    let cfg = PipelineConfig::default();
    let mut out: Vec<Prepared> = seeds
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("seed line is JSON");
            let s = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
            let raw = RawArticle {
                id: s("id").unwrap(),
                text: s("text").unwrap(),
                date: s("date"),
                title: s("title"),
                ..Default::default()
            };
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
    Some(out)
}

fn seed_view() -> Option<StoryView> {
    let seeds = prepared_seeds()?;
    let members: Vec<StoryMember> = seeds
        .iter()
        .map(|p| {
            let n = &p.article.id[..3];
            let event = match n {
                "000" | "001" | "003" => 1,
                "002" => 2,
                _ => 3,
            };
            StoryMember { article: &p.article, analysis: &p.analysis, event, copy_of: None, paragraphs: &[] }
        })
        .collect();
    Some(build_view("s1", &members))
}

fn short(ids: &[String]) -> Vec<&str> {
    ids.iter().map(|s| &s[..3]).collect()
}

fn has_prefix(d: &Option<String>, p: &str) -> bool {
    d.as_deref().is_some_and(|d| d.starts_with(p))
}

#[test]
fn seed_events_are_dated() {
    let Some(v) = seed_view() else { return };
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
    let Some(v) = seed_view() else { return };
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
    let Some(v) = seed_view() else { return };
    let f =
        v.facts.iter().find(|f| f.value == 28500.0 && f.subject.contains("U.S. troops")).expect("28,500 U.S. troops");
    let mut s = short(&f.sources);
    s.sort();
    assert_eq!(s, vec!["002", "003", "004"], "{f:?}");
    assert!(f.conflicts.is_empty(), "{f:?}");
    // South Korea's own 450,000 troops are another subject, not a conflict.
    assert!(v.facts.iter().all(|f| f.conflicts.is_empty()), "{:#?}", v.facts);
    // They agree on the number but not on its bound: "around 28,500"
    // (Reuters via The Chenab Times), "the 28,500" (Reuters 2025), "over
    // 28,500" (MENAFN), each stated with its sources.
    let stated: Vec<(&str, &str, Vec<&str>)> =
        f.stated.iter().map(|st| (st.bound.as_str(), st.text.as_str(), short(&st.sources))).collect();
    assert_eq!(
        stated,
        vec![
            ("about", "around 28,500 American troops", vec!["002"]),
            ("exactly", "28,500 U.S. troops", vec!["003"]),
            ("more than", "over 28,500 American troops", vec!["004"]),
        ],
        "{f:?}"
    );
}

/// The story view of `texts` (id, text), one event, as the CLI builds it.
fn view_of(texts: &[(&str, &str)]) -> StoryView {
    let cfg = PipelineConfig::default();
    let prepared: Vec<Prepared> = texts
        .iter()
        .map(|(id, text)| {
            let raw = RawArticle { id: id.to_string(), text: text.to_string(), ..Default::default() };
            prepare(&raw, &cfg)
        })
        .collect();
    let members: Vec<StoryMember> = prepared
        .iter()
        .map(|p| StoryMember { article: &p.article, analysis: &p.analysis, event: 1, copy_of: None, paragraphs: &[] })
        .collect();
    build_view("s1", &members)
}

#[test]
fn values_sources_differ_on_are_a_conflict_but_one_pages_price_list_is_no_fact() {
    // Two reports give the same subject different values: a conflict.
    let v = view_of(&[
        ("a", "The storm left 300 people homeless in Karsvik, officials said on Monday."),
        ("b", "The storm left 450 people homeless in Karsvik, the mayor said on Monday."),
    ]);
    let f = v.facts.iter().find(|f| f.unit == "people").expect("a fact about people");
    assert_eq!(f.conflicts.len(), 1, "{:#?}", v.facts);
    // One page lists prices: several values of one subject from one
    // source are a list, not a fact the sources agree or differ on.
    let v = view_of(&[(
        "c",
        "Basic packing costs $75. Full packing costs $450. A long-distance move costs $8,000. \
         Storage costs $225 a month.",
    )]);
    assert!(v.facts.iter().all(|f| f.unit != "USD"), "{:#?}", v.facts);
}

#[test]
fn bounding_words_before_an_amount_are_read_as_its_bound() {
    use crate::model::Amount;
    let raw = "Officials said about 300 people came. Police counted some 310 people.";
    let amount = |text: &str| {
        let start = raw[..raw.find(text).unwrap()].chars().count();
        Amount { text: text.into(), value: 0.0, unit: "people".into(), start, end: start + text.chars().count() }
    };
    assert_eq!(super::facts::stated_bound(&amount("300 people"), raw), ("about", "about 300 people".to_string()));
    assert_eq!(super::facts::stated_bound(&amount("310 people"), raw), ("about", "some 310 people".to_string()));
    let raw2 = "No more than 40 boats left; the handsome 12 stayed.";
    let start = |t: &str| raw2[..raw2.find(t).unwrap()].chars().count();
    let a40 = Amount { text: "40 boats".into(), value: 40.0, unit: "boats".into(), start: start("40 boats"), end: 0 };
    assert_eq!(super::facts::stated_bound(&a40, raw2), ("up to", "No more than 40 boats".to_string()));
    let a12 = Amount { text: "12".into(), value: 12.0, unit: "boats".into(), start: start("12 stayed"), end: 0 };
    assert_eq!(super::facts::stated_bound(&a12, raw2).0, "exactly", "'handsome' ends in 'some' but is not it");
}

#[test]
fn seed_aliases_and_variants() {
    let Some(v) = seed_view() else { return };
    assert!(v
        .entities
        .iter()
        .any(|e| e.aliases.iter().any(|a| a == "Ahn Kyu-back") && e.aliases.iter().any(|a| a == "Ahn Gyu-back")));
    let sec = v.variants.iter().find(|x| x.canonical == "Secretary of Defense").expect("Secretary variants");
    assert!(sec.forms.iter().any(|f| f.text == "Secretary of War"), "{sec:?}");
    assert!(sec.forms.iter().any(|f| f.text == "Secretary of Defense"), "{sec:?}");
    assert_eq!(sec.explained_by, "alias table (renamed)");
    assert!(sec.holders.iter().any(|h| h == "Pete Hegseth"));
}

#[test]
fn seed_quotes_group_wordings() {
    let Some(v) = seed_view() else { return };
    let q = v.quotes.iter().find(|q| q.text.contains("A wide range of topics")).expect("ministry quote");
    assert_eq!(short(&q.sources), vec!["000", "003"], "{q:?}");
    assert!(q.wordings.iter().any(|w| w.text.contains("changing security environment and threats")));
}

#[test]
fn seed_summary_and_sources() {
    let Some(v) = seed_view() else { return };
    assert!(!v.title.is_empty());
    assert!(v.summary.contains("Nov. 4") || v.summary.contains("Seoul"), "{}", v.summary);
    assert_eq!(v.sources.len(), 5);
    let s0 = v.sources.iter().find(|s| s.article.starts_with("000")).unwrap();
    assert!(s0.machine_translated);
    assert_eq!(s0.outlet.as_deref(), Some("AJP"));
}

#[test]
fn copies_are_listed_under_their_original() {
    let Some(seeds) = prepared_seeds() else { return };
    let members: Vec<StoryMember> = seeds
        .iter()
        .map(|p| StoryMember {
            article: &p.article,
            analysis: &p.analysis,
            event: 1,
            copy_of: p
                .article
                .id
                .starts_with("003")
                .then_some(CopyOf { original: "000_3d5f58d5529388c6", kind: crate::dedup::DuplicateKind::Excerpt }),
            paragraphs: &[],
        })
        .collect();
    let v = build_view("s1", &members);
    let i = v.sources.iter().position(|s| s.article.starts_with("000")).unwrap();
    assert_eq!(short(&v.sources[i].copies), vec!["003"]);
    assert!(v.sources[i + 1].article.starts_with("003"));
    // A copy adds no source of its own to timeline or facts.
    assert!(v.timeline.iter().all(|t| !short(&t.sources).contains(&"003")));
    // What kind of copy it is, wherever the copy is shown.
    assert_eq!(v.sources[i + 1].duplicate_kind.as_deref(), Some("excerpt"));
    let text = render::to_text(&v);
    let line = text.lines().find(|l| l.trim_start().starts_with("003")).expect("the copy's line");
    assert!(line.ends_with("excerpt of 000_3d5f58d5529388c6"), "{line}");
    assert!(render::to_markdown(&v).contains("excerpt of 000\\_3d5f58d5529388c6"));
    assert!(render::to_html(&v).contains("excerpt of 000_3d5f58d5529388c6"));
    // One article is "1 article" (an entity of one article said "1 articles").
    let one = v.entities.iter().take(20).find(|e| e.articles.len() == 1).expect("a listed entity of one article");
    let entity = text.lines().find(|l| l.contains(&format!(" {} ", one.canonical))).expect("its line");
    assert!(entity.contains(" 1 article "), "{entity}");
    for out in [&text, &render::to_markdown(&v), &render::to_html(&v)] {
        assert!(!out.contains(" 1 articles") && !out.contains(" 1 events"), "{out}");
    }
}

#[test]
fn seed_view_snapshot() {
    let Some(v) = seed_view() else { return };
    insta::assert_json_snapshot!("seed_view", v);
}

#[test]
fn seed_html_report_has_the_timeline() {
    let Some(v) = seed_view() else { return };
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
    let raw = |id: &str, date: &str, body: String| {
        prepare(&RawArticle { id: id.into(), text: body, date: Some(date.into()), ..Default::default() }, &cfg)
    };
    let original =
        raw("a", "2025-11-04", format!("Ministers met in Seoul on Tuesday for the annual security talks.\n\n{wire}"));
    let local = raw("b", "2025-11-05", format!("Residents near the base in Pyeongtaek said they were watching the talks closely.\n\n{wire}\n\nThe city council will discuss noise complaints on Friday."));
    let copy = raw("c", "2025-11-05", original.article.text.clone());
    let dedup = crate::dedup::DedupConfig::default();
    let [sig_a, sig_b, sig_c] = [&original, &local, &copy].map(|p| crate::dedup::signature(&p.article, &dedup));
    let members = [
        StoryMember {
            article: &original.article,
            analysis: &original.analysis,
            event: 1,
            copy_of: None,
            paragraphs: &sig_a.paragraphs,
        },
        StoryMember {
            article: &local.article,
            analysis: &local.analysis,
            event: 1,
            copy_of: None,
            paragraphs: &sig_b.paragraphs,
        },
        StoryMember {
            article: &copy.article,
            analysis: &copy.analysis,
            event: 1,
            copy_of: Some(CopyOf { original: "a", kind: crate::dedup::DuplicateKind::Exact }),
            paragraphs: &sig_c.paragraphs,
        },
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
    // The source says what kind of copy it is; originals say nothing.
    assert_eq!(source("c").duplicate_kind.as_deref(), Some("exact"));
    assert_eq!(source("a").duplicate_kind, None);
}

/// A huge story (a few thousand articles, as the clusterer makes of a
/// long-running topic at 100k articles): the view lists every article in
/// events, entities and sources, folds the text of only the most recent
/// originals, says so, and merges what those share.
#[test]
fn huge_story_lists_every_article_and_folds_the_most_recent() {
    let cfg = PipelineConfig::default();
    let n = 3000;
    let start = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
    // Every 10th article is a copy of the one before it; each article has
    // its own dated sentence, and all share one dated statement and one
    // paragraph (a wire paragraph quoted by everyone).
    let prepared: Vec<Prepared> = (0..n)
        .map(|i| {
            let date = start + chrono::Days::new(i as u64 / 3);
            let text = format!(
                "Harbour workers in Karsvik walked out on {} over pay number {i} and shift rota {i}.\n\n\
                 The Karsvik harbour authority signed the dredging contract with Velmora Marine on June 14, 2019.\n\n\
                 Velmora Marine said the dredging work would keep the harbour open through the winter season.",
                date.format("%B %-d, %Y")
            );
            prepare(
                &RawArticle { id: format!("a{i:05}"), text, date: Some(date.to_string()), ..Default::default() },
                &cfg,
            )
        })
        .collect();
    let is_copy = |i: usize| i % 10 == 9;
    let ids: Vec<String> = (0..n).map(|i| format!("a{i:05}")).collect();
    let paragraphs: Vec<Vec<crate::dedup::ParagraphHash>> = (0..n)
        .map(|i| {
            vec![
                crate::dedup::ParagraphHash { index: 0, hash: 1_000_000 + i as u64 },
                crate::dedup::ParagraphHash { index: 2, hash: 7 },
            ]
        })
        .collect();
    let members: Vec<StoryMember> = prepared
        .iter()
        .enumerate()
        .map(|(i, p)| StoryMember {
            article: &p.article,
            analysis: &p.analysis,
            event: (i / 100) as u32,
            copy_of: is_copy(i)
                .then(|| CopyOf { original: ids[i - 1].as_str(), kind: crate::dedup::DuplicateKind::Near }),
            paragraphs: &paragraphs[i],
        })
        .collect();
    let story_cfg = StoryConfig::default();
    let max = story_cfg.max_folded_articles;
    let originals: Vec<&str> = (0..n).filter(|&i| !is_copy(i)).map(|i| ids[i].as_str()).collect();
    // Dates rise with the index, so the most recent originals are the last.
    let newest: BTreeSet<&str> = originals[originals.len() - max..].iter().copied().collect();

    let v = build_view_with("s9", &members, &story_cfg);

    assert_eq!((v.articles_total, v.articles_folded, v.truncated), (n, max, true));
    // Sources: every article once, each copy right after its original.
    assert_eq!(v.sources.len(), n);
    let listed: BTreeSet<&str> = v.sources.iter().map(|s| s.article.as_str()).collect();
    assert_eq!(listed.len(), n);
    for (k, s) in v.sources.iter().enumerate() {
        if let Some(o) = &s.duplicate_of {
            assert_eq!(&v.sources[k - 1].article, o, "copy {} not under its original", s.article);
            assert_eq!(v.sources[k - 1].copies, std::slice::from_ref(&s.article));
        }
    }
    // Events: all 30, each with its 100 articles in member order.
    assert_eq!(v.events.len(), n / 100);
    for (k, e) in v.events.iter().enumerate() {
        assert_eq!(e.articles, ids[k * 100..(k + 1) * 100], "event {}", e.id);
    }
    // Entities: the ones everybody names list every article once.
    let karsvik = v.entities.iter().find(|e| e.canonical == "Karsvik").expect("Karsvik entity");
    assert_eq!(karsvik.articles, ids);
    // Timeline: the shared 2019 statement (background: months before the
    // first article of 2020) is one entry with every folded original as a
    // source, and no entry cites an article left out.
    assert!(v.timeline.iter().all(|t| t.date != "2019-06-14"), "2019 is background, not the story's timeline");
    let contract = v.background.iter().find(|t| t.date == "2019-06-14").expect("2019-06-14 background entry");
    assert_eq!(contract.sources.iter().map(String::as_str).collect::<BTreeSet<_>>(), newest);
    assert_eq!(v.background.iter().filter(|t| t.date == "2019-06-14").count(), 1, "same dated fact not merged");
    for t in v.timeline.iter().chain(&v.background) {
        assert!(t.sources.iter().all(|s| newest.contains(s.as_str())), "{t:?} cites an article not folded");
    }
    // The oldest folded original's walk-out is on the timeline; an older one's is not.
    let oldest_folded = originals[originals.len() - max];
    let walkout =
        |id: &str| v.timeline.iter().any(|t| t.sources.iter().any(|s| s == id) && t.text.contains("walked out"));
    assert!(walkout(oldest_folded));
    assert!(!walkout(originals[originals.len() - max - 1]));
    // Reuse: everyone prints the wire paragraph after a00000; copies are
    // copies, not reuse, and the sources named are the earliest ones.
    let first_printers: Vec<String> =
        originals[..crate::dedup::DedupConfig::default().max_reuse_sources].iter().map(|s| s.to_string()).collect();
    for s in &v.sources {
        if s.duplicate_of.is_some() || s.article == "a00000" {
            assert!(s.reused.is_empty(), "{} should reuse nothing", s.article);
        } else {
            assert_eq!(s.reused.len(), 1, "{}", s.article);
            let expect: Vec<String> = first_printers.iter().filter(|p| **p < s.article).cloned().collect();
            assert_eq!(s.reused[0].found_in, expect, "{}", s.article);
        }
    }
    // A cap above the story's size folds everything and says so.
    let all = build_view_with("s9", &members[..50], &story_cfg);
    assert_eq!((all.articles_total, all.articles_folded, all.truncated), (50, 45, false));
}

#[test]
fn seed_sources_have_headlines_and_background_years_leave_the_timeline() {
    let Some(v) = seed_view() else { return };
    for s in &v.sources {
        assert!(!s.title.trim().is_empty(), "{} has no headline", s.article);
    }
    // 000 has no title line: its headline is made from its lead, without
    // the dateline.
    let s000 = v.sources.iter().find(|s| s.article.starts_with("000")).unwrap();
    assert!(s000.title.starts_with("South Korean and U.S. defense chiefs"), "{}", s000.title);
    assert_eq!(s000.outlet.as_deref(), Some("AJP"));
    // The story begins in December 2021: the Korean War (1950), 1961 and
    // 1968 are background, not the story's happenings.
    for t in &v.timeline {
        assert!(t.date.as_str() >= "2021-10", "{} on the timeline: {}", t.date, t.text);
    }
    for y in ["1950", "1961", "1968"] {
        assert!(v.background.iter().any(|t| t.date == y), "{y} not in the background: {:#?}", v.background);
    }
    // The most complete original is the one to read first.
    let longest = v.sources.iter().max_by_key(|s| seeds_text_words(&s.article)).map(|s| s.article.clone());
    assert_eq!(v.read_first, longest);
}

fn seeds_text_words(id: &str) -> usize {
    // Only called once the test has the seeds.
    prepared_seeds()
        .into_iter()
        .flatten()
        .find(|p| p.article.id == id)
        .map_or(0, |p| p.article.text.split_whitespace().count())
}

#[test]
fn seed_report_folds_background_away_from_the_timeline_and_names_sources_by_headline() {
    let Some(v) = seed_view() else { return };
    let html = render::to_html(&v);
    let bg = html.find("<details id=\"background\"").expect("a collapsed background list");
    let first_1950 = html.find("data-date=\"1950\"").expect("1950 is listed in the background");
    assert!(first_1950 > bg, "1950 appears before the background list (on the timeline)");
    let s000 = v.sources.iter().find(|s| s.article.starts_with("000")).unwrap();
    assert!(html.contains(&render::escape_html(&s000.title)), "the lead-made headline names the source");
    assert!(html.contains("read first"));
    let text = render::to_text(&v);
    assert!(text.contains("Background (before the story began)"));
}
