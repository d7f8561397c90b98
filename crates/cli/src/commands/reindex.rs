//! `storyline reindex`: rebuild the search index from the store.

use storyline_store::SearchIndex;

use super::DbArgs;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub db: DbArgs,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let store = args.db.open()?;
    if store.is_postgres() {
        eprintln!("{} indexes text itself (tsvector, GIN); nothing to rebuild", args.db.display());
        return Ok(());
    }
    let path = SearchIndex::path_for_db(&args.db.db);
    let index = SearchIndex::open(&path)?;
    let started = std::time::Instant::now();
    let n = index.rebuild(&store)?;
    eprintln!("indexed {n} articles into {} in {:.1} s", path.display(), started.elapsed().as_secs_f64());
    Ok(())
}
