//! The domain model: what flows between the stages.
//!
//! A reader produces [`RawArticle`]s; [`crate::prepare`] turns each into an
//! [`Article`] (cleaned text plus metadata) and its [`Analysis`]; dedup and
//! clustering then assign it a duplicate original, an [`EventId`] and a
//! [`StoryId`].

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Where a record came from, so every report can name the file and line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Origin {
    /// The file (or `<stdin>`, or URL) it was read from.
    pub path: String,
    /// 1-based line for line-oriented inputs (JSONL), else `None`.
    pub line: Option<u64>,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}", self.path, line),
            None => write!(f, "{}", self.path),
        }
    }
}

/// How the text of a [`RawArticle`] was obtained; decides how much of the
/// metadata cleaning must recover from the text itself.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextFormat {
    /// Text as scraped from a web page (`.txt`, JSONL `text`): title,
    /// dateline, date lines, bylines and boilerplate are still inside it.
    #[default]
    Scraped,
    /// Main text already extracted from HTML: metadata came from the page.
    ExtractedHtml,
}

/// An article as a reader hands it over, before any cleaning.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RawArticle {
    /// The input's id; unique within a run and a store.
    pub id: String,
    /// Title given by the input (JSONL field, HTML metadata).
    pub title: Option<String>,
    /// The article text exactly as given (for HTML: the extracted main text).
    /// Analysis offsets of `storyline analyze` refer to this string.
    pub text: String,
    /// How the text was obtained, which decides how much cleaning recovers from it.
    pub format: TextFormat,
    /// Publication date given by the input (JSONL `date`, HTML metadata),
    /// as `YYYY-MM-DD` or RFC 3339; parsed by [`crate::parse_input_date`].
    pub date: Option<String>,
    /// The article's address given by the input, normalised by the reader.
    pub url: Option<String>,
    /// Outlet name given by the input (JSONL `source`, HTML site name).
    pub source: Option<String>,
    /// Language given by the input (JSONL `language`, HTML `lang`), if any;
    /// cleaning detects it otherwise.
    pub language: Option<String>,
    /// Authors given by the input (HTML metadata).
    pub authors: Vec<String>,
    /// Where the reader found each field it filled (`published` ->
    /// `json-ld`, `title` -> `og:title`, `outlet` -> `host`); empty when the
    /// input named its fields itself (JSONL).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub sources: std::collections::BTreeMap<String, String>,
    /// Where the reader found it, for reports.
    pub origin: Origin,
}

impl RawArticle {
    /// This article with every NUL character replaced by U+FFFD. PostgreSQL
    /// refuses NUL in text while SQLite keeps it, so the stores would hold
    /// different text (or one would fail the whole batch); NUL is never
    /// meaningful in news text. One character for one keeps every char
    /// offset of the analysis valid. Borrowed when there is nothing to do.
    pub fn without_nul(&self) -> std::borrow::Cow<'_, RawArticle> {
        let has = |s: &str| s.contains('\0');
        let opt = |s: &Option<String>| s.as_deref().is_some_and(has);
        let dirty = has(&self.id)
            || has(&self.text)
            || opt(&self.title)
            || opt(&self.date)
            || opt(&self.url)
            || opt(&self.source)
            || opt(&self.language)
            || self.authors.iter().any(|a| has(a))
            || has(&self.origin.path);
        if !dirty {
            return std::borrow::Cow::Borrowed(self);
        }
        let fix = |s: &str| s.replace('\0', "\u{FFFD}");
        let fix_opt = |s: &Option<String>| s.as_deref().map(fix);
        std::borrow::Cow::Owned(RawArticle {
            id: fix(&self.id),
            title: fix_opt(&self.title),
            text: fix(&self.text),
            format: self.format,
            date: fix_opt(&self.date),
            url: fix_opt(&self.url),
            source: fix_opt(&self.source),
            language: fix_opt(&self.language),
            authors: self.authors.iter().map(|a| fix(a)).collect(),
            sources: self.sources.clone(),
            origin: Origin { path: fix(&self.origin.path), line: self.origin.line },
        })
    }
}

