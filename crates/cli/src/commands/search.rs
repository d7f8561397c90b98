//! `storyline search`: full-text search over a store's index.

use storyline_store::search::{parse_date_bound, parse_label};
use storyline_store::{SearchIndex, SearchQuery, Store};

use super::{CliError, DbArgs};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Words, "quoted phrases", `title:word`, `+must -not`.
    #[arg(value_name = "QUERY", default_value = "")]
    pub query: String,
    #[command(flatten)]
    pub db: DbArgs,
    /// Published on or after (YYYY-MM-DD, YYYY-MM or YYYY).
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Published on or before (YYYY-MM-DD, YYYY-MM or YYYY).
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// Outlet name.
    #[arg(long)]
    pub outlet: Option<String>,
    /// Entity name, any spelling.
    #[arg(long)]
    pub entity: Option<String>,
    /// Story id (s3).
    #[arg(long)]
    pub story: Option<String>,
    /// Event id (e12).
    #[arg(long)]
    pub event: Option<String>,
    /// Most results.
    #[arg(long, default_value_t = storyline_store::search::DEFAULT_LIMIT)]
    pub limit: usize,
    /// Print a JSON array of hits (id, title, story, event, published, outlet, score, snippet).
    #[arg(long)]
    pub json: bool,
}

fn bad(what: &str, v: &str) -> anyhow::Error {
    CliError::Usage(format!("--{what} {v:?} is not valid")).into()
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let store = args.db.open_existing()?;
    let date = |v: &Option<String>, end: bool, name: &str| {
        v.as_deref().map(|s| parse_date_bound(s, end).ok_or_else(|| bad(name, s))).transpose()
    };
    let label = |v: &Option<String>, p: char, name: &str| {
        v.as_deref().map(|s| parse_label(s, p).ok_or_else(|| bad(name, s))).transpose()
    };
    let q = SearchQuery {
        q: args.query.clone(),
        from: date(&args.from, false, "from")?,
        to: date(&args.to, true, "to")?,
        outlet: args.outlet.clone(),
        entity: args.entity.clone(),
        story: label(&args.story, 's', "story")?,
        event: label(&args.event, 'e', "event")?,
        limit: Some(args.limit),
    };
    let found = if store.is_postgres() {
        // PostgreSQL searches its own tsvector index: no index beside it.
        store.search(None, &q)
    } else {
        let index = SearchIndex::open(&SearchIndex::path_for_db(&args.db.db))?;
        if index.len() != store.article_count()? {
            eprintln!("note: the search index is out of step with the store; rebuilding it");
            index.rebuild(&store)?;
        }
        store.search(Some(&index), &q)
    };
    let hits = found.map_err(|e| match e {
        storyline_store::SearchError::BadQuery(why) => anyhow::Error::from(CliError::Usage(why)),
        e => e.into(),
    })?;
    if args.json {
        let out: Vec<serde_json::Value> = hits
            .iter()
            .map(|h| {
                let snippet: String = h.snippet.iter().map(|p| p.text.as_str()).collect();
                serde_json::json!({"id": h.id, "title": h.title, "story": h.story, "event": h.event,
                    "published": h.published, "outlet": h.outlet, "score": h.score, "snippet": snippet})
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(());
    }
    if hits.is_empty() {
        eprintln!("no matches");
    }
    for h in &hits {
        println!(
            "{:<28} {:<6} {:<6} {:<10} {}",
            h.id,
            h.story,
            h.event,
            h.published.as_deref().unwrap_or("-"),
            h.title
        );
        // Highlights in brackets: the terminal shows no markup.
        let snippet: String =
            h.snippet.iter().map(|p| if p.highlight { format!("[{}]", p.text) } else { p.text.clone() }).collect();
        println!("    {}", snippet.split_whitespace().collect::<Vec<_>>().join(" "));
    }
    Ok(())
}
