//! clean: what is the article, and what around it is page furniture?
//!
//! [`clean`] turns a [`RawArticle`] into an [`Article`]: it splits the text
//! into blocks (lines, with hard-wrapped lines joined), takes the metadata
//! the text carries (title, dateline, date lines, bylines, captions, wire
//! credits, translation notes), removes boilerplate, keeps each repeated
//! paragraph once and marks upper-case sub-headings.
//!
//! Boilerplate is decided by a score, not by a pattern alone: a pattern from
//! the table in [`rules`] nominates a block, then its length, stop-word
//! share and position (the tail of the page holds most furniture) decide.
//! A false removal loses news; a stray line left in costs little, so the
//! defaults lean towards keeping.
//!
//! Every kept paragraph is an exact substring of the raw text at
//! `raw_start` (chars), and every removal is recorded in `removed`.
//!
//! ```
//! use storyline_core::clean::{clean, CleanConfig};
//! use storyline_core::RawArticle;
//!
//! let raw = RawArticle {
//!     id: "a".into(),
//!     text: "Talks Set for Seoul\nDefense chiefs will meet in Seoul next week. Reuters\n\
//!            Copyright (c) 2025 Example Press. All rights reserved.".into(),
//!     ..Default::default()
//! };
//! let article = clean(&raw, &CleanConfig::default());
//! assert_eq!(article.title, "Talks Set for Seoul");
//! assert_eq!(article.text, "Defense chiefs will meet in Seoul next week.");
//! assert_eq!(article.wire_credits, ["Reuters"]);
//! ```

mod blocks;
mod config;
mod language;
mod meta;
mod outlet;
mod rules;
#[cfg(test)]
mod tests;

use std::collections::HashSet;

pub use config::CleanConfig;
pub use outlet::{OutletLines, OutletLinesConfig};

use blocks::{ends_sentence, split_blocks, Span};
use rules::Strength;

use crate::model::{Article, Dateline, Paragraph, ParagraphKind, RawArticle, RemovalReason, Removed, TextFormat};
use crate::text::{normalize_for_hash, word_and_stopword_counts, words};

/// What became of one block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Keep(ParagraphKind),
    Remove(RemovalReason),
}

/// One block of the raw text and its verdict. `span` shrinks when a
/// dateline or a closing wire credit is cut from a kept block.
#[derive(Debug, Clone, Copy)]
struct Block {
    span: Span,
    verdict: Verdict,
}

/// Simple measurements of a block that the rules weigh.
struct Features {
    words: usize,
    stopword_ratio: f32,
    ends_sentence: bool,
}

impl Features {
    fn of(text: &str) -> Self {
        let (words, stopword_ratio) = word_and_stopword_counts(text);
        Features { words, stopword_ratio, ends_sentence: ends_sentence(text) }
    }

    /// Reads as a sentence of news rather than a label or a widget.
    fn is_content(&self, cfg: &CleanConfig) -> bool {
        self.words >= cfg.content_min_words
            && self.ends_sentence
            && self.stopword_ratio >= cfg.content_min_stopword_ratio
    }

    fn is_long_prose(&self, cfg: &CleanConfig) -> bool {
        self.words >= cfg.long_prose_min_words && self.stopword_ratio >= cfg.long_prose_min_stopword_ratio
    }
}

/// Metadata gathered from the text while cleaning.
#[derive(Default)]
struct Found {
    title: Option<String>,
    published: Option<chrono::NaiveDate>,
    updated: Option<chrono::NaiveDate>,
    dateline: Option<Dateline>,
    authors: Vec<String>,
    wire_credits: Vec<String>,
    machine_translated: bool,
    /// Removals with the byte offset they were found at, to report them in
    /// text order.
    removed: Vec<(usize, Removed)>,
}

impl Found {
    fn remove(&mut self, text: &str, span: Span, reason: RemovalReason) {
        self.removed.push((span.start, Removed { text: span.of(text).to_string(), reason }));
    }

    fn credit(&mut self, credit: String) {
        if !credit.is_empty() && !self.wire_credits.contains(&credit) {
            self.wire_credits.push(credit);
        }
    }
}

/// Clean one raw article into an [`Article`].
pub fn clean(raw: &RawArticle, cfg: &CleanConfig) -> Article {
    clean_with(raw, cfg, &OutletLines::default())
}

