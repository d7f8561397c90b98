//! Building the view of one story from its members.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::sentences::{sentence_spans, SentenceSpan};
use crate::model::{Analysis, Article, EntityType, TimexType};
use crate::text::{english_stemmer, is_stopword, normalize_for_hash};

/// One article of the story with what the pipeline decided about it.
#[derive(Debug, Clone, Copy)]
pub struct StoryMember<'a> {
    pub article: &'a Article,
    pub analysis: &'a Analysis,
    pub event: u32,
    pub duplicate_of: Option<&'a str>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventView {
    pub id: String,
    pub title: String,
    pub date: Option<String>,
    pub articles: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub date: String,
    pub text: String,
    pub sources: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntityView {
    pub canonical: String,
    #[serde(rename = "type")]
    pub kind: EntityType,
    pub aliases: Vec<String>,
    pub articles: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FactConflict {
    pub value: f64,
    pub sources: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FactView {
    pub subject: String,
    pub value: f64,
    pub unit: String,
    pub text: String,
    pub sources: Vec<String>,
    pub conflicts: Vec<FactConflict>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuoteView {
    pub speaker: Option<String>,
    pub text: String,
    pub sources: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceView {
    pub article: String,
    pub outlet: Option<String>,
    pub published: Option<String>,
    pub machine_translated: bool,
    pub duplicate_of: Option<String>,
    /// Copies of this article (ids), when it is an original.
    pub copies: Vec<String>,
}

/// The CONTRACT's `show --json` object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoryView {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub events: Vec<EventView>,
    pub timeline: Vec<TimelineEntry>,
    pub entities: Vec<EntityView>,
    pub facts: Vec<FactView>,
    pub quotes: Vec<QuoteView>,
    pub sources: Vec<SourceView>,
}

/// Chars `[start, end)` of `s`.
fn slice_chars(s: &str, start: usize, end: usize) -> String {
    s.chars().skip(start).take(end.saturating_sub(start)).collect()
}

/// Content-word stems, for comparing sentences.
fn stems(text: &str) -> BTreeSet<String> {
    let stemmer = english_stemmer();
    crate::text::words(text)
        .map(str::to_lowercase)
        .filter(|w| !is_stopword(w) && w.chars().count() > 1)
        .map(|w| stemmer.stem(&w).into_owned())
        .collect()
}

fn overlap(a: &BTreeSet<String>, b: &BTreeSet<String>) -> usize {
    a.intersection(b).count()
}

/// Sentences of an article's raw text that lie in its kept paragraphs.
fn kept_sentences(article: &Article) -> Vec<SentenceSpan> {
    let ranges: Vec<(usize, usize)> = article
        .paragraphs
        .iter()
        .filter_map(|p| p.raw_start.map(|s| (s, s + p.text.chars().count())))
        .collect();
    sentence_spans(&article.raw_text)
        .into_iter()
        .filter(|s| ranges.iter().any(|&(a, b)| s.start >= a && s.end <= b))
        .collect()
}

/// A day-precision (or coarser) ISO date from a TIMEX3 value, when fully
/// resolved (`2025-11-04`, `2025-11`, `2025`), else None.
fn resolved_date(value: &str) -> Option<String> {
    let ok = match value.len() {
        10 => NaiveDate::parse_from_str(value, "%Y-%m-%d").is_ok(),
        7 => NaiveDate::parse_from_str(&format!("{value}-01"), "%Y-%m-%d").is_ok(),
        _ => false,
    };
    ok.then(|| value.to_string())
}

/// Builds the view of story `story_id` from its members (any order; they
/// are shown in arrival order as given).
pub fn build_view(story_id: &str, members: &[StoryMember<'_>]) -> StoryView {
    let originals: Vec<&StoryMember> = members.iter().filter(|m| m.duplicate_of.is_none()).collect();
    let sentence_cache: HashMap<&str, Vec<SentenceSpan>> =
        members.iter().map(|m| (m.article.id.as_str(), kept_sentences(m.article))).collect();

    // Lead sentences and their centrality: how many other articles share
    // most of their content words. The most shared lead is the headline.
    let leads: Vec<(&StoryMember, String, BTreeSet<String>)> = originals
        .iter()
        .flat_map(|m| {
            sentence_cache[m.article.id.as_str()]
                .iter()
                .take(3)
                .map(move |s| (*m, slice_chars(&m.article.raw_text, s.start, s.end)))
        })
        .map(|(m, t)| {
            let st = stems(&t);
            (m, t, st)
        })
        .collect();
    let centrality = |idx: usize| -> f32 {
        let (m, _, st) = &leads[idx];
        if st.is_empty() {
            return 0.0;
        }
        let mut per_article: HashMap<&str, f32> = HashMap::new();
        for (m2, _, st2) in &leads {
            if m2.article.id == m.article.id {
                continue;
            }
            let o = overlap(st, st2) as f32 / st.len().min(st2.len()).max(1) as f32;
            let e = per_article.entry(m2.article.id.as_str()).or_insert(0.0);
            *e = e.max(o);
        }
        per_article.values().sum::<f32>() + 0.01 * (st.len().min(30) as f32)
    };
    let mut ranked: Vec<usize> = (0..leads.len()).collect();
    let scores: Vec<f32> = ranked.iter().map(|&i| centrality(i)).collect();
    ranked.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
    let mut summary_parts: Vec<&str> = Vec::new();
    for &i in &ranked {
        if summary_parts.len() == 2 {
            break;
        }
        let t = leads[i].1.as_str();
        if t.split_whitespace().count() >= 6 && summary_parts.iter().all(|p| overlap(&stems(p), &leads[i].2) * 2 < leads[i].2.len()) {
            summary_parts.push(t);
        }
    }
    let title = ranked
        .first()
        .map(|&i| leads[i].0)
        .and_then(|m| (!m.article.title.is_empty()).then(|| m.article.title.clone()))
        .or_else(|| originals.iter().find(|m| !m.article.title.is_empty()).map(|m| m.article.title.clone()))
        .or_else(|| summary_parts.first().map(|s| s.to_string()))
        .unwrap_or_default();

    StoryView {
        id: story_id.to_string(),
        title,
        summary: summary_parts.join(" "),
        events: events(members, &sentence_cache),
        timeline: timeline(members, &sentence_cache),
        entities: entities(members),
        facts: facts(members, &sentence_cache),
        quotes: quotes(members),
        sources: sources(members),
    }
}

fn events(members: &[StoryMember<'_>], sentences: &HashMap<&str, Vec<SentenceSpan>>) -> Vec<EventView> {
    let mut by_event: BTreeMap<u32, Vec<&StoryMember>> = BTreeMap::new();
    for m in members {
        by_event.entry(m.event).or_default().push(m);
    }
    let mut out: Vec<EventView> = by_event
        .into_iter()
        .map(|(id, ms)| {
            let published: Vec<NaiveDate> = ms.iter().filter_map(|m| m.article.best_date()).collect();
            // The event's date: the day its articles mention most within a
            // fortnight of their publication (the meeting "on Nov. 4"),
            // else the earliest publication date.
            let mut votes: BTreeMap<String, usize> = BTreeMap::new();
            for m in &ms {
                let mut seen = BTreeSet::new();
                for t in m.analysis.times.iter().filter(|t| t.kind == TimexType::Date) {
                    let Some(d) = t.value.get(..10).and_then(|v| NaiveDate::parse_from_str(v, "%Y-%m-%d").ok()) else { continue };
                    let near = m.article.best_date().is_some_and(|p| (d - p).num_days().abs() <= 14);
                    if near && seen.insert(d) {
                        *votes.entry(d.to_string()).or_insert(0) += 1;
                    }
                }
            }
            let voted = votes.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0))).map(|(d, _)| d.clone());
            let date = voted.or_else(|| published.iter().min().map(|d| d.to_string())).or_else(|| {
                // Undated: a dateline month is still worth showing.
                ms.iter().find_map(|m| {
                    let dl = m.article.dateline.as_ref()?;
                    Some(format!("{:04}-{:02}", dl.year?, dl.month?))
                })
            });
            let title = ms
                .iter()
                .find(|m| !m.article.title.is_empty())
                .map(|m| m.article.title.clone())
                .or_else(|| {
                    let m = ms[0];
                    sentences[m.article.id.as_str()].first().map(|s| slice_chars(&m.article.raw_text, s.start, s.end))
                })
                .unwrap_or_default();
            EventView { id: format!("e{id}"), title, date, articles: ms.iter().map(|m| m.article.id.clone()).collect() }
        })
        .collect();
    out.sort_by(|a, b| a.date.cmp(&b.date).then(a.id.cmp(&b.id)));
    out
}

fn timeline(members: &[StoryMember<'_>], sentences: &HashMap<&str, Vec<SentenceSpan>>) -> Vec<TimelineEntry> {
    // (date, text, stems, sources)
    let mut entries: Vec<(String, String, BTreeSet<String>, Vec<String>)> = Vec::new();
    for m in members.iter().filter(|m| m.duplicate_of.is_none()) {
        let spans = &sentences[m.article.id.as_str()];
        for t in m.analysis.times.iter().filter(|t| t.kind == TimexType::Date) {
            let Some(date) = resolved_date(&t.value) else { continue };
            let Some(s) = spans.iter().find(|s| t.start >= s.start && t.end <= s.end) else { continue };
            let text = slice_chars(&m.article.raw_text, s.start, s.end);
            let st = stems(&text);
            // Same date and at least two shared content words: the same
            // dated fact told by another source.
            match entries.iter_mut().find(|e| e.0 == date && overlap(&e.2, &st) >= 2) {
                Some(e) => {
                    if !e.3.contains(&m.article.id) {
                        e.3.push(m.article.id.clone());
                    }
                }
                None => entries.push((date, text, st, vec![m.article.id.clone()])),
            }
        }
    }
    let mut out: Vec<TimelineEntry> =
        entries.into_iter().map(|(date, text, _, sources)| TimelineEntry { date, text, sources }).collect();
    out.sort_by(|a, b| a.date.cmp(&b.date).then(b.sources.len().cmp(&a.sources.len())));
    out
}

fn entities(members: &[StoryMember<'_>]) -> Vec<EntityView> {
    let mut by_canonical: BTreeMap<String, (HashMap<EntityType, usize>, BTreeSet<String>, Vec<String>)> = BTreeMap::new();
    for m in members {
        for e in &m.analysis.entities {
            let entry = by_canonical.entry(e.canonical.clone()).or_default();
            *entry.0.entry(e.kind).or_insert(0) += 1;
            entry.1.insert(e.text.clone());
            if !entry.2.contains(&m.article.id) {
                entry.2.push(m.article.id.clone());
            }
        }
    }
    let mut out: Vec<EntityView> = by_canonical
        .into_iter()
        .map(|(canonical, (kinds, aliases, articles))| {
            let kind = kinds.into_iter().max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0))).map(|k| k.0).unwrap_or(EntityType::Other);
            EntityView { canonical, kind, aliases: aliases.into_iter().collect(), articles }
        })
        .collect();
    out.sort_by(|a, b| b.articles.len().cmp(&a.articles.len()).then(a.canonical.cmp(&b.canonical)));
    out
}

/// The subject an amount describes: its unit with the words between number
/// and unit ("American troops" -> "U.S. troops"), and the place named in
/// the same sentence, so "28,500 U.S. troops in South Korea" and "South
/// Korea has 450,000 troops" are different subjects.
fn fact_subject(amount_text: &str, unit: &str, sentence: &str, analysis: &Analysis, sent_span: &SentenceSpan) -> String {
    let words: Vec<&str> = amount_text.split_whitespace().skip(1).collect();
    let mut modifier: Vec<String> = Vec::new();
    for w in words {
        let l = w.to_lowercase();
        if l.starts_with(&unit.to_lowercase()[..unit.len().min(4)]) {
            break;
        }
        modifier.push(match l.as_str() {
            "american" | "us" | "u.s." => "U.S.".to_string(),
            _ => w.to_string(),
        });
    }
    let place = analysis
        .entities
        .iter()
        .filter(|e| e.kind == EntityType::Place && e.start >= sent_span.start && e.end <= sent_span.end)
        .map(|e| e.canonical.clone())
        .find(|c| c != "United States" && c != "U.S.");
    let _ = sentence;
    let mut subject = modifier.join(" ");
    if !subject.is_empty() {
        subject.push(' ');
    }
    subject.push_str(unit);
    if let Some(p) = place {
        subject.push_str(" in ");
        subject.push_str(&p);
    }
    subject
}

fn facts(members: &[StoryMember<'_>], sentences: &HashMap<&str, Vec<SentenceSpan>>) -> Vec<FactView> {
    // subject -> value -> (example text, sources)
    let mut by_subject: BTreeMap<(String, String), BTreeMap<String, (f64, String, Vec<String>)>> = BTreeMap::new();
    for m in members.iter().filter(|m| m.duplicate_of.is_none()) {
        for a in &m.analysis.amounts {
            if matches!(a.unit.as_str(), "ordinal" | "years" | "year" | "percent") && a.value < 1000.0 {
                // Ordinals and ages name things ("57th SCM"), they are not
                // facts sources could disagree on.
                continue;
            }
            let Some(s) = sentences[m.article.id.as_str()].iter().find(|s| a.start >= s.start && a.end <= s.end) else { continue };
            let sentence = slice_chars(&m.article.raw_text, s.start, s.end);
            let subject = fact_subject(&a.text, &a.unit, &sentence, m.analysis, s);
            let slot = by_subject.entry((subject, a.unit.clone())).or_default().entry(format!("{}", a.value)).or_insert((a.value, sentence, Vec::new()));
            if !slot.2.contains(&m.article.id) {
                slot.2.push(m.article.id.clone());
            }
        }
    }
    let mut out: Vec<FactView> = by_subject
        .into_iter()
        .map(|((subject, unit), values)| {
            let mut vals: Vec<(f64, String, Vec<String>)> = values.into_values().collect();
            vals.sort_by(|a, b| b.2.len().cmp(&a.2.len()).then(a.0.total_cmp(&b.0)));
            let (value, text, sources) = vals.remove(0);
            let conflicts = vals.into_iter().map(|(value, _, sources)| FactConflict { value, sources }).collect();
            FactView { subject, value, unit, text, sources, conflicts }
        })
        .collect();
    out.sort_by(|a, b| b.sources.len().cmp(&a.sources.len()).then(a.subject.cmp(&b.subject)));
    out
}

fn quotes(members: &[StoryMember<'_>]) -> Vec<QuoteView> {
    let mut by_text: BTreeMap<String, QuoteView> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    for m in members.iter().filter(|m| m.duplicate_of.is_none()) {
        for q in &m.analysis.quotes {
            let key = normalize_for_hash(&q.text);
            let entry = by_text.entry(key.clone()).or_insert_with(|| {
                order.push(key.clone());
                QuoteView { speaker: q.speaker.clone(), text: q.text.clone(), sources: Vec::new() }
            });
            if entry.speaker.is_none() {
                entry.speaker = q.speaker.clone();
            }
            if !entry.sources.contains(&m.article.id) {
                entry.sources.push(m.article.id.clone());
            }
        }
    }
    order.into_iter().filter_map(|k| by_text.remove(&k)).collect()
}

fn sources(members: &[StoryMember<'_>]) -> Vec<SourceView> {
    let mut out: Vec<SourceView> = members
        .iter()
        .map(|m| SourceView {
            article: m.article.id.clone(),
            outlet: m.article.outlet.clone().or_else(|| m.article.dateline.as_ref().and_then(|d| d.agency.clone())),
            published: m.article.best_date().map(|d| d.to_string()),
            machine_translated: m.article.machine_translated,
            duplicate_of: m.duplicate_of.map(str::to_string),
            copies: members.iter().filter(|c| c.duplicate_of == Some(m.article.id.as_str())).map(|c| c.article.id.clone()).collect(),
        })
        .collect();
    out.sort_by(|a, b| a.published.cmp(&b.published).then(a.article.cmp(&b.article)));
    out
}
