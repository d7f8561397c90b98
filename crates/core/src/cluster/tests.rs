use super::*;
use chrono::Datelike;

use crate::model::{Analysis, Article};

fn doc(title: &str, text: &str, day: Option<&str>) -> DocFeatures {
    let article = Article {
        title: title.into(),
        text: text.into(),
        published: day.map(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap()),
        ..Default::default()
    };
    features(&article, &Analysis::default(), &ClusterConfig::default())
}

#[test]
fn shipped_model_matches_the_feature_list() {
    let m = JoinModel::default();
    assert_eq!(m.features, FEATURE_NAMES.iter().map(|s| s.to_string()).collect::<Vec<_>>());
    assert_eq!(m.rank.weights.len(), FEATURE_NAMES.len());
    assert_eq!(m.join.weights.len(), FEATURE_NAMES.len());
    assert!(m.fits_features());
    // `JOIN_ONLY` is an index into the list: it must point at the first
    // join-only feature.
    assert_eq!(FEATURE_NAMES[super::model::JOIN_ONLY], "term_margin");
    let mut older = m.clone();
    older.features.pop();
    assert!(!older.fits_features());
}

#[test]
fn features_fold_number_formats_and_find_names() {
    let a = doc("", "Seoul hosts 28,500 American troops, Defense Minister Ahn Gyu-back said.", None);
    let b = doc("", "Some 28500 troops are stationed there.", None);
    assert_eq!(a.numbers, b.numbers);
    assert!(a.entities.len() >= 3, "{:?}", a.entities);
    assert!(!a.terms.is_empty());
}

#[test]
fn the_lead_counts_more_than_the_tail() {
    let filler = "officials said more details would follow later ".repeat(20);
    // The same word once at the start and once past the lead.
    let early = doc("", &format!("Pirates attacked a tanker. {filler}"), None);
    let late = doc("", &format!("{filler} Pirates attacked a tanker."), None);
    let weight = |d: &DocFeatures, word: &str| {
        let stem = crate::text::english_stemmer().stem(word).into_owned();
        let key = super::hashing::term_hash(super::features::NS_TERM, &stem);
        d.terms.iter().find(|t| t.0 == key).map(|t| t.1)
    };
    let cfg = ClusterConfig::default();
    assert!(cfg.lead_weight > 0.0);
    assert_eq!(weight(&early, "tanker"), Some(1.0 + cfg.lead_weight));
    assert_eq!(weight(&late, "tanker"), Some(1.0));
    // Names in the lead count more too.
    assert!(early.entities.iter().map(|e| e.1).fold(0.0, f32::max) > 1.0, "{:?}", early.entities);
}

#[test]
fn same_event_joins_and_different_events_open() {
    let mut c = Clusterer::new(ClusterConfig::default());
    let quake1 = "A magnitude 6.1 earthquake struck Qeshm island in southern Iran on Sunday, killing 10 people and damaging villages near Bandar Abbas.";
    let quake1b = "The 6.1 earthquake on Qeshm island near Bandar Abbas in Iran killed 10 people and damaged several villages, officials said.";
    let oscars = "Hugh Jackman will host the Academy Awards ceremony in Hollywood, the Academy of Motion Picture Arts and Sciences announced.";
    let a = c.assign(&doc("Iran quake kills 10", quake1, None));
    let b = c.assign(&doc("Quake on Qeshm island", quake1b, None));
    let o = c.assign(&doc("Jackman to host Oscars", oscars, None));
    assert!(a.opened_event && !b.opened_event);
    assert_eq!(a.event, b.event);
    assert_ne!(a.event, o.event);
    assert_ne!(a.story, o.story);
}

#[test]
fn labels_are_deterministic_across_runs() {
    let texts = [
        "Police said a man was shot in Chicago on Monday night near Garfield Park.",
        "A Chicago man was shot Monday night near Garfield Park, police said.",
        "Two people were wounded in a shooting in Memphis on Friday.",
    ];
    let run = || {
        let mut c = Clusterer::new(ClusterConfig::default());
        texts.iter().map(|t| c.assign(&doc("", t, Some("2016-03-01")))).map(|a| (a.event, a.story)).collect::<Vec<_>>()
    };
    assert_eq!(run(), run());
}

#[test]
fn restore_rebuilds_state_without_deciding() {
    let a = doc("", "The earthquake struck Qeshm island in Iran killing ten people.", None);
    let b = doc("", "The earthquake on Qeshm island in Iran killed ten people, officials said.", None);
    let mut c = Clusterer::new(ClusterConfig::default());
    c.restore(&a, 3, 1);
    assert_eq!(c.event_count(), 4);
    let got = c.assign(&b);
    assert_eq!((got.event, got.story), (3, 1));
}

