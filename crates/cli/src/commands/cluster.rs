//! `storyline cluster`: the CONTRACT's stateless event and story labelling.

use std::path::PathBuf;

use serde::Serialize;

use crate::input::InputArgs;
use crate::output::Output;
use crate::run::{event_label, learn_outlets, report_failed, slim_for_decision, story_label, Streamer};
use storyline_pipeline::ingest::{for_each_in_arrival_order, Decision};

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
    /// Use this join model (as written by `train-cluster -o`) instead of
    /// the one compiled in.
    #[arg(long, value_name = "FILE")]
    pub join_model: Option<PathBuf>,
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
    /// How the copy relates to its original (`exact`, `near`, `excerpt`,
    /// `extended`); null for originals.
    duplicate_kind: Option<&'static str>,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    if let Some(db) = &args.db {
        return super::ingest::ingest_and_print(&args.input, db, args.output.as_deref());
    }
    let started = std::time::Instant::now();
    let inputs = args.input.read()?;
    let read_done = std::time::Instant::now();
    let mut cfg = storyline_pipeline::pipeline_config()?;
    if let Some(p) = args.join_threshold {
        if !(0.0..=1.0).contains(&p) {
            return Err(super::CliError::Usage(format!("--join-threshold must be within 0..1, got {p}")).into());
        }
        cfg.cluster.join_probability = p;
    }
    if let Some(path) = &args.join_model {
        cfg.cluster.model = read_join_model(path)?;
    }
    let outlet_lines = learn_outlets(&inputs.articles, &cfg);
    let learned_at = std::time::Instant::now();
    // Decided in arrival order while the next articles are processed; each
    // article is dropped once decided (the streamer keeps what it needs).
    let mut streamer = Streamer::new(&cfg);
    let mut decided: Vec<Option<(String, Decision)>> = vec![None; inputs.articles.len()];
    let mut failed = Vec::new();
    let mut ordered_s = 0.0;
    let visited =
        for_each_in_arrival_order(&inputs.articles, &cfg, &outlet_lines, &mut failed, slim_for_decision, |i, mut p| {
            let t = std::time::Instant::now();
            let d = streamer.decide(&mut p);
            decided[i] = Some((std::mem::take(&mut p.prepared.article.id), d));
            ordered_s += t.elapsed().as_secs_f64();
            Ok::<(), std::convert::Infallible>(())
        });
    let Ok(()) = visited;
    report_failed(failed);
    let decided_at = std::time::Instant::now();
    // Stage times for benchmarks (STORYLINE_LOG=info): the ordered step
    // (decisions, on the calling thread) overlaps the per-article stages
    // (worker threads); `ordered_step_s` is its own busy time.
    tracing::info!(
        articles = inputs.articles.len(),
        read_s = (read_done - started).as_secs_f64(),
        learn_outlets_s = (learned_at - read_done).as_secs_f64(),
        stages_and_decisions_s = (decided_at - learned_at).as_secs_f64(),
        ordered_step_s = ordered_s,
        "cluster stage times"
    );
    let mut out = Output::open(args.output.as_deref())?;
    for (id, d) in decided.iter().flatten() {
        out.json_line(&Line {
            id,
            event: event_label(d.event),
            story: story_label(d.story),
            duplicate_of: d.duplicate.as_ref().map(|m| m.original.as_str()),
            duplicate_kind: d.duplicate.as_ref().map(|m| m.kind.as_str()),
        })?;
    }
    out.finish()?;
    // The process ends here: freeing every article, feature set and the
    // streamer's indexes one by one is CPU spent for nothing.
    std::mem::forget((decided, streamer, inputs));
    Ok(())
}

/// A join model file, checked against the features this binary computes.
fn read_join_model(path: &std::path::Path) -> anyhow::Result<storyline_core::cluster::JoinModel> {
    use storyline_core::cluster::{JoinModel, FEATURE_NAMES};
    let text = std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let model: JoinModel = serde_json::from_str(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    if !model.fits_features() {
        return Err(super::CliError::Usage(format!(
            "{}: its features {:?} are not the {} this binary computes ({:?}); retrain with `storyline train-cluster`",
            path.display(),
            model.features,
            FEATURE_NAMES.len(),
            FEATURE_NAMES
        ))
        .into());
    }
    Ok(model)
}
