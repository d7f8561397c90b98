//! `cargo xtask`: storyline's development tools, apart from the product.
//!
//! Benchmarks and evaluations that compare storyline with peers (they may
//! spawn Python peers and read `../shared`); none of this ships in the
//! release binary. Run from the repository root:
//!
//! ```text
//! cargo xtask dedup-bench --peer            # generated copies vs datasketch
//! cargo xtask extract-bench --peer          # Zyte pages vs trafilatura
//! cargo xtask timex-eval DIR                # TimeML files, TempEval-3 scoring
//! cargo xtask fuzz --seconds 90             # mutation fuzzing of readers and query parser
//! ```

mod bench_corpus;
mod dedup_bench;
mod extract_bench;
mod fuzz;
mod timex_eval;
mod timex_score;

// The one rule for tests that read `../shared` (skip visibly, or fail
// under STORYLINE_REQUIRE_SHARED=1), shared with every crate's tests.
#[cfg(test)]
#[allow(dead_code)]
#[path = "../../core/src/test_data.rs"]
mod test_data;

use clap::{Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(name = "xtask", about = "storyline's development tools (benchmarks, evaluation against peers)")]
struct Cli {
    #[command(subcommand)]
    command: Tool,
}

#[derive(Subcommand, Debug)]
enum Tool {
    /// Duplicate-detection benchmark on generated copies (optionally vs datasketch).
    DedupBench(dedup_bench::DedupBenchArgs),
    /// Main-text extraction benchmark on the Zyte pages (optionally vs trafilatura).
    ExtractBench(extract_bench::ExtractBenchArgs),
    /// Score time expressions against TimeML files (TempEval-3: relaxed F1, value accuracy).
    TimexEval(timex_eval::Args),
    /// Mutation-fuzz the readers and the search query parser for a time budget; finds become fixtures.
    Fuzz(fuzz::Args),
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Tool::DedupBench(a) => dedup_bench::run(&a),
        Tool::ExtractBench(a) => extract_bench::run(&a),
        Tool::TimexEval(a) => timex_eval::run(a),
        Tool::Fuzz(a) => fuzz::run(&a),
    }
}
