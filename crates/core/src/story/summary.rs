//! Headlines and extractive summaries: sentences ranked by agreement (how
//! many other sources say the same), centrality (how typical their words
//! are of the whole story) and position (news leads with the essentials).
//! No model: word stems and counts only.

use std::collections::{BTreeSet, HashMap, HashSet};

use super::shared::{overlap, slice_chars, stems, Ctx};

struct Sent {
    article: String,
    text: String,
    stems: BTreeSet<String>,
    words: usize,
    score: f32,
}

pub(super) struct Ranker {
    /// Sentences, best first.
    ranked: Vec<Sent>,
    titles: HashMap<String, String>,
    min_words: usize,
    max_words: usize,
    max_redundancy: f32,
    headline_max_chars: usize,
}

impl Ranker {
    pub fn new(ctx: &Ctx) -> Ranker {
        let cfg = ctx.cfg;
        let mut sents: Vec<Sent> = Vec::new();
        for m in ctx.originals() {
            for (pos, s) in ctx.sentences[m.article.id.as_str()].iter().enumerate() {
                let text = slice_chars(&m.article.raw_text, s.start, s.end);
                let st = stems(&text);
                let words = text.split_whitespace().count();
                sents.push(Sent {
                    article: m.article.id.clone(),
                    text,
                    stems: st,
                    words,
                    score: cfg.lead_bonus / (pos + 1) as f32,
                });
            }
        }
        // Document frequency of each stem over the story's articles.
        let mut df: HashMap<&str, usize> = HashMap::new();
        let mut by_article: HashMap<&str, BTreeSet<&str>> = HashMap::new();
        for s in &sents {
            by_article.entry(s.article.as_str()).or_default().extend(s.stems.iter().map(String::as_str));
        }
        for words in by_article.values() {
            for w in words {
                *df.entry(w).or_insert(0) += 1;
            }
        }
        let n = by_article.len().max(1) as f32;
        let agreement = agreements(&sents, cfg.sentence_match_min, cfg.sentence_match_min_words);
        let mut scores = Vec::with_capacity(sents.len());
        for (s, agreement) in sents.iter().zip(agreement) {
            let centrality = if s.stems.is_empty() {
                0.0
            } else {
                let mean = s.stems.iter().map(|w| df.get(w.as_str()).copied().unwrap_or(0) as f32 / n).sum::<f32>()
                    / s.stems.len() as f32;
                mean * (s.stems.len() as f32 / 8.0).min(1.0)
            };
            scores.push(s.score + agreement + cfg.centrality_weight * centrality);
        }
        for (s, sc) in sents.iter_mut().zip(scores) {
            s.score = sc;
        }
        // Stable: equal scores keep article order.
        sents.sort_by(|a, b| b.score.total_cmp(&a.score));
        Ranker {
            ranked: sents,
            titles: ctx.members.iter().map(|m| (m.article.id.clone(), m.article.title.clone())).collect(),
            min_words: cfg.summary_min_words,
            max_words: cfg.summary_max_words,
            max_redundancy: cfg.summary_max_redundancy,
            headline_max_chars: cfg.headline_max_chars,
        }
    }

    /// Headline and summary of the given articles: the title of the article
    /// holding the best sentence (else that sentence, shortened), and up to
    /// `n` best non-redundant sentences.
    pub fn headline_and_summary(&self, articles: &[&str], n: usize) -> (String, String) {
        let wanted: HashSet<&str> = articles.iter().copied().collect();
        let mine: Vec<&Sent> = self.ranked.iter().filter(|s| wanted.contains(s.article.as_str())).collect();
        let mut chosen: Vec<&Sent> = Vec::new();
        let mut covered: BTreeSet<String> = BTreeSet::new();
        for s in &mine {
            if chosen.len() >= n {
                break;
            }
            if s.words < self.min_words || s.words > self.max_words || s.stems.is_empty() {
                continue;
            }
            if overlap(&covered, &s.stems) as f32 > self.max_redundancy * s.stems.len() as f32 {
                continue;
            }
            covered.extend(s.stems.iter().cloned());
            chosen.push(s);
        }
        let title = mine
            .iter()
            .find_map(|s| self.titles.get(&s.article).filter(|t| !t.trim().is_empty()).cloned())
            .or_else(|| articles.iter().find_map(|a| self.titles.get(*a).filter(|t| !t.trim().is_empty()).cloned()))
            .or_else(|| chosen.first().or(mine.first()).map(|s| shorten(&s.text, self.headline_max_chars)))
            .unwrap_or_default();
        let summary = chosen.iter().map(|s| s.text.as_str()).collect::<Vec<_>>().join(" ");
        (title, summary)
    }
}

