//! The timeline: dated statements (a sentence or the clause around a
//! resolved date) across all original articles and their photo captions,
//! merged when several sources report the same dated fact, ordered by date.

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::{Datelike, NaiveDate};

use super::sentences::sentence_spans;
use super::shared::{add_source, overlap, slice_chars, stems, Ctx};
use super::view::TimelineEntry;
use crate::analyze::{analyze_text, AnalyzeConfig};
use crate::model::{RemovalReason, TimeExpr, TimexType};

/// A resolved ISO date (`2025-11-04`, `2025-11`, `2025`) from a TIMEX3
/// value, else None (`PRESENT_REF`, weeks, durations).
pub(super) fn resolved_date(value: &str) -> Option<String> {
    let ok = match value.len() {
        10 => NaiveDate::parse_from_str(value, "%Y-%m-%d").is_ok(),
        7 => NaiveDate::parse_from_str(&format!("{value}-01"), "%Y-%m-%d").is_ok(),
        4 => value.chars().all(|c| c.is_ascii_digit()),
        _ => false,
    };
    ok.then(|| value.to_string())
}

#[rustfmt::skip]
const PAST_CUES: &[&str] = &[
    "since", "took", "taken", "held", "was", "were", "had", "became", "assumed", "began", "ended", "last", "ago", "earlier",
    "previously", "established", "founded", "met", "visited", "signed", "announced",
];
const FUTURE_CUES: &[&str] = &[
    "will",
    "would",
    "next",
    "upcoming",
    "expected",
    "plans",
    "planned",
    "scheduled",
    "set",
    "due",
    "until",
    "by",
    "coming",
];

/// A bare month or weekday (no year written) that the resolver put after
/// the publication date although the words before it are past tense
/// (`since taking office in July`, published in October): the same month a
/// year earlier.
fn fix_tense(date: String, timex_text: &str, before: &str, published: Option<NaiveDate>, window: usize) -> String {
    let Some(p) = published else { return date };
    if timex_text.chars().any(|c| c.is_ascii_digit())
        && timex_text.split(|c: char| !c.is_ascii_digit()).any(|n| n.len() == 4)
    {
        return date;
    }
    let first = if date.len() == 7 { format!("{date}-01") } else { date.clone() };
    let Ok(d) = NaiveDate::parse_from_str(&first, "%Y-%m-%d") else { return date };
    let later = if date.len() == 7 { (d.year(), d.month()) > (p.year(), p.month()) } else { d > p };
    if !later {
        return date;
    }
    let words: Vec<String> = before
        .split_whitespace()
        .rev()
        .take(window)
        .map(|w| w.trim_matches(|c: char| !c.is_alphabetic()).to_lowercase())
        .collect();
    let past = words.iter().any(|w| PAST_CUES.contains(&w.as_str()) || (w.len() > 4 && w.ends_with("ed")));
    let future = words.iter().any(|w| FUTURE_CUES.contains(&w.as_str()));
    if !past || future {
        return date;
    }
    let Some(earlier) = d.with_year(d.year() - 1) else { return date };
    if date.len() == 7 {
        earlier.format("%Y-%m").to_string()
    } else {
        earlier.to_string()
    }
}

const REPORTING_VERBS: &[&str] = &["said", "says", "announced", "told", "reported", "stated", "added"];

/// A dated statement found in one source.
struct Mention {
    date: String,
    text: String,
    stems: BTreeSet<String>,
    source: String,
    caption: bool,
}