#[test]
fn training_learns_that_similarity_means_same_event() {
    let stream = vec![
        TrainingDoc {
            features: doc("", "earthquake Qeshm island Iran killed ten villages", None),
            gold_event: "q".into(),
        },
        TrainingDoc { features: doc("", "Oscars host Jackman Academy Awards ceremony", None), gold_event: "o".into() },
        TrainingDoc { features: doc("", "Qeshm island earthquake in Iran killed ten", None), gold_event: "q".into() },
        TrainingDoc { features: doc("", "Jackman will host the Academy Awards Oscars", None), gold_event: "o".into() },
        TrainingDoc { features: doc("", "Iran earthquake villages Qeshm damaged", None), gold_event: "q".into() },
        TrainingDoc { features: doc("", "Iran earthquake Bam killed thousands 2003", None), gold_event: "b".into() },
    ];
    let (model, report) = train_join_model(
        &[stream],
        &ClusterConfig::default(),
        &TrainOptions { l2: 1e-2, ..Default::default() },
        "test",
    );
    assert!(report.examples > 0);
    assert!(model.rank.weights[0] > 0.0, "term cosine should rank the same event first: {model:?}");
}

#[test]
fn a_dateline_without_year_is_placed_in_the_year_nearest_the_event() {
    let around = chrono::NaiveDate::from_ymd_opt(2025, 11, 2).unwrap().num_days_from_ce();
    let got = super::features::nearest_day(12, 1, around).unwrap();
    assert_eq!(chrono::NaiveDate::from_num_days_from_ce_opt(got).unwrap().to_string(), "2025-12-01");
    let around = chrono::NaiveDate::from_ymd_opt(2026, 1, 3).unwrap().num_days_from_ce();
    let got = super::features::nearest_day(12, 28, around).unwrap();
    assert_eq!(chrono::NaiveDate::from_num_days_from_ce_opt(got).unwrap().to_string(), "2025-12-28");
}

/// Event norms are kept up to date as members join (not recomputed from
/// the whole profile); they must stay close to a full recomputation under
/// the current IDF, which only drifts by the documents seen since.
#[test]
fn incremental_event_norms_track_a_full_recomputation() {
    let Some(corpus) = crate::test_data::shared("data/events/ecbplus-dev.jsonl") else { return };
    let mut c = Clusterer::new(ClusterConfig::default());
    for line in corpus.lines().take(400) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        c.assign(&doc("", v["text"].as_str().unwrap_or(""), None));
    }
    let mut checked = 0;
    for ev in c.events.values() {
        let Some(n) = ev.norms else { continue };
        if ev.size < 2 {
            continue;
        }
        let full = c.profile_norm_sq_for_tests(&ev.terms);
        let rel = (n.terms_sq - full).abs() / full;
        assert!(rel < 0.15, "terms: incremental {} vs full {full} ({rel})", n.terms_sq);
        let full = c.profile_norm_sq_for_tests(&ev.entities);
        if full > 0.0 {
            let rel = (n.entities_sq - full).abs() / full;
            assert!(rel < 0.15, "entities: incremental {} vs full {full} ({rel})", n.entities_sq);
        }
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} grown events with cached norms");
}

#[test]
fn articles_of_different_languages_never_share_an_event() {
    let text = "Bayern Munich beat Real Madrid 3-1 in the Champions League semi-final at the Allianz Arena on Tuesday; Robert Lewandowski scored twice.";
    let in_language = |lang: &str| {
        let article = Article {
            title: "Bayern beat Real Madrid".into(),
            text: text.into(),
            language: lang.into(),
            ..Default::default()
        };
        features(&article, &Analysis::default(), &ClusterConfig::default())
    };
    let mut c = Clusterer::new(ClusterConfig::default());
    let en = c.assign(&in_language("en"));
    let en_again = c.assign(&in_language("EN-gb"));
    let de = c.assign(&in_language("de"));
    let de_again = c.assign(&in_language("de"));
    // The same text joins within a language (the tag's spelling aside)...
    assert_eq!(en.event, en_again.event);
    assert_eq!(de.event, de_again.event);
    // ...and never across languages, not even into a story.
    assert_ne!(en.event, de.event);
    assert_ne!(en.story, de.story);
}

