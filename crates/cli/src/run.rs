//! The pipeline as the commands run it. One implementation, shared with the
//! HTTP API: per-article stages in parallel, then aliases, dedup and
//! clustering one article at a time in arrival order
//! (`storyline_server::ingest`).

use storyline_core::{PipelineConfig, RawArticle};

pub use storyline_server::ingest::{arrival_order, event_label, story_label, Processed, Streamer};

/// Runs the per-article stages, reporting any article whose processing
/// failed on stderr (it is skipped like a bad record).
pub fn process_all(raws: &[RawArticle], cfg: &PipelineConfig) -> Vec<Processed> {
    let mut failed = Vec::new();
    let processed = storyline_server::ingest::process_all(raws, cfg, &mut failed);
    for f in failed {
        eprintln!("skipped {}: {}", f.origin, f.reason);
    }
    processed
}
