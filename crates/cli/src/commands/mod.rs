//! One module per subcommand; this file holds the dispatch table and the
//! errors that map to distinct exit codes.

mod analyze;
mod cluster;
mod eval;
mod extract;
mod ingest;
mod publish;
mod reindex;
mod report;
mod search;
mod serve;
mod show;
mod stories;
mod train;
mod watch;
mod worker;

use std::path::PathBuf;

use clap::Subcommand;

use crate::exit;

/// Errors that are the user's to fix, each with its own exit code.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{0}")]
    Usage(String),
    #[error("no article could be read ({skipped} inputs skipped; see the messages above)")]
    NoInput { skipped: usize },
    #[error("{0}")]
    NotFound(String),
}

impl CliError {
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage(_) => exit::USAGE,
            CliError::NoInput { .. } => exit::NO_INPUT,
            CliError::NotFound(_) => exit::NOT_FOUND,
        }
    }
}

/// The database option shared by the stateful commands.
#[derive(clap::Args, Debug, Clone)]
pub struct DbArgs {
    /// SQLite database file (created if missing), or a PostgreSQL URL
    /// `postgres://USER@HOST:PORT/DB[?schema=NAME]`.
    #[arg(long, env = "STORYLINE_DB", default_value = "storyline.db", value_name = "PATH|URL")]
    pub db: PathBuf,
}

impl DbArgs {
    pub fn open(&self) -> anyhow::Result<storyline_store::AnyStore> {
        Ok(storyline_store::open_store(&self.db.to_string_lossy())?)
    }

    /// Opens a store that must already exist: the read commands (`stories`,
    /// `show`, `search`, `report`, `serve`) would otherwise create an empty
    /// database at a mistyped path and report nothing, successfully.
    pub fn open_existing(&self) -> anyhow::Result<storyline_store::AnyStore> {
        self.require_existing()?;
        self.open()
    }

    /// Fails (exit 1, nothing created) when `--db` names a SQLite file that
    /// does not exist; a PostgreSQL URL is checked by connecting.
    pub fn require_existing(&self) -> anyhow::Result<()> {
        let name = self.db.to_string_lossy();
        if !storyline_store::is_postgres_url(&name) && !self.db.exists() {
            anyhow::bail!(
                "no database at {}: nothing was created; check the path, or add articles first with `storyline ingest PATH --db {}`",
                self.db.display(),
                self.db.display()
            );
        }
        Ok(())
    }

    /// The database for messages (a URL without its password).
    pub fn display(&self) -> String {
        storyline_store::redact_url(&self.db.to_string_lossy())
    }
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Group articles into events and stories in one stateless run; JSONL out.
    Cluster(cluster::Args),
    /// Main-text extraction only: cleaned text and metadata as JSONL.
    Extract(extract::Args),
    /// Entities, times, quotes and amounts per article as JSONL.
    Analyze(analyze::Args),
    /// Add articles to a store (idempotent), assigning duplicates, events, stories.
    Ingest(ingest::Args),
    /// List the stories of a store, newest first.
    Stories(stories::Args),
    /// Show one story (by story id, or the id of an article in it).
    Show(show::Args),
    /// Export one story as a self-contained HTML page, Markdown or JSON.
    Report(report::Args),
    /// Full-text search over the stored articles (BM25, phrases, filters).
    Search(search::Args),
    /// Rebuild the search index from the store.
    Reindex(reindex::Args),
    /// Serve the JSON API under /api/ and the web UI at /.
    Serve(serve::Args),
    /// Poll RSS/Atom/JSON feeds and ingest their new articles into a store.
    Watch(watch::Args),
    /// Put articles on a NATS JetStream work queue for `storyline worker`s.
    Publish(publish::Args),
    /// Process queued articles into a PostgreSQL store (run any number).
    Worker(worker::Args),
    /// Score a predicted clustering against gold labels (B-cubed, pairwise, ARI).
    Eval(eval::Args),
    /// Learn the join-or-open model from gold-labelled JSONL streams.
    TrainCluster(train::Args),
}

impl Command {
    /// Commands that print a report to standard output and end (as opposed
    /// to servers and workers), for which a closed pipe means "stop".
    pub fn prints_a_report(&self) -> bool {
        matches!(
            self,
            Command::Cluster(_)
                | Command::Extract(_)
                | Command::Analyze(_)
                | Command::Stories(_)
                | Command::Show(_)
                | Command::Report(_)
                | Command::Search(_)
                | Command::Eval(_)
        )
    }
}

pub fn run(cmd: Command) -> anyhow::Result<()> {
    match cmd {
        Command::Cluster(a) => cluster::run(a),
        Command::Extract(a) => extract::run(a),
        Command::Analyze(a) => analyze::run(a),
        Command::Ingest(a) => ingest::run(a),
        Command::Stories(a) => stories::run(a),
        Command::Show(a) => show::run(a),
        Command::Report(a) => report::run(a),
        Command::Search(a) => search::run(a),
        Command::Reindex(a) => reindex::run(a),
        Command::Serve(a) => serve::run(a),
        Command::Watch(a) => watch::run(a),
        Command::Publish(a) => publish::run(a),
        Command::Worker(a) => worker::run(a),
        Command::Eval(a) => eval::run(a),
        Command::TrainCluster(a) => train::run(a),
    }
}