/// Agreement of each sentence: over the other articles, the best
/// [`super::shared::match_ratio`] of one of their sentences with it, counting
/// matches of at least `min_ratio`. Shared stems are counted through an
/// inverted index (stem -> sentences), so only pairs sharing a stem are
/// touched, instead of comparing every pair of sentences of the story.
fn agreements(sents: &[Sent], min_ratio: f32, min_words: usize) -> Vec<f32> {
    let mut stem_ids: HashMap<&str, usize> = HashMap::new();
    let mut postings: Vec<Vec<u32>> = Vec::new();
    let mut article_ids: HashMap<&str, u32> = HashMap::new();
    let mut article_of: Vec<u32> = Vec::with_capacity(sents.len());
    let mut sent_stems: Vec<Vec<usize>> = Vec::with_capacity(sents.len());
    for (i, s) in sents.iter().enumerate() {
        let next = article_ids.len() as u32;
        article_of.push(*article_ids.entry(s.article.as_str()).or_insert(next));
        let ids: Vec<usize> = s
            .stems
            .iter()
            .map(|w| {
                let next = stem_ids.len();
                let id = *stem_ids.entry(w.as_str()).or_insert(next);
                if id == postings.len() {
                    postings.push(Vec::new());
                }
                postings[id].push(i as u32);
                id
            })
            .collect();
        sent_stems.push(ids);
    }
    let mut shared = vec![0u32; sents.len()];
    let mut touched: Vec<u32> = Vec::new();
    let mut out = Vec::with_capacity(sents.len());
    for (i, s) in sents.iter().enumerate() {
        for &w in &sent_stems[i] {
            for &j in &postings[w] {
                if shared[j as usize] == 0 {
                    touched.push(j);
                }
                shared[j as usize] += 1;
            }
        }
        // Best ratio per other article; a sentence sharing no stem has
        // ratio 0 and adds nothing to the sum, so it needs no visit.
        let mut best: HashMap<u32, f32> = HashMap::new();
        for &j in &touched {
            let j = j as usize;
            let n = std::mem::take(&mut shared[j]);
            if article_of[j] == article_of[i] {
                continue;
            }
            let m = s.stems.len().min(sents[j].stems.len());
            let r = if m < min_words.max(1) { 0.0 } else { n as f32 / m as f32 };
            if r >= min_ratio {
                let e = best.entry(article_of[j]).or_insert(0.0);
                *e = e.max(r);
            }
        }
        touched.clear();
        // Summed in article order, so the score does not depend on hashing.
        let mut best: Vec<(u32, f32)> = best.into_iter().collect();
        best.sort_by_key(|b| b.0);
        out.push(best.iter().map(|b| b.1).sum());
    }
    out
}

/// `text` cut to at most `max` chars at a clause or word boundary, with an
/// ellipsis when cut.
pub(super) fn shorten(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.trim_end_matches('.').to_string();
    }
    let head: String = text.chars().take(max).collect();
    let cut = head.rfind([',', ';']).filter(|&i| i > max / 2).or_else(|| head.rfind(' ')).unwrap_or(head.len());
    format!("{}…", head[..cut].trim_end_matches([',', ';', ' ']))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::story::shared::match_ratio;

    /// The indexed agreement equals the all-pairs definition it replaces.
    #[test]
    fn indexed_agreement_equals_all_pairs() {
        let texts = [
            ("a", "The ministers met in Karsvik on Tuesday to set the cod quota."),
            ("a", "Fishing crews protested outside the hall."),
            ("b", "Ministers met in Karsvik on Tuesday and set the cod quota for next year."),
            ("b", "The quota talks lasted six hours."),
            ("c", "Fishing crews protested outside the hall on Tuesday."),
            ("c", "The cod quota was set in Karsvik."),
            ("d", "Unrelated weather report for the coast."),
            ("d", "Crews."),
        ];
        let sents: Vec<Sent> = texts
            .iter()
            .map(|(a, t)| Sent {
                article: a.to_string(),
                text: t.to_string(),
                stems: stems(t),
                words: t.split_whitespace().count(),
                score: 0.0,
            })
            .collect();
        for (min_ratio, min_words) in [(0.5, 3), (0.3, 1), (0.0, 3), (0.8, 2)] {
            let brute: Vec<f32> = sents
                .iter()
                .map(|s| {
                    let mut best: std::collections::BTreeMap<&str, f32> = Default::default();
                    for t in sents.iter().filter(|t| t.article != s.article) {
                        let r = match_ratio(&s.stems, &t.stems, min_words);
                        if r >= min_ratio {
                            let e = best.entry(t.article.as_str()).or_insert(0.0);
                            *e = e.max(r);
                        }
                    }
                    best.values().sum()
                })
                .collect();
            let fast = agreements(&sents, min_ratio, min_words);
            assert_eq!(fast, brute, "min_ratio {min_ratio}, min_words {min_words}");
            assert!(fast.iter().any(|&a| a > 0.0));
        }
    }
}
