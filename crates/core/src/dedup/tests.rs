use super::minhash::{fold_spelling, normalize_into};
use super::*;
use crate::clean::{clean, CleanConfig};
use crate::model::RawArticle;
use crate::test_data::seeds;

fn article(id: &str, text: &str) -> Article {
    clean(&RawArticle { id: id.into(), text: text.into(), ..Default::default() }, &CleanConfig::default())
}

/// An article whose paragraphs are exactly `paras` (no cleaning).
fn article_of(id: &str, paras: &[&str]) -> Article {
    let text = paras.join("\n\n");
    Article {
        id: id.into(),
        paragraphs: paras
            .iter()
            .map(|p| crate::model::Paragraph {
                text: p.to_string(),
                kind: crate::model::ParagraphKind::Body,
                raw_start: None,
            })
            .collect(),
        text,
        ..Default::default()
    }
}

const BASE: [&str; 6] = [
    "South Korean and U.S. defense chiefs will meet in Seoul next week for their annual Security Consultative Meeting, the Ministry of National Defense said on Monday.",
    "The talks will cover key military policies, a combined defense posture, extended deterrence and the transfer of wartime operational control to the Korean military.",
    "Officials said the allies plan to modernize the alliance and organize new exercises, and to discuss the role of the 28,500 American troops stationed in the country.",
    "A ministry official said the meeting would be the first since the new administrations of both countries took office earlier this year and would set the agenda for the coming decade.",
    "Analysts in Seoul expect the defense industry, shipbuilding cooperation and cost sharing for the troops to feature prominently in the joint communique issued after the talks.",
    "The two ministers are also expected to visit a joint command center near the border and meet troops stationed there before the leaders' summit later in the month.",
];

fn run(docs: &[(&str, Article)]) -> Vec<Option<DuplicateMatch>> {
    let cfg = DedupConfig::default();
    let mut index = DedupIndex::new(&cfg);
    docs.iter().map(|(id, a)| index.observe(id, &signature(a, &cfg), &DocMeta::of(a))).collect()
}

fn dup_of(original: &Article, copy: &Article) -> Option<DuplicateMatch> {
    run(&[("orig", original.clone()), ("copy", copy.clone())]).pop().unwrap()
}

fn assert_dup(copy_paras: &[&str], what: &str) {
    let m = dup_of(&article_of("orig", &BASE), &article_of("copy", copy_paras));
    let m = m.unwrap_or_else(|| panic!("{what}: copy not detected"));
    assert_eq!(m.original, "orig", "{what}");
}

#[test]
fn exact_copy_with_other_typography_is_exact() {
    let upper: Vec<String> = BASE.iter().map(|p| p.to_uppercase().replace('.', " .")).collect();
    let upper: Vec<&str> = upper.iter().map(String::as_str).collect();
    let m = dup_of(&article_of("orig", &BASE), &article_of("copy", &upper)).unwrap();
    assert_eq!((m.kind, m.score), (DuplicateKind::Exact, 1.0));
}

#[test]
fn trimmed_copy_is_near() {
    assert_dup(&BASE[..4], "trimmed");
    let m = dup_of(&article_of("orig", &BASE), &article_of("copy", &BASE[..4])).unwrap();
    assert_eq!(m.kind, DuplicateKind::Near);
}

#[test]
fn copy_with_inserted_paragraph_and_boilerplate_is_near() {
    let mut paras = vec!["Breaking News | The Daily Courier | Sign up for our morning briefing"];
    paras.extend_from_slice(&BASE[..3]);
    paras.push("Separately, the finance ministry said exports rose for a third month in October on strong demand for semiconductors and cars.");
    paras.extend_from_slice(&BASE[3..]);
    paras.push("Copyright 2025 The Daily Courier. All rights reserved. This material may not be published, broadcast, rewritten or redistributed.");
    assert_dup(&paras, "inserted paragraph + boilerplate");
}

#[test]
fn reordered_copy_is_near() {
    let paras = [BASE[0], BASE[4], BASE[2], BASE[1], BASE[5], BASE[3]];
    assert_dup(&paras, "reordered");
}

