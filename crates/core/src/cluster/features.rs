//! What of an article carries its event: terms, names, numbers and dates.
//! Pure and per article, so it runs in parallel before the ordered,
//! stateful clustering step.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::config::ClusterConfig;
use super::hashing::{term_hash, IdMap};
use crate::model::{Analysis, Article, TimexType};
use crate::text::is_stopword;

pub(crate) const NS_TERM: u8 = 1;
pub(crate) const NS_ENTITY: u8 = 2;
const NS_NUMBER: u8 = 3;

/// The clustering view of one article. Serializable so a store can restore
/// the clusterer without re-reading texts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DocFeatures {
    /// Stemmed content-word hashes with raw (weighted) counts, sorted by hash.
    pub terms: Vec<(u64, f32)>,
    /// Names (analysed entities' canonicals and capitalised word runs) with
    /// counts, sorted by hash.
    pub entities: Vec<(u64, f32)>,
    /// Hashes of numbers in the text (`28,500` and `28500` alike), sorted.
    pub numbers: Vec<u64>,
    /// Publication date as days since 0001-01-01 (CE), when known.
    pub day: Option<i32>,
    /// Day-precision dates the text mentions (resolved), sorted, unique.
    pub mentioned_days: Vec<i32>,
    /// Month and day of a dateline without a year (`Seoul, December 1`),
    /// when the publication date is unknown: placed in the year nearest an
    /// event's date when compared with it.
    #[serde(default)]
    pub dateline_month_day: Option<(u32, u32)>,
    /// ISO 639-1 language of the article (`en`), lower case: articles are
    /// clustered only among articles of their language, because shared
    /// names and numbers across languages are an accident, not an event.
    #[serde(default)]
    pub language: String,
    /// Share of the body's words that address the reader or speak for the
    /// publisher (`you`, `your`, `we`, `our`): guides, product and service
    /// pages talk to the reader.
    #[serde(default)]
    pub reader_address: f32,
    /// Share of the body's words that report something that happened
    /// (`was`, `were`, `had`, `said`, `told`, `according`): news reports an
    /// event in the past tense and cites its sources.
    #[serde(default)]
    pub report_cues: f32,
}

impl DocFeatures {
    /// Whether the text reads as a page that talks to its reader rather
    /// than a report of something that happened. Such a page has no event
    /// to share: it joins another page only when nearly the same text.
    /// Measured on the WCXB dev crawl and the three event corpora
    /// (BENCHMARKS.md, "Events that are events").
    pub fn addresses_reader(&self) -> bool {
        self.reader_address > self.report_cues
    }
}

/// Second-person and publisher first-person words, lower case (the
/// caller skips `US`, a country).
fn is_reader_address(word: &str) -> bool {
    matches!(
        word,
        "you"
            | "your"
            | "yours"
            | "yourself"
            | "yourselves"
            | "you're"
            | "you'll"
            | "you've"
            | "we"
            | "our"
            | "ours"
            | "ourselves"
            | "we're"
            | "we've"
            | "we'll"
            | "us"
    )
}

/// Past-tense auxiliaries and the verbs news cites its sources with.
fn is_report_cue(lower: &str) -> bool {
    matches!(
        lower,
        "was"
            | "were"
            | "had"
            | "did"
            | "said"
            | "says"
            | "told"
            | "according"
            | "reported"
            | "announced"
            | "confirmed"
            | "stated"
    )
}

fn add(map: &mut IdMap<u64, f32>, key: u64, w: f32) {
    *map.entry(key).or_insert(0.0) += w;
}

fn sorted(map: IdMap<u64, f32>) -> Vec<(u64, f32)> {
    let mut v: Vec<(u64, f32)> = map.into_iter().collect();
    v.sort_unstable_by_key(|&(k, _)| k);
    v
}

fn is_capitalised(w: &str) -> bool {
    w.chars().next().is_some_and(char::is_uppercase)
}

