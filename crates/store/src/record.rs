use serde::{Deserialize, Serialize};
use storyline_core::cluster::DocFeatures;
use storyline_core::dedup::{DuplicateMatch, Signature};
use storyline_core::{Analysis, Article};

/// Everything stored for one article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredArticle {
    /// The cleaned article.
    pub article: Article,
    /// Its entities, times, quotes and amounts.
    pub analysis: Analysis,
    /// What clustering compares, so online state can be rebuilt without re-analysing.
    pub features: DocFeatures,
    /// What dedup compares (shingles, paragraph hashes), for the same reason.
    pub signature: Signature,
    /// The earlier article this one copies, when it is a copy.
    pub duplicate: Option<DuplicateMatch>,
    /// The event it joined.
    pub event: u32,
    /// The story its event belongs to.
    pub story: u32,
}

/// One line of `storyline stories`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StorySummary {
    /// The story's number (shown as `s{id}`).
    pub id: u32,
    /// The story's title, by the same rule as its view's.
    pub title: String,
    /// Articles in the story, copies included.
    pub articles: u64,
    /// Events in the story.
    pub events: u64,
    /// Earliest article date (`YYYY-MM-DD`), when any is dated.
    pub first: Option<String>,
    /// Latest article date (`YYYY-MM-DD`), when any is dated.
    pub last: Option<String>,
    /// Distinct outlets of its articles, sorted (as far as the store knows
    /// them: see [`stored_outlet`]).
    #[serde(default)]
    pub outlets: Vec<String>,
}

/// The outlet the store lists for an article: the same name the story
/// view shows ([`storyline_core::story::article_outlet`]: the input's,
/// else the dateline's agency, a wire credit or the URL's host).
pub fn stored_outlet(a: &Article) -> Option<String> {
    storyline_core::story::article_outlet(a).filter(|o| !o.trim().is_empty())
}

/// Attaches `(story, outlet)` rows (sorted by story) to the summaries.
pub(crate) fn attach_outlets(stories: &mut [StorySummary], rows: Vec<(u32, String)>) {
    let mut by_story: std::collections::HashMap<u32, Vec<String>> = std::collections::HashMap::new();
    for (story, outlet) in rows {
        by_story.entry(story).or_default().push(outlet);
    }
    for s in stories {
        let mut o = by_story.remove(&s.id).unwrap_or_default();
        o.sort();
        o.dedup();
        s.outlets = o;
    }
}

/// The identity of an article for idempotent ingest: its normalised text
/// with its outlet and URL (the same text from another outlet is a
/// syndicated copy, stored and marked as such, not dropped). xxh3-128, hex.
pub fn identity_hash(article: &Article) -> String {
    let mut key = storyline_core::text::normalize_for_hash(&article.text);
    key.push('\u{1f}');
    key.push_str(article.outlet.as_deref().unwrap_or(""));
    key.push('\u{1f}');
    key.push_str(article.url.as_deref().unwrap_or(""));
    format!("{:032x}", xxhash_rust::xxh3::xxh3_128(key.as_bytes()))
}

/// Titles each story by [`storyline_core::story::story_title`] over its
/// original articles' `(story, event, id, title)` rows, so the story list
/// and the story view name a story alike.
pub(crate) fn name_stories(stories: &mut [StorySummary], mut titles: Vec<(u32, u32, String, String)>) {
    titles.sort_unstable_by_key(|t| t.0);
    let mut by_story: std::collections::HashMap<u32, String> = std::collections::HashMap::new();
    for group in titles.chunk_by(|a, b| a.0 == b.0) {
        let named = storyline_core::story::story_title(group.iter().map(|(_, e, id, t)| (*e, id.as_str(), t.as_str())));
        if let Some(title) = named {
            by_story.insert(group[0].0, title);
        }
    }
    for s in stories {
        s.title = by_story.remove(&s.id).unwrap_or_default();
    }
}