#[test]
fn retitled_copy_is_exact() {
    let mut a = article_of("orig", &BASE);
    a.title = "Allies to meet".into();
    let mut b = article_of("copy", &BASE);
    b.title = "Defense chiefs set for Seoul talks".into();
    assert_eq!(dup_of(&a, &b).unwrap().kind, DuplicateKind::Exact);
}

#[test]
fn respelled_copy_with_changed_words_is_near() {
    let british: Vec<String> = BASE
        .iter()
        .map(|p| {
            p.replace("defense", "defence")
                .replace("modernize", "modernise")
                .replace("organize", "organise")
                .replace("center", "centre")
                .replace("said", "stated")
        })
        .collect();
    let british: Vec<&str> = british.iter().map(String::as_str).collect();
    assert_dup(&british, "respelled");
}

#[test]
fn unrelated_and_same_event_articles_are_not_duplicates() {
    let same_event = [
        "Defense Minister Ahn Gyu-back and U.S. Defense Secretary Pete Hegseth met in Seoul on Tuesday for the annual Security Consultative Meeting and agreed to expand cooperation.",
        "The ministers discussed the transfer of wartime operational control, extended deterrence and shipbuilding, according to a joint statement released after the talks.",
        "Hegseth later flew to the demilitarized zone, where he met American troops and South Korean officers, before leaving for Tokyo on Wednesday evening.",
    ];
    let unrelated = [
        "A powerful earthquake struck southern Iran on Sunday, killing at least ten people and damaging several villages on Qeshm island, state media said.",
        "Rescue teams were sent to the area and the Red Crescent set up tents for residents whose homes were damaged, officials in Bandar Abbas said.",
    ];
    let out = run(&[
        ("base", article_of("base", &BASE)),
        ("same", article_of("same", &same_event)),
        ("other", article_of("other", &unrelated)),
    ]);
    assert!(out.iter().all(Option::is_none), "{out:?}");
}

#[test]
fn seeds_are_pairwise_not_duplicates() {
    let Some(seeds) = seeds() else { return };
    let docs: Vec<(String, Article)> =
        seeds.iter().enumerate().map(|(i, t)| (format!("seed{i}"), article(&format!("seed{i}"), t))).collect();
    let cfg = DedupConfig::default();
    let sigs: Vec<Signature> = docs.iter().map(|(_, a)| signature(a, &cfg)).collect();
    for i in 0..sigs.len() {
        for j in 0..sigs.len() {
            if i == j {
                continue;
            }
            let mut index = DedupIndex::new(&cfg);
            index.observe("a", &sigs[i], &DocMeta::default());
            assert_eq!(index.observe("b", &sigs[j], &DocMeta::default()), None, "seed {i} vs seed {j}");
            let j_est = minhash::estimate_jaccard(&sigs[i].minhash, &sigs[j].minhash);
            assert!(j_est < 0.15, "seed {i} vs {j}: jaccard {j_est}");
            // Seeds 0, 1 and 3 report one event and share a few phrases:
            // far from the share that makes an excerpt.
            let shared = sigs[i].sample.iter().filter(|h| sigs[j].sample.binary_search(h).is_ok()).count() as f32;
            let share = shared / sigs[i].sample.len().min(sigs[j].sample.len()) as f32;
            assert!(share < 0.2, "seed {i} vs {j}: {shared} shared samples ({share})");
        }
    }
}

#[test]
fn seed_with_repeated_body_has_the_signature_of_its_single_copy() {
    // Seed 000 repeats its body; its signature must not depend on whether
    // the cleaner dropped the repeat.
    let Some([raw, ..]) = seeds() else { return };
    let lines: Vec<&str> = raw.lines().filter(|l| !l.trim().is_empty()).collect();
    let repeated = article_of("r", &lines);
    let mut once: Vec<&str> = Vec::new();
    for l in &lines {
        if !once.contains(l) {
            once.push(l);
        }
    }
    let single = article_of("s", &once);
    let cfg = DedupConfig::default();
    let (a, b) = (signature(&repeated, &cfg), signature(&single, &cfg));
    assert_eq!(a.exact, b.exact);
    assert_eq!(a.minhash, b.minhash);
    assert_eq!(a.band_keys, b.band_keys);
    assert_eq!(
        a.paragraphs.iter().map(|p| p.hash).collect::<Vec<_>>(),
        b.paragraphs.iter().map(|p| p.hash).collect::<Vec<_>>()
    );
}