/// Dated statements of one text: `spans` its sentences (char offsets),
/// `times` its time expressions (char offsets into `text`).
fn mentions_of(
    text: &str,
    spans: &[super::sentences::SentenceSpan],
    times: &[TimeExpr],
    published: Option<NaiveDate>,
    source: &str,
    caption: bool,
    ctx: &Ctx,
    out: &mut Vec<Mention>,
) {
    for s in spans {
        let sentence = slice_chars(text, s.start, s.end);
        let in_sentence: Vec<(&TimeExpr, String)> = times
            .iter()
            .filter(|t| t.kind == TimexType::Date && t.start >= s.start && t.end <= s.end)
            .filter_map(|t| {
                let d = resolved_date(&t.value)?;
                let before = slice_chars(text, s.start, t.start);
                Some((t, fix_tense(d, &t.text, &before, published, ctx.cfg.tense_window_words)))
            })
            .collect();
        let distinct: BTreeSet<&str> = in_sentence.iter().map(|(_, d)| d.as_str()).collect();
        for (t, date) in &in_sentence {
            let before = slice_chars(text, s.start, t.start);
            let prev = before
                .split_whitespace()
                .last()
                .unwrap_or("")
                .trim_matches(|c: char| !c.is_alphabetic())
                .to_lowercase();
            // "..., the ministry said Monday": the date of the telling, not
            // of the fact, when the sentence dates something else.
            if REPORTING_VERBS.contains(&prev.as_str()) && distinct.len() > 1 {
                continue;
            }
            let long = sentence.chars().count() > ctx.cfg.timeline_max_chars;
            let statement = if long || distinct.len() > 1 {
                clause(text, s.start, s.end, t.start, t.end)
            } else {
                sentence.clone()
            };
            let statement = strip_credit(&statement);
            out.push(Mention {
                date: date.clone(),
                stems: stems(&statement),
                text: statement,
                source: source.to_string(),
                caption,
            });
        }
    }
}

/// The clause around chars `[ts, te)` of sentence `[ss, se)`: from the
/// comma or semicolon before it that leaves at least six words, to the
/// next one after it; marked with ellipses where cut.
fn clause(text: &str, ss: usize, se: usize, ts: usize, te: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    let is_boundary = |i: usize| matches!(chars[i], ',' | ';') && chars.get(i + 1).is_some_and(|c| c.is_whitespace());
    let words = |a: usize, b: usize| chars[a..b].iter().collect::<String>().split_whitespace().count();
    let mut start = ss;
    let mut i = ts;
    while i > ss {
        i -= 1;
        if is_boundary(i) && words(i + 1, te) >= 6 {
            start = i + 1;
            break;
        }
    }
    let end = (te..se).find(|&i| is_boundary(i)).unwrap_or(se);
    let body: String = chars[start..end].iter().collect::<String>().trim().to_string();
    let mut out = String::new();
    if start > ss {
        out.push('…');
    }
    out.push_str(&body);
    if end < se {
        out.push('…');
    }
    out
}

/// Drops a trailing photo credit such as `[MINISTRY OF NATIONAL DEFENSE]`.
fn strip_credit(text: &str) -> String {
    let t = text.trim();
    if t.ends_with(']') {
        if let Some(i) = t.rfind('[') {
            return t[..i].trim_end().to_string();
        }
    }
    t.to_string()
}

struct Entry {
    date: String,
    mentions: Vec<Mention>,
    sources: Vec<String>,
}

impl Entry {
    fn shares(&self, st: &BTreeSet<String>) -> usize {
        self.mentions.iter().map(|m| overlap(&m.stems, st)).max().unwrap_or(0)
    }

    /// The mention that shares most with the others; body text before
    /// captions, then the shorter.
    fn text(&self) -> String {
        let score = |m: &Mention| self.mentions.iter().map(|o| overlap(&m.stems, &o.stems)).sum::<usize>();
        self.mentions
            .iter()
            .min_by(|a, b| {
                a.caption
                    .cmp(&b.caption)
                    .then(score(b).cmp(&score(a)))
                    .then(a.text.chars().count().cmp(&b.text.chars().count()))
            })
            .map(|m| m.text.clone())
            .unwrap_or_default()
    }
}

