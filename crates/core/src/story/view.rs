//! The types of the CONTRACT's `show --json` object: what a story view is.
//! Built by [`super::build`]; the parts (summary, timeline, facts, quotes)
//! fill them through [`super::shared`], so nothing here imports its
//! siblings.

use serde::{Deserialize, Serialize};

use crate::model::{Analysis, Article, EntityType};

/// One article of the story with what the pipeline decided about it.
#[derive(Debug, Clone, Copy)]
pub struct StoryMember<'a> {
    pub article: &'a Article,
    pub analysis: &'a Analysis,
    pub event: u32,
    pub duplicate_of: Option<&'a str>,
    /// How it copies its original (`exact`, `near`, `excerpt`, `extended`).
    pub duplicate_kind: Option<crate::dedup::DuplicateKind>,
    /// The article's paragraph hashes as dedup stored them
    /// ([`crate::dedup::Signature::paragraphs`]): partial reuse is read
    /// from them rather than hashed again for every view.
    pub paragraphs: &'a [crate::dedup::ParagraphHash],
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventView {
    pub id: String,
    /// Headline: the most central article title of the event.
    pub title: String,
    /// `YYYY-MM-DD`, or `YYYY-MM` when only the month is known.
    pub date: Option<String>,
    pub articles: Vec<String>,
    /// Extractive summary: the event's most central, most agreed sentences.
    #[serde(default)]
    pub summary: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub date: String,
    pub text: String,
    /// Articles reporting this dated statement (originals only).
    pub sources: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntityView {
    pub canonical: String,
    #[serde(rename = "type")]
    pub kind: EntityType,
    pub aliases: Vec<String>,
    pub articles: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FactConflict {
    pub value: f64,
    pub sources: Vec<String>,
    /// The sentence giving this value.
    #[serde(default)]
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FactView {
    pub subject: String,
    pub value: f64,
    pub unit: String,
    pub text: String,
    pub sources: Vec<String>,
    pub conflicts: Vec<FactConflict>,
}

/// One spelling of a name or title and who uses it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VariantForm {
    pub text: String,
    pub sources: Vec<String>,
}

/// Names or titles that differ between sources but mean the same thing:
/// shown as variants, never as conflicts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VariantView {
    /// `title` (a role or body: `Secretary of War`) or `name` (a person or
    /// organisation spelt differently: `Ahn Kyu-back`).
    pub kind: String,
    pub canonical: String,
    /// People the title is attached to (`Pete Hegseth`), for titles.
    pub holders: Vec<String>,
    pub forms: Vec<VariantForm>,
    /// Why they are the same: `alias table (renamed)`, `spelling`,
    /// `romanisation`.
    pub explained_by: String,
}

/// One wording of a quote and who prints it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuoteWording {
    pub text: String,
    pub sources: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuoteView {
    pub speaker: Option<String>,
    pub text: String,
    pub sources: Vec<String>,
    /// Every speaker attribution seen for this quote.
    #[serde(default)]
    pub speakers: Vec<String>,
    /// Other wordings of the same quote (empty when all sources agree).
    #[serde(default)]
    pub wordings: Vec<QuoteWording>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceView {
    pub article: String,
    pub outlet: Option<String>,
    pub published: Option<String>,
    pub machine_translated: bool,
    pub duplicate_of: Option<String>,
    /// How this copy copies `duplicate_of`: `exact`, `near` (a reworded
    /// copy), `excerpt` (a teaser or part of it), `extended` (it plus
    /// more): a reader trusts an exact copy and checks an excerpt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duplicate_kind: Option<String>,
    /// Copies of this article (ids), when it is an original.
    pub copies: Vec<String>,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub url: Option<String>,
    /// Wire services and feeds credited (`Reuters`).
    #[serde(default)]
    pub credits: Vec<String>,
    /// Paragraphs of this article that earlier articles of the story already
    /// printed (a wire story quoted inside a local report); copies of the
    /// same article are not listed here but under `copies`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reused: Vec<ReusedParagraph>,
}

/// One paragraph an article shares with earlier articles of its story.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReusedParagraph {
    /// Index into the article's paragraphs.
    pub paragraph: usize,
    /// The paragraph's text.
    pub text: String,
    /// The earlier articles that hold it (earliest first).
    pub found_in: Vec<String>,
}

/// The CONTRACT's `show --json` object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoryView {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub events: Vec<EventView>,
    pub timeline: Vec<TimelineEntry>,
    /// Dated statements about what came well before the story's first
    /// article (`a legacy of the 1950-1953 Korean War`): context, not the
    /// story's own happenings, so kept out of `timeline`.
    #[serde(default)]
    pub background: Vec<TimelineEntry>,
    pub entities: Vec<EntityView>,
    pub facts: Vec<FactView>,
    #[serde(default)]
    pub variants: Vec<VariantView>,
    pub quotes: Vec<QuoteView>,
    pub sources: Vec<SourceView>,
    /// The article to read first: the most complete original (most words
    /// kept after cleaning; ties: the earlier, then the smaller id).
    #[serde(default)]
    pub read_first: Option<String>,
    /// Articles in the story, copies included (events, entities and sources
    /// list all of them).
    #[serde(default)]
    pub articles_total: usize,
    /// Original articles whose text the summary, timeline, facts, variants
    /// and quotes fold: all of them, or the most recent
    /// [`StoryConfig::max_folded_articles`] of a huge story.
    #[serde(default)]
    pub articles_folded: usize,
    /// True when some originals were left out of the text parts (see
    /// `articles_folded`).
    #[serde(default)]
    pub truncated: bool,
}
