//! analyze: who and what does the article name, when do things happen, who
//! said what, and how many?
//!
//! PLACEHOLDER (to be replaced by the full analyzers).

use chrono::NaiveDate;

use crate::model::{Analysis, Article};

#[derive(Debug, Clone, Default)]
pub struct AnalyzeConfig {}

/// Analyze an article's cleaned paragraphs; offsets point into `raw_text`.
pub fn analyze_article(article: &Article, cfg: &AnalyzeConfig) -> Analysis {
    analyze_text(&article.text, article.best_date(), cfg)
}

/// Analyze one text; offsets are char offsets into `text`.
pub fn analyze_text(_text: &str, _published: Option<NaiveDate>, _cfg: &AnalyzeConfig) -> Analysis {
    Analysis::default()
}
