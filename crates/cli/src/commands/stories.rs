//! `storyline stories`: the stories of a store, newest first, optionally
//! filtered (the same filters as `GET /api/stories`).

use std::collections::HashSet;

use serde::Serialize;
use storyline_store::filter::{developing, stories_of_hits, StoryFilter};
use storyline_store::{SearchIndex, SearchQuery, Store};

use super::{CliError, DbArgs};
use crate::run::story_label;

/// Words of a story's one-line snippet.
const SNIPPET_WORDS: usize = 24;

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
    /// Only stories with at least N articles (2 hides one-article stories).
    #[arg(long, value_name = "N")]
    pub min_articles: Option<String>,
    /// Only stories covered on or after DATE (YYYY-MM-DD, YYYY-MM or YYYY).
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only stories covered on or before DATE.
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// Only stories with an article from this outlet.
    #[arg(long)]
    pub outlet: Option<String>,
    /// Only stories naming this entity (any spelling).
    #[arg(long)]
    pub entity: Option<String>,
}

#[derive(Serialize)]
struct Row {
    id: String,
    title: String,
    articles: u64,
    events: u64,
    first: Option<String>,
    last: Option<String>,
    /// Distinct outlets among its articles.
    outlets: usize,
    /// The start of its newest original's lead.
    snippet: String,
    /// New articles within days of the newest in the store.
    developing: bool,
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The filters, read from the flags by the parser the API uses too.
fn filter(args: &Args) -> anyhow::Result<StoryFilter> {
    StoryFilter::parse(|name| match name {
        "min_articles" => args.min_articles.clone(),
        "since" => args.since.clone(),
        "until" => args.until.clone(),
        "outlet" => args.outlet.clone(),
        "entity" => args.entity.clone(),
        _ => None,
    })
    .map_err(|e| {
        CliError::Usage(format!("--{} {:?} is not valid: expected {}", e.name.replace('_', "-"), e.value, e.expected))
            .into()
    })
}

/// Stories naming `entity`, from the search index (PostgreSQL searches its
/// own).
fn entity_stories(store: &storyline_store::AnyStore, db: &DbArgs, entity: &str) -> anyhow::Result<HashSet<u32>> {
    let q = SearchQuery {
        entity: Some(entity.to_string()),
        limit: Some(storyline_store::search::MAX_LIMIT),
        ..Default::default()
    };
    let hits = match store.as_postgres() {
        Some(pg) => pg.search(&q)?,
        None => {
            let index = SearchIndex::open(&SearchIndex::path_for_db(&db.db))?;
            if index.len() != store.article_count()? {
                index.rebuild(store)?;
            }
            index.search(&q)?
        }
    };
    Ok(stories_of_hits(&hits))
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let filter = filter(&args)?;
    let store = args.db.open_existing()?;
    let with_entity = filter.entity.as_deref().map(|e| entity_stories(&store, &args.db, e)).transpose()?;
    let all = store.stories()?;
    let newest = all.iter().filter_map(|s| s.last.clone()).max();
    let mut rows: Vec<Row> = Vec::new();
    for s in all.into_iter().filter(|s| filter.matches(s, with_entity.as_ref())) {
        let snippet = store
            .latest_original(s.id)?
            .map(|a| storyline_core::story::lead_snippet(a.article.lead(), SNIPPET_WORDS))
            .unwrap_or_default();
        rows.push(Row {
            id: story_label(s.id),
            developing: developing(&s, newest.as_deref()),
            outlets: s.outlets.len(),
            snippet,
            title: s.title,
            articles: s.articles,
            events: s.events,
            first: s.first,
            last: s.last,
        });
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&rows)?);
    } else if args.csv {
        println!("id,title,articles,events,first,last,outlets,developing,snippet");
        for r in &rows {
            println!(
                "{},{},{},{},{},{},{},{},{}",
                r.id,
                csv_field(&r.title),
                r.articles,
                r.events,
                r.first.as_deref().unwrap_or(""),
                r.last.as_deref().unwrap_or(""),
                r.outlets,
                r.developing,
                csv_field(&r.snippet)
            );
        }
    } else {
        println!(
            "{:<6} {:>8} {:>7} {:>6}  {:<10} {:<10}  title",
            "story", "articles", "outlets", "events", "first", "last"
        );
        for r in &rows {
            // Article text on a terminal: no control characters.
            let clean = |t: &str, n: usize| -> String {
                t.chars().map(|c| if c.is_control() { ' ' } else { c }).take(n).collect()
            };
            // 0 would read as "nobody ran it": no article named its outlet.
            let outlets = if r.outlets == 0 { "-".to_string() } else { r.outlets.to_string() };
            println!(
                "{:<6} {:>8} {:>7} {:>6}  {:<10} {:<10}  {}{}",
                r.id,
                r.articles,
                outlets,
                r.events,
                r.first.as_deref().unwrap_or("-"),
                r.last.as_deref().unwrap_or("-"),
                if r.developing { "[developing] " } else { "" },
                clean(&r.title, 70)
            );
            if !r.snippet.is_empty() {
                println!("{:>44}{}", "", clean(&r.snippet, 100));
            }
        }
        if rows.is_empty() && !filter.is_empty() {
            println!("(no story matches these filters)");
        } else if rows.is_empty() {
            println!("(no stories yet: run `storyline ingest PATH --db {}`)", args.db.display());
        }
    }
    Ok(())
}
