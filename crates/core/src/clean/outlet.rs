//! Boilerplate learned per outlet: a line that one outlet prints at the top
//! or bottom of many different articles ("Support independent journalism
//! in Karsund", "The Chenab Times News Desk") is that outlet's furniture,
//! whatever it says. No hand list can know every outlet's lines, but the
//! store has seen them (Media Cloud drops sentences an outlet repeats the
//! same way).
//!
//! What counts:
//! - only lines near the edges of the page (the first
//!   [`OutletLines::HEAD_BLOCKS`] and last [`OutletLines::TAIL_BLOCKS`]
//!   blocks): furniture frames the story, news sits in the middle;
//! - only lines of at most `max_words` words: a long paragraph repeated by
//!   one outlet is more likely a background paragraph of a running story;
//! - a line is furniture once it appears in `min_articles` *different*
//!   articles of the outlet, where articles are told apart by their longest
//!   paragraph, so an article stored twice, or updated in place, does not
//!   teach its own paragraphs as boilerplate.
//!
//! Memory is bounded: each outlet keeps at most
//! [`OutletLines::MAX_LINES_PER_OUTLET`] candidate lines; when full, lines
//! seen in a single article are forgotten first.

use std::collections::HashMap;

use xxhash_rust::xxh3::xxh3_64;

use super::blocks::split_blocks;
use crate::text::{normalize_for_hash, words};

/// Line statistics per outlet. Empty by default (no outlet has taught
/// anything), which makes cleaning behave as without it.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct OutletLines {
    outlets: HashMap<String, OutletTable>,
}

#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
struct OutletTable {
    /// Line hash -> the distinct article keys it was seen in (at most
    /// `min_articles` are kept: more would not change the verdict).
    lines: HashMap<u64, Vec<u64>>,
}

impl OutletTable {
    fn is_furniture(&self, line: u64, cfg: &OutletLinesConfig) -> bool {
        self.lines.get(&line).is_some_and(|seen| seen_enough(seen, cfg))
    }
}

/// A line seen in these different articles is furniture.
fn seen_enough(articles: &[u64], cfg: &OutletLinesConfig) -> bool {
    articles.len() >= cfg.min_articles
}

/// How lines become furniture.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OutletLinesConfig {
    /// Different articles of one outlet a line must appear in.
    pub min_articles: usize,
    /// Longest line (words) that can be learned.
    pub max_words: usize,
}

impl Default for OutletLinesConfig {
    fn default() -> Self {
        // Three articles: two could share a line by chance (a correction
        // note on two related stories); three in the same place is a habit.
        OutletLinesConfig { min_articles: 3, max_words: 60 }
    }
}

impl OutletLines {
    /// Leading blocks of a page where furniture is looked for.
    pub const HEAD_BLOCKS: usize = 3;
    /// Trailing blocks of a page where furniture is looked for.
    pub const TAIL_BLOCKS: usize = 8;
    /// Candidate lines kept per outlet, so memory stays bounded.
    pub const MAX_LINES_PER_OUTLET: usize = 20_000;

    /// An empty table: no outlet has taught any line yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Learns from one raw article of `outlet` (idempotent: observing the
    /// same article again changes nothing).
    pub fn observe(&mut self, outlet: Option<&str>, raw_text: &str, cfg: &OutletLinesConfig) {
        let Some(outlet) = outlet_key(outlet) else { return };
        let spans = split_blocks(raw_text);
        let Some(longest) = spans.iter().max_by_key(|s| s.end - s.start) else { return };
        let article_key = xxh3_64(normalize_for_hash(longest.of(raw_text)).as_bytes());
        let table = self.outlets.entry(outlet).or_default();
        for span in edge_blocks(spans.len()).map(|i| spans[i]) {
            let block = span.of(raw_text);
            if span == *longest || words(block).take(cfg.max_words.saturating_add(1)).count() > cfg.max_words {
                continue;
            }
            let Some(line) = line_key(block) else { continue };
            let seen = table.lines.entry(line).or_default();
            if !seen_enough(seen, cfg) && !seen.contains(&article_key) {
                seen.push(article_key);
            }
        }
        if table.lines.len() > Self::MAX_LINES_PER_OUTLET {
            table.lines.retain(|_, seen| seen.len() > 1);
        }
    }

