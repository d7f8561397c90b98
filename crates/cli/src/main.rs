//! The `storyline` binary: wires readers, the core pipeline and the store
//! behind a command line (see `storyline --help` and CONTRACT.md).

mod commands;
mod input;
mod output;
mod run;

use std::process::ExitCode;

use clap::Parser;

/// Exit codes, one per kind of failure, so scripts can tell them apart.
pub mod exit {
    /// Something went wrong while running (I/O, database).
    pub const FAILURE: u8 = 1;
    /// The command line was wrong (clap uses 2 as well).
    pub const USAGE: u8 = 2;
    /// No article could be read from the inputs.
    pub const NO_INPUT: u8 = 3;
    /// An id given to `show` or `report` does not exist.
    pub const NOT_FOUND: u8 = 4;
}

#[derive(Parser, Debug)]
#[command(
    name = "storyline",
    version,
    about = "Turns a raw stream of news articles into stories: cleans each article, folds duplicates, \
             groups articles into events and events into stories.",
    long_about = None,
    after_help = "Inputs: directories (read recursively), .txt, .html/.htm, .jsonl/.json, .warc, feeds (.rss/.atom/.xml), \
                  http(s) URLs, any of them .gz, \
                  and - for JSONL on standard input. Unreadable records are reported on stderr with file and \
                  line and skipped.\n\nExamples:\n  storyline cluster examples/\n  storyline ingest examples/ --db news.db\n  \
                  storyline stories --db news.db\n  storyline show s0 --db news.db --json"
)]
struct Cli {
    #[command(subcommand)]
    command: commands::Command,
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("STORYLINE_LOG")
                .unwrap_or_else(|_| "warn,html5ever=error".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    if cli.command.prints_a_report() {
        stop_quietly_on_closed_pipe();
    }
    match commands::run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            let code = match err.downcast_ref::<commands::CliError>() {
                Some(e) => e.exit_code(),
                None => exit::FAILURE,
            };
            // The whole cause chain: "cannot open db: permission denied".
            eprintln!("error: {err}");
            for cause in err.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            ExitCode::from(code)
        }
    }
}

/// Rust ignores SIGPIPE, so `storyline show s0 | head` would panic in
/// `println!` once `head` exits; a command printing a report should just
/// stop, as other Unix tools do. Not for servers and workers, whose closed
/// sockets must stay ordinary errors.
#[cfg(unix)]
fn stop_quietly_on_closed_pipe() {
    unsafe extern "C" {
        fn signal(signum: i32, handler: usize) -> usize;
    }
    const SIGPIPE: i32 = 13;
    const SIG_DFL: usize = 0;
    // SAFETY: resetting a signal to its default action at start-up, before
    // any thread exists, has no memory effects.
    unsafe {
        signal(SIGPIPE, SIG_DFL);
    }
}

#[cfg(not(unix))]
fn stop_quietly_on_closed_pipe() {}
