use chrono::NaiveDate;

use super::*;
use crate::model::RawArticle;
use crate::test_data::{seed, seeds};

/// The seeds with their numbers ("000".."004"), from ../shared.
fn named_seeds() -> Option<[(&'static str, String); 5]> {
    let [a, b, c, d, e] = seeds()?;
    Some([("000", a), ("001", b), ("002", c), ("003", d), ("004", e)])
}

fn clean_text(text: &str) -> Article {
    clean(&RawArticle { id: "t".into(), text: text.into(), ..Default::default() }, &CleanConfig::default())
}

fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

/// The invariants every cleaned article keeps, whatever the input.
fn assert_invariants(raw: &str, article: &Article) {
    assert_eq!(article.raw_text, raw);
    for p in &article.paragraphs {
        let start = p.raw_start.expect("scraped text always maps back");
        let mapped: String = raw.chars().skip(start).take(p.text.chars().count()).collect();
        assert_eq!(mapped, p.text, "paragraph is not the raw substring at its offset");
        assert!(!p.text.is_empty() && p.text.trim() == p.text);
    }
    let joined = article.paragraphs.iter().map(|p| p.text.as_str()).collect::<Vec<_>>().join("\n\n");
    assert_eq!(article.text, joined);
}

fn assert_contains_all(article: &Article, sentences: &[&str]) {
    for s in sentences {
        assert!(article.text.contains(s), "lost content sentence: {s}\n--- text:\n{}", article.text);
    }
}

// ---- The seeds ----------------------------------------------------------

#[test]
fn seeds_keep_the_invariants() {
    let Some(seeds) = named_seeds() else { return };
    for (_, raw) in &seeds {
        assert_invariants(raw, &clean_text(raw));
    }
}

#[test]
fn seeds_lose_all_boilerplate() {
    const FURNITURE: &[&str] = &[
        "Copyright",
        "All rights reserved",
        "Legal Disclaimer",
        "Support Independent Journalism",
        "Razorpay",
        "To write comments",
        "Standards Board Policy",
        "We don't allow anyone to copy",
    ];
    let Some(seeds) = named_seeds() else { return };
    for (name, raw) in &seeds {
        let article = clean_text(raw);
        for line in article.text.lines() {
            for phrase in FURNITURE {
                assert!(!line.contains(phrase), "seed {name} keeps {phrase:?} in {line:?}");
            }
        }
    }
}

#[test]
fn seed_000_dateline_repeats_and_translation_note() {
    let Some(raw) = seed(0) else { return };
    let article = clean_text(&raw);
    let dateline = article.dateline.clone().expect("dateline");
    assert_eq!(dateline.place.as_deref(), Some("Seoul"));
    assert_eq!((dateline.month, dateline.day), (Some(10), Some(27)));
    assert_eq!(dateline.agency.as_deref(), Some("AJP"));
    assert!(article.machine_translated);
    assert!(article.title.is_empty());
    assert_eq!(article.paragraphs.len(), 6);
    let mut seen = HashSet::new();
    for p in &article.paragraphs {
        assert!(seen.insert(normalize_for_hash(&p.text)), "repeated: {}", p.text);
    }
    let repeats = article.removed.iter().filter(|r| r.reason == RemovalReason::RepeatedParagraph).count();
    assert_eq!(repeats, 5);
    assert!(article.text.starts_with("South Korean and U.S. defense chiefs will meet in Seoul next week."));
    assert!(!article.text.contains("translated by AI"));
    assert_contains_all(
        &article,
        &[
            "According to the Ministry of National Defense, Defense Minister Ahn Kyu-back will hold talks",
            "\"A wide range of topics will be discussed to strengthen the bilateral alliance",
            "These include coordination on policies toward North Korea",
            "Discussions on the transfer of wartime operational control (OPCON) to Seoul are also expected to be on the agenda.",
        ],
    );
}

#[test]
fn seed_001_title_dates_captions_byline() {
    let Some(raw) = seed(1) else { return };
    let article = clean_text(&raw);
    assert_eq!(article.title, "Opcon transfer progress top of agenda for Seoul-Washington security meeting");
    assert_eq!(article.published, date(2025, 10, 27));
    assert_eq!(article.authors, ["Shim Seok-yong"]);
    assert!(article.machine_translated);
    let captions = article.removed.iter().filter(|r| r.reason == RemovalReason::Caption).count();
    assert_eq!(captions, 2);
    for gone in
        ["[MINISTRY OF NATIONAL DEFENSE]", "Published:", "Updated:", "BY SHIM", "JoongAng Daily", "generative AI"]
    {
        assert!(!article.text.contains(gone), "{gone} left in the text");
    }
    assert_contains_all(
        &article,
        &[
            "South Korea and the United States will hold high-level defense talks in Seoul next week",
            "Established in 1968, the SCM alternates each year between Seoul and Washington.",
            "In September, Seoul and Washington held the 27th Korea-U.S. Integrated Defense Dialogue",
            "Those issues are expected to continue at the upcoming SCM.",
            "The MCM typically precedes the SCM, raising expectations that the two meetings will be held consecutively in early November.",
        ],
    );
}

#[test]
fn seed_002_dateline_line_and_wire_credits() {
    let Some(raw) = seed(2) else { return };
    let article = clean_text(&raw);
    let dateline = article.dateline.clone().expect("dateline");
    assert_eq!(dateline.place.as_deref(), Some("Seoul"));
    assert_eq!((dateline.month, dateline.day), (Some(12), Some(1)));
    assert!(article.title.is_empty());
    assert_eq!(article.wire_credits, ["Reuters", "The Tribune via feeds"]);
    assert!(!article.text.contains("Reuters"));
    assert!(!article.text.contains("Chenab"));
    assert!(!article.text.contains("donation"));
    assert!(!article.machine_translated);
    assert!(article.text.ends_with("as well as attend ceremonial events."));
    assert_contains_all(
        &article,
        &[
            "U.S. Secretary of Defense Lloyd Austin and other top military officials were set to gather",
            "Currently, a U.S. general would command those forces during a war.",
            "“During the discussions, General Milley and General Won recognised the enduring alliance",
            "Austin is scheduled to meet with Defence Minister Suh Wook on Thursday, as well as attend ceremonial events.",
        ],
    );
}

#[test]
fn seed_003_glued_date_and_heading() {
    let Some(raw) = seed(3) else { return };
    let article = clean_text(&raw);
    assert_eq!(article.published, date(2025, 11, 3));
    assert!(article.title.is_empty());
    assert!(!article.machine_translated);
    assert!(article.text.starts_with("U.S. Defense Secretary Pete Hegseth visits South Korea on Monday"));
    let heading = article.paragraphs.iter().find(|p| p.kind == ParagraphKind::Heading).expect("heading");
    assert_eq!(heading.text, "SOUTH KOREA TO INCREASE DEFENCE BUDGET");
    assert_eq!(article.paragraphs.len(), 13);
    assert_contains_all(
        &article,
        &[
            "South Korea has 450,000 troops.",
            "South Korea plans the largest defence budget increase in years in 2026",
            "the regional security environment is \"complex and unstable.\"",
            "Nuclear-armed North Korea has ignored overtures from Trump and South Korean President Lee Jae Myung for dialogue and has dramatically advanced its missile and conventional military capabilities.",
        ],
    );
}

#[test]
fn seed_004_title_and_multi_line_disclaimer() {
    let Some(raw) = seed(4) else { return };
    let article = clean_text(&raw);
    assert_eq!(article.title, "U.S., South Korea Forge Stronger Military Alliance");
    assert!(!article.machine_translated);
    for gone in ["MENAFN", "EIN Presswire", "warranty", "kindly contact", "videos, licenses"] {
        assert!(!article.text.contains(gone), "{gone} left in the text");
    }
    assert!(article.text.ends_with("a long-standing source of contention with Pyongyang."));
    assert_contains_all(
        &article,
        &[
            "South Korean Defense Minister Ahn Gyu-back and U.S. Secretary of Defense Pete Hegseth agreed",
            "stating such claims were \"not true.",
            "I feel the heavy responsibility of further advancing the performance",
            "\"I hope to further deepen and develop the South Korea-US alliance",
            "South Korea remains one of the U.S.'s oldest military partners in Asia",
        ],
    );
}

#[test]
fn seed_language_is_english() {
    let Some(seeds) = named_seeds() else { return };
    for (_, raw) in &seeds {
        assert_eq!(clean_text(raw).language, "en");
    }
}

#[test]
fn seed_snapshots() {
    let Some(seeds) = named_seeds() else { return };
    for (name, raw) in &seeds {
        insta::assert_snapshot!(format!("seed_{name}"), clean_text(raw).text);
    }
}

// ---- Input metadata and formats ------------------------------------------

#[test]
fn input_date_wins_over_text_date() {
    let Some(text) = seed(1) else { return };
    let raw = RawArticle { id: "x".into(), text, date: Some("2025-10-28".into()), ..Default::default() };
    assert_eq!(clean(&raw, &CleanConfig::default()).published, date(2025, 10, 28));
}

#[test]
fn given_title_is_kept_and_its_copy_in_the_text_removed() {
    let raw = RawArticle {
        id: "x".into(),
        title: Some("Allies Meet in Seoul".into()),
        text: "Allies meet in Seoul\nThe defence chiefs of the two allies met in Seoul on Tuesday for talks.".into(),
        ..Default::default()
    };
    let article = clean(&raw, &CleanConfig::default());
    assert_eq!(article.title, "Allies Meet in Seoul");
    assert_eq!(article.text, "The defence chiefs of the two allies met in Seoul on Tuesday for talks.");
}

#[test]
fn extracted_html_gets_no_inferred_title_but_loses_boilerplate_and_repeats() {
    let text = "Short Opening Line Here\nThe ministers met on Tuesday to discuss the alliance.\n\
                The ministers met on Tuesday to discuss the alliance.\nShare this article";
    let raw = RawArticle { id: "x".into(), text: text.into(), format: TextFormat::ExtractedHtml, ..Default::default() };
    let article = clean(&raw, &CleanConfig::default());
    assert_eq!(article.title, "");
    assert_eq!(article.text, "Short Opening Line Here\n\nThe ministers met on Tuesday to discuss the alliance.");
    assert_invariants(text, &article);
}

#[test]
fn language_from_input_or_detected() {
    let Some(text) = seed(3) else { return };
    let mut raw = RawArticle { id: "x".into(), text, language: Some("ko".into()), ..Default::default() };
    assert_eq!(clean(&raw, &CleanConfig::default()).language, "ko");
    raw.language = None;
    raw.text = "Les ministres de la défense se sont réunis mardi à Séoul pour discuter de l'alliance \
                militaire entre les deux pays et de la dissuasion élargie."
        .into();
    assert_eq!(clean(&raw, &CleanConfig::default()).language, "fr");
    raw.text = "Hi".into();
    assert_eq!(clean(&raw, &CleanConfig::default()).language, "en");
}

// ---- Each rule on boilerplate the seeds don't show -------------------------

const BODY: &str = "The defence ministers of the two countries met in Seoul on Tuesday to discuss the alliance.\n\
                    They agreed to expand cooperation on deterrence and to hold further talks next year.\n";

/// `BODY` with `line` placed in the middle and at the end: the line must go
/// from both places and the body must stay whole.
fn assert_removed_anywhere(line: &str, reason: RemovalReason) {
    for text in [
        format!("{BODY}{line}\n"),
        format!("{}\n{line}\n{}", BODY.lines().next().unwrap(), BODY.lines().nth(1).unwrap()),
    ] {
        let article = clean_text(&text);
        assert!(!article.text.contains(line.trim()), "kept {line:?} in\n{}", article.text);
        assert!(
            article.removed.iter().any(|r| r.reason == reason && r.text == line.trim()),
            "{line:?}: {:?}",
            article.removed
        );
        assert_contains_all(&article, &BODY.lines().collect::<Vec<_>>());
        assert_invariants(&text, &article);
    }
}

#[test]
fn common_boilerplate_is_removed_anywhere() {
    for line in [
        "Sign up for our daily newsletter",
        "Subscribe to our newsletter for the latest news.",
        "Follow us on Twitter",
        "Follow us on Google News for more updates",
        "Be the first to comment. Please read our community guidelines before posting.",
        "Comments (0)",
        "Comments are closed for this article.",
        "Share this article",
        "Share  Tweet  WhatsApp  Email  Print",
        "Advertisement",
        "Story continues below advertisement",
        "Read more: Seoul and Washington agree on new deterrence steps",
        "Related: North Korea fires missile",
        "Copyright © 2024 The Daily Planet. All rights reserved.",
        "© 2025 Example News Ltd",
        "All Rights Reserved by Example Media Group",
        "This material may not be published, broadcast, rewritten or redistributed.",
        "We use cookies to improve your experience on our site.",
        "Click here to read more",
        "Donate now to keep our reporting free",
        "Home | World | Asia | Politics",
        "Log in to post a comment",
        "Unauthorized reproduction prohibited.",
    ] {
        assert_removed_anywhere(line, RemovalReason::Boilerplate);
    }
}

#[test]
fn disclaimer_section_in_the_tail_goes_whole() {
    let text = format!(
        "{BODY}Disclaimer:\nThe views and opinions in this piece are provided for\ninformation only and should not be taken as advice.\n"
    );
    let article = clean_text(&text);
    assert_eq!(article.text, BODY.trim().replace('\n', "\n\n"));
}

#[test]
fn tail_sign_off_fragments_are_removed() {
    let article = clean_text(&format!("{BODY}\nReporting Staff Asia Desk\nThe Daily Planet Team\n"));
    assert_eq!(article.text, BODY.trim().replace('\n', "\n\n"));
}

#[test]
fn translation_notes_set_machine_translated() {
    for note in [
        "(This article was machine translated from Korean.)",
        "This story was translated using AI and reviewed by our editors.",
        "* Translated by AI, edited by the newsroom.",
    ] {
        let article = clean_text(&format!("{BODY}{note}\n"));
        assert!(article.machine_translated, "{note}");
        assert!(!article.text.contains(note));
        assert!(article.removed.iter().any(|r| r.reason == RemovalReason::TranslationNote));
    }
}

#[test]
fn wire_credits_lines_and_trailing_words() {
    let article = clean_text(&format!("{BODY}(With inputs from PTI)\n"));
    assert_eq!(article.wire_credits, ["PTI"]);
    let article = clean_text("WASHINGTON (Reuters) - The ministers met on Tuesday to discuss the alliance. AFP\n");
    assert_eq!(article.text, "The ministers met on Tuesday to discuss the alliance.");
    assert_eq!(article.wire_credits, ["AFP"]);
    let dateline = article.dateline.expect("agency dateline");
    assert_eq!((dateline.place.as_deref(), dateline.agency.as_deref()), (Some("Washington"), Some("Reuters")));
    let article =
        clean_text(&format!("{BODY}This story has been published from a wire agency feed without modifications.\n"));
    assert_eq!(article.wire_credits, ["wire agency feed"]);
}

#[test]
fn bylines_in_several_forms() {
    let article = clean_text(&format!("By Jane Doe and John Roe\n{BODY}"));
    assert_eq!(article.authors, ["Jane Doe", "John Roe"]);
    let article = clean_text(&format!("{BODY}BY KIM MIN-JI, Reuters\n"));
    assert_eq!(article.authors, ["Kim Min-ji"]);
    assert_eq!(article.wire_credits, ["Reuters"]);
    // A sentence that starts with "By" is not a byline.
    let article = clean_text("By Tuesday, the ministers had agreed on a joint statement about deterrence.\n");
    assert!(article.authors.is_empty());
    assert!(article.text.starts_with("By Tuesday"));
}

#[test]
fn date_lines_in_several_forms() {
    for (line, expected) in [
        ("Published: October 27, 2025 5:57 PM", date(2025, 10, 27)),
        ("Posted on 2025.11.04 09:12", date(2025, 11, 4)),
        ("Last updated 3 Nov 2025", date(2025, 11, 3)),
        ("November 4, 2025", date(2025, 11, 4)),
    ] {
        let article = clean_text(&format!("{line}\n{BODY}"));
        assert_eq!(article.published, expected, "{line}");
        assert!(!article.text.contains(line));
    }
}

#[test]
fn photo_captions_with_credits() {
    let text = format!(
        "{}\nSoldiers march during a parade in Seoul on Oct. 1. [YONHAP]\n(Photo: Reuters)\n{}",
        BODY.lines().next().unwrap(),
        BODY.lines().nth(1).unwrap()
    );
    let article = clean_text(&text);
    assert_eq!(article.removed.iter().filter(|r| r.reason == RemovalReason::Caption).count(), 2);
    assert_contains_all(&article, &BODY.lines().collect::<Vec<_>>());
}

// ---- Conservative: news that mentions furniture words stays ---------------

#[test]
fn news_sentences_about_copyright_or_donations_are_kept() {
    let sentences = [
        "The court ruled that the copyright of the photographs belonged to the agency, not to the photographer who took them.",
        "Copyright law was amended in 2020 to cover works created with artificial intelligence, the ministry said.",
        "The foundation said a donation of $5 million would fund scholarships for children of soldiers.",
        "Lawmakers asked the company whether all rights reserved under the treaty had been waived by the government in its talks with Washington last year.",
        "He said readers could follow us on the story as it develops, the spokesman added with a smile during the briefing.",
        "The novel, translated by AI and then checked by editors, sold 10,000 copies in its first week, the publisher said.",
    ];
    for sentence in sentences {
        let text = format!("{}\n{sentence}\n{}\n", BODY.lines().next().unwrap(), BODY.lines().nth(1).unwrap());
        let article = clean_text(&text);
        assert!(article.text.contains(sentence), "removed content: {sentence}\n{:?}", article.removed);
        assert!(!article.machine_translated, "{sentence}");
    }
}

#[test]
fn blank_line_and_line_separated_paragraphs_agree() {
    let by_line = clean_text(BODY);
    let by_blank = clean_text(&BODY.replace('\n', "\n\n"));
    assert_eq!(by_line.text, by_blank.text);
    assert_eq!(by_line.paragraphs.len(), 2);
}

// ---- No panics ---------------------------------------------------------

#[test]
fn odd_inputs_do_not_panic() {
    let huge_line = "word ".repeat(200_000);
    let inputs: Vec<String> = vec![
        String::new(),
        "\n\n\n".into(),
        "   ".into(),
        "One line".into(),
        "Copyright © 2024 Example. All rights reserved.".into(),
        "Advertisement\nShare this article\nAll rights reserved.\n".into(),
        huge_line,
        "서울, 10월 27일 (아주경제) - 한미 국방장관이 다음 주 서울에서 만난다.\n무단 전재 및 재배포 금지".into(),
        "ⓒ\n©\n(c)\n[]\n[ ]\nBY\nBy \nPublished:\n date \nSEOUL, October 99 (AJP) - x".into(),
        "\r\n\r\nWindows line one.\r\nWindows line two.\r\n".into(),
        "🦀🦀🦀\n\u{200b}\n\u{feff}Text with a BOM.".into(),
        "Legal Disclaimer:".into(),
        "a\nb\nc\nd".into(),
    ];
    for text in inputs {
        let article = clean_text(&text);
        assert_invariants(&text, &article);
    }
}

#[test]
fn only_boilerplate_gives_an_empty_text() {
    let article = clean_text("Advertisement\nShare this article\nCopyright © 2024 Example. All rights reserved.\n");
    assert_eq!(article.text, "");
    assert_eq!(article.removed.len(), 3);
}

// ---- The tables ----------------------------------------------------------

#[test]
fn every_pattern_compiles_and_has_a_reason() {
    let compiled = rules::compiled();
    assert_eq!(compiled.boilerplate.len(), rules::BOILERPLATE_RULES.len());
    assert!(rules::BOILERPLATE_RULES.iter().all(|r| !r.why.is_empty()));
    assert!(meta::parse_text_date("27 Oct. 2025, 17:57").is_some());
}

#[test]
fn default_config_removes_strong_patterns_but_not_prose_mid_article() {
    let cfg = CleanConfig::default();
    // A strong pattern alone is conclusive; mid-article prose never is.
    assert!(cfg.strong_pattern_weight >= cfg.removal_threshold);
    assert!(cfg.strong_pattern_weight - cfg.long_prose_penalty < cfg.removal_threshold);
    assert!(
        cfg.strong_pattern_weight - cfg.long_prose_penalty + cfg.tail_bonus + SCORE_TOLERANCE >= cfg.removal_threshold
    );
    assert!(cfg.weak_pattern_weight + cfg.short_bonus + SCORE_TOLERANCE >= cfg.removal_threshold);
    assert!(cfg.weak_pattern_weight - cfg.long_prose_penalty + cfg.tail_bonus < cfg.removal_threshold);
    assert!(cfg.short_block_max_words < cfg.long_prose_min_words);
    assert!(cfg.weak_pattern_weight < cfg.removal_threshold);
}

/// Issue 21: PostgreSQL refuses NUL in text, SQLite keeps it. Cleaning, which
/// every path goes through, replaces it in every field, one char for one.
#[test]
fn nul_characters_are_replaced_in_every_field() {
    let raw = RawArticle {
        id: "nul\0id".into(),
        title: Some("Harbour\0 closed".into()),
        text: "The port of Haldvik was closed\0 on Monday as a storm hit the coast.\n\nShips waited out\0side.".into(),
        source: Some("Wire\0".into()),
        authors: vec!["Ann\0 Lee".into()],
        url: Some("https://x.example/a\0b".into()),
        ..Default::default()
    };
    let a = clean(&raw, &CleanConfig::default());
    let all = format!("{a:?}");
    assert!(!all.contains('\0'), "{all}");
    assert_eq!(a.raw_text.chars().count(), raw.text.chars().count(), "offsets keep their meaning");
    assert!(a.text.contains("closed\u{FFFD} on Monday"), "{}", a.text);
    assert_eq!(a.title, "Harbour\u{FFFD} closed");
    assert_eq!(a.id, "nul\u{FFFD}id");
    // Clean input is passed through untouched.
    let clean_raw = RawArticle { text: "No NUL here at all.".into(), ..Default::default() };
    assert!(matches!(clean_raw.without_nul(), std::borrow::Cow::Borrowed(_)));
}