    /// [`Self::observe`] for every raw article of a batch.
    pub fn observe_all(&mut self, raws: &[crate::model::RawArticle], cfg: &OutletLinesConfig) {
        for raw in raws {
            self.observe(raw.source.as_deref(), &raw.text, cfg);
        }
    }

    /// True when `block` is a line `outlet` has printed in enough different
    /// articles to be its furniture.
    pub fn is_furniture(&self, outlet: Option<&str>, block: &str, cfg: &OutletLinesConfig) -> bool {
        if self.outlets.is_empty() {
            return false;
        }
        let Some(table) = self.table(outlet) else { return false };
        line_key(block).is_some_and(|k| table.is_furniture(k, cfg))
    }

    fn table(&self, outlet: Option<&str>) -> Option<&OutletTable> {
        outlet_key(outlet).and_then(|o| self.outlets.get(&o))
    }

    /// The keys of `raw_text`'s edge lines that are `outlet`'s furniture:
    /// what a worker that never saw the outlet's other articles needs to
    /// strip the same lines (see [`Self::from_furniture`]).
    pub fn furniture_in(&self, outlet: Option<&str>, raw_text: &str, cfg: &OutletLinesConfig) -> Vec<u64> {
        let Some(table) = self.table(outlet) else { return Vec::new() };
        let spans = split_blocks(raw_text);
        let mut keys: Vec<u64> = edge_blocks(spans.len())
            .filter_map(|i| line_key(spans[i].of(raw_text)))
            .filter(|&k| table.is_furniture(k, cfg))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        keys
    }

    /// Furniture known by its line keys alone (from [`Self::furniture_in`]),
    /// as if each line had been seen in enough articles of `outlet`.
    pub fn from_furniture(outlet: Option<&str>, keys: &[u64], cfg: &OutletLinesConfig) -> Self {
        let mut lines = OutletLines::new();
        if let Some(outlet) = outlet_key(outlet).filter(|_| !keys.is_empty()) {
            let seen: Vec<u64> = (0..cfg.min_articles as u64).collect();
            let table = lines.outlets.entry(outlet).or_default();
            for &k in keys {
                table.lines.insert(k, seen.clone());
            }
        }
        lines
    }

    /// Number of outlets with at least one learned furniture line.
    pub fn outlets_with_furniture(&self, cfg: &OutletLinesConfig) -> usize {
        self.outlets.values().filter(|t| t.lines.values().any(|seen| seen_enough(seen, cfg))).count()
    }
}

/// Indices of the blocks near the edges of a page of `n` blocks.
fn edge_blocks(n: usize) -> impl Iterator<Item = usize> {
    let head = OutletLines::HEAD_BLOCKS.min(n);
    let tail_from = n.saturating_sub(OutletLines::TAIL_BLOCKS).max(head);
    (0..head).chain(tail_from..n)
}

fn outlet_key(outlet: Option<&str>) -> Option<String> {
    let key = outlet?.trim().to_lowercase();
    (!key.is_empty()).then_some(key)
}

