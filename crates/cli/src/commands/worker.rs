//! `storyline worker`: pull articles from the JetStream work queue, run the
//! per-article stages, and (one worker at a time) assign duplicates,
//! events and stories into a PostgreSQL store. See
//! `storyline_pipeline::distributed` for the protocol.

use std::time::Duration;

use storyline_pipeline::distributed::{self, WorkerConfig};

use super::DbArgs;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub db: DbArgs,
    /// NATS server URL.
    #[arg(long, env = "STORYLINE_NATS", default_value = "nats://127.0.0.1:4222", value_name = "URL")]
    pub nats: String,
    /// JetStream stream to work on.
    #[arg(long, default_value = distributed::DEFAULT_STREAM, value_name = "NAME")]
    pub stream: String,
    /// Exit once nothing has arrived for this many seconds and the queue is
    /// done (nothing waiting, unacknowledged or pending).
    #[arg(long, value_name = "SECS")]
    pub until_idle: Option<u64>,
    /// Messages pulled at once.
    #[arg(long, default_value_t = distributed::DEFAULT_BATCH, value_name = "N")]
    pub batch: usize,
    /// Seconds before an unacknowledged message goes to another worker.
    #[arg(long, default_value_t = distributed::DEFAULT_ACK_WAIT_SECS, value_name = "SECS")]
    pub ack_wait: u64,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let mut cfg = WorkerConfig::new(&args.nats, &args.stream, &args.db.db.to_string_lossy());
    cfg.batch = args.batch.max(1);
    cfg.ack_wait = Duration::from_secs(args.ack_wait.max(1));
    cfg.until_idle = args.until_idle.map(Duration::from_secs);
    let started = std::time::Instant::now();
    let r = distributed::run_worker(&cfg)?;
    let dead = match r.dead_lettered {
        0 => "0 dead-lettered".to_string(),
        n => format!("{n} dead-lettered to stream {}", distributed::dead_letter_stream(&args.stream)),
    };
    eprintln!(
        "worker done in {:.1} s: processed {} messages ({dead}), assigned {} ({:.1} s busy assigning) into {}",
        started.elapsed().as_secs_f64(),
        r.processed,
        r.assigned,
        r.assign_busy.as_secs_f64(),
        args.db.display()
    );
    Ok(())
}