#[test]
fn chain_points_to_root() {
    let b_paras: Vec<&str> = BASE[..5].to_vec();
    let mut c_paras = b_paras.clone();
    c_paras.insert(
        2,
        "Meanwhile the central bank left interest rates unchanged on Thursday, citing uncertainty over trade.",
    );
    let out = run(&[("a", article_of("a", &BASE)), ("b", article_of("b", &b_paras)), ("c", article_of("c", &c_paras))]);
    assert_eq!(out[1].as_ref().unwrap().original, "a");
    assert_eq!(out[2].as_ref().unwrap().original, "a");
}

#[test]
fn earlier_publication_arriving_late_becomes_the_original() {
    let cfg = DedupConfig::default();
    let mut index = DedupIndex::new(&cfg);
    let a = article_of("a", &BASE);
    let b = article_of("b", &BASE[..5]);
    let c = article_of("c", &BASE[1..]);
    let day = |d| NaiveDate::from_ymd_opt(2025, 11, d);
    index.observe("a", &signature(&a, &cfg), &DocMeta { published: day(5), ..Default::default() });
    index.observe("b", &signature(&b, &cfg), &DocMeta { published: day(6), ..Default::default() });
    let m = index.observe("c", &signature(&c, &cfg), &DocMeta { published: day(3), ..Default::default() });
    assert_eq!(m, None);
    let mut moved: Vec<(String, String)> =
        index.take_reassigned().into_iter().map(|(id, m)| (id, m.original)).collect();
    moved.sort();
    assert_eq!(moved, vec![("a".into(), "c".into()), ("b".into(), "c".into())]);
    assert_eq!(index.original_of("b"), Some("c"));
    assert_eq!(index.original_of("c"), None);
}

#[test]
fn wire_credit_makes_a_copy_syndicated() {
    let a = article_of("a", &BASE);
    let mut b = article_of("b", &BASE[..5]);
    b.wire_credits = vec!["Reuters".into()];
    let m = dup_of(&a, &b).unwrap();
    assert_eq!((m.original.as_str(), m.kind, m.syndicated), ("orig", DuplicateKind::Near, true));
    // And a credited original makes its verbatim copies syndicated too.
    let mut a = article_of("a", &BASE);
    a.wire_credits = vec!["The Tribune via feeds".into()];
    let m = dup_of(&a, &article_of("b", &BASE)).unwrap();
    assert_eq!((m.kind, m.syndicated), (DuplicateKind::Exact, true));
    assert!(!dup_of(&article_of("a", &BASE), &article_of("b", &BASE)).unwrap().syndicated);
}

#[test]
fn partial_reuse_reports_paragraphs_and_sources() {
    let cfg = DedupConfig::default();
    let mut index = DedupIndex::new(&cfg);
    let a = article_of("a", &BASE);
    index.observe("a", &signature(&a, &cfg), &DocMeta::default());
    let quoting = article_of(
        "q",
        &[
            "Markets in Asia rose on Monday as investors awaited central bank decisions in Washington and Tokyo later this week.",
            BASE[1],
            "Oil prices were steady after a week of gains, traders said, while the dollar eased against the yen and the euro.",
            "Short line.",
            BASE[3],
            EXTRA[0],
        ],
    );
    let sig = signature(&quoting, &cfg);
    let reuse = index.reused_paragraphs("q", &sig);
    assert_eq!(
        reuse,
        vec![
            ParagraphReuse { paragraph: 1, found_in: vec!["a".into()] },
            ParagraphReuse { paragraph: 4, found_in: vec!["a".into()] },
        ]
    );
    // Two paragraphs of five longer ones: partial reuse, not a copy (an
    // article mostly made of another one's paragraphs is an excerpt).
    assert_eq!(index.observe("q", &sig, &DocMeta::default()), None, "two reused paragraphs are not a duplicate");
}