/// [`clean`], also removing the lines `outlet_lines` has learned are the
/// article's outlet's furniture.
pub fn clean_with(raw: &RawArticle, cfg: &CleanConfig, outlet_lines: &OutletLines) -> Article {
    // Every path (files, feeds, fetches, POST, queue workers) cleans its
    // articles here, so text is made storable here once: see
    // `RawArticle::without_nul`.
    let raw = &*raw.without_nul();
    let text = raw.text.as_str();
    let spans = split_blocks(text);
    let mut found = Found::default();
    let mut blocks = classify(text, &spans, raw, cfg, outlet_lines, &mut found);
    remove_tail_fragments(text, &mut blocks, cfg, &mut found);
    remove_repeats(text, &mut blocks, &mut found);
    mark_headings(text, &mut blocks, cfg);

    let mut offsets = crate::text::CharOffsets::new(text);
    let paragraphs: Vec<Paragraph> = blocks
        .iter()
        .filter_map(|b| match b.verdict {
            Verdict::Keep(kind) => Some(Paragraph {
                text: b.span.of(text).to_string(),
                kind,
                raw_start: Some(offsets.char_at(b.span.start)),
            }),
            Verdict::Remove(_) => None,
        })
        .collect();
    let body = paragraphs.iter().map(|p| p.text.as_str()).collect::<Vec<_>>().join("\n\n");

    found.removed.sort_by_key(|(at, _)| *at);
    let given_title = raw.title.as_deref().map(str::trim).filter(|t| !t.is_empty());
    let language = raw
        .language
        .as_deref()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| language::detect(&body, cfg));
    Article {
        id: raw.id.clone(),
        title: given_title.map(str::to_string).or(found.title).unwrap_or_default(),
        text: body,
        paragraphs,
        published: raw
            .date
            .as_deref()
            .and_then(crate::parse_input_date)
            .or(found.published)
            .or(found.updated)
            // A dateline with a year (`KARSVIK, March 11, 2025 (NPA) -`)
            // dates the article as well as a date line does.
            .or_else(|| {
                let d = found.dateline.as_ref()?;
                chrono::NaiveDate::from_ymd_opt(d.year?, d.month?, d.day?)
            }),
        dateline: found.dateline,
        authors: if raw.authors.is_empty() { found.authors } else { raw.authors.clone() },
        outlet: raw.source.clone(),
        url: raw.url.clone(),
        language,
        machine_translated: found.machine_translated,
        wire_credits: found.wire_credits,
        removed: found.removed.into_iter().map(|(_, r)| r).collect(),
        raw_text: raw.text.clone(),
        origin: raw.origin.clone(),
    }
}

/// Byte offset from which blocks are in the tail region: the last
/// `1 - tail_fraction` of the text, or earlier from the first strong
/// boilerplate match in the second half (furniture comes in a run).
/// The patterns' verdicts it computed are kept in `memo` (by span index) for
/// [`classify`], which would otherwise match those blocks a second time.
fn tail_start(text: &str, spans: &[Span], cfg: &CleanConfig, memo: &mut [Option<BoilerplateMatch>]) -> usize {
    let len = text.len() as f32;
    let by_fraction = (len * cfg.tail_fraction) as usize;
    let anchor_from = (len * cfg.tail_anchor_min_fraction) as usize;
    spans
        .iter()
        .enumerate()
        .filter(|(_, s)| s.start >= anchor_from)
        .find(|&(i, s)| {
            let m = rules::boilerplate_match(s.of(text));
            memo[i] = Some(m);
            matches!(m, Some((rule, _)) if rule.strength == Strength::Strong)
        })
        .map_or(by_fraction, |(_, s)| s.start.min(by_fraction))
}