/// What a paragraph of cleaned text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParagraphKind {
    /// Running text of the article.
    Body,
    /// An upper-case or short sub-heading inside the body.
    Heading,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
/// One paragraph of the cleaned main text.
pub struct Paragraph {
    /// The paragraph's text.
    pub text: String,
    /// Body text or sub-heading.
    pub kind: ParagraphKind,
    /// Char offset of `text` inside [`Article::raw_text`] when `text` is an
    /// exact substring of it (always for scraped text), so analysis of the
    /// cleaned text can report offsets into the text as given.
    pub raw_start: Option<usize>,
}

/// Why a line was taken out of the main text. Every removal is recorded so a
/// user can see what was dropped (the article page shows it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RemovalReason {
    /// Copyright notices, disclaimers, donation pleas, comment prompts, ...
    Boilerplate,
    /// A paragraph already present earlier in the same article.
    RepeatedParagraph,
    /// Title line, moved to `title`.
    Title,
    /// Date or update line, moved to `published`.
    DateLine,
    /// Author line, moved to `authors`.
    Byline,
    /// Photo caption ending in an agency credit.
    Caption,
    /// Wire credit or feed attribution, moved to `wire_credits`.
    WireCredit,
    /// Translation note, moved to `machine_translated`.
    TranslationNote,
    /// A line this outlet repeats across many articles (learned).
    OutletBoilerplate,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
/// A line taken out of the main text, with why.
pub struct Removed {
    /// The line as it was.
    pub text: String,
    /// Why it was taken out.
    pub reason: RemovalReason,
}

/// A dateline such as `SEOUL, October 27 (AJP) -` or `Seoul, December 1`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dateline {
    /// The place (`SEOUL`), when given.
    pub place: Option<String>,
    /// Month (1-12), when given.
    pub month: Option<u32>,
    /// Day of the month, when given.
    pub day: Option<u32>,
    /// Year, when given (most datelines leave it out).
    pub year: Option<i32>,
    /// Agency named in the dateline, e.g. `AJP`.
    pub agency: Option<String>,
}

/// A cleaned article with its metadata.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Article {
    /// The input's id, unchanged.
    pub id: String,
    /// Headline: from the input, else the title line found in the text.
    pub title: String,
    /// Cleaned main text: paragraphs separated by a blank line.
    pub text: String,
    /// The paragraphs of `text`, with their kind and raw offset.
    pub paragraphs: Vec<Paragraph>,
    /// Publication date: from the input, else from date lines in the text.
    pub published: Option<NaiveDate>,
    /// The dateline found at the start of the text, if any.
    pub dateline: Option<Dateline>,
    /// Authors: from the input, else from byline lines.
    pub authors: Vec<String>,
    /// Outlet given by the input, if any.
    pub outlet: Option<String>,
    /// Normalised URL given by the input, if any.
    pub url: Option<String>,
    /// ISO 639-1 code.
    pub language: String,
    /// The text says it was machine-translated.
    pub machine_translated: bool,
    /// Wire services and feeds credited (`Reuters`, `The Tribune via feeds`).
    pub wire_credits: Vec<String>,
    /// Every line taken out of the text, with why.
    pub removed: Vec<Removed>,
    /// The text exactly as given, for offsets and the article page.
    pub raw_text: String,
    /// Where the reader found it, for reports.
    pub origin: Origin,
}

impl Article {
    /// Title and body as one string, for features that read both.
    pub fn title_and_text(&self) -> String {
        if self.title.is_empty() {
            self.text.clone()
        } else {
            format!("{}\n\n{}", self.title, self.text)
        }
    }

    /// The paragraph that opens the article: the first body paragraph of
    /// [`LEAD_MIN_WORDS`] words or more (a page's stray fragment before it,
    /// such as a lone "We" or a button label, says nothing), else the first
    /// paragraph, else the whole text.
    pub fn lead(&self) -> &str {
        self.paragraphs
            .iter()
            .find(|p| p.kind == ParagraphKind::Body && p.text.split_whitespace().nth(LEAD_MIN_WORDS - 1).is_some())
            .or(self.paragraphs.first())
            .map_or(self.text.as_str(), |p| p.text.as_str())
    }