#[test]
fn empty_and_one_word_texts_never_match_and_never_panic() {
    let cfg = DedupConfig::default();
    let mut index = DedupIndex::new(&cfg);
    for (i, t) in ["", "   ", "Photos", "Photos", "—", "", "a b c d e f g h i j k l"].iter().enumerate() {
        let a = article(&i.to_string(), t);
        let sig = signature(&a, &cfg);
        let m = index.observe(&i.to_string(), &sig, &DocMeta::of(&a));
        assert!(m.is_none() || i == 6, "{i}: {m:?}");
        let _ = index.reused_paragraphs("x", &sig);
    }
    assert!(signature(&article("e", ""), &cfg).minhash.is_empty());
}

#[test]
fn signatures_are_deterministic_with_a_golden_value() {
    let cfg = DedupConfig::default();
    let a = article_of("a", &BASE);
    let s1 = signature(&a, &cfg);
    let s2 = signature(&a.clone(), &cfg);
    assert_eq!(s1, s2);
    assert_eq!(s1.exact, xxhash_rust::xxh3::xxh3_128(crate::text::normalize_for_hash(&a.text).as_bytes()));
    // Golden values: a change of hash function, seed, shingling or folding
    // must be deliberate (bump SIGNATURE_VERSION and update these).
    assert_eq!(format!("{:032x}", s1.exact), GOLDEN_EXACT);
    assert_eq!(s1.band_keys[0], GOLDEN_BAND0);
    assert_eq!(&s1.minhash[..4], &GOLDEN_MINHASH4);
    assert_eq!(s1.minhash.len(), 120);
    assert_eq!(s1.band_keys.len(), 40);
    assert_eq!(s1.size_bytes(), 824 + 12 * 6 + 4 * s1.sample.len());
}

const GOLDEN_EXACT: &str = "c71ee2918faa4afa1be86154f85db257";
const GOLDEN_BAND0: u64 = 13510382815102295901;
const GOLDEN_MINHASH4: [u32; 4] = [1922091172, 553102340, 1003194066, 2294045809];

#[test]
fn signature_round_trips_through_json() {
    let sig = signature(&article_of("a", &BASE), &DedupConfig::default());
    let json = serde_json::to_string(&sig).unwrap();
    assert!(json.contains(&format!("\"{:032x}\"", sig.exact)));
    assert_eq!(serde_json::from_str::<Signature>(&json).unwrap(), sig);
}

#[test]
fn restore_rebuilds_the_index_without_deciding() {
    let cfg = DedupConfig::default();
    let docs = [("a", article_of("a", &BASE)), ("b", article_of("b", &BASE[..5])), ("c", article_of("c", &BASE[1..]))];
    let mut live = DedupIndex::new(&cfg);
    let results: Vec<Option<DuplicateMatch>> =
        docs.iter().map(|(id, a)| live.observe(id, &signature(a, &cfg), &DocMeta::of(a))).collect();
    let mut rebuilt = DedupIndex::new(&cfg);
    for ((id, a), m) in docs.iter().zip(&results) {
        rebuilt.restore(id, &signature(a, &cfg), &DocMeta::of(a), m.as_ref());
    }
    let d = article_of("d", &BASE[..4]);
    let sig = signature(&d, &cfg);
    assert_eq!(live.observe("d", &sig, &DocMeta::default()), rebuilt.observe("d", &sig, &DocMeta::default()));
    assert_eq!(rebuilt.original_of("c"), Some("a"));
}

#[test]
fn ascii_fast_path_normalises_like_the_shared_helper() {
    for t in [
        "Hello,  World!",
        "  A -- b  ",
        "U.S. troops: 28,500",
        "",
        "x",
        "“Curly” quotes’ here",
        "ÉCOLE Ｆｕｌｌ",
        "Ahn Kyu-back — Séoul",
        "e\u{301}cole",
        "İstanbul ΣΑΣ",
    ] {
        let mut out = String::new();
        normalize_into(t, &mut out);
        assert_eq!(out, crate::text::normalize_for_hash(t), "{t:?}");
    }
}

