//! `storyline show`: one story folded into a single view.

use storyline_core::story::StoryView;
use storyline_server::views::ViewError;
use storyline_store::Store;

use super::{CliError, DbArgs};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Story id (`s3`) or the id of an article in the story.
    pub id: String,
    #[command(flatten)]
    pub db: DbArgs,
    /// JSON as in CONTRACT.md.
    #[arg(long)]
    pub json: bool,
}

/// The view of a story (by story id or the id of an article in it).
pub fn load_view(store: &dyn Store, id: &str) -> anyhow::Result<StoryView> {
    match storyline_server::views::load_view(store, id) {
        Ok(v) => Ok(v),
        Err(ViewError::NotFound(msg)) => Err(CliError::NotFound(msg).into()),
        Err(ViewError::Store(e)) => Err(e.into()),
    }
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let store = args.db.open()?;
    let view = load_view(&store, &args.id)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&view)?);
        return Ok(());
    }
    println!("{}  {}\n", view.id, view.title);
    if !view.summary.is_empty() {
        println!("{}\n", view.summary);
    }
    println!("Events");
    for e in &view.events {
        println!("  {:<5} {:<10} {:>3} articles  {}", e.id, e.date.as_deref().unwrap_or("-"), e.articles.len(), e.title);
    }
    if !view.timeline.is_empty() {
        println!("\nTimeline");
        for t in &view.timeline {
            println!("  {:<10} [{}] {}", t.date, t.sources.join(", "), t.text);
        }
    }
    if !view.entities.is_empty() {
        println!("\nEntities");
        for e in view.entities.iter().take(20) {
            println!("  {:<7} {:<40} {} articles  aliases: {}", format!("{:?}", e.kind).to_uppercase(), e.canonical, e.articles.len(), e.aliases.join(" | "));
        }
    }
    if !view.facts.is_empty() {
        println!("\nFacts");
        for f in &view.facts {
            let conflicts: Vec<String> = f.conflicts.iter().map(|c| format!("{} [{}]", c.value, c.sources.join(", "))).collect();
            let differ = if conflicts.is_empty() { String::new() } else { format!("  DIFFERS: {}", conflicts.join("; ")) };
            println!("  {}: {} [{}]{}", f.subject, f.value, f.sources.join(", "), differ);
        }
    }
    if !view.quotes.is_empty() {
        println!("\nQuotes");
        for q in &view.quotes {
            println!("  {}: \u{201c}{}\u{201d} [{}]", q.speaker.as_deref().unwrap_or("(unknown)"), q.text, q.sources.join(", "));
        }
    }
    println!("\nSources");
    for s in &view.sources {
        let copy = s.duplicate_of.as_deref().map(|o| format!("  copy of {o}")).unwrap_or_default();
        let mt = if s.machine_translated { "  machine-translated" } else { "" };
        println!("  {:<24} {:<10} {}{}{}", s.article, s.published.as_deref().unwrap_or("-"), s.outlet.as_deref().unwrap_or("-"), mt, copy);
    }
    Ok(())
}
