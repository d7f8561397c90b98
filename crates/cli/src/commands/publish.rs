//! `storyline publish`: read articles and put them on a NATS JetStream
//! work queue, in arrival order, for `storyline worker`s to process.

use storyline_core::PipelineConfig;
use storyline_pipeline::distributed;

use crate::input::InputArgs;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub input: InputArgs,
    /// NATS server URL.
    #[arg(long, env = "STORYLINE_NATS", default_value = "nats://127.0.0.1:4222", value_name = "URL")]
    pub nats: String,
    /// JetStream stream (created if missing; subject `<stream>.articles`).
    #[arg(long, default_value = distributed::DEFAULT_STREAM, value_name = "NAME")]
    pub stream: String,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let inputs = args.input.read()?;
    let started = std::time::Instant::now();
    let r = distributed::publish(&args.nats, &args.stream, &inputs.articles, &PipelineConfig::default())?;
    for f in &r.skipped {
        eprintln!("skipped {}: {}", f.origin, f.reason);
    }
    let seqs = match (r.first_seq, r.last_seq) {
        (Some(a), Some(b)) => format!(" (sequence {a}..={b})"),
        _ => String::new(),
    };
    eprintln!(
        "published {} articles to stream {}{seqs} in {:.1} s; {} already published",
        r.published,
        args.stream,
        started.elapsed().as_secs_f64(),
        r.duplicates
    );
    Ok(())
}
