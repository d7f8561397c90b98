//! Stage tests over the seed articles and real news sentences (ECB+).

use chrono::NaiveDate;

use super::*;
use crate::model::{EntityType, TimexType};
use crate::test_data::shared;

struct Seed {
    id: String,
    text: String,
    date: Option<NaiveDate>,
}

/// The dated seeds from ../shared (`None`: absent, the test is skipped).
fn seeds() -> Option<Vec<Seed>> {
    let seeds = shared("data/seeds-dated.jsonl")?;
    let seeds = seeds
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
        .collect();
    Some(seeds)
}

/// All seeds analysed and folded through one registry, in order.
fn analysed() -> Option<Vec<(Seed, Analysis)>> {
    let cfg = AnalyzeConfig::default();
    let mut reg = AliasRegistry::new(&cfg);
    let all = seeds()?
        .into_iter()
        .map(|s| {
            let mut a = analyze_text(&s.text, s.date, &cfg);
            reg.fold(&mut a, &s.text, s.date);
            (s, a)
        })
        .collect();
    Some(all)
}

fn canon_of(a: &Analysis, text: &str) -> Option<String> {
    a.entities.iter().find(|e| e.text == text).map(|e| e.canonical.clone())
}

fn time_of(a: &Analysis, text: &str) -> Option<String> {
    a.times.iter().find(|t| t.text == text).map(|t| t.value.clone())
}

