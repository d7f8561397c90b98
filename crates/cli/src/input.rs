//! Reading the command's inputs, reporting every skip on stderr.

use std::path::PathBuf;

use storyline_core::RawArticle;
use storyline_ingest::{read_inputs, ReadEvent, ReaderConfig};

use crate::commands::CliError;

/// What reading produced.
pub struct Inputs {
    pub articles: Vec<RawArticle>,
}

#[derive(clap::Args, Debug, Clone)]
pub struct InputArgs {
    /// Files or directories to read (`-` for JSONL on standard input), or
    /// http(s):// URLs of feeds or pages.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// More inputs (same as positional PATHs).
    #[arg(long = "input", short = 'i', value_name = "PATH")]
    pub input: Vec<PathBuf>,
    /// Largest single-article file or JSONL line to read, in MiB.
    #[arg(long, default_value_t = 16, value_name = "MIB")]
    pub max_file_mb: u64,
    /// Read every input as this format instead of judging by extension
    /// (e.g. `--format feed` for a feed saved as `.php`).
    #[arg(long, value_name = "FORMAT", value_parser = ["txt", "html", "jsonl", "warc", "feed"])]
    pub format: Option<String>,
    /// Let http(s):// inputs be on private, loopback or link-local addresses.
    #[arg(long)]
    pub allow_private: bool,
}

impl InputArgs {
    pub fn all_paths(&self) -> Vec<PathBuf> {
        self.paths.iter().chain(self.input.iter()).cloned().collect()
    }

    /// Reads every input; `Err` when no path was given or nothing could be read.
    pub fn read(&self) -> anyhow::Result<Inputs> {
        let paths = self.all_paths();
        if paths.is_empty() {
            return Err(CliError::Usage("no input: give PATHs or --input (use - for standard input)".into()).into());
        }
        let cfg = ReaderConfig {
            max_file_bytes: self.max_file_mb << 20,
            max_record_bytes: self.max_file_mb << 20,
            format: self.format.as_deref().and_then(storyline_ingest::Format::from_name),
            allow_private: self.allow_private,
            ..Default::default()
        };
        let mut articles = Vec::new();
        let mut skipped = 0;
        let mut seen_ids = std::collections::HashSet::new();
        read_inputs(&paths, &cfg, &mut |event| match event {
            ReadEvent::Article(a) => {
                if seen_ids.insert(a.id.clone()) {
                    articles.push(a);
                } else {
                    skipped += 1;
                    eprintln!("skipped {}: id {:?} was already read earlier in this run", a.origin, a.id);
                }
            }
            ReadEvent::Skipped(s) => {
                skipped += 1;
                eprintln!("skipped {s}");
            }
            ReadEvent::Notice(n) => eprintln!("note: {n}"),
        });
        if articles.is_empty() {
            return Err(CliError::NoInput { skipped }.into());
        }
        if skipped > 0 {
            eprintln!("read {} articles, skipped {skipped} (see above)", articles.len());
        }
        Ok(Inputs { articles })
    }
}
