//! `storyline report ID`: one story exported as a self-contained HTML page
//! (inline CSS, inline SVG timeline, no JavaScript), Markdown, or the JSON of
//! `show --json`.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use storyline_core::story::render::{to_html, to_markdown};

use super::DbArgs;

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Md,
    Html,
    Json,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Story id (`s3`) or the id of an article in the story.
    pub id: String,
    #[command(flatten)]
    pub db: DbArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "html")]
    pub format: Format,
    /// Write to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let store = args.db.open_existing()?;
    let view = super::show::load_view(&store, &args.db, &args.id)?;
    let body = match args.format {
        Format::Html => to_html(&view),
        Format::Md => to_markdown(&view),
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&view)?;
            s.push('\n');
            s
        }
    };
    match &args.output {
        Some(path) => std::fs::write(path, body).with_context(|| format!("writing {}", path.display()))?,
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(body.as_bytes())?;
            out.flush()?;
        }
    }
    Ok(())
}
