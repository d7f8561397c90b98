//! clean: what is the article, and what around it is page furniture?
//!
//! PLACEHOLDER (to be replaced by the full cleaner): splits lines, keeps each
//! paragraph once.

use crate::model::{Article, Paragraph, ParagraphKind, RawArticle, Removed, RemovalReason};
use crate::pipeline::parse_input_date;

#[derive(Debug, Clone, Default)]
pub struct CleanConfig {}

/// Clean one raw article into an [`Article`].
pub fn clean(raw: &RawArticle, _cfg: &CleanConfig) -> Article {
    let mut paragraphs: Vec<Paragraph> = Vec::new();
    let mut removed = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut byte = 0usize;
    for line in raw.text.split_inclusive('\n') {
        let start = byte;
        byte += line.len();
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        if !seen.insert(crate::text::normalize_for_hash(t)) {
            removed.push(Removed { text: t.to_string(), reason: RemovalReason::RepeatedParagraph });
            continue;
        }
        let lead = line.len() - line.trim_start().len();
        paragraphs.push(Paragraph {
            text: t.to_string(),
            kind: ParagraphKind::Body,
            raw_start: Some(crate::text::byte_to_char(&raw.text, start + lead)),
        });
    }
    let title = raw.title.clone().unwrap_or_default();
    Article {
        id: raw.id.clone(),
        title,
        text: paragraphs.iter().map(|p| p.text.as_str()).collect::<Vec<_>>().join("\n\n"),
        paragraphs,
        published: raw.date.as_deref().and_then(parse_input_date),
        dateline: None,
        authors: raw.authors.clone(),
        outlet: raw.source.clone(),
        url: raw.url.clone(),
        language: raw.language.clone().unwrap_or_else(|| "en".into()),
        machine_translated: false,
        wire_credits: vec![],
        removed,
        raw_text: raw.text.clone(),
        origin: raw.origin.clone(),
    }
}