#[test]
fn spelling_folds_meet() {
    for (uk, us) in [
        ("defence", "defense"),
        ("organised", "organized"),
        ("colour", "color"),
        ("centre", "center"),
        ("travelled", "traveled"),
        ("programme", "program"),
        ("modernisation", "modernization"),
    ] {
        assert_eq!(fold_spelling(uk).unwrap_or(uk.into()), fold_spelling(us).unwrap_or(us.into()), "{uk}/{us}");
    }
    for unchanged in ["said", "the", "meeting", "troops", "u", "28"] {
        assert_eq!(fold_spelling(unchanged), None, "{unchanged}");
    }
}

#[test]
fn containment_catches_a_copy_padded_past_the_jaccard_threshold() {
    // The original's four paragraphs plus six new ones: Jaccard about 0.4,
    // containment of the original in the copy 1.
    let mut padded: Vec<&str> = BASE[..4].to_vec();
    padded.extend_from_slice(&EXTRA[..6]);
    let cfg = DedupConfig::default();
    let (a, b) = (article_of("orig", &BASE[..4]), article_of("copy", &padded));
    let (sa, sb) = (signature(&a, &cfg), signature(&b, &cfg));
    let jaccard = minhash::estimate_jaccard(&sa.minhash, &sb.minhash);
    assert!(jaccard < cfg.near_jaccard, "test needs a Jaccard under the threshold, got {jaccard}");
    let m = dup_of(&a, &b).expect("padded copy detected by containment");
    assert_eq!(m.kind, DuplicateKind::Extended, "{m:?}");
    assert!(m.score >= cfg.extended_containment, "{m:?}");
}

#[test]
fn stats_count_every_decision() {
    let cfg = DedupConfig::default();
    let mut index = DedupIndex::new(&cfg);
    let docs = [
        article_of("a", &BASE),
        article_of("b", &BASE),
        article_of("c", &BASE[..5]),
        article_of("d", &["Photos"]),
        article_of("e", &["Seoul talks set for next week"]),
    ];
    for d in &docs {
        index.observe(&d.id, &signature(d, &cfg), &DocMeta::of(d));
    }
    let s = index.stats();
    assert_eq!((s.observed, s.exact, s.near, s.too_short, s.exact_only), (5, 1, 1, 1, 1));
}

/// Unrelated paragraphs (briefs of other news).
const EXTRA: [&str; 7] = [
    "Separately, the finance ministry said exports rose for a third month in October on strong demand for semiconductors and cars from China.",
    "The central bank left its benchmark interest rate unchanged on Thursday, citing uncertainty over trade and a weak housing market in the capital.",
    "Opposition lawmakers called for a parliamentary hearing on the budget, saying the government had underestimated welfare spending for next year.",
    "Weather forecasters warned of heavy snow in the mountains over the weekend and advised drivers to carry chains on the eastern highways.",
    "A court in Busan sentenced a former mayor to three years in prison for accepting bribes from construction companies during his term.",
    "The football federation named a new coach for the national team, who will lead the side at the Asian Cup in Qatar early next year.",
    "Health officials reported the first cases of seasonal influenza in three provinces and urged the elderly to get vaccinated before the holidays begin.",
];

/// A second original, on another subject.
const OTHER: [&str; 5] = [
    "A fire broke out at a chemical warehouse on the outskirts of Incheon early on Saturday, sending thick black smoke over the port and forcing the closure of two roads, the fire department said.",
    "More than 120 firefighters and 40 fire engines were deployed, and the blaze was brought under control about six hours later; no casualties were reported among the night shift workers.",
    "Residents of nearby apartment blocks were told by text message to keep their windows closed, and the city opened two school gyms for families who wanted to leave the area.",
    "Investigators said the fire appeared to have started in a storage room holding solvents, and that they would question the company's safety manager about a permit that expired last year.",
    "The warehouse had been fined twice since 2021 for storing flammable materials without proper ventilation, according to records released by the regional environment office.",
];

