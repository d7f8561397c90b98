//! Headlines and extractive summaries: sentences ranked by agreement (how
//! many other sources say the same), centrality (how typical their words
//! are of the whole story) and position (news leads with the essentials).
//! No model: word stems and counts only.

use std::collections::{BTreeSet, HashMap};

use super::view::{match_ratio, overlap, slice_chars, stems, Ctx};

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
                sents.push(Sent { article: m.article.id.clone(), text, stems: st, words, score: cfg.lead_bonus / (pos + 1) as f32 });
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
        let mut scores = Vec::with_capacity(sents.len());
        for s in &sents {
            // Agreement: per other article, its best matching sentence.
            let mut best: HashMap<&str, f32> = HashMap::new();
            for t in &sents {
                if t.article == s.article {
                    continue;
                }
                let r = match_ratio(&s.stems, &t.stems, cfg.sentence_match_min_words);
                if r >= cfg.sentence_match_min {
                    let e = best.entry(t.article.as_str()).or_insert(0.0);
                    *e = e.max(r);
                }
            }
            let agreement: f32 = best.values().sum();
            let centrality = if s.stems.is_empty() {
                0.0
            } else {
                let mean = s.stems.iter().map(|w| df.get(w.as_str()).copied().unwrap_or(0) as f32 / n).sum::<f32>() / s.stems.len() as f32;
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
        let mine: Vec<&Sent> = self.ranked.iter().filter(|s| articles.contains(&s.article.as_str())).collect();
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
