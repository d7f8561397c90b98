//! The types of the CONTRACT's `show --json` object: what a story view is.
//! Built by [`super::build`]; the parts (summary, timeline, facts, quotes)
//! fill them through [`super::shared`], so nothing here imports its
//! siblings.

use serde::{Deserialize, Serialize};

use crate::model::{Analysis, Article, EntityType};

/// One article of the story with what the pipeline decided about it.
#[derive(Debug, Clone, Copy)]
pub struct StoryMember<'a> {
    /// The article, cleaned.
    pub article: &'a Article,
    /// What analysis found in it.
    pub analysis: &'a Analysis,
    /// The event it was assigned to.
    pub event: u32,
    /// What it copies, when it is a copy.
    pub copy_of: Option<CopyOf<'a>>,
    /// The article's paragraph hashes as dedup stored them
    /// ([`crate::dedup::Signature::paragraphs`]): partial reuse is read
    /// from them rather than hashed again for every view.
    pub paragraphs: &'a [crate::dedup::ParagraphHash],
}

/// A copy's original and how it copies it, one value so that a copy
/// always has a kind and an original never has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CopyOf<'a> {
    /// The id of the original.
    pub original: &'a str,
    /// `exact`, `near`, `excerpt` (a teaser or part of it), `extended`.
    pub kind: crate::dedup::DuplicateKind,
}

impl<'a> StoryMember<'a> {
    /// The id of the original it copies, when it is a copy.
    pub fn duplicate_of(&self) -> Option<&'a str> {
        self.copy_of.map(|c| c.original)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
/// One event of the story: the articles about one happening.
pub struct EventView {
    /// Event label (`e12`).
    pub id: String,
    /// Headline: the most central article title of the event.
    pub title: String,
    /// `YYYY-MM-DD`, or `YYYY-MM` when only the month is known.
    pub date: Option<String>,
    /// Its articles' ids, copies included.
    pub articles: Vec<String>,
    /// Extractive summary: the event's most central, most agreed sentences.
    #[serde(default)]
    pub summary: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
/// A dated statement, merged across the sources that make it.
pub struct TimelineEntry {
    /// ISO date of any precision (`2025-11-04`, `2025-11`, `2025`).
    pub date: String,
    /// The statement (a clause of one source's sentence).
    pub text: String,
    /// Articles reporting this dated statement (originals only).
    pub sources: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
/// One entity across the story, with every spelling seen.
pub struct EntityView {
    /// The normalised name all its aliases share.
    pub canonical: String,
    #[serde(rename = "type")]
    /// Its most frequent type across mentions.
    pub kind: EntityType,
    /// Every spelling used, sorted.
    pub aliases: Vec<String>,
    /// Articles that name it, first seen first.
    pub articles: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
/// A value of a fact that disagrees with the agreed one.
pub struct FactConflict {
    /// The disagreeing value.
    pub value: f64,
    /// Articles giving it.
    pub sources: Vec<String>,
    /// The sentence giving this value.
    #[serde(default)]
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
/// An amount the sources report, with agreements and conflicts.
pub struct FactView {
    /// What the amount is about (`US troops in South Korea`).
    pub subject: String,
    /// The value most sources give.
    pub value: f64,
    /// What is counted or measured (`troops`, `USD`).
    pub unit: String,
    /// The sentence giving the value.
    pub text: String,
    /// Articles giving this value.
    pub sources: Vec<String>,
    /// Other values given for the same subject, and by whom.
    pub conflicts: Vec<FactConflict>,
    /// How the sources giving [`FactView::value`] bound it, when they do
    /// not all bound it alike (`around 28,500` / `over 28,500` / `28,500`);
    /// empty when they do.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stated: Vec<FactStatement>,
}

/// One way sources state a fact's value: its bound and who states it so.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FactStatement {
    /// `exactly`, `about`, `more than`, `up to` or `nearly`.
    pub bound: String,
    /// The amount as the first of these sources writes it
    /// (`over 28,500 American troops`).
    pub text: String,
    /// Articles stating it so.
    pub sources: Vec<String>,
}

/// One spelling of a name or title and who uses it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VariantForm {
    /// The spelling.
    pub text: String,
    /// Articles using it.
    pub sources: Vec<String>,
}

/// Names or titles that differ between sources but mean the same thing:
/// shown as variants, never as conflicts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VariantView {
    /// `title` (a role or body: `Secretary of War`) or `name` (a person or
    /// organisation spelt differently: `Ahn Kyu-back`).
    pub kind: String,
    /// The form shown as the name or title.
    pub canonical: String,
    /// People the title is attached to (`Pete Hegseth`), for titles.
    pub holders: Vec<String>,
    /// Every form, with the articles using it.
    pub forms: Vec<VariantForm>,
    /// Why they are the same: `alias table (renamed)`, `spelling`,
    /// `romanisation`.
    pub explained_by: String,
}

/// One wording of a quote and who prints it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuoteWording {
    /// The quote in this wording.
    pub text: String,
    /// Articles printing this wording.
    pub sources: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
/// A quote across the story, its wordings grouped.
pub struct QuoteView {
    /// The speaker: a named person before a body ("the ministry"), then the most frequent attribution.
    pub speaker: Option<String>,
    /// The main wording: printed by most sources, then the longest.
    pub text: String,
    /// Articles printing it (any wording).
    pub sources: Vec<String>,
    /// Every speaker attribution seen for this quote.
    #[serde(default)]
    pub speakers: Vec<String>,
    /// Other wordings of the same quote (empty when all sources agree).
    #[serde(default)]
    pub wordings: Vec<QuoteWording>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
/// One article as a source of the story.
pub struct SourceView {
    /// The article's id.
    pub article: String,
    /// Its outlet (see [`super::article_outlet`]).
    pub outlet: Option<String>,
    /// Publication date (`YYYY-MM-DD`), when known.
    pub published: Option<String>,
    /// The text says it was machine-translated.
    pub machine_translated: bool,
    /// The original it copies, when it is a copy.
    pub duplicate_of: Option<String>,
    /// How this copy copies `duplicate_of`: `exact`, `near` (a reworded
    /// copy), `excerpt` (a teaser or part of it), `extended` (it plus
    /// more): a reader trusts an exact copy and checks an excerpt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duplicate_kind: Option<String>,
    /// Copies of this article (ids), when it is an original.
    pub copies: Vec<String>,
    #[serde(default)]
    /// Its headline: the page's title, else one made from its lead.
    pub title: String,
    #[serde(default)]
    /// Its address, when known.
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
    /// Story label (`s3`).
    pub id: String,
    /// The story's title (see [`super::story_title`]).
    pub title: String,
    /// Extractive summary across its originals.
    pub summary: String,
    /// Its events, by date.
    pub events: Vec<EventView>,
    /// Dated statements of the story's own time, merged across sources.
    pub timeline: Vec<TimelineEntry>,
    /// Dated statements about what came well before the story's first
    /// article (`a legacy of the 1950-1953 Korean War`): context, not the
    /// story's own happenings, so kept out of `timeline`.
    #[serde(default)]
    pub background: Vec<TimelineEntry>,
    /// Entities named, most articles first.
    pub entities: Vec<EntityView>,
    /// Amounts with agreements and conflicts.
    pub facts: Vec<FactView>,
    #[serde(default)]
    /// Names and titles spelt differently by different sources.
    pub variants: Vec<VariantView>,
    /// Quotes, their wordings grouped.
    pub quotes: Vec<QuoteView>,
    /// Every article, by date, each original followed by its copies.
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
