//! `storyline stories`: the stories of a store, newest first.

use serde::Serialize;
use storyline_store::Store;

use super::DbArgs;
use crate::run::story_label;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub db: DbArgs,
    /// JSON array as in CONTRACT.md.
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// CSV with a header line.
    #[arg(long)]
    pub csv: bool,
}

#[derive(Serialize)]
struct Row {
    id: String,
    title: String,
    articles: u64,
    events: u64,
    first: Option<String>,
    last: Option<String>,
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let store = args.db.open()?;
    let rows: Vec<Row> = store
        .stories()?
        .into_iter()
        .map(|s| Row {
            id: story_label(s.id),
            title: s.title,
            articles: s.articles,
            events: s.events,
            first: s.first,
            last: s.last,
        })
        .collect();
    if args.json {
        println!("{}", serde_json::to_string_pretty(&rows)?);
    } else if args.csv {
        println!("id,title,articles,events,first,last");
        for r in &rows {
            println!(
                "{},{},{},{},{},{}",
                r.id,
                csv_field(&r.title),
                r.articles,
                r.events,
                r.first.as_deref().unwrap_or(""),
                r.last.as_deref().unwrap_or("")
            );
        }
    } else {
        println!("{:<6} {:>8} {:>6}  {:<10} {:<10}  title", "story", "articles", "events", "first", "last");
        for r in &rows {
            let title: String = r.title.chars().take(70).collect();
            println!(
                "{:<6} {:>8} {:>6}  {:<10} {:<10}  {}",
                r.id,
                r.articles,
                r.events,
                r.first.as_deref().unwrap_or("-"),
                r.last.as_deref().unwrap_or("-"),
                title
            );
        }
        if rows.is_empty() {
            println!("(no stories yet: run `storyline ingest PATH --db {}`)", args.db.display());
        }
    }
    Ok(())
}
