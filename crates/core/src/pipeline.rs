//! Per-article stages chained: clean, then analyze. Stateless, so callers may
//! run it on many threads; the stateful stages (dedup, cluster) follow in
//! arrival order.

use chrono::{DateTime, NaiveDate};

use crate::analyze::{self, AnalyzeConfig};
use crate::clean::{self, CleanConfig};
use crate::cluster::ClusterConfig;
use crate::dedup::DedupConfig;
use crate::model::{Analysis, Article, RawArticle};

/// Every stage's configuration in one place; each has documented defaults.
#[derive(Debug, Clone, Default)]
pub struct PipelineConfig {
    /// Cleaning: boilerplate, metadata lines, outlet furniture.
    pub clean: CleanConfig,
    /// Entities, times, quotes, amounts and aliases.
    pub analyze: AnalyzeConfig,
    /// Duplicate and near-duplicate detection.
    pub dedup: DedupConfig,
    /// Events and stories.
    pub cluster: ClusterConfig,
}

impl PipelineConfig {
    /// The same settings with events and possible originals kept in memory
    /// for `days` after the latest publication date seen (`None`: all).
    /// Events fold into their story's profile at the window's end if that
    /// comes before their usual [`ClusterConfig::story_fold_days`].
    pub fn with_window_days(mut self, days: Option<u32>) -> Self {
        self.cluster.active_days = days;
        self.cluster.story_fold_days = match (days, self.cluster.story_fold_days) {
            (Some(w), Some(f)) => Some(w.min(f)),
            (_, fold) => fold,
        };
        self.dedup.active_days = days;
        self
    }
}

/// An article after the per-article stages.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    /// The cleaned article.
    pub article: Article,
    /// Analysis of the cleaned text; offsets point into `article.raw_text`.
    pub analysis: Analysis,
}

/// Clean and analyze one article.
pub fn prepare(raw: &RawArticle, cfg: &PipelineConfig) -> Prepared {
    prepare_with(raw, cfg, &clean::OutletLines::default())
}

/// [`prepare`] with what has been learned of the outlets' furniture.
pub fn prepare_with(raw: &RawArticle, cfg: &PipelineConfig, outlet_lines: &clean::OutletLines) -> Prepared {
    let article = clean::clean_with(raw, &cfg.clean, outlet_lines);
    let analysis = analyze::analyze_article(&article, &cfg.analyze);
    Prepared { article, analysis }
}

/// Parses an input date: `YYYY-MM-DD`, RFC 3339, or a date-time with a space
/// or `T` and no zone. Returns `None` for anything else.
pub fn parse_input_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Some(d);
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Some(dt.date_naive());
    }
    if let Ok(dt) = DateTime::parse_from_rfc2822(s) {
        return Some(dt.date_naive());
    }
    // `2025-10-27T17:57:00` or `2025-10-27 17:57`: take the date part.
    if let Some(head) = s.get(..10) {
        if s.len() > 10 && matches!(s.as_bytes()[10], b'T' | b' ') {
            if let Ok(d) = NaiveDate::parse_from_str(head, "%Y-%m-%d") {
                return Some(d);
            }
        }
    }
    // Unambiguous forms that scrapers often emit: `2025/10/27`, `October
    // 27, 2025`, `Oct. 27, 2025`, `27 October 2025`. A numeric day/month
    // order (`10/27/2025`, `27/10/2025`) is a guess, so it is not read.
    let four_digits = |t: &str| t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit());
    if s.len() == 10 && s.as_bytes()[4] == b'/' && four_digits(&s[..4]) {
        return NaiveDate::parse_from_str(s, "%Y/%m/%d").ok();
    }
    let words: Vec<&str> =
        s.split(|c: char| c.is_whitespace() || c == '.' || c == ',').filter(|w| !w.is_empty()).collect();
    if words.len() != 3 || !four_digits(words[2]) || words.iter().all(|w| w.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    // AP style abbreviates September as "Sept.", which chrono does not know.
    let spelled =
        words.iter().map(|w| if w.eq_ignore_ascii_case("sept") { "Sep" } else { w }).collect::<Vec<_>>().join(" ");
    ["%B %d %Y", "%d %B %Y"].iter().find_map(|f| NaiveDate::parse_from_str(&spelled, f).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_dates() {
        let d = NaiveDate::from_ymd_opt(2025, 10, 27).unwrap();
        assert_eq!(parse_input_date("2025-10-27"), Some(d));
        assert_eq!(parse_input_date("2025-10-27T17:57:00+09:00"), Some(d));
        assert_eq!(parse_input_date("2025-10-27T17:57:00"), Some(d));
        assert_eq!(parse_input_date("Mon, 27 Oct 2025 17:57:00 +0000"), Some(d));
        for spelled in
            ["2025/10/27", "October 27, 2025", "Oct. 27, 2025", "Oct 27 2025", "27 October 2025", "27 Oct 2025"]
        {
            assert_eq!(parse_input_date(spelled), Some(d), "{spelled}");
        }
        assert_eq!(parse_input_date("Sept. 27, 2025"), NaiveDate::from_ymd_opt(2025, 9, 27));
        assert_eq!(parse_input_date("27/10/2025"), None);
        assert_eq!(parse_input_date("10/27/2025"), None);
        assert_eq!(parse_input_date("October 2025"), None);
        assert_eq!(parse_input_date(""), None);
    }
}