/// Background document frequencies: in a small input, a word that news
/// prints everywhere stays common even if few of the input's articles hold
/// it, while a word the background does not know stays rare.
#[test]
fn a_small_input_does_not_make_a_common_word_rare() {
    // The shipped model keeps the running IDF alone (background_docs 0):
    // with the table blended in, story links pass on shared rare names
    // (BENCHMARKS.md, "Issue 16"), so the mechanism is tested at a set weight.
    let mut cfg = ClusterConfig::default();
    cfg.model.background_docs = 1000.0;
    let stem = |w: &str| super::hashing::term_hash(super::features::NS_TERM, &crate::text::english_stemmer().stem(w));
    let run = |cfg: ClusterConfig| {
        let mut c = Clusterer::new(cfg);
        for i in 0..50 {
            // "police" and "zorbulent" each in the same 2 of 50 articles.
            let extra = if i < 2 { " police zorbulent" } else { "" };
            c.assign(&doc("", &format!("item{i} widget{i} gadget{i}{extra}"), None));
        }
        (c.idf(stem("police")), c.idf(stem("zorbulent")))
    };
    let (common, rare) = run(cfg.clone());
    assert!(common < 0.6 * rare, "police {common} vs zorbulent {rare}");
    // Without the table both look alike: the running counts alone.
    let mut running_only = cfg;
    running_only.model.background_docs = 0.0;
    let (common, rare) = run(running_only);
    assert!((common - rare).abs() < 1e-6, "{common} vs {rare}");
}

fn guide(title: &str, text: &str) -> DocFeatures {
    let article = Article { title: title.into(), text: text.into(), language: "en".into(), ..Default::default() };
    features(&article, &Analysis::default(), &ClusterConfig::default())
}

/// Two "best cloud storage" guides of different sites share a topic, not
/// an event: pages that talk to their reader need nearly the same text.
#[test]
fn guides_on_one_topic_from_different_sites_stay_apart() {
    let a = guide(
        "The 7 best cloud storage services of 2025",
        "Looking for the best cloud storage? We tested Google Drive, Dropbox, OneDrive, pCloud and Box so you don't have to. \
         Google Drive gives you 15 GB of free storage and works well if you use Gmail. Dropbox is our pick for syncing files \
         across your devices. OneDrive is included with your Microsoft 365 plan. pCloud offers lifetime plans, and Box is \
         built for teams. Our verdict: if you want free storage, choose Google Drive; if you share large files, choose Dropbox.",
    );
    let b = guide(
        "Cloud storage compared: which one should you choose?",
        "Choosing cloud storage for your files? Here is how Google Drive, Dropbox, OneDrive and pCloud compare on price, free \
         storage and file syncing. You get 15 GB free with Google Drive, 2 GB with Dropbox and 5 GB with OneDrive. If you \
         already pay for Microsoft 365, your OneDrive storage is included. We recommend pCloud if you want a lifetime plan \
         and Dropbox if your team shares large files across devices.",
    );
    assert!(a.addresses_reader() && b.addresses_reader());
    // These two share most of their words (term cosine above the shipped
    // 0.5, which the WCXB dev crawl set: BENCHMARKS.md, "Issue 16"); below
    // the rule's cosine they stay apart.
    let cfg = ClusterConfig { reader_page_join_cosine: 0.99, ..Default::default() };
    let mut c = Clusterer::new(cfg);
    let (x, y) = (c.assign(&a), c.assign(&b));
    assert_ne!(x.event, y.event, "two guides are no event");
    assert_ne!(x.story, y.story);
    // The same pages would join on topic alone without the rule.
    let cfg = ClusterConfig { reader_page_join_cosine: 0.0, ..Default::default() };
    let mut c = Clusterer::new(cfg);
    let (x, y) = (c.assign(&a), c.assign(&b));
    assert_eq!(x.event, y.event, "without the rule topic words decide");
}

#[test]
fn reports_do_not_read_as_pages_talking_to_the_reader() {
    let report = guide(
        "Quake kills 10 in Iran",
        "A magnitude 6.1 earthquake struck Qeshm island on Sunday, killing 10 people, officials said. The quake was felt \
         in Oman, according to state media, and several villages were damaged. \"We are sending rescue teams,\" the governor told reporters.",
    );
    assert!(!report.addresses_reader(), "{} vs {}", report.reader_address, report.report_cues);
}

/// Made-up words no other test text holds, different for each `k`.
fn nonsense(k: usize, words: usize, capital: bool) -> String {
    let word = |n: usize| -> String {
        let mut n = n * 7919 + 31;
        let mut w = String::new();
        for i in 0..7 {
            let c = (b'a' + (n % 26) as u8) as char;
            w.push(if capital && i == 0 { c.to_ascii_uppercase() } else { c });
            n /= 26;
        }
        w
    };
    (0..words).map(|i| word(k * words + i)).collect::<Vec<_>>().join(" ")
}