#[test]
fn offsets_are_exact_on_all_seeds() {
    let Some(all) = analysed() else { return };
    for (s, a) in all {
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

/// What `storyline analyze` prints comes from the cleaned article: the
/// photo captions cleaning cuts (001: `Then-Defense Minister Kim Yong-hyun
/// ...`, `... in Seoul on Sept. 24. [MINISTRY OF NATIONAL DEFENSE]`) are
/// still analysed, with offsets into the text as given.
#[test]
fn captions_cut_by_cleaning_are_still_analysed() {
    let Some(seeds) = shared("data/seeds-dated.jsonl") else { return };
    let line = seeds.lines().nth(1).expect("seed 001");
    let v: serde_json::Value = serde_json::from_str(line).unwrap();
    let raw = crate::RawArticle {
        id: v["id"].as_str().unwrap().into(),
        text: v["text"].as_str().unwrap().into(),
        date: v["date"].as_str().map(str::to_string),
        ..Default::default()
    };
    let article = crate::clean::clean(&raw, &crate::clean::CleanConfig::default());
    assert!(article
        .removed
        .iter()
        .any(|r| r.reason == crate::model::RemovalReason::Caption && r.text.contains("Kim Yong-hyun")));
    let a = analyze_article(&article, &AnalyzeConfig::default());
    assert_eq!(time_of(&a, "Sept. 24").as_deref(), Some("2025-09-24"));
    let kim = a.entities.iter().find(|e| e.text == "Kim Yong-hyun").expect("Kim Yong-hyun from the caption");
    let chars: Vec<char> = raw.text.chars().collect();
    assert_eq!(chars[kim.start..kim.end].iter().collect::<String>(), "Kim Yong-hyun");
    assert_ne!(kim.canonical, canon_of(&a, "Ahn Gyu-back").expect("Ahn Gyu-back"));
}

#[test]
fn ahn_variants_share_one_canonical_across_articles() {
    let Some(all) = analysed() else { return };
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
    let Some(all) = analysed() else { return };
    let c = canon_of(&all[0].1, "Pete Hegseth").expect("000 names Pete Hegseth");
    assert_eq!(canon_of(&all[0].1, "Hegseth").as_deref(), Some(c.as_str()));
    for i in [1, 3, 4] {
        assert_eq!(canon_of(&all[i].1, "Hegseth").as_deref(), Some(c.as_str()), "seed {i}");
    }
}

#[test]
fn opcon_variants_share_one_canonical() {
    let Some(all) = analysed() else { return };
    let c = canon_of(&all[0].1, "OPCON").expect("000 names OPCON");
    assert_eq!(canon_of(&all[0].1, "wartime operational control").as_deref(), Some(c.as_str()));
    assert_eq!(canon_of(&all[1].1, "Opcon").as_deref(), Some(c.as_str()));
    assert_eq!(canon_of(&all[1].1, "wartime operational control").as_deref(), Some(c.as_str()));
    let usfk = canon_of(&all[0].1, "USFK").expect("USFK");
    assert_eq!(usfk, "U.S. Forces Korea");
}

#[test]
fn seed_times_resolve_against_publication_dates() {
    let Some(all) = analysed() else { return };
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
    let Some(all) = analysed() else { return };
    for i in [2, 3, 4] {
        let a = all[i]
            .1
            .amounts
            .iter()
            .find(|a| a.text.contains("28,500"))
            .unwrap_or_else(|| panic!("seed {i}: {:?}", all[i].1.amounts));
        assert_eq!((a.value, a.unit.as_str()), (28500.0, "troops"), "seed {i}");
    }
}

#[test]
fn seed_quotes_have_speakers() {
    let Some(all) = analysed() else { return };
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
            Paragraph {
                text: p2.into(),
                kind: ParagraphKind::Body,
                raw_start: Some(raw.chars().count() - p2.chars().count()),
            },
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
    let Some(all) = analysed() else { return };
    let a = &all[1].1;
    let kind = |t: &str| a.entities.iter().find(|e| e.text == t).map(|e| e.kind);
    assert_eq!(kind("Jin Yong-sung"), Some(EntityType::Person));
    assert_eq!(kind("Seoul"), Some(EntityType::Place));
    assert_eq!(kind("Ministry of National Defense"), Some(EntityType::Org));
    assert!(!a
        .entities
        .iter()
        .any(|e| matches!(e.text.as_str(), "The" | "In" | "This" | "Established" | "Discussions")));
    let w = &all[0].1;
    assert_eq!(canon_of(w, "U.S. Department of War").as_deref(), Some("U.S. Department of Defense"));
}

/// Prints the seed analyses; run with `--ignored --nocapture` to review.
#[test]
#[ignore]
fn dump_seeds() {
    let Some(all) = analysed() else { return };
    for (s, a) in all {
        println!("== {}", s.id);
        for e in &a.entities {
            println!("E {:?} {:?} -> {}", e.kind, e.text, e.canonical);
        }
        for t in &a.times {
            println!("T {:?} {:?} {}", t.kind, t.text, t.value);
        }
        for q in &a.quotes {
            println!("Q {:?} <- {:?}", q.text, q.speaker);
        }
        for m in &a.amounts {
            println!("A {:?} {} {}", m.text, m.value, m.unit);
        }
    }
}

/// Real news sentences (ECB+ corpus, CC BY 3.0) with hand-annotated TIMEX3
/// values against a chosen reference date.
#[test]
fn ecbplus_sentences_time_kinds() {
    let cfg = AnalyzeConfig::default();
    let cases: &[(&str, (i32, u32, u32), &[(&str, TimexType, &str)])] = &[
        ("Police said Lo Presti had hanged himself late on Tuesday night.", (2008, 12, 5),
            &[("Tuesday night", TimexType::Time, "2008-12-02TNI")]),
        ("LaCalamita had been fired last Thursday as a general accountant at the firm.", (2008, 12, 12),
            &[("last Thursday", TimexType::Date, "2008-12-11")]),
        ("The producers of the Academy Awards telecast announced Friday that Ellen DeGeneres would return next year to host the annual Oscar ceremony.", (2013, 8, 2),
            &[("Friday", TimexType::Date, "2013-08-02"), ("next year", TimexType::Date, "2014"), ("annual", TimexType::Set, "P1Y")]),
        ("Three years ago, Reid, who has launched a new fashion line called Mantra in September, opened up about her party girl image.", (2008, 11, 10),
            &[("Three years ago", TimexType::Date, "2005"), ("September", TimexType::Date, "2008-09")]),
        ("Hiller has worked for Kraft for about 15 years, Clark said.", (2010, 9, 10),
            &[("15 years", TimexType::Duration, "P15Y")]),
        ("Catherine Hillgen said Hiller moved in with her son but recently has been living alone.", (2010, 9, 10),
            &[("recently", TimexType::Date, "PAST_REF")]),
        ("Additionally, it said the number of victims was increasing at a rate of 50 percent daily.", (2010, 9, 10),
            &[("daily", TimexType::Set, "P1D")]),
        ("Thieves pulled off a two million - euro jewellery heist in central Paris on Monday morning.", (2008, 12, 9),
            &[("Monday morning", TimexType::Time, "2008-12-08TMO")]),
        ("The company said it will release the results on Oct. 14 and hold a call next week.", (2013, 10, 2),
            &[("Oct. 14", TimexType::Date, "2013-10-14"), ("next week", TimexType::Date, "2013-W41")]),
        ("The quake struck on December 26, 2004, and the region is now rebuilding.", (2005, 6, 1),
            &[("December 26, 2004", TimexType::Date, "2004-12-26"), ("now", TimexType::Date, "PRESENT_REF")]),
    ];
    for (text, (y, m, d), want) in cases {
        let a = analyze_text(text, NaiveDate::from_ymd_opt(*y, *m, *d), &cfg);
        for (t, kind, value) in *want {
            let got = a
                .times
                .iter()
                .find(|x| x.text == *t)
                .unwrap_or_else(|| panic!("{t:?} not found in {text:?}: {:?}", a.times));
            assert_eq!((got.kind, got.value.as_str()), (*kind, *value), "{text}");
        }
    }
}

#[test]
fn ecbplus_sentences_entities_and_amounts() {
    let cfg = AnalyzeConfig::default();
    let t = "He was found dead in a cell in Palermo's Pagliarelli prison late on Tuesday night, just hours after being picked up during raids by 1,200 police backed up by helicopters.";
    let a = analyze_text(t, None, &cfg);
    assert!(a.amounts.iter().any(|x| x.value == 1200.0 && x.unit == "police"), "{:?}", a.amounts);
    let t = "“ I believe I’m going to play in the NBA, but I have to do it when I feel I’m 100 percent ready, ” McDermott said.";
    let a = analyze_text(t, None, &cfg);
    assert!(a.amounts.iter().any(|x| x.value == 100.0 && x.unit == "percent"));
    assert_eq!(a.quotes.len(), 1, "{:?}", a.quotes);
    assert_eq!(a.quotes[0].speaker.as_deref(), Some("McDermott"));
    let t = "Thieves pulled off a jewellery heist in central Paris on Monday morning, police said.";
    let a = analyze_text(t, None, &cfg);
    assert!(a.entities.iter().any(|e| e.text == "Paris" && e.kind == EntityType::Place));
    assert!(!a.entities.iter().any(|e| e.text == "Monday" || e.text == "Thieves"), "{:?}", a.entities);
}

/// Rough speed check; run with `cargo test --release -- --ignored timing`.
#[test]
#[ignore]
fn timing_per_article() {
    let cfg = AnalyzeConfig::default();
    let Some(s) = seeds() else { return };
    let _ = analyze_text(&s[0].text, s[0].date, &cfg); // build the automata once
    let n = 200;
    let t0 = std::time::Instant::now();
    for _ in 0..n {
        for x in &s {
            std::hint::black_box(analyze_text(&x.text, x.date, &cfg));
        }
    }
    let per = t0.elapsed() / (n * s.len() as u32);
    println!("analyze_text per seed article: {per:?}");
}

/// Per-recogniser share of the time; run like [`timing_per_article`].
#[test]
#[ignore]
fn timing_per_stage() {
    let cfg = AnalyzeConfig::default();
    let Some(s) = seeds() else { return };
    let n = 200u32;
    let m = n * s.len() as u32;
    let _ = analyze_text(&s[0].text, s[0].date, &cfg);
    let t = std::time::Instant::now();
    for _ in 0..n {
        for x in &s {
            std::hint::black_box(entities::recognise(&x.text, &cfg));
        }
    }
    println!("entities {:?}", t.elapsed() / m);
    let t = std::time::Instant::now();
    for _ in 0..n {
        for x in &s {
            std::hint::black_box(times::extract(&x.text, x.date));
        }
    }
    println!("times {:?}", t.elapsed() / m);
    let t = std::time::Instant::now();
    for _ in 0..n {
        for x in &s {
            std::hint::black_box(amounts::extract(&x.text, &[]));
        }
    }
    println!("amounts {:?}", t.elapsed() / m);
}

/// Real crawled news is the best fuzzer: every development article goes
/// through analysis without a panic and with offsets that slice exactly.
#[test]
fn development_corpora_analyse_without_panics_and_with_exact_offsets() {
    let (Some(ecb), Some(gva)) = (shared("data/events/ecbplus-dev.jsonl"), shared("data/events/gva-dev.jsonl")) else {
        return;
    };
    let corpora = [ecb, gva];
    let cfg = AnalyzeConfig::default();
    let mut n = 0;
    for corpus in &corpora {
        for line in corpus.lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            let text = v["text"].as_str().unwrap_or("");
            let date = v["date"].as_str().and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
            let a = analyze_text(text, date, &cfg);
            let chars: Vec<char> = text.chars().collect();
            for (s, e, t) in a
                .entities
                .iter()
                .map(|m| (m.start, m.end, &m.text))
                .chain(a.times.iter().map(|m| (m.start, m.end, &m.text)))
            {
                assert_eq!(&chars[s..e].iter().collect::<String>(), t, "offsets in {}", v["id"]);
            }
            n += 1;
        }
    }
    assert!(n > 6000);
}

fn cleaned(text: &str) -> crate::Article {
    let raw = crate::RawArticle { id: "x".into(), text: text.into(), ..Default::default() };
    crate::clean::clean(&raw, &crate::clean::CleanConfig::default())
}

#[test]
fn german_text_gets_years_but_no_english_only_stages() {
    let a = cleaned(
        "Die Bundesregierung hat am Montag beschlossen, 11 de Millionen Euro für die Sanierung der Brücken \
         bereitzustellen. „Wir müssen jetzt handeln“, sagte die Verkehrsministerin in Berlin. Die Arbeiten \
         sollen am 2025-03-17 beginnen und bis zum Jahr 2027 dauern, wie das Ministerium mitteilte.",
    );
    assert_eq!(a.language, "de");
    let an = analyze_article(&a, &AnalyzeConfig::default());
    assert!(an.quotes.is_empty(), "{:?}", an.quotes);
    assert!(an.amounts.is_empty(), "{:?}", an.amounts);
    // every German noun is capitalised: capital-span entities would be nouns
    assert!(an.entities.is_empty(), "{:?}", an.entities);
    assert!(an.times.iter().any(|t| t.value == "2027"), "{:?}", an.times);
}

#[test]
fn french_text_gets_entities_but_no_quotes_or_amounts() {
    let a = cleaned(
        "Le président Emmanuel Macron a rencontré le chancelier Olaf Scholz à Paris le 2025-03-17 pour \
         discuter de 705 millions d'euros d'aide. « Nous devons agir ensemble », a déclaré Emmanuel Macron \
         devant les journalistes, selon le communiqué publié par l'Élysée dans la soirée de lundi.",
    );
    assert_eq!(a.language, "fr");
    let an = analyze_article(&a, &AnalyzeConfig::default());
    assert!(an.quotes.is_empty(), "{:?}", an.quotes);
    assert!(an.amounts.is_empty(), "{:?}", an.amounts);
    assert!(an.entities.iter().any(|e| e.text.contains("Macron")), "{:?}", an.entities);
}

#[test]
fn stages_by_language() {
    assert_eq!(Stages::for_language("en"), Stages::ALL);
    assert_eq!(Stages::for_language(""), Stages::ALL);
    let de = Stages::for_language("de");
    assert!(!de.entities && !de.quotes && !de.amounts && de.times);
    let fr = Stages::for_language("fr");
    assert!(fr.entities && !fr.quotes && !fr.amounts && fr.times);
    assert!(!Stages::for_language("zh").entities);
}