/// What [`rules::boilerplate_match`] says of one block.
type BoilerplateMatch = Option<(&'static rules::PatternRule, bool)>;

/// Gives every block a verdict, in text order, collecting metadata.
fn classify(
    text: &str,
    spans: &[Span],
    raw: &RawArticle,
    cfg: &CleanConfig,
    outlet_lines: &OutletLines,
    found: &mut Found,
) -> Vec<Block> {
    let mut memo: Vec<Option<BoilerplateMatch>> = vec![None; spans.len()];
    let tail_from = tail_start(text, spans, cfg, &mut memo);
    let infer_title = raw.format == TextFormat::Scraped && raw.title.is_none();
    let given_title = raw.title.as_deref().map(normalize_for_hash);
    let mut blocks = Vec::with_capacity(spans.len());
    let mut body_started = false;
    let mut section_body_pending = false;

    for (index, &span) in spans.iter().enumerate() {
        let block_text = span.of(text);
        let in_tail = span.start >= tail_from;
        let features = Features::of(block_text);
        let remove = |found: &mut Found, reason: RemovalReason| {
            found.remove(text, span, reason);
            Block { span, verdict: Verdict::Remove(reason) }
        };

        if std::mem::take(&mut section_body_pending) {
            blocks.push(remove(found, RemovalReason::Boilerplate));
            continue;
        }
        if let Some(line) = meta::date_line(block_text) {
            let slot = if line.is_update { &mut found.updated } else { &mut found.published };
            slot.get_or_insert(line.date);
            blocks.push(remove(found, RemovalReason::DateLine));
            continue;
        }
        if !body_started {
            if let Some((dateline, len)) = meta::dateline(block_text) {
                if len == block_text.len() {
                    found.dateline.get_or_insert(dateline);
                    blocks.push(remove(found, RemovalReason::DateLine));
                    continue;
                }
            }
        }
        if let Some((authors, agencies)) = meta::byline(block_text, cfg) {
            for author in authors {
                if !found.authors.contains(&author) {
                    found.authors.push(author);
                }
            }
            agencies.into_iter().for_each(|a| found.credit(a));
            blocks.push(remove(found, RemovalReason::Byline));
            continue;
        }
        if meta::is_caption(block_text, cfg) {
            blocks.push(remove(found, RemovalReason::Caption));
            continue;
        }
        if is_translation_note(block_text, &features, in_tail, cfg) {
            found.machine_translated = true;
            blocks.push(remove(found, RemovalReason::TranslationNote));
            continue;
        }
        if let Some(credits) = meta::wire_credit_line(block_text, cfg) {
            credits.into_iter().for_each(|c| found.credit(c));
            blocks.push(remove(found, RemovalReason::WireCredit));
            continue;
        }
        let pattern = memo[index].unwrap_or_else(|| rules::boilerplate_match(block_text));
        if let Some(starts_section) = boilerplate_verdict(block_text, pattern, &features, in_tail, cfg) {
            section_body_pending = starts_section && in_tail;
            blocks.push(remove(found, RemovalReason::Boilerplate));
            continue;
        }
        if outlet_lines.is_furniture(raw.source.as_deref(), block_text, &cfg.outlet_lines) {
            blocks.push(remove(found, RemovalReason::OutletBoilerplate));
            continue;
        }
        if !body_started {
            let is_given_title = given_title.as_deref() == Some(normalize_for_hash(block_text).as_str());
            // A headline needs a body after it; any block long enough to be a
            // sentence will do (its punctuation may still carry a credit).
            let has_later_content = spans[index + 1..]
                .iter()
                .any(|s| words(s.of(text)).take(cfg.content_min_words).count() >= cfg.content_min_words);
            if is_given_title
                || (index == 0 && infer_title && meta::looks_like_title(block_text, has_later_content, cfg))
            {
                found.title.get_or_insert_with(|| block_text.to_string());
                blocks.push(remove(found, RemovalReason::Title));
                continue;
            }
        }

        let mut span = span;
        if !body_started {
            span = cut_leading_metadata(text, span, found);
            body_started = true;
        }
        if let Some((agency, credit_start)) = meta::trailing_wire_credit(span.of(text)) {
            if let Some(kept) = blocks::trimmed_span(text, span.start, span.start + credit_start) {
                found.remove(text, Span { start: span.start + credit_start, end: span.end }, RemovalReason::WireCredit);
                found.credit(agency);
                span = kept;
            }
        }
        blocks.push(Block { span, verdict: Verdict::Keep(ParagraphKind::Body) });
    }
    blocks
}

/// Cuts a glued date (` date 2025-11-03 `) and a dateline (`SEOUL, October
/// 27 (AJP) -`) from the front of the first body block.
fn cut_leading_metadata(text: &str, mut span: Span, found: &mut Found) -> Span {
    if let Some((date, len)) = meta::date_prefix(span.of(text)) {
        found.published.get_or_insert(date);
        found.remove(text, Span { start: span.start, end: span.start + len }, RemovalReason::DateLine);
        span.start += len;
    }
    if let Some((dateline, len)) = meta::dateline(span.of(text)) {
        if len < span.of(text).len() {
            found.dateline.get_or_insert(dateline);
            found.remove(text, Span { start: span.start, end: span.start + len }, RemovalReason::DateLine);
            span.start += len;
        }
    }
    // Removed prefixes keep their trailing spaces in `removed`; trim them.
    if let Some((_, last)) = found.removed.last_mut() {
        last.text = last.text.trim().to_string();
    }
    blocks::trimmed_span(text, span.start, span.end).unwrap_or(span)
}

/// A note that the text was machine translated: a translation phrase in a
/// short block that talks about the article itself, is marked as a note, or
/// sits in the tail.
fn is_translation_note(block: &str, features: &Features, in_tail: bool, cfg: &CleanConfig) -> bool {
    if features.words > cfg.translation_note_max_words || !rules::mentions_machine_translation(block) {
        return false;
    }
    let marked_as_note = block.starts_with(['*', '(', '[', '※', '†']);
    marked_as_note || in_tail || rules::refers_to_itself(block)
}

/// Scores are sums of f32 weights: 0.6 + 0.3 lands just under 0.9, so the
/// threshold is compared with this slack.
const SCORE_TOLERANCE: f32 = 1e-4;

/// `Some(starts_section)` when the block scores as boilerplate.
fn boilerplate_verdict(
    block: &str,
    pattern: BoilerplateMatch,
    features: &Features,
    in_tail: bool,
    cfg: &CleanConfig,
) -> Option<bool> {
    let (pattern_weight, starts_section) = match pattern {
        Some((rule, starts_section)) => match rule.strength {
            Strength::Strong => (cfg.strong_pattern_weight, starts_section),
            Strength::Weak => (cfg.weak_pattern_weight, false),
        },
        None if is_widget_line(block, cfg) => (cfg.weak_pattern_weight, false),
        None => return None,
    };
    let mut score = pattern_weight;
    if in_tail {
        score += cfg.tail_bonus;
    }
    if features.words <= cfg.short_block_max_words {
        score += cfg.short_bonus;
    }
    if features.is_long_prose(cfg) {
        score -= cfg.long_prose_penalty;
    }
    (score + SCORE_TOLERANCE >= cfg.removal_threshold).then_some(starts_section)
}

/// Navigation and widget lines: several short segments between separators
/// (`Secure via Razorpay • 12 monthly payments • Cancel anytime`).
fn is_widget_line(block: &str, cfg: &CleanConfig) -> bool {
    let segments: Vec<&str> = block.split(['|', '•', '·', '›', '»']).map(str::trim).filter(|s| !s.is_empty()).collect();
    if segments.len() < cfg.widget_min_segments {
        return false;
    }
    let total_words: usize = segments.iter().map(|s| words(s).count()).sum();
    total_words <= cfg.widget_max_segment_words * segments.len()
}

/// Removes short unpunctuated blocks after the last content block: outlet
/// sign-offs ("The Chenab Times News Desk") and leftover widget labels.
fn remove_tail_fragments(text: &str, blocks: &mut [Block], cfg: &CleanConfig, found: &mut Found) {
    let is_kept = |b: &Block| matches!(b.verdict, Verdict::Keep(_));
    let Some(last_content) = blocks.iter().rposition(|b| is_kept(b) && Features::of(b.span.of(text)).is_content(cfg))
    else {
        return;
    };
    for block in &mut blocks[last_content + 1..] {
        let features = Features::of(block.span.of(text));
        if is_kept(block) && features.words <= cfg.tail_fragment_max_words && !features.ends_sentence {
            block.verdict = Verdict::Remove(RemovalReason::Boilerplate);
            found.remove(text, block.span, RemovalReason::Boilerplate);
        }
    }
}

/// Keeps the first copy of each paragraph; a block with no words at all
/// (`***`) is furniture.
fn remove_repeats(text: &str, blocks: &mut [Block], found: &mut Found) {
    let mut seen = HashSet::new();
    for block in blocks.iter_mut().filter(|b| matches!(b.verdict, Verdict::Keep(_))) {
        let key = normalize_for_hash(block.span.of(text));
        let reason = if key.is_empty() {
            RemovalReason::Boilerplate
        } else if !seen.insert(key) {
            RemovalReason::RepeatedParagraph
        } else {
            continue;
        };
        block.verdict = Verdict::Remove(reason);
        found.remove(text, block.span, reason);
    }
}

/// Marks upper-case sub-headings (`SOUTH KOREA TO INCREASE DEFENCE BUDGET`).
fn mark_headings(text: &str, blocks: &mut [Block], cfg: &CleanConfig) {
    for block in blocks.iter_mut().filter(|b| b.verdict == Verdict::Keep(ParagraphKind::Body)) {
        let block_text = block.span.of(text);
        // A cased lower-case letter rules a heading out (`upper == cased`
        // fails); body paragraphs show one within a few chars, so the
        // counting below runs only for candidates.
        if block_text.chars().any(|c| c.is_alphabetic() && c.is_lowercase()) {
            continue;
        }
        let letters: Vec<char> = block_text.chars().filter(|c| c.is_alphabetic()).collect();
        let cased = letters.iter().filter(|c| c.is_uppercase() || c.is_lowercase()).count();
        let upper = letters.iter().filter(|c| c.is_uppercase()).count();
        let word_count = words(block_text).count();
        let is_heading = cased >= 4
            && upper == cased
            && word_count <= cfg.heading_max_words
            && !ends_sentence(block_text)
            && !block_text.contains('\n');
        if is_heading {
            block.verdict = Verdict::Keep(ParagraphKind::Heading);
        }
    }
}
