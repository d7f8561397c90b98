//! What the parts of the view share: the [`Ctx`] they read, and the small
//! text and list helpers they all use. It depends only on the view's types
//! and the leaf modules (`config`, `sentences`), so the parts and the
//! builder import it and it imports none of them.

use std::collections::{BTreeSet, HashMap, HashSet};

use super::config::StoryConfig;
use super::sentences::{sentence_spans, SentenceSpan};
use super::view::StoryMember;
use crate::model::Article;
use crate::text::{english_stemmer, is_stopword};

/// Chars `[start, end)` of `s`.
pub(super) fn slice_chars(s: &str, start: usize, end: usize) -> String {
    s.chars().skip(start).take(end.saturating_sub(start)).collect()
}

/// Content-word stems, for comparing sentences.
pub(super) fn stems(text: &str) -> BTreeSet<String> {
    let stemmer = english_stemmer();
    crate::text::words(text)
        .map(str::to_lowercase)
        .map(|w| if w == "defence" { "defense".to_string() } else { w })
        .filter(|w| !is_stopword(w) && w.chars().count() > 1)
        .map(|w| stemmer.stem(&w).into_owned())
        .collect()
}

pub(super) fn overlap(a: &BTreeSet<String>, b: &BTreeSet<String>) -> usize {
    a.intersection(b).count()
}

/// Share of the smaller set's words in both; 0 when either has fewer than
/// `min_words`.
pub(super) fn match_ratio(a: &BTreeSet<String>, b: &BTreeSet<String>, min_words: usize) -> f32 {
    let m = a.len().min(b.len());
    if m < min_words.max(1) {
        return 0.0;
    }
    overlap(a, b) as f32 / m as f32
}

/// Pushes `id` unless present.
pub(super) fn add_source(v: &mut Vec<String>, id: &str) {
    if !v.iter().any(|s| s == id) {
        v.push(id.to_string());
    }
}

/// Source ids in first-seen order with a set beside them, for lists that
/// can grow to every article of a huge story (a linear `contains` per
/// push would make them quadratic).
#[derive(Default)]
pub(super) struct SourceList<'s> {
    pub ids: Vec<&'s str>,
    seen: HashSet<&'s str>,
}

impl<'s> SourceList<'s> {
    pub fn add(&mut self, id: &'s str) {
        if self.seen.insert(id) {
            self.ids.push(id);
        }
    }

    pub fn into_strings(self) -> Vec<String> {
        self.ids.into_iter().map(str::to_string).collect()
    }
}

/// Sentences of an article's raw text that lie in its kept paragraphs.
pub(super) fn kept_sentences(article: &Article) -> Vec<SentenceSpan> {
    let ranges: Vec<(usize, usize)> =
        article.paragraphs.iter().filter_map(|p| p.raw_start.map(|s| (s, s + p.text.chars().count()))).collect();
    sentence_spans(&article.raw_text)
        .into_iter()
        .filter(|s| ranges.iter().any(|&(a, b)| s.start >= a && s.end <= b))
        .collect()
}

/// What the parts of the view share: members, the originals whose text is
/// folded and their sentences, the config.
pub(super) struct Ctx<'a, 'b> {
    pub members: &'b [StoryMember<'a>],
    /// The originals whose text is folded, in member order.
    pub folded: Vec<&'b StoryMember<'a>>,
    pub sentences: HashMap<&'b str, Vec<SentenceSpan>>,
    pub cfg: &'b StoryConfig,
}

impl<'a, 'b> Ctx<'a, 'b> {
    /// The original articles whose text the view folds (all of them unless
    /// the story has more than [`StoryConfig::max_folded_articles`]).
    pub fn originals(&self) -> impl Iterator<Item = &'b StoryMember<'a>> + '_ {
        self.folded.iter().copied()
    }
}
