//! `storyline cluster`: the CONTRACT's stateless event and story labelling.

use std::path::PathBuf;

use serde::Serialize;
use storyline_core::PipelineConfig;

use crate::input::InputArgs;
use crate::output::Output;
use crate::run::{arrival_order, event_label, process_for_decisions, story_label, Streamer};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub input: InputArgs,
    /// Write JSONL here instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Probability the join model must reach for an article to join an
    /// existing event (default: the shipped, calibrated 0.5). Higher splits
    /// more, lower merges more.
    #[arg(long, value_name = "P")]
    pub join_threshold: Option<f32>,
    /// Cluster against (and add to) this store instead of a stateless run.
    #[arg(long, value_name = "PATH")]
    pub db: Option<PathBuf>,
}

#[derive(Serialize)]
struct Line<'a> {
    id: &'a str,
    event: String,
    story: String,
    duplicate_of: Option<&'a str>,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    if let Some(db) = &args.db {
        return super::ingest::ingest_and_print(&args.input, db, args.output.as_deref());
    }
    let started = std::time::Instant::now();
    let inputs = args.input.read()?;
    let read_done = std::time::Instant::now();
    let mut cfg = PipelineConfig::default();
    if let Some(p) = args.join_threshold {
        if !(0.0..=1.0).contains(&p) {
            return Err(super::CliError::Usage(format!("--join-threshold must be within 0..1, got {p}")).into());
        }
        cfg.cluster.join_probability = p;
    }
    let mut processed = process_for_decisions(inputs.articles, &cfg);
    let processed_at = std::time::Instant::now();
    let articles: Vec<_> = processed.iter().map(|p| &p.prepared.article).collect();
    let order = arrival_order(&articles);
    let mut decisions = vec![None; processed.len()];
    let mut streamer = Streamer::new(&cfg);
    for i in order {
        decisions[i] = Some(streamer.decide(&mut processed[i]));
    }
    let decided_at = std::time::Instant::now();
    // Stage times for benchmarks (STORYLINE_LOG=info): the ordered step is
    // the part that cannot run in parallel.
    tracing::info!(
        articles = processed.len(),
        read_s = (read_done - started).as_secs_f64(),
        per_article_stages_s = (processed_at - read_done).as_secs_f64(),
        dedup_and_cluster_s = (decided_at - processed_at).as_secs_f64(),
        "cluster stage times"
    );
    let mut out = Output::open(args.output.as_deref())?;
    for (p, d) in processed.iter().zip(decisions) {
        let d = d.expect("every article was decided");
        out.json_line(&Line {
            id: &p.prepared.article.id,
            event: event_label(d.event),
            story: story_label(d.story),
            duplicate_of: d.duplicate.as_ref().map(|m| m.original.as_str()),
        })?;
    }
    out.finish()?;
    // The process ends here: freeing every article, feature set and the
    // streamer's indexes one by one is CPU spent for nothing.
    std::mem::forget((processed, streamer));
    Ok(())
}
