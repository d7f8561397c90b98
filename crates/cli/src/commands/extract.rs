//! `storyline extract`: cleaned main text and metadata, one JSON line each.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;
use storyline_core::{clean, Article, Dateline, RawArticle, RemovalReason};

use crate::input::InputArgs;
use crate::output::Output;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub input: InputArgs,
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Also list every removed line with the reason it was removed.
    #[arg(long)]
    pub removed: bool,
}

#[derive(Serialize)]
struct Line<'a> {
    id: &'a str,
    title: &'a str,
    text: &'a str,
    published: Option<String>,
    authors: &'a [String],
    language: &'a str,
    machine_translated: bool,
    boilerplate_removed: usize,
    outlet: Option<&'a str>,
    url: Option<&'a str>,
    dateline: Option<&'a Dateline>,
    wire_credits: &'a [String],
    /// Where each metadata field came from, so a user can see why a value
    /// was chosen (`{"published": "json-ld", "title": "og:title"}`).
    sources: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    removed: Option<&'a [storyline_core::Removed]>,
}

/// Removed lines that were noise, as opposed to metadata moved to fields.
fn is_noise(reason: RemovalReason) -> bool {
    !matches!(reason, RemovalReason::Title | RemovalReason::DateLine | RemovalReason::Byline)
}

/// The source of each field of `a`: what the reader recorded for a field
/// it filled (`input` when the input named the field itself), `text` for a
/// field the cleaner found in the text.
fn sources(raw: &RawArticle, a: &Article) -> BTreeMap<&'static str, String> {
    let mut out = BTreeMap::new();
    let given = |field: &str| raw.sources.get(field).cloned().unwrap_or_else(|| "input".to_string());
    if !a.title.is_empty() {
        let from_input = raw.title.as_deref().is_some_and(|t| !t.trim().is_empty());
        out.insert("title", if from_input { given("title") } else { "text".into() });
    }
    if raw.date.as_deref().and_then(storyline_core::parse_input_date).is_some() {
        out.insert("published", given("published"));
    } else if a.published.is_some() {
        out.insert("published", "text".into());
    }
    if !raw.authors.is_empty() {
        out.insert("authors", given("authors"));
    } else if !a.authors.is_empty() {
        out.insert("authors", "text".into());
    }
    if a.outlet.is_some() {
        out.insert("outlet", given("outlet"));
    }
    let lang_given = raw.language.as_deref().is_some_and(|l| !l.trim().is_empty());
    out.insert("language", if lang_given { given("language") } else { "detected".into() });
    out
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let inputs = args.input.read()?;
    let cfg = clean::CleanConfig::default();
    let mut out = Output::open(args.output.as_deref())?;
    // Lines an outlet repeats across its articles are learned from the whole
    // input before any article is cleaned.
    let mut outlet_lines = clean::OutletLines::new();
    outlet_lines.observe_all(&inputs.articles, &cfg.outlet_lines);
    for raw in &inputs.articles {
        let a = clean::clean_with(raw, &cfg, &outlet_lines);
        out.json_line(&Line {
            id: &a.id,
            title: &a.title,
            text: &a.text,
            published: a.published.map(|d| d.to_string()),
            authors: &a.authors,
            language: &a.language,
            machine_translated: a.machine_translated,
            boilerplate_removed: a.removed.iter().filter(|r| is_noise(r.reason)).count(),
            outlet: a.outlet.as_deref(),
            url: a.url.as_deref(),
            dateline: a.dateline.as_ref(),
            wire_credits: &a.wire_credits,
            sources: sources(raw, &a),
            removed: args.removed.then_some(a.removed.as_slice()),
        })?;
    }
    out.finish()
}
