//! `storyline serve`: the HTTP API and web UI over a store.

use std::net::SocketAddr;
use std::time::Duration;

use super::DbArgs;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Address to listen on (HOST:PORT).
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "HOST:PORT")]
    pub addr: SocketAddr,
    #[command(flatten)]
    pub db: DbArgs,
    /// Bearer token required by `POST /api/articles` (without one, the
    /// server accepts no articles).
    #[arg(long, env = "STORYLINE_TOKEN", hide_env_values = true, value_name = "TOKEN")]
    pub token: Option<String>,
    /// Require the token on read endpoints too (the web UI then needs it).
    #[arg(long, requires = "token")]
    pub protect_reads: bool,
    /// Largest request body, in MiB.
    #[arg(long, default_value_t = (storyline_server::DEFAULT_MAX_BODY_BYTES >> 20) as u64, value_name = "MIB")]
    pub max_body_mb: u64,
    /// Longest a request may take, in seconds.
    #[arg(long, default_value_t = storyline_server::DEFAULT_REQUEST_TIMEOUT_SECS, value_name = "SECS")]
    pub timeout_secs: u64,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    args.db.require_existing()?;
    let mut cfg = storyline_server::ServeConfig::new(args.addr, args.db.db.clone());
    cfg.token = args.token.filter(|t| !t.is_empty());
    cfg.protect_reads = args.protect_reads;
    cfg.max_body_bytes = (args.max_body_mb << 20) as usize;
    cfg.request_timeout = Duration::from_secs(args.timeout_secs);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(storyline_server::serve(cfg))
}
