//! analyze: who and what does the article name, when do things happen, who
//! said what, and how many?
//!
//! Rules and gazetteers, no model: each recogniser is a pure function over
//! the text that works on byte offsets; [`analyze_text`] converts them to the
//! char offsets of the CONTRACT once at the end.
//!
//! - [`entities`]: capitalised-span chunking with role and organisation cues
//!   and an aho-corasick gazetteer of countries, cities and regions.
//! - [`aliases`]: folding within one text (surnames, acronyms) and across
//!   articles ([`AliasRegistry`]: romanisation variants confirmed by context,
//!   dated renames such as `Department of War`).
//! - [`times`]: TIMEX3 expressions resolved against the publication date.
//! - [`quotes`]: direct quotes and their speakers.
//! - [`amounts`]: numbers with what they count.
//!
//! ```
//! use storyline_core::analyze::{analyze_text, AnalyzeConfig};
//! let d = chrono::NaiveDate::from_ymd_opt(2025, 10, 27);
//! let a = analyze_text("Defense Minister Ahn Gyu-back will visit Seoul on Nov. 4.", d,
//!                      &AnalyzeConfig::default());
//! assert_eq!(a.times[0].value, "2025-11-04");
//! assert!(a.entities.iter().any(|e| e.canonical == "Ahn Gyu-back"));
//! ```

mod aliases;
mod amounts;
mod config;
mod entities;
mod quotes;
#[cfg(test)]
mod tests;
mod times;

use chrono::NaiveDate;

use crate::model::{Analysis, Article};

pub use aliases::{dated_alias, AliasRegistry};
pub use config::AnalyzeConfig;

/// Byte offset -> char offset for one text; ASCII texts need no table.
pub(crate) struct CharMap {
    /// `table[b]` is the char offset of byte `b`; empty when the text is ASCII.
    table: Vec<u32>,
}

impl CharMap {
    fn new(text: &str) -> Self {
        if text.is_ascii() {
            return CharMap { table: Vec::new() };
        }
        let mut table = vec![0u32; text.len() + 1];
        let mut n = 0u32;
        for (b, c) in text.char_indices() {
            for k in 0..c.len_utf8() {
                table[b + k] = n;
            }
            n += 1;
        }
        table[text.len()] = n;
        CharMap { table }
    }

    fn get(&self, byte: usize) -> usize {
        if self.table.is_empty() {
            byte
        } else {
            self.table.get(byte).copied().unwrap_or(0) as usize
        }
    }
}

/// Longest sentence scanned, in bytes: news sentences are far shorter.
const MAX_SENTENCE: usize = 1500;

/// Sentence boundaries (byte ranges), shared by the time and quote passes.
/// Scans at most [`MAX_SENTENCE`] bytes each way so text without sentence
/// ends stays linear.
pub(crate) fn sentence_of(text: &str, pos: usize) -> (usize, usize) {
    let bytes = text.as_bytes();
    let pos = pos.min(bytes.len());
    let mut s = pos;
    let lo = pos.saturating_sub(MAX_SENTENCE);
    let hi = (pos + MAX_SENTENCE).min(bytes.len());
    while s > lo {
        let c = bytes[s - 1];
        if c == b'\n' {
            break;
        }
        if matches!(c, b'.' | b'!' | b'?')
            && s < bytes.len()
            && matches!(bytes[s], b' ' | b'"' | 0xE2)
            && !is_abbrev_end(text, s - 1)
        {
            break;
        }
        s -= 1;
    }
    while s < bytes.len() && !text.is_char_boundary(s) {
        s += 1;
    }
    let mut e = pos;
    while e < hi {
        let c = bytes[e];
        if c == b'\n' {
            break;
        }
        if matches!(c, b'.' | b'!' | b'?')
            && (e + 1 >= bytes.len() || matches!(bytes[e + 1], b' ' | b'\n' | b'"' | 0xE2))
            && !is_abbrev_end(text, e)
        {
            e += 1;
            break;
        }
        e += 1;
    }
    while e < bytes.len() && !text.is_char_boundary(e) {
        e += 1;
    }
    (s.min(e), e)
}

/// Whether the '.' at byte `dot` ends an abbreviation (`Nov.`, `U.S.`, `Gen.`).
pub(crate) fn is_abbrev_end(text: &str, dot: usize) -> bool {
    let before = &text[..dot];
    let word_start = before
        .rfind(|c: char| !(c.is_alphanumeric() || c == '.'))
        .map(|i| i + before[i..].chars().next().map_or(1, |c| c.len_utf8()))
        .unwrap_or(0);
    let word = &before[word_start..];
    if word.is_empty() {
        return false;
    }
    entities::is_abbrev(word) || (word.len() <= 3 && word.contains('.'))
}