/// Features of one article from its cleaned text and the dates its
/// analysis resolved; entity names are added by [`DocFeatures::add_entity_names`].
pub fn text_features(article: &Article, analysis: &Analysis, cfg: &ClusterConfig) -> DocFeatures {
    let stemmer = crate::text::english_stemmer();
    let mut terms: IdMap<u64, f32> = IdMap::default();
    let mut entities: IdMap<u64, f32> = IdMap::default();
    let mut numbers: Vec<u64> = Vec::new();
    // Words of the body, and how many address the reader or report.
    let (mut body_words, mut address, mut report) = (0u32, 0u32, 0u32);

    let mut read = |text: &str, weight: f32, body: bool| {
        // A run of capitalised words ("Defense Minister Ahn Gyu-back") is a
        // name candidate; each word and each adjacent pair count, so partial
        // mentions ("Ahn") still meet the full one.
        let mut run: Vec<String> = Vec::new();
        let flush = |run: &mut Vec<String>, entities: &mut IdMap<u64, f32>| {
            for (i, w) in run.iter().enumerate() {
                add(entities, term_hash(NS_ENTITY, w), weight);
                if let Some(next) = run.get(i + 1) {
                    add(entities, term_hash(NS_ENTITY, &format!("{w} {next}")), weight);
                }
            }
            run.clear();
        };
        let mut prev_end = 0usize;
        for (byte, word) in crate::text::word_spans(text) {
            let gap = &text[prev_end..byte];
            prev_end = byte + word.len();
            if gap.contains(['.', ',', ';', ':', '\n', '(', ')', '"', '“', '”']) {
                flush(&mut run, &mut entities);
            }
            if word.chars().any(|c| c.is_ascii_digit()) {
                flush(&mut run, &mut entities);
                let digits: String = word.chars().filter(|c| *c != ',').collect();
                numbers.push(term_hash(NS_NUMBER, &digits));
                continue;
            }
            let lower = word.to_lowercase();
            if body {
                body_words += 1;
                let reader = if lower.contains('’') {
                    is_reader_address(&lower.replace('’', "'"))
                } else {
                    is_reader_address(&lower)
                };
                address += (reader && word != "US") as u32;
                report += is_report_cue(&lower) as u32;
            }
            let stop = is_stopword(&lower);
            if is_capitalised(word) && !stop {
                run.push(lower.clone());
            } else {
                flush(&mut run, &mut entities);
            }
            if stop || lower.chars().count() < 2 {
                continue;
            }
            let stem = stemmer.stem(&lower);
            add(&mut terms, term_hash(NS_TERM, &stem), weight);
        }
        flush(&mut run, &mut entities);
    };
    if !article.title.is_empty() {
        read(&article.title, cfg.title_weight, false);
    }
    read(&article.text, 1.0, true);
    // News puts the event (who, what, where) first and background last, so
    // the lead counts again. Measured as a plateau, not a point: 50-100
    // words at weight 0.5-1.5 all gain on both development corpora
    // (BENCHMARKS.md, "Session 6").
    if cfg.lead_weight > 0.0 {
        let end = crate::text::word_spans(&article.text).nth(cfg.lead_words).map_or(article.text.len(), |(b, _)| b);
        read(&article.text[..end], cfg.lead_weight, false);
    }

    numbers.sort_unstable();
    numbers.dedup();

    let mut mentioned_days: Vec<i32> = analysis
        .times
        .iter()
        .filter(|t| t.kind == TimexType::Date)
        .filter_map(|t| NaiveDate::parse_from_str(t.value.get(..10)?, "%Y-%m-%d").ok())
        .map(|d| d.num_days_from_ce())
        .collect();
    mentioned_days.sort_unstable();
    mentioned_days.dedup();

    DocFeatures {
        terms: sorted(terms),
        entities: sorted(entities),
        numbers,
        day: article.best_date().map(|d| d.num_days_from_ce()),
        mentioned_days,
        dateline_month_day: match (article.best_date(), &article.dateline) {
            (None, Some(dl)) => dl.month.zip(dl.day),
            _ => None,
        },
        language: language_code(&article.language),
        reader_address: address as f32 / body_words.max(1) as f32,
        report_cues: report as f32 / body_words.max(1) as f32,
    }
}

/// `en` of `en-US`, `EN` or `en_GB`: inputs name languages in many ways.
fn language_code(language: &str) -> String {
    language.trim().split(['-', '_']).next().unwrap_or("").to_ascii_lowercase()
}

/// The day (days from CE) of `month`/`day` in the year that puts it
/// nearest `around`.
pub(crate) fn nearest_day(month: u32, day: u32, around: i32) -> Option<i32> {
    let year = NaiveDate::from_num_days_from_ce_opt(around)?.year();
    (year - 1..=year + 1)
        .filter_map(|y| NaiveDate::from_ymd_opt(y, month, day))
        .map(|d| d.num_days_from_ce())
        .min_by_key(|d| (d - around).abs())
}

/// Features of one article, including its analysed entity names. Use
/// [`text_features`] then [`DocFeatures::add_entity_names`] when the names'
/// canonicals are folded across articles in between.
pub fn features(article: &Article, analysis: &Analysis, cfg: &ClusterConfig) -> DocFeatures {
    let mut f = text_features(article, analysis, cfg);
    f.add_entity_names(analysis);
    f
}

impl DocFeatures {
    /// Adds the canonical names of analysed entities (aliases folded), so
    /// "Ahn Kyu-back" and "Ahn Gyu-back" count as one name.
    pub fn add_entity_names(&mut self, analysis: &Analysis) {
        let mut map: IdMap<u64, f32> = self.entities.iter().copied().collect();
        for e in &analysis.entities {
            add(&mut map, term_hash(NS_ENTITY, &e.canonical.to_lowercase()), 1.0);
        }
        self.entities = sorted(map);
    }
}
