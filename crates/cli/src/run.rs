//! The pipeline as the commands run it. One implementation, shared with the
//! HTTP API: per-article stages in parallel, then aliases, dedup and
//! clustering one article at a time in arrival order
//! (`storyline_pipeline::ingest`).

use storyline_core::clean::OutletLines;
use storyline_core::{PipelineConfig, RawArticle};

pub use storyline_pipeline::ingest::{arrival_order, event_label, story_label, Processed, Streamer};

/// Articles processed per chunk by [`process_for_decisions`]: enough to
/// keep every core busy, few enough that the full per-article state of
/// one chunk is small next to the slimmed state of the whole input.
const DECISION_CHUNK: usize = 2048;

/// Runs the per-article stages for commands that only need the ordered
/// decisions (`cluster`, `train-cluster`), reporting any article whose
/// processing failed on stderr (skipped like a bad record). Each outlet's
/// furniture is learned from the whole input first, as `ingest` learns it
/// from the store and the batch. Each chunk is slimmed to what
/// [`Streamer::decide`] and [`arrival_order`] read as soon as it is
/// processed, and its raw input is dropped, so the whole run holds a few
/// KB per article instead of every cleaned text, paragraph and analysis
/// (~48 KB per 300-word article).
pub fn process_for_decisions(raws: Vec<RawArticle>, cfg: &PipelineConfig) -> Vec<Processed> {
    let outlet_lines = learn_outlets(&raws, cfg);
    let mut out = Vec::with_capacity(raws.len());
    let mut failed = Vec::new();
    let mut rest = raws.into_iter();
    loop {
        let chunk: Vec<RawArticle> = rest.by_ref().take(DECISION_CHUNK).collect();
        if chunk.is_empty() {
            break;
        }
        let processed = storyline_pipeline::ingest::process_all(&chunk, cfg, &outlet_lines, &mut failed);
        out.extend(processed.into_iter().map(slim_for_decision));
    }
    report_failed(failed);
    out
}

/// Drops what the ordered step never reads: the cleaned text and its
/// paragraphs, removal records, times, quotes and amounts (the features
/// hold what clustering needs of them). Kept: id, the raw text and the
/// entities (alias folding reads role cues around names), dates, outlet
/// and wire credits (dedup), features and signature.
pub fn slim_for_decision(mut p: Processed) -> Processed {
    let a = &mut p.prepared.article;
    a.text = String::new();
    a.title = String::new();
    a.paragraphs = Vec::new();
    a.removed = Vec::new();
    a.authors = Vec::new();
    a.raw_text.shrink_to_fit();
    let an = &mut p.prepared.analysis;
    an.times = Vec::new();
    an.quotes = Vec::new();
    an.amounts = Vec::new();
    an.entities.shrink_to_fit();
    p
}

pub fn learn_outlets(raws: &[RawArticle], cfg: &PipelineConfig) -> OutletLines {
    let mut outlet_lines = OutletLines::new();
    outlet_lines.observe_all(raws, &cfg.clean.outlet_lines);
    outlet_lines
}

pub fn report_failed(failed: Vec<storyline_pipeline::ingest::Failed>) {
    for f in failed {
        eprintln!("skipped {}: {}", f.origin, f.reason);
    }
}
