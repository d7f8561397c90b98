//! `storyline ingest`: add articles to a store, idempotently, assigning
//! duplicates, events and stories against everything stored before.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use storyline_core::PipelineConfig;
use storyline_store::{identity_hash, SqliteStore, Store, StoredArticle};

use super::DbArgs;
use crate::input::InputArgs;
use crate::output::Output;
use crate::run::{arrival_order, event_label, process_all, story_label, Decision, Streamer};

/// Articles per transaction: large enough to amortise commits, small enough
/// that an interrupted ingest loses little work (never a half article).
const BATCH_ARTICLES: usize = 256;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub db: DbArgs,
    /// Print one JSON line per new article with its assignment.
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct Line<'a> {
    id: &'a str,
    event: String,
    story: String,
    duplicate_of: Option<&'a str>,
    status: &'static str,
}

/// Rebuilds the online state from a store.
pub fn load_streamer(store: &SqliteStore, cfg: &PipelineConfig) -> anyhow::Result<Streamer> {
    let mut streamer = Streamer::new(cfg);
    store.for_each_article(&mut |s| {
        let d = Decision { duplicate: s.duplicate.clone(), event: s.event, story: s.story };
        streamer.restore(&s.article, &s.analysis, &s.features, &s.signature, &d);
    })?;
    Ok(streamer)
}

struct IngestSummary {
    new: usize,
    duplicates: usize,
    already: usize,
}

fn ingest(input: &InputArgs, db: &Path, mut on_line: impl FnMut(Line<'_>) -> anyhow::Result<()>) -> anyhow::Result<IngestSummary> {
    let inputs = input.read()?;
    let mut store = SqliteStore::open(db).with_context(|| format!("opening the store {}", db.display()))?;
    let cfg = PipelineConfig::default();
    let mut streamer = load_streamer(&store, &cfg)?;
    let mut processed = process_all(&inputs.articles, &cfg);
    let articles: Vec<_> = processed.iter().map(|p| &p.prepared.article).collect();
    let order = arrival_order(&articles);

    let bar = if std::io::stderr().is_terminal() && order.len() >= 1000 {
        let b = ProgressBar::new(order.len() as u64);
        b.set_style(ProgressStyle::with_template("{bar:40} {pos}/{len} articles {per_sec} eta {eta}").expect("valid template"));
        b
    } else {
        ProgressBar::hidden()
    };
    let mut summary = IngestSummary { new: 0, duplicates: 0, already: 0 };
    let mut batch: Vec<StoredArticle> = Vec::with_capacity(BATCH_ARTICLES);
    let mut lines: Vec<(usize, Decision, &'static str)> = Vec::new();
    for i in order {
        bar.inc(1);
        let a = &processed[i].prepared.article;
        if let Some(existing) = store.find_existing(&a.id, &identity_hash(a))? {
            summary.already += 1;
            eprintln!("skipped {}: already stored as {existing:?}", a.origin);
            continue;
        }
        let d = streamer.decide(&mut processed[i]);
        let p = &processed[i];
        let a = &p.prepared.article;
        summary.new += 1;
        summary.duplicates += d.duplicate.is_some() as usize;
        batch.push(StoredArticle {
            article: a.clone(),
            analysis: p.prepared.analysis.clone(),
            features: p.features.clone(),
            signature: p.signature.clone(),
            duplicate: d.duplicate.clone(),
            event: d.event,
            story: d.story,
        });
        lines.push((i, d, "new"));
        if batch.len() >= BATCH_ARTICLES {
            store.insert_batch(&batch)?;
            batch.clear();
        }
    }
    store.insert_batch(&batch)?;
    bar.finish_and_clear();
    lines.sort_by_key(|l| l.0);
    for (i, d, status) in lines {
        let a = &processed[i].prepared.article;
        on_line(Line {
            id: &a.id,
            event: event_label(d.event),
            story: story_label(d.story),
            duplicate_of: d.duplicate.as_ref().map(|m| m.original.as_str()),
            status,
        })?;
    }
    Ok(summary)
}

/// `cluster --db`: ingest, then print the CONTRACT's cluster lines.
pub fn ingest_and_print(input: &InputArgs, db: &PathBuf, output: Option<&Path>) -> anyhow::Result<()> {
    let mut out = Output::open(output)?;
    ingest(input, db, |l| out.json_line(&serde_json::json!({"id": l.id, "event": l.event, "story": l.story, "duplicate_of": l.duplicate_of})))?;
    out.finish()
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let mut out = Output::open(None)?;
    let json = args.json;
    let s = ingest(&args.input, &args.db.db, |l| if json { out.json_line(&l) } else { Ok(()) })?;
    out.finish()?;
    let store = SqliteStore::open(&args.db.db)?;
    eprintln!(
        "ingested {} new articles ({} duplicates of earlier ones), {} already stored; {} articles and {} stories in {}",
        s.new,
        s.duplicates,
        s.already,
        store.article_count()?,
        store.stories()?.len(),
        args.db.db.display()
    );
    Ok(())
}