#[test]
fn a_copy_of_two_originals_names_the_one_it_copies_most_and_never_merges_them() {
    // Five paragraphs of `a`, two of `b`: it copies `a` most.
    let mixed = [BASE[0], BASE[1], OTHER[1], BASE[2], BASE[3], OTHER[2], BASE[4]];
    // Both originals first, in either order; and `b` after the copy, the
    // case where a chain would point `b` at `a` through `mix`.
    for order in [["a", "b", "mix"], ["b", "a", "mix"], ["a", "mix", "b"]] {
        let docs: Vec<(&str, Article)> = order
            .iter()
            .map(|&id| {
                let paras: &[&str] = match id {
                    "a" => &BASE,
                    "b" => &OTHER,
                    _ => &mixed,
                };
                (id, article_of(id, paras))
            })
            .collect();
        let out = run(&docs);
        for (i, id) in order.iter().enumerate() {
            match *id {
                "mix" => assert_eq!(out[i].as_ref().map(|m| m.original.as_str()), Some("a"), "{order:?}: {out:?}"),
                _ => assert_eq!(out[i], None, "{order:?}: original {id} marked a copy: {out:?}"),
            }
        }
    }
    // When `mix` comes first, it is the original `a` copies (five of its
    // six paragraphs); `b` still joins neither.
    let out = run(&[("b", article_of("b", &OTHER)), ("mix", article_of("mix", &mixed)), ("a", article_of("a", &BASE))]);
    assert_eq!(out[0], None);
    assert_eq!(out[1], None, "two of seven paragraphs of b are not a copy of b");
    assert_eq!(out[2].as_ref().map(|m| m.original.as_str()), Some("mix"));
}

#[test]
fn a_teaser_of_a_fifth_is_an_excerpt_and_the_original_with_local_paragraphs_is_extended() {
    let long: Vec<&str> = BASE.iter().chain(OTHER.iter()).copied().collect();
    // The first two paragraphs of eleven: about a fifth of the words.
    let teaser = &long[..2];
    let words = |p: &[&str]| p.iter().map(|x| x.split_whitespace().count()).sum::<usize>();
    assert!(words(teaser) * 5 <= words(&long) + 10, "{} of {}", words(teaser), words(&long));
    let m = dup_of(&article_of("orig", &long), &article_of("copy", teaser)).expect("teaser detected");
    assert_eq!((m.original.as_str(), m.kind), ("orig", DuplicateKind::Excerpt));
    let extended: Vec<&str> = BASE[..4].iter().chain(OTHER.iter()).copied().collect();
    let m = dup_of(&article_of("orig", &BASE[..4]), &article_of("copy", &extended)).expect("extended detected");
    assert_eq!(m.kind, DuplicateKind::Extended);
    // One shared paragraph of six is a quote, not a copy, either way.
    let quoting = [OTHER[0], OTHER[1], BASE[3], OTHER[2], OTHER[3], OTHER[4]];
    assert_eq!(dup_of(&article_of("orig", &BASE), &article_of("copy", &quoting)), None);
    assert_eq!(dup_of(&article_of("orig", &quoting), &article_of("copy", &BASE)), None);
}