/// A line's identity: its normalised text, so case and punctuation changes
/// do not make a new line. Blank (wordless) lines have none.
fn line_key(block: &str) -> Option<u64> {
    let norm = normalize_for_hash(block);
    (!norm.is_empty()).then(|| xxh3_64(norm.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(lead: &str) -> String {
        format!(
            "Karsund Daily\n\n{lead} The commission met on Tuesday and agreed to review the quota next spring, officials said.\n\n\
             A second paragraph of the story with details that differ from one article to the next: {lead}\n\n\
             Support independent journalism in Karsund: become a member today.\n\nKarsund Daily News Desk"
        )
    }

    #[test]
    fn a_line_in_three_different_articles_is_furniture() {
        let cfg = OutletLinesConfig::default();
        let mut lines = OutletLines::new();
        let plea = "Support independent journalism in Karsund: become a member today.";
        for (n, lead) in ["Cod quotas fell.", "Rail workers struck.", "The library reopened."].iter().enumerate() {
            assert!(!lines.is_furniture(Some("Karsund Daily"), plea, &cfg), "after {n} articles");
            lines.observe(Some("Karsund Daily"), &page(lead), &cfg);
        }
        assert!(lines.is_furniture(Some("Karsund Daily"), plea, &cfg));
        assert!(lines.is_furniture(
            Some("karsund daily "),
            "SUPPORT independent journalism in Karsund - become a member today",
            &cfg
        ));
        // Another outlet has not printed it.
        assert!(!lines.is_furniture(Some("Velmora Post"), plea, &cfg));
        // The story text differs per article and is never furniture.
        assert!(!lines.is_furniture(Some("Karsund Daily"), "Cod quotas fell.", &cfg));
        assert_eq!(lines.outlets_with_furniture(&cfg), 1);
    }

    #[test]
    fn the_same_article_seen_again_teaches_nothing() {
        let cfg = OutletLinesConfig::default();
        let mut lines = OutletLines::new();
        for _ in 0..5 {
            lines.observe(Some("Karsund Daily"), &page("Cod quotas fell."), &cfg);
        }
        assert!(!lines.is_furniture(Some("Karsund Daily"), "Karsund Daily News Desk", &cfg));
        assert_eq!(lines.outlets_with_furniture(&cfg), 0);
    }

    #[test]
    fn no_outlet_no_learning() {
        let cfg = OutletLinesConfig::default();
        let mut lines = OutletLines::new();
        for lead in ["a.", "b.", "c.", "d."] {
            lines.observe(None, &page(lead), &cfg);
        }
        assert!(!lines.is_furniture(None, "Karsund Daily News Desk", &cfg));
    }

    #[test]
    fn furniture_travels_as_line_keys() {
        let cfg = OutletLinesConfig::default();
        let mut learned = OutletLines::new();
        for lead in ["Cod quotas fell.", "Rail workers struck.", "The library reopened."] {
            learned.observe(Some("Karsund Daily"), &page(lead), &cfg);
        }
        let fourth = page("A ferry was delayed.");
        let keys = learned.furniture_in(Some("Karsund Daily"), &fourth, &cfg);
        // The masthead, the plea and the desk line; not the story's lines.
        assert_eq!(keys.len(), 3, "{keys:?}");
        assert!(learned.furniture_in(Some("Velmora Post"), &fourth, &cfg).is_empty());

        let shipped = OutletLines::from_furniture(Some("Karsund Daily"), &keys, &cfg);
        let plea = "Support independent journalism in Karsund: become a member today.";
        assert!(shipped.is_furniture(Some("Karsund Daily"), plea, &cfg));
        assert!(shipped.is_furniture(Some("Karsund Daily"), "Karsund Daily News Desk", &cfg));
        assert!(!shipped.is_furniture(Some("Karsund Daily"), "A ferry was delayed.", &cfg));
        assert!(!shipped.is_furniture(Some("Velmora Post"), plea, &cfg));
        assert_eq!(OutletLines::from_furniture(None, &keys, &cfg).outlets_with_furniture(&cfg), 0);
    }

    #[test]
    fn edges_only() {
        assert_eq!(edge_blocks(2).collect::<Vec<_>>(), [0, 1]);
        assert_eq!(edge_blocks(20).collect::<Vec<_>>(), [0, 1, 2, 12, 13, 14, 15, 16, 17, 18, 19]);
    }
}