    /// Best known date: the publication date, else a dateline with a year.
    pub fn best_date(&self) -> Option<NaiveDate> {
        self.published.or_else(|| {
            let d = self.dateline.as_ref()?;
            NaiveDate::from_ymd_opt(d.year?, d.month?, d.day?)
        })
    }
}

/// Words a paragraph needs to be an article's lead ([`Article::lead`]).
pub const LEAD_MIN_WORDS: usize = 6;

/// Entity types of the CONTRACT.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum EntityType {
    /// A person.
    Person,
    /// An organisation (company, party, agency, team).
    Org,
    /// A place (country, city, region, landmark).
    Place,
    /// A name that is none of the above.
    Other,
}

/// A mention of a named entity. Offsets are char offsets (Unicode scalar
/// values, end exclusive) into the analysed string.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    /// The mention as written.
    pub text: String,
    #[serde(rename = "type")]
    /// Person, organisation, place or other.
    pub kind: EntityType,
    /// Char offset of the first char.
    pub start: usize,
    /// Char offset just past the last char.
    pub end: usize,
    /// The normalised name that all aliases of this entity share.
    pub canonical: String,
}

/// TIMEX3 types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum TimexType {
    /// A calendar date, of any precision (`2025-11-04`, `2025-11`, `2025`).
    Date,
    /// A time of day.
    Time,
    /// A length of time (`three days`).
    Duration,
    /// A recurrence (`every week`).
    Set,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
/// A time expression, normalised to a TIMEX3 value. Offsets are char offsets.
pub struct TimeExpr {
    /// The expression as written.
    pub text: String,
    #[serde(rename = "type")]
    /// Date, time, duration or set.
    pub kind: TimexType,
    /// Char offset of the first char.
    pub start: usize,
    /// Char offset just past the last char.
    pub end: usize,
    /// TIMEX3 value: `2025-11-04`, `2025-11`, `2025-W45`, `P3D`, `PAST_REF`.
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
/// A quotation and who said it. Offsets are char offsets.
pub struct Quote {
    /// The quoted words, without the quote marks.
    pub text: String,
    /// The speaker's name, when the sentence attributes it.
    pub speaker: Option<String>,
    /// Char offset of the first char.
    pub start: usize,
    /// Char offset just past the last char.
    pub end: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
/// A number with what it counts or measures. Offsets are char offsets.
pub struct Amount {
    /// The amount as written (`about 28,500 troops`).
    pub text: String,
    /// Its value (`28500`).
    pub value: f64,
    /// What is counted or measured: `troops`, `USD`, `years`, `ordinal`.
    pub unit: String,
    /// Char offset of the first char.
    pub start: usize,
    /// Char offset just past the last char.
    pub end: usize,
}

/// Everything `analyze` finds in one text.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    /// Named people, organisations, places.
    pub entities: Vec<Entity>,
    /// Time expressions.
    pub times: Vec<TimeExpr>,
    /// Quotations.
    pub quotes: Vec<Quote>,
    /// Amounts.
    pub amounts: Vec<Amount>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paragraph(text: &str, kind: ParagraphKind) -> Paragraph {
        Paragraph { text: text.into(), kind, raw_start: None }
    }

    #[test]
    fn the_lead_skips_fragments_and_headings_before_the_first_sentence() {
        let mut a =
            Article { text: "We\n\nBest movers of 2026 ranked here\n\n75+ movers ...".into(), ..Default::default() };
        assert_eq!(a.lead(), a.text, "no paragraphs: the whole text");
        a.paragraphs = vec![
            paragraph("We", ParagraphKind::Body),
            paragraph("Best movers of 2026 ranked here", ParagraphKind::Heading),
            paragraph("75+ long-distance movers and 10,000+ reviews to match you.", ParagraphKind::Body),
        ];
        assert_eq!(a.lead(), "75+ long-distance movers and 10,000+ reviews to match you.");
        a.paragraphs.truncate(2);
        assert_eq!(a.lead(), "We", "nothing long enough: the first paragraph");
    }
}