#[test]
fn an_outlets_repeated_footer_does_not_hide_a_teaser() {
    let header =
        "Metro Herald - World - Share this article on Facebook, Twitter or by email with your friends and family";
    let footer = "Follow the Metro Herald on Facebook, Twitter and Instagram for the latest news and updates. Have a story tip? Email our newsroom at any time of the day or night.";
    let cfg = DedupConfig::default();
    let teaser_of = |paras: &[&str]| -> Vec<String> {
        let mut v = vec![header.to_string()];
        v.extend(paras.iter().map(|p| p.to_string()));
        v.push(footer.to_string());
        v
    };
    let teaser = teaser_of(&BASE[..2]);
    let teaser: Vec<&str> = teaser.iter().map(String::as_str).collect();
    // Alone, the furniture is too much of the teaser for it to be an excerpt.
    let sig = signature(&article_of("t", &teaser), &cfg);
    let base = signature(&article_of("a", &BASE), &cfg);
    let shared = sig.sample.iter().filter(|h| base.sample.binary_search(h).is_ok()).count() as f32;
    assert!(shared / (sig.sample.len() as f32) < cfg.excerpt_containment, "test needs furniture that matters");
    assert_eq!(dup_of(&article_of("a", &BASE), &article_of("t", &teaser)), None);
    // Once the outlet has printed it under several other stories, it is
    // furniture and the teaser is found.
    let mut index = DedupIndex::new(&cfg);
    index.observe("a", &base, &DocMeta::default());
    let briefs: Vec<&str> = OTHER.iter().chain(EXTRA.iter()).copied().collect();
    for (i, pair) in briefs.chunks_exact(2).enumerate() {
        let page = [header, pair[0], pair[1], footer];
        index.observe(&format!("page{i}"), &signature(&article_of("p", &page), &cfg), &DocMeta::default());
    }
    let m = index.observe("t", &sig, &DocMeta::default()).expect("teaser found once the footer is common");
    assert_eq!((m.original.as_str(), m.kind), ("a", DuplicateKind::Excerpt));
}

/// Words no other test text holds, different for each `k`.
fn nonsense_paragraph(k: usize) -> String {
    let word = |n: usize| -> String {
        let mut n = n * 7919 + 17;
        let mut w = String::new();
        for _ in 0..6 {
            w.push((b'a' + (n % 26) as u8) as char);
            n /= 26;
        }
        w
    };
    (0..60).map(|i| word(k * 60 + i)).collect::<Vec<_>>().join(" ")
}

fn dated(id: &str, paras: &[&str], day: NaiveDate) -> Article {
    Article { published: Some(day), ..article_of(id, paras) }
}

/// Articles older than the window leave memory (the index is rebuilt from
/// the window alone), copies inside the window are still found across the
/// rebuilds, and without a window nothing is forgotten.
#[test]
fn articles_older_than_the_window_leave_and_recent_copies_are_still_found() {
    let start = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    let run = |active_days: Option<u32>| {
        let cfg = DedupConfig { active_days, ..DedupConfig::default() };
        let mut index = DedupIndex::new(&cfg);
        let mut observe = |a: &Article| index.observe(&a.id, &signature(a, &cfg), &DocMeta::of(a));
        assert!(observe(&dated("orig", &BASE, start)).is_none());
        // 100 days of unrelated articles, 30 a day: several rebuilds.
        for k in 0..3000 {
            let day = start + chrono::Days::new(1 + k as u64 / 30);
            let text = nonsense_paragraph(k);
            assert!(observe(&dated(&format!("n{k}"), &[&text], day)).is_none());
        }
        let recent_day = start + chrono::Days::new(100);
        let recent = dated("recent", &[&nonsense_paragraph(99_999), &nonsense_paragraph(99_998)], recent_day);
        let recent_copy = dated("recent-copy", &[&nonsense_paragraph(99_999), &nonsense_paragraph(99_998)], recent_day);
        let old_copy = dated("old-copy", &BASE, recent_day);
        observe(&recent);
        let found_recent = observe(&recent_copy).map(|m| m.original);
        let found_old = observe(&old_copy).map(|m| m.original);
        let forgotten = index.take_forgotten();
        (found_recent, found_old, forgotten, index.len())
    };
    let (recent, old, forgotten, held) = run(Some(30));
    assert_eq!(recent.as_deref(), Some("recent"));
    assert_eq!(old, None, "an original 100 days old is out of a 30-day window");
    assert!(forgotten.iter().any(|id| id == "orig"), "orig not reported forgotten");
    assert!(forgotten.len() >= 2000, "{} forgotten", forgotten.len());
    assert!(held < 2000, "the index holds {held} articles after rebuilds, not the window's ~900-1,900");
    let (recent, old, forgotten, held) = run(None);
    assert_eq!(recent.as_deref(), Some("recent"));
    assert_eq!(old.as_deref(), Some("orig"));
    assert!(forgotten.is_empty());
    assert_eq!(held, 3004);
}
