//! `storyline ingest`: add articles to a store (and its search index),
//! idempotently, assigning duplicates, events and stories against
//! everything stored before.

use std::path::Path;

use anyhow::Context;
use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};
use storyline_pipeline::ingest::{ingest_with_progress, load_streamer, save_streamer, IngestReport, Status};
use storyline_store::{open_store, SearchIndex, Store};

use super::DbArgs;
use crate::input::InputArgs;
use crate::output::Output;

/// Below this many articles an ingest is too quick for a progress bar.
const PROGRESS_MIN_ARTICLES: usize = 1000;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub db: DbArgs,
    /// Print one JSON line per input article with its status and assignment.
    #[arg(long)]
    pub json: bool,
}

fn run_ingest(input: &InputArgs, db: &Path) -> anyhow::Result<IngestReport> {
    let inputs = input.read()?;
    let name = db.to_string_lossy();
    let mut store =
        open_store(&name).with_context(|| format!("opening the store {}", storyline_store::redact_url(&name)))?;
    // A store has one writer at a time (other ingests, servers, workers),
    // waited for here and released when this function returns.
    let _writer = store.lock_writer().context("waiting to become the store's one writer")?;
    // PostgreSQL indexes text itself.
    let index = match store.is_postgres() {
        true => None,
        false => Some(SearchIndex::open(&SearchIndex::path_for_db(db)).context("opening the search index")?),
    };
    let cfg = storyline_pipeline::pipeline_config()?;
    let mut streamer = load_streamer(&store, &cfg)?;
    let bar = if std::io::stderr().is_terminal() && inputs.articles.len() >= PROGRESS_MIN_ARTICLES {
        let b = ProgressBar::new(inputs.articles.len() as u64);
        b.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} articles {per_sec} eta {eta}").expect("valid template"),
        );
        b
    } else {
        ProgressBar::hidden()
    };
    let report =
        ingest_with_progress(&mut store, index.as_ref(), &mut streamer, &inputs.articles, &cfg, &mut |done, _| {
            bar.set_position(done as u64 + 1)
        })?;
    bar.finish_and_clear();
    // The next ingest starts from this state instead of replaying the
    // archive (a failed save only costs that replay).
    if streamer.unsaved() > 0 {
        if let Err(e) = save_streamer(&mut store, &mut streamer, &cfg) {
            eprintln!("warning: the online state was not saved ({e}); the next ingest replays the store");
        }
    }
    for f in &report.failed {
        eprintln!("skipped {}: {}", f.origin, f.reason);
    }
    for o in report.outcomes.iter().filter(|o| o.status == Status::AlreadyStored) {
        eprintln!("skipped {}: already stored as {:?}", o.id, o.existing.as_deref().unwrap_or(&o.id));
    }
    Ok(report)
}

/// `cluster --db`: ingest, then print the CONTRACT's cluster lines.
pub fn ingest_and_print(input: &InputArgs, db: &Path, output: Option<&Path>) -> anyhow::Result<()> {
    let report = run_ingest(input, db)?;
    let mut out = Output::open(output)?;
    for o in &report.outcomes {
        out.json_line(
            &serde_json::json!({"id": o.id, "event": o.event, "story": o.story, "duplicate_of": o.duplicate_of, "duplicate_kind": o.duplicate_kind}),
        )?;
    }
    out.finish()
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let before = if args.db.db.exists() { args.db.open()?.article_count()? } else { 0 };
    let report = run_ingest(&args.input, &args.db.db)?;
    if args.json {
        let mut out = Output::open(None)?;
        for o in &report.outcomes {
            out.json_line(o)?;
        }
        out.finish()?;
    }
    let store = args.db.open()?;
    let after = store.article_count()?;
    // Counts of what the store now holds: an article with the same text,
    // outlet and URL as another of this run is stored once, as that one
    // (its id still finds it), and must not be counted as new.
    let stored = (after.saturating_sub(before) as usize).min(report.new);
    let twins = report.new - stored;
    let twins_note = if twins > 0 {
        format!(", {twins} stored as another article of this run with the same text, outlet and URL")
    } else {
        String::new()
    };
    let count = |n: u64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    eprintln!(
        "ingested {} ({} of earlier ones){}, {} already stored; {} and {} in {}",
        count(stored as u64, "new article", "new articles"),
        count(report.duplicates.saturating_sub(twins) as u64, "duplicate", "duplicates"),
        twins_note,
        report.already,
        count(after, "article", "articles"),
        count(store.story_count()?, "story", "stories"),
        args.db.display()
    );
    Ok(())
}
