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
//! seen in a single article are forgotten first. With a window
//! ([`OutletLinesConfig::window_days`], a long-running store's), a sighting
//! older than the window no longer counts, and [`OutletLines::forget_quiet`]
//! drops the lines not seen within it: nearly every candidate line is a
//! story's own line, seen once, and without the window they piled up with
//! the archive (1.4 million lines, 93 MB, after 300,000 articles).

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};

use xxhash_rust::xxh3::xxh3_64;

use super::blocks::split_blocks;
use crate::text::{normalize_for_hash, words};
use crate::window::WindowClock;

/// Line statistics per outlet. Empty by default (no outlet has taught
/// anything), which makes cleaning behave as without it.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct OutletLines {
    outlets: HashMap<String, OutletTable>,
    /// Time for the window (see [`OutletLinesConfig::window_days`]), in
    /// days from the Common Era.
    clock: WindowClock<i32>,
}

#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
struct OutletTable {
    lines: HashMap<u64, LineSeen>,
}

/// One candidate line of an outlet.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
struct LineSeen {
    /// The distinct article keys it was seen in (at most `min_articles`
    /// are kept: more would not change the verdict).
    articles: Vec<u64>,
    /// Day of its latest sighting (with a window; else 0).
    last_day: i32,
}

impl OutletTable {
    fn is_furniture(&self, line: u64, cfg: &OutletLinesConfig) -> bool {
        self.lines.get(&line).is_some_and(|seen| seen_enough(&seen.articles, cfg))
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
    /// Days a sighting counts for, and a line unseen that long is
    /// forgotten; `None` (the stateless commands, which learn from their
    /// whole input): forever.
    pub window_days: Option<u32>,
}

impl Default for OutletLinesConfig {
    fn default() -> Self {
        // Three articles: two could share a line by chance (a correction
        // note on two related stories); three in the same place is a habit.
        OutletLinesConfig { min_articles: 3, max_words: 60, window_days: None }
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

    /// Learns from one raw article of `outlet` published on `day`
    /// (idempotent: observing the same article again changes nothing).
    pub fn observe(&mut self, outlet: Option<&str>, raw_text: &str, day: Option<NaiveDate>, cfg: &OutletLinesConfig) {
        // An undated article counts as the clock's day, as in the clusterer.
        let today = match cfg.window_days {
            Some(_) => {
                if let Some(d) = day {
                    self.clock.observe(d.num_days_from_ce());
                }
                day.map(|d| d.num_days_from_ce()).or(self.clock.now()).unwrap_or(0)
            }
            None => 0,
        };
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
            // Sightings older than the window no longer count: whether a
            // line is furniture does not depend on when it was forgotten.
            if cfg.window_days.is_some_and(|w| seen.last_day < today.saturating_sub(w as i32)) {
                seen.articles.clear();
            }
            seen.last_day = seen.last_day.max(today);
            if !seen_enough(&seen.articles, cfg) && !seen.articles.contains(&article_key) {
                seen.articles.push(article_key);
            }
        }
        if table.lines.len() > Self::MAX_LINES_PER_OUTLET {
            table.lines.retain(|_, seen| seen.articles.len() > 1);
        }
    }

    /// [`Self::observe`] for every raw article of a batch (dated by the
    /// input's date).
    pub fn observe_all(&mut self, raws: &[crate::model::RawArticle], cfg: &OutletLinesConfig) {
        for raw in raws {
            let day = raw.date.as_deref().and_then(crate::parse_input_date);
            self.observe(raw.source.as_deref(), &raw.text, day, cfg);
        }
    }

    /// Drops the lines not seen within the window (none without one), and
    /// the outlets left without lines. Called between batches, not while
    /// one is learned: a batch is learned whole before it is cleaned, and
    /// its first articles need the lines seen before them.
    pub fn forget_quiet(&mut self, cfg: &OutletLinesConfig) {
        let (Some(window), Some(now)) = (cfg.window_days, self.clock.now()) else { return };
        let cutoff = now.saturating_sub(window as i32);
        for table in self.outlets.values_mut() {
            table.lines.retain(|_, seen| seen.last_day >= cutoff);
        }
        self.outlets.retain(|_, table| !table.lines.is_empty());
    }

