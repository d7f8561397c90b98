//! `storyline show`: one story folded into a single view.

use storyline_core::story::StoryView;
use storyline_pipeline::views::ViewError;
use storyline_store::Store;

use super::{CliError, DbArgs};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Story id (`s3`) or the id of an article in the story. An article
    /// whose id looks like a story id is named `article:ID`.
    pub id: String,
    #[command(flatten)]
    pub db: DbArgs,
    /// JSON as in CONTRACT.md.
    #[arg(long)]
    pub json: bool,
}

/// The view of a story (by story id or the id of an article in it).
pub fn load_view(store: &dyn Store, db: &DbArgs, id: &str) -> anyhow::Result<StoryView> {
    match storyline_pipeline::views::load_view(store, id) {
        Ok(v) => Ok(v),
        // Said in the terms of the command line, not of the API.
        Err(e @ ViewError::NotFound(_)) => Err(CliError::NotFound(format!(
            "{e}; list the stories with `storyline stories --db {db}` or find an article with `storyline search WORDS --db {db}`",
            db = db.display()
        ))
        .into()),
        Err(ViewError::Store(e)) => Err(e.into()),
    }
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let store = args.db.open_existing()?;
    let view = load_view(&store, &args.db, &args.id)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&view)?);
        return Ok(());
    }
    print!("{}", storyline_core::story::render::to_text(&view));
    Ok(())
}