/// Analyze one text; offsets are char offsets into `text`.
pub fn analyze_text(text: &str, published: Option<NaiveDate>, cfg: &AnalyzeConfig) -> Analysis {
    let raw = analyze_bytes(text, published, cfg);
    let map = CharMap::new(text);
    raw.into_analysis(text, &map)
}

/// Byte-offset results of all recognisers, before char conversion.
pub(crate) struct RawAnalysis {
    pub entities: Vec<entities::Ent>,
    pub times: Vec<times::Timex>,
    pub quotes: Vec<quotes::RawQuote>,
    pub amounts: Vec<amounts::RawAmount>,
}

impl RawAnalysis {
    fn into_analysis(self, text: &str, map: &CharMap) -> Analysis {
        use crate::model::{Amount, Entity, Quote, TimeExpr};
        let entities = self
            .entities
            .into_iter()
            .map(|e| Entity {
                text: text[e.start..e.end].to_string(),
                kind: e.kind,
                start: map.get(e.start),
                end: map.get(e.end),
                canonical: e.canonical,
            })
            .collect();
        let times = self
            .times
            .into_iter()
            .map(|t| TimeExpr {
                text: text[t.start..t.end].to_string(),
                kind: t.kind,
                start: map.get(t.start),
                end: map.get(t.end),
                value: t.value,
            })
            .collect();
        let quotes = self
            .quotes
            .into_iter()
            .map(|q| Quote {
                text: text[q.start..q.end].to_string(),
                speaker: q.speaker,
                start: map.get(q.start),
                end: map.get(q.end),
            })
            .collect();
        let amounts = self
            .amounts
            .into_iter()
            .map(|a| Amount {
                text: text[a.start..a.end].to_string(),
                value: a.value,
                unit: a.unit,
                start: map.get(a.start),
                end: map.get(a.end),
            })
            .collect();
        Analysis { entities, times, quotes, amounts }
    }
}

fn analyze_bytes(text: &str, published: Option<NaiveDate>, cfg: &AnalyzeConfig) -> RawAnalysis {
    analyze_bytes_for(text, published, cfg, Stages::ALL)
}

/// Which recognisers hold for a language. The rules are written for
/// English: quotes need English attribution verbs (`said`, `told`) and
/// amounts English number words and units, so on other languages they find
/// nonsense (`de: 11`); they run on English only. Entities are
/// capitalised spans, which hold where capitals mark names: Latin-script
/// languages other than German and Luxembourgish (which capitalise every
/// noun). Times (numeric and ISO dates, years) run on every language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stages {
    /// Named people, organisations and places.
    pub entities: bool,
    /// Dates, times, durations and sets (TIMEX3).
    pub times: bool,
    /// Quotations and their speakers.
    pub quotes: bool,
    /// Numbers with what they count or measure.
    pub amounts: bool,
}

impl Stages {
    /// Every stage: what an English text gets.
    pub const ALL: Stages = Stages { entities: true, times: true, quotes: true, amounts: true };

    /// The stages for an ISO 639-1 language code (`en`, `de`, ...).
    pub fn for_language(language: &str) -> Stages {
        const NAMES_CAPITALISED: &[&str] = &[
            "en", "fr", "es", "it", "pt", "nl", "ca", "ro", "pl", "cs", "sk", "sl", "hr", "sv", "da", "nb", "no", "nn",
            "fi", "et", "lv", "lt", "hu", "tr", "id", "ms", "tl", "af", "eo", "la", "sq", "eu", "gl", "is", "ga", "cy",
        ];
        let l = language.trim().to_ascii_lowercase();
        // No language known: the default language, English.
        let english = l == "en" || l.is_empty();
        if english {
            return Stages::ALL;
        }
        Stages { entities: NAMES_CAPITALISED.contains(&l.as_str()), times: true, quotes: false, amounts: false }
    }
}

fn analyze_bytes_for(text: &str, published: Option<NaiveDate>, cfg: &AnalyzeConfig, stages: Stages) -> RawAnalysis {
    let mut ents = if stages.entities { entities::recognise(text, cfg) } else { Vec::new() };
    aliases::fold_within(text, &mut ents, published, cfg);
    let times = if stages.times { times::extract(text, published) } else { Vec::new() };
    let quotes = if stages.quotes { quotes::extract(text, &ents, cfg) } else { Vec::new() };
    let amounts = if stages.amounts { amounts::extract(text, &times) } else { Vec::new() };
    RawAnalysis { entities: ents, times, quotes, amounts }
}