    /// Candidate lines held, over all outlets.
    pub fn line_count(&self) -> usize {
        self.outlets.values().map(|t| t.lines.len()).sum()
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
            let articles: Vec<u64> = (0..cfg.min_articles as u64).collect();
            let table = lines.outlets.entry(outlet).or_default();
            for &k in keys {
                table.lines.insert(k, LineSeen { articles: articles.clone(), last_day: 0 });
            }
        }
        lines
    }

    /// Number of outlets with at least one learned furniture line.
    pub fn outlets_with_furniture(&self, cfg: &OutletLinesConfig) -> usize {
        self.outlets.values().filter(|t| t.lines.values().any(|seen| seen_enough(&seen.articles, cfg))).count()
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
            lines.observe(Some("Karsund Daily"), &page(lead), None, &cfg);
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
            lines.observe(Some("Karsund Daily"), &page("Cod quotas fell."), None, &cfg);
        }
        assert!(!lines.is_furniture(Some("Karsund Daily"), "Karsund Daily News Desk", &cfg));
        assert_eq!(lines.outlets_with_furniture(&cfg), 0);
    }

    #[test]
    fn no_outlet_no_learning() {
        let cfg = OutletLinesConfig::default();
        let mut lines = OutletLines::new();
        for lead in ["a.", "b.", "c.", "d."] {
            lines.observe(None, &page(lead), None, &cfg);
        }
        assert!(!lines.is_furniture(None, "Karsund Daily News Desk", &cfg));
    }

    #[test]
    fn furniture_travels_as_line_keys() {
        let cfg = OutletLinesConfig::default();
        let mut learned = OutletLines::new();
        for lead in ["Cod quotas fell.", "Rail workers struck.", "The library reopened."] {
            learned.observe(Some("Karsund Daily"), &page(lead), None, &cfg);
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
    fn with_a_window_old_sightings_do_not_count_and_quiet_lines_leave() {
        let cfg = OutletLinesConfig { window_days: Some(30), ..Default::default() };
        let day = |d: u64| NaiveDate::from_ymd_opt(2024, 1, 1).map(|s| s + chrono::Days::new(d));
        let plea = "Support independent journalism in Karsund: become a member today.";
        let mut lines = OutletLines::new();
        lines.observe(Some("Karsund Daily"), &page("Cod quotas fell."), day(0), &cfg);
        lines.observe(Some("Karsund Daily"), &page("Rail workers struck."), day(1), &cfg);
        // Two months later: the sightings of January are out of the window.
        lines.observe(Some("Karsund Daily"), &page("The library reopened."), day(60), &cfg);
        assert!(!lines.is_furniture(Some("Karsund Daily"), plea, &cfg));
        lines.observe(Some("Karsund Daily"), &page("A ferry was delayed."), day(61), &cfg);
        lines.observe(Some("Karsund Daily"), &page("The mayor resigned."), day(62), &cfg);
        assert!(lines.is_furniture(Some("Karsund Daily"), plea, &cfg), "three sightings within the window");

        // Another outlet publishes for months; Karsund Daily falls silent.
        let held = lines.line_count();
        for (k, lead) in ["Storm.", "Vote.", "Fire."].iter().enumerate() {
            lines.observe(Some("Velmora Post"), &page(lead), day(200 + k as u64), &cfg);
        }
        lines.forget_quiet(&cfg);
        assert!(!lines.is_furniture(Some("Karsund Daily"), plea, &cfg));
        assert!(lines.line_count() < held, "Karsund Daily's lines left memory");
        assert!(lines.is_furniture(Some("Velmora Post"), plea, &cfg), "the recent outlet's lines stay");

        // Without a window nothing is forgotten.
        let forever = OutletLinesConfig::default();
        let mut kept = OutletLines::new();
        for (k, lead) in ["Cod quotas fell.", "Rail workers struck.", "The library reopened."].iter().enumerate() {
            kept.observe(Some("Karsund Daily"), &page(lead), day(100 * k as u64), &forever);
        }
        kept.forget_quiet(&forever);
        assert!(kept.is_furniture(Some("Karsund Daily"), plea, &forever));
    }

    #[test]
    fn edges_only() {
        assert_eq!(edge_blocks(2).collect::<Vec<_>>(), [0, 1]);
        assert_eq!(edge_blocks(20).collect::<Vec<_>>(), [0, 1, 2, 12, 13, 14, 15, 16, 17, 18, 19]);
    }
}
