//! The server's shared state: where the store is, the search index, a
//! small pool of store connections, and the online ingest state.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use storyline_core::{PipelineConfig, RawArticle};
use storyline_store::{SearchIndex, SqliteStore, Store};

use crate::error::ApiError;
use crate::ingest::{self, IngestReport, Streamer};

/// Idle store connections kept for reuse; more are opened under load and
/// closed when returned to a full pool. SQLite in WAL mode serves any
/// number of concurrent readers; a handful covers the blocking pool's
/// usual concurrency on small machines.
const POOL_IDLE_CONNECTIONS: usize = 8;

/// The online state of ingest, and the store size it reflects: when another
/// process (a CLI ingest) has added articles since, it is rebuilt.
struct IngestCache {
    streamer: Streamer,
    articles: u64,
}

struct Inner {
    db: PathBuf,
    token: Option<String>,
    max_body_bytes: usize,
    index: SearchIndex,
    pool: Mutex<Vec<SqliteStore>>,
    ingest: Mutex<Option<IngestCache>>,
    cfg: PipelineConfig,
}

/// Cheap to clone: handlers share one [`Inner`].
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

impl AppState {
    /// Opens the store (creating it if missing) and its search index;
    /// rebuilds the index when it does not hold every stored article.
    pub fn open(db: &Path, token: Option<String>, max_body_bytes: usize) -> anyhow::Result<Self> {
        let store = SqliteStore::open(db)?;
        let index = SearchIndex::open(&SearchIndex::path_for_db(db))?;
        let stored = store.article_count()?;
        if index.len() != stored {
            tracing::info!(stored, indexed = index.len(), "search index out of step with the store: rebuilding it");
            index.rebuild(&store)?;
        }
        Ok(AppState(Arc::new(Inner {
            db: db.to_path_buf(),
            token: token.filter(|t| !t.is_empty()),
            max_body_bytes,
            index,
            pool: Mutex::new(vec![store]),
            ingest: Mutex::new(None),
            cfg: PipelineConfig::default(),
        })))
    }

    pub fn index(&self) -> &SearchIndex {
        &self.0.index
    }

    pub fn token(&self) -> Option<&str> {
        self.0.token.as_deref()
    }

    pub fn max_body_bytes(&self) -> usize {
        self.0.max_body_bytes
    }

    fn take_store(&self) -> Result<SqliteStore, ApiError> {
        let pooled = self.0.pool.lock().unwrap_or_else(|p| p.into_inner()).pop();
        match pooled {
            Some(s) => Ok(s),
            None => Ok(SqliteStore::open(&self.0.db)?),
        }
    }

    fn give_back(&self, store: SqliteStore) {
        let mut pool = self.0.pool.lock().unwrap_or_else(|p| p.into_inner());
        if pool.len() < POOL_IDLE_CONNECTIONS {
            pool.push(store);
        }
    }

    /// Runs `f` with a store connection on the blocking pool.
    pub async fn with_store<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&SqliteStore) -> Result<T, ApiError> + Send + 'static,
    {
        let st = self.clone();
        tokio::task::spawn_blocking(move || {
            let store = st.take_store()?;
            let out = f(&store);
            st.give_back(store);
            out
        })
        .await?
    }

    /// Runs the ingest pipeline on `raws`, one ingest at a time.
    pub async fn ingest(&self, raws: Vec<RawArticle>) -> Result<IngestReport, ApiError> {
        let st = self.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = st.0.ingest.lock().unwrap_or_else(|p| p.into_inner());
            let mut store = st.take_store()?;
            let stored = store.article_count()?;
            if guard.as_ref().map_or(true, |c| c.articles != stored) {
                let streamer = ingest::load_streamer(&store, &st.0.cfg)?;
                *guard = Some(IngestCache { streamer, articles: stored });
            }
            let cache = guard.as_mut().expect("loaded above");
            let result = ingest::ingest(&mut store, Some(&st.0.index), &mut cache.streamer, &raws, &st.0.cfg);
            match &result {
                Ok(report) => cache.articles = stored + report.new as u64,
                // A failed batch may have advanced the streamer past what
                // was stored: rebuild it next time.
                Err(_) => *guard = None,
            }
            st.give_back(store);
            result.map_err(ApiError::internal)
        })
        .await?
    }
}