/// One unrelated article a day for `days` days from `start`: time passes
/// and the window moves, but no event continues.
fn daily_filler(c: &mut Clusterer, start: &str, days: usize) {
    let start: chrono::NaiveDate = start.parse().unwrap();
    for k in 0..days {
        let day = (start + chrono::Days::new(k as u64)).to_string();
        let text = format!("{}. {}.", nonsense(k + 1000, 5, true), nonsense(k + 2000, 40, false));
        c.assign(&doc(&nonsense(k, 4, true), &text, Some(&day)));
    }
}

/// A year of unrelated daily news between two meetings of one series:
/// the first meeting's event leaves memory (only the window's events
/// stay), and the second still continues its story through the quiet
/// story's profile, unless story memory is shorter than the gap.
#[test]
fn quiet_events_leave_memory_and_a_later_event_still_continues_their_story() {
    let first_meeting = doc(
        "Security Consultative Meeting in Seoul",
        "Defense Secretary Lloyd Austin and Defense Minister Suh Wook held the Security Consultative Meeting in Seoul on Thursday, reaffirming the alliance and extended deterrence against North Korea.",
        Some("2021-12-02"),
    );
    let next_meeting = doc(
        "Allies hold Security Consultative Meeting at the Pentagon",
        "Defense Minister Lee Jong-sup and Secretary Lloyd Austin met at the Security Consultative Meeting at the Pentagon, where the alliance reaffirmed extended deterrence against North Korea.",
        Some("2022-11-03"),
    );
    let run = |cfg: ClusterConfig| {
        let mut c = Clusterer::new(cfg);
        let first = c.assign(&first_meeting);
        daily_filler(&mut c, "2021-12-03", 330);
        let active = c.active_event_count();
        let next = c.assign(&next_meeting);
        (first, next, active, c.event_count())
    };
    let window = ClusterConfig { active_days: Some(30), ..Default::default() };
    let (first, next, active, opened) = run(window.clone());
    assert!(opened >= 300, "the filler should open its own events ({opened})");
    assert!(active <= 40, "{active} events held with a 30-day window");
    assert!(next.opened_event && next.event != first.event);
    assert_eq!(next.story, first.story, "the quiet story was not continued");
    let (first, next, ..) = run(ClusterConfig { story_memory_days: Some(100), ..window });
    assert_ne!(next.story, first.story, "a story forgotten 100 days after its last event was continued");
    let (_, _, active, opened) = run(ClusterConfig { active_days: None, ..Default::default() });
    assert_eq!(active, opened, "without a window every event stays");
}

/// A sentencing reported seven months after the shooting joins the
/// shooting's event: past the fold the event links stories only through
/// its story's profile, but it still takes late reports until the window
/// ends; with a 90-day window the late report opens an event of its own.
#[test]
fn a_late_report_joins_its_event_after_the_fold_until_the_window_ends() {
    let shooting = doc(
        "Man shot dead outside Marlow Street bar in Dunmore",
        "Dunmore police said Travis Okafor, 31, was shot dead outside the Marlow Street bar early Saturday. Detective Ruth Kessler said a suspect, Dale Brannigan, was arrested.",
        Some("2023-01-07"),
    );
    let sentencing = doc(
        "Brannigan sentenced for Marlow Street bar shooting of Travis Okafor in Dunmore",
        "Dale Brannigan was sentenced for shooting Travis Okafor, 31, dead outside the Marlow Street bar in Dunmore, police and Detective Ruth Kessler said.",
        Some("2023-08-10"),
    );
    let run = |cfg: ClusterConfig| {
        let mut c = Clusterer::new(cfg);
        let first = c.assign(&shooting);
        daily_filler(&mut c, "2023-01-08", 214);
        let folded = c.events.get(&first.event).map(|ev| ev.folded);
        (first, c.assign(&sentencing), folded)
    };
    let (first, late, folded) = run(ClusterConfig::default());
    assert_eq!(folded, Some(true), "an event quiet for 200 days is folded and still held");
    assert!(!late.opened_event && late.event == first.event, "the late report opened an event");
    let (first, late, folded) = run(ClusterConfig { active_days: Some(90), ..Default::default() });
    assert_eq!(folded, None, "the event should have left a 90-day window");
    assert!(late.opened_event && late.event != first.event);
    assert_eq!(late.story, first.story, "the late report did not continue the story");
}

