//! dedup: have I seen this text before, and who published it first?
//!
//! PLACEHOLDER (to be replaced by MinHash/LSH): exact normalised-text hash.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::model::Article;

#[derive(Debug, Clone, Default)]
pub struct DedupConfig {}

/// What dedup persists per article (deterministic hashes only).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Signature {
    /// xxh3-128 of the normalised main text.
    pub exact: u128,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DuplicateKind {
    Exact,
    Near,
    Syndicated,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DuplicateMatch {
    /// Id of the earlier article this one copies.
    pub original: String,
    pub kind: DuplicateKind,
    /// Similarity in [0, 1] that confirmed the match.
    pub score: f32,
}

/// Metadata dedup uses besides the text.
#[derive(Debug, Clone, Default)]
pub struct DocMeta<'a> {
    pub published: Option<NaiveDate>,
    pub outlet: Option<&'a str>,
}

pub fn signature(article: &Article, _cfg: &DedupConfig) -> Signature {
    let norm = crate::text::normalize_for_hash(&article.text);
    Signature { exact: xxhash_rust::xxh3::xxh3_128(norm.as_bytes()) }
}

/// Online duplicate index: articles are observed in arrival order.
#[derive(Debug, Default)]
pub struct DedupIndex {
    exact: HashMap<u128, String>,
}

impl DedupIndex {
    pub fn new(_cfg: &DedupConfig) -> Self {
        Self::default()
    }

    /// Finds the earlier article that `sig` copies (if any), then records
    /// this one so later copies can point at it.
    pub fn observe(&mut self, id: &str, sig: &Signature, _meta: &DocMeta<'_>) -> Option<DuplicateMatch> {
        if let Some(orig) = self.exact.get(&sig.exact) {
            return Some(DuplicateMatch { original: orig.clone(), kind: DuplicateKind::Exact, score: 1.0 });
        }
        self.exact.insert(sig.exact, id.to_string());
        None
    }
}
