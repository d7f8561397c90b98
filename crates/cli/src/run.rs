//! The pipeline as the commands run it. One implementation, shared with the
//! HTTP API: per-article stages in parallel, then aliases, dedup and
//! clustering one article at a time in arrival order
//! (`storyline_server::ingest`).

use storyline_core::clean::OutletLines;
use storyline_core::{PipelineConfig, Prepared, RawArticle};

pub use storyline_server::ingest::{arrival_order, event_label, story_label, Processed, Streamer};

/// Runs the per-article stages, reporting any article whose processing
/// failed on stderr (it is skipped like a bad record). Each outlet's
/// furniture is learned from the whole input first, as `ingest` learns it
/// from the store and the batch.
pub fn process_all(raws: &[RawArticle], cfg: &PipelineConfig) -> Vec<Processed> {
    let mut failed = Vec::new();
    let mut outlet_lines = OutletLines::new();
    outlet_lines.observe_all(raws, &cfg.clean.outlet_lines);
    let processed = storyline_server::ingest::process_all(raws, cfg, &outlet_lines, &mut failed);
    for f in failed {
        eprintln!("skipped {}: {}", f.origin, f.reason);
    }
    processed
}

/// [`process_all`] without the clustering features and dedup signatures,
/// for commands that only print the analysis.
pub fn prepare_all(raws: &[RawArticle], cfg: &PipelineConfig) -> Vec<Prepared> {
    let mut failed = Vec::new();
    let mut outlet_lines = OutletLines::new();
    outlet_lines.observe_all(raws, &cfg.clean.outlet_lines);
    let prepared = storyline_server::ingest::prepare_all(raws, cfg, &outlet_lines, &mut failed);
    for f in failed {
        eprintln!("skipped {}: {}", f.origin, f.reason);
    }
    prepared
}