/// One article with a wild date (a typo, 2099) does not make every event
/// old: the next report of an event still joins it.
#[test]
fn one_article_from_the_far_future_does_not_send_every_event_quiet() {
    let quake1 = "A magnitude 6.1 earthquake struck Qeshm island in southern Iran on Sunday, killing 10 people and damaging villages near Bandar Abbas.";
    let quake1b = "The 6.1 earthquake on Qeshm island near Bandar Abbas in Iran killed 10 people and damaged several villages, officials said.";
    let oscars = "Hugh Jackman will host the Academy Awards ceremony in Hollywood, the Academy of Motion Picture Arts and Sciences announced.";
    let mut c = Clusterer::new(ClusterConfig { active_days: Some(30), ..Default::default() });
    let a = c.assign(&doc("Iran quake kills 10", quake1, Some("2024-03-10")));
    c.assign(&doc("Jackman to host Oscars", oscars, Some("2099-03-10")));
    let b = c.assign(&doc("Quake on Qeshm island", quake1b, Some("2024-03-11")));
    assert!(!b.opened_event, "the quake's event went quiet because of one 2099 date");
    assert_eq!(a.event, b.event);
}

/// The join-only features compare the best candidate with the runner-up
/// and with the stream: computed when training (or a model weighs them),
/// absent otherwise.
#[test]
fn margins_compare_the_best_candidate_with_the_runner_up_and_the_stream() {
    use super::model::JOIN_ONLY;
    let texts = [
        "The earthquake struck Qeshm island in Iran killing ten people.",
        "Jackman will host the Academy Awards ceremony in Hollywood.",
        "Flooding in Jakarta forced thousands from their homes on Monday.",
    ];
    let probe = doc("", "The earthquake on Qeshm island in Iran killed ten people, officials said.", None);
    let best_of = |mut c: Clusterer| {
        for t in texts {
            c.assign(&doc("", t, None));
        }
        let vecs = c.vectors(&probe);
        let candidates = c.candidates(&vecs);
        c.refresh_norms(&candidates);
        let all: Vec<_> = candidates.iter().map(|&e| c.pair_features(&probe, &vecs, &c.events[&e])).collect();
        (c.best_candidate(&probe, &vecs, &candidates).expect("a candidate"), all)
    };
    let ((_, x), all) = best_of(Clusterer::new(ClusterConfig::default()).with_join_only_features());
    let runner_up = all.iter().map(|f| f[0]).filter(|&v| v < x[0]).fold(0.0f32, f32::max);
    assert!(x[0] > 0.3, "{x:?}");
    assert!((x[JOIN_ONLY] - (x[0] - runner_up)).abs() < 1e-6, "{x:?} {all:?}");
    assert!(x[JOIN_ONLY + 2] > 0.0 && x[JOIN_ONLY + 2] < x[0], "stream cosine {x:?}");
    // The shipped model gives them no weight, so they are not computed.
    let ((_, x), _) = best_of(Clusterer::new(ClusterConfig::default()));
    assert_eq!(&x[JOIN_ONLY..], &[0.0; 4]);
}

#[test]
fn features_held_out_of_training_get_no_weight_and_balance_moves_the_bias() {
    let mut stream = Vec::new();
    // Mostly new events, a few joins: a corpus that rarely joins.
    for i in 0..12 {
        stream.push(TrainingDoc {
            features: doc("", &format!("Shooting on street number{i} wounded a man named Person{i} police said"), None),
            gold_event: format!("e{i}"),
        });
        if i % 4 == 0 {
            stream.push(TrainingDoc {
                features: doc("", &format!("Person{i} was wounded in a shooting on street number{i}"), None),
                gold_event: format!("e{i}"),
            });
        }
    }
    let cfg = ClusterConfig::default();
    let plain = TrainOptions { l2: 1e-2, without: vec![1, 3], ..Default::default() };
    let (model, _) = train_join_model(&[stream.clone()], &cfg, &plain, "test");
    assert_eq!((model.rank.weights[1], model.join.weights[1], model.join.weights[3]), (0.0, 0.0, 0.0));
    assert!(model.join.weights[0] != 0.0);
    let balanced = TrainOptions { balance_classes: true, ..plain };
    let (even, _) = train_join_model(&[stream], &cfg, &balanced, "test");
    // Opens outnumber joins: weighing them equally makes joining likelier.
    assert!(even.join.bias > model.join.bias, "{} vs {}", even.join.bias, model.join.bias);
}