pub(super) fn timeline(ctx: &Ctx) -> Vec<TimelineEntry> {
    let mut mentions: Vec<Mention> = Vec::new();
    let acfg = AnalyzeConfig::default();
    for m in ctx.originals() {
        let a = m.article;
        let published = a.best_date();
        mentions_of(
            &a.raw_text,
            &ctx.sentences[a.id.as_str()],
            &m.analysis.times,
            published,
            &a.id,
            false,
            ctx,
            &mut mentions,
        );
        if ctx.cfg.timeline_captions {
            for r in a.removed.iter().filter(|r| r.reason == RemovalReason::Caption) {
                let cap = strip_credit(&r.text);
                let times = analyze_text(&cap, published, &acfg).times;
                mentions_of(&cap, &sentence_spans(&cap), &times, published, &a.id, true, ctx, &mut mentions);
            }
        }
    }
    // Same date and enough shared words: the same fact from another source.
    // Entries are looked up by date (in creation order, as a scan of all
    // entries would find them), not scanned across every date.
    let mut entries: Vec<Entry> = Vec::new();
    let mut by_date: HashMap<String, Vec<usize>> = HashMap::new();
    for m in mentions {
        let same_date = by_date.entry(m.date.clone()).or_default();
        match same_date.iter().copied().find(|&i| entries[i].shares(&m.stems) >= ctx.cfg.timeline_merge_min_shared) {
            Some(i) => {
                let e = &mut entries[i];
                add_source(&mut e.sources, &m.source);
                e.mentions.push(m);
            }
            None => {
                same_date.push(entries.len());
                entries.push(Entry { date: m.date.clone(), sources: vec![m.source.clone()], mentions: vec![m] });
            }
        }
    }
    // A coarser date (`in September`) folds into a finer one of the same
    // period (`on Sept. 24`) telling the same fact.
    let mut i = 0;
    while i < entries.len() {
        let coarse = &entries[i];
        let target = (0..entries.len())
            .filter(|&j| {
                j != i && entries[j].date.len() > coarse.date.len() && entries[j].date.starts_with(&coarse.date)
            })
            .map(|j| (j, coarse.mentions.iter().map(|m| entries[j].shares(&m.stems)).max().unwrap_or(0)))
            .filter(|&(_, s)| s >= ctx.cfg.timeline_coarse_merge_min_shared)
            .max_by_key(|&(j, s)| (s, std::cmp::Reverse(j)));
        if let Some((j, _)) = target {
            let e = entries.remove(i);
            let j = if j > i { j - 1 } else { j };
            for s in &e.sources {
                add_source(&mut entries[j].sources, s);
            }
            entries[j].mentions.extend(e.mentions);
        } else {
            i += 1;
        }
    }
    let mut out: Vec<TimelineEntry> = Vec::with_capacity(entries.len());
    let mut seen: HashSet<(String, Vec<String>)> = HashSet::new();
    for e in &entries {
        let entry = TimelineEntry { date: e.date.clone(), text: e.text(), sources: e.sources.clone() };
        // A range (`1950-1953`) dates one statement twice: keep the first.
        if seen.insert((entry.text.clone(), entry.sources.clone())) {
            out.push(entry);
        }
    }
    out.sort_by(|a, b| a.date.cmp(&b.date).then(b.sources.len().cmp(&a.sources.len())));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn past_tense_month_goes_back_a_year() {
        let p = NaiveDate::from_ymd_opt(2025, 10, 27);
        assert_eq!(fix_tense("2026-07".into(), "July", "first meeting since taking office in", p, 5), "2025-07");
        assert_eq!(fix_tense("2026-07".into(), "July", "the talks will be held in", p, 5), "2026-07");
        assert_eq!(fix_tense("2025-11-04".into(), "Nov. 4", "set to meet on", p, 5), "2025-11-04");
    }

    #[test]
    fn clause_is_cut_at_commas() {
        let s = "Earlier, officials met, and the 27th dialogue was held in Seoul on Sept. 24, a precursor to talks.";
        let n = s.chars().count();
        let ts = s.find("Sept. 24").unwrap();
        let c = clause(s, 0, n, ts, ts + 8);
        assert_eq!(c, "…and the 27th dialogue was held in Seoul on Sept. 24…");
    }
}