/// The kept paragraphs and the removed photo captions that are found in the
/// raw text, in raw-text order, each with its char offset there (`None`
/// for a paragraph that is not a substring of it).
fn with_captions(article: &Article) -> Vec<(&str, Option<usize>)> {
    let mut parts: Vec<(&str, Option<usize>)> =
        article.paragraphs.iter().map(|p| (p.text.as_str(), p.raw_start)).collect();
    let raw = &article.raw_text;
    for r in article.removed.iter().filter(|r| r.reason == crate::model::RemovalReason::Caption) {
        let Some(byte) = raw.find(r.text.as_str()).filter(|_| !r.text.is_empty()) else { continue };
        let at = raw[..byte].chars().count();
        // Before the first paragraph that starts after it.
        let i = parts.iter().position(|&(_, s)| s.is_some_and(|s| s > at)).unwrap_or(parts.len());
        parts.insert(i, (r.text.as_str(), Some(at)));
    }
    parts
}

/// Analyze an article's title and paragraphs as one document (so aliases
/// defined in one paragraph resolve in another); offsets point into
/// `article.raw_text`. Mentions in the title or in paragraphs without a
/// `raw_start` are dropped: they have no place in the raw text.
pub fn analyze_article(article: &Article, cfg: &AnalyzeConfig) -> Analysis {
    // Segments of the combined document: (byte start, byte end, raw char start).
    let mut doc = String::with_capacity(article.text.len() + article.title.len() + 8);
    let mut segs: Vec<(usize, usize, Option<usize>)> = Vec::with_capacity(article.paragraphs.len() + 1);
    if !article.title.is_empty() {
        doc.push_str(&article.title);
        segs.push((0, doc.len(), None));
    }
    // Photo captions are cut from the reading text but say who met whom and
    // when (`Then-Defense Minister Kim Yong-hyun ... in Seoul on Sept. 24`):
    // they are analysed too, in their place in the raw text.
    let parts = with_captions(article);
    for &(text, raw_start) in &parts {
        if !doc.is_empty() {
            doc.push_str("\n\n");
        }
        let s = doc.len();
        doc.push_str(text);
        segs.push((s, doc.len(), raw_start));
    }
    let raw = analyze_bytes_for(&doc, article.best_date(), cfg, Stages::for_language(&article.language));
    let raw_text = &article.raw_text;
    // Offset tables built once per article: counting chars from the start
    // of the text for every mention made this quadratic in the text.
    let doc_chars = CharMap::new(&doc);
    // `raw_bytes[c]` is the byte offset of char `c` of `raw_text` (and of
    // its end at `raw_chars`); empty when the text is ASCII.
    let raw_bytes: Vec<usize> = if raw_text.is_ascii() {
        Vec::new()
    } else {
        raw_text.char_indices().map(|(b, _)| b).chain(std::iter::once(raw_text.len())).collect()
    };
    let raw_chars = if raw_text.is_ascii() { raw_text.len() } else { raw_bytes.len() - 1 };
    let raw_byte = |c: usize| if raw_bytes.is_empty() { c } else { raw_bytes[c] };
    // Byte offset in doc -> char offset in raw_text, or None outside mapped paragraphs.
    let map_pos = |b: usize, is_end: bool| -> Option<usize> {
        let seg = segs.iter().find(|&&(s, e, _)| if is_end { b > s && b <= e } else { b >= s && b < e })?;
        let raw_start = seg.2?;
        if !doc.is_char_boundary(b) {
            return None;
        }
        let chars_in = doc_chars.get(b) - doc_chars.get(seg.0);
        let r = raw_start + chars_in;
        (r <= raw_chars).then_some(r)
    };
    // Chars `s..e` of the raw text (both at most `raw_chars`, as `map_pos` gives).
    let slice = |s: usize, e: usize| -> String {
        if e <= s {
            return String::new();
        }
        raw_text[raw_byte(s)..raw_byte(e)].to_string()
    };
    let mut out = Analysis::default();
    for e in raw.entities {
        if let (Some(s), Some(en)) = (map_pos(e.start, false), map_pos(e.end, true)) {
            out.entities.push(crate::model::Entity {
                text: slice(s, en),
                kind: e.kind,
                start: s,
                end: en,
                canonical: e.canonical,
            });
        }
    }
    for t in raw.times {
        if let (Some(s), Some(en)) = (map_pos(t.start, false), map_pos(t.end, true)) {
            out.times.push(crate::model::TimeExpr {
                text: slice(s, en),
                kind: t.kind,
                start: s,
                end: en,
                value: t.value,
            });
        }
    }
    for q in raw.quotes {
        if let (Some(s), Some(en)) = (map_pos(q.start, false), map_pos(q.end, true)) {
            if en > s {
                out.quotes.push(crate::model::Quote { text: slice(s, en), speaker: q.speaker, start: s, end: en });
            }
        }
    }
    for a in raw.amounts {
        if let (Some(s), Some(en)) = (map_pos(a.start, false), map_pos(a.end, true)) {
            out.amounts.push(crate::model::Amount {
                text: slice(s, en),
                value: a.value,
                unit: a.unit,
                start: s,
                end: en,
            });
        }
    }
    out
}
