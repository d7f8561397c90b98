//! The server's shared state: where the store is, the search index, a
//! small pool of store connections, and the online ingest state.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use storyline_core::story::StoryView;
use storyline_core::{PipelineConfig, RawArticle};
use storyline_store::{open_store, AnyStore, SearchIndex, Store, StorySummary};

use crate::cache::Versioned;
use crate::error::ApiError;
use storyline_pipeline::ingest::{self, IngestReport, Streamer};
use storyline_pipeline::views::{self, ViewError};

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
    pool: Mutex<Vec<AnyStore>>,
    /// With PostgreSQL the search index is a private cache of this process
    /// (a temporary directory, removed on exit), so servers stay stateless.
    temp_index: Option<PathBuf>,
    ingest: Mutex<Option<IngestCache>>,
    cfg: PipelineConfig,
    caches: Caches,
}

/// Answers kept until the store changes (see [`crate::cache`]).
#[derive(Default)]
pub struct Caches {
    /// Every story's summary, newest first, with the index size it reflects.
    summaries: Mutex<Option<(u64, Arc<Vec<StorySummary>>)>>,
    summaries_compute: Mutex<()>,
    /// Pages of `GET /api/stories` by (biggest first, offset, limit).
    pub lists: Versioned<(bool, usize, usize, storyline_store::StoryFilter)>,
    /// Story views by story number: `GET /api/stories/{id}`, and the events
    /// and entities read from a view.
    pub views: Versioned<u32, Arc<CachedView>>,
    /// `GET /api/search` answers by the parsed query (its `Debug` form),
    /// versioned by the index size: a repeated search (the same query from
    /// many readers, a page reloaded) skips query evaluation and snippets.
    pub searches: Versioned<String>,
}

/// A story's view and its JSON (the answer of `GET /api/stories/{id}`).
pub struct CachedView {
    pub view: StoryView,
    pub json: Bytes,
    /// The answer of `GET /api/entities?story=`, serialized on first use
    /// (a big story's entity list is a megabyte of JSON).
    pub entities_json: std::sync::OnceLock<Bytes>,
}

/// Why [`AppState::open`] failed. Typed, like the engine's errors, so a
/// program embedding the server can tell them apart; the messages are the
/// underlying errors' own.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The store could not be opened or read.
    #[error(transparent)]
    Store(#[from] storyline_store::StoreError),
    /// The search index could not be opened or rebuilt.
    #[error(transparent)]
    Search(#[from] storyline_store::SearchError),
    /// The pipeline's settings (`STORYLINE_WINDOW_DAYS`) could not be read.
    #[error(transparent)]
    Pipeline(#[from] storyline_pipeline::PipelineError),
}

/// Cheap to clone: handlers share one [`Inner`].
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

impl AppState {
    /// Opens the store (creating it if missing) and its search index;
    /// rebuilds the index when it does not hold every stored article.
    pub fn open(db: &Path, token: Option<String>, max_body_bytes: usize) -> Result<Self, OpenError> {
        let store = open_store(&db.to_string_lossy())?;
        let temp_index = store.is_postgres().then(|| {
            let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
            std::env::temp_dir().join(format!("storyline-index-{}-{nanos}", std::process::id()))
        });
        let index = SearchIndex::open(temp_index.as_deref().unwrap_or(&SearchIndex::path_for_db(db)))?;
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
            temp_index,
            ingest: Mutex::new(None),
            cfg: storyline_pipeline::pipeline_config()?,
            caches: Caches::default(),
        })))
    }

    /// The search index the API reads (and `POST` writes).
    pub fn index(&self) -> &SearchIndex {
        &self.0.index
    }

    /// The bearer token writes need, if one was set.
    pub fn token(&self) -> Option<&str> {
        self.0.token.as_deref()
    }

    /// Largest request body, in bytes.
    pub fn max_body_bytes(&self) -> usize {
        self.0.max_body_bytes
    }

    /// Rebuilds the search index when the store holds a different number of
    /// articles (other processes write a PostgreSQL store); returns whether
    /// it did.
    pub fn refresh_index(&self) -> Result<bool, ApiError> {
        let store = self.take_store()?;
        // A SQLite store shares its index with `storyline ingest`, whose
        // store batches commit before its index does: the counts differ
        // while any writer runs. A difference found while holding the
        // writer lock outlived its writer (an ingest killed between the
        // two commits) and is repaired here. A PostgreSQL server's index
        // is its own, so any difference is catching up with workers.
        let writer = match self.is_postgres() {
            true => None,
            false => match store.try_lock_writer()? {
                Some(w) => Some(w),
                None => {
                    self.give_back(store);
                    return Ok(false);
                }
            },
        };
        let stored = store.article_count()?;
        let stale = stored != self.0.index.len();
        if stale {
            self.0.index.rebuild(&store)?;
        }
        drop(writer);
        self.give_back(store);
        Ok(stale)
    }

    /// Whether the store is PostgreSQL (the index is then this process's own).
    pub fn is_postgres(&self) -> bool {
        self.0.temp_index.is_some()
    }

    /// The per-version JSON caches of story lists and views.
    pub fn caches(&self) -> &Caches {
        &self.0.caches
    }

    /// The store's version as far as cached lists go: the number of
    /// indexed articles (articles are only ever added).
    pub fn version(&self) -> u64 {
        self.0.index.len()
    }

    /// Every story's summary, newest first (the store's GROUP BY, run once
    /// per store version), and the version it reflects.
    pub fn summaries(&self, store: &dyn Store) -> Result<(u64, Arc<Vec<StorySummary>>), ApiError> {
        let version = self.version();
        let cached = |c: &Caches| {
            c.summaries.lock().unwrap_or_else(|p| p.into_inner()).as_ref().filter(|(v, _)| *v == version).cloned()
        };
        if let Some(hit) = cached(&self.0.caches) {
            return Ok(hit);
        }
        let _guard = self.0.caches.summaries_compute.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(hit) = cached(&self.0.caches) {
            return Ok(hit);
        }
        let list = Arc::new(store.stories()?);
        *self.0.caches.summaries.lock().unwrap_or_else(|p| p.into_inner()) = Some((version, list.clone()));
        Ok((version, list))
    }

    /// The view of the story an id names (`s3`, or an article in it), from
    /// the cache while the story has not changed. Blocking: call from the
    /// store pool ([`Self::with_store`]).
    pub fn story_view(&self, store: &dyn Store, id: &str) -> Result<Arc<CachedView>, ApiError> {
        let (story, version) = self.resolve_story(store, id)?;
        let compute = || -> Result<Arc<CachedView>, ApiError> {
            let view = views::story_view(store, story)?;
            let json = Bytes::from(serde_json::to_vec(&view).map_err(ApiError::internal)?);
            Ok(Arc::new(CachedView { view, json, entities_json: Default::default() }))
        };
        if version == 0 {
            // The index has not caught up with the store: answer, keep nothing.
            return compute();
        }
        self.0.caches.views.get_or_compute(story, version, compute)
    }

    /// The story an id names (`s3`, or the id of an article in it) and its
    /// version: the number of its indexed articles (0 while the index has
    /// not caught up with the store; such answers are not cached).
    pub fn resolve_story(&self, store: &dyn Store, id: &str) -> Result<(u32, u64), ApiError> {
        if let Some(n) = views::story_number(id) {
            let len = self.0.index.story_len(n)?;
            if len > 0 {
                return Ok((n, len));
            }
        }
        let n = views::resolve_story(store, id).map_err(|e| match e {
            e @ ViewError::NotFound(_) => ApiError::not_found(format!("{e} (list them at /api/stories)")),
            ViewError::Store(e) => e.into(),
        })?;
        Ok((n, self.0.index.story_len(n)?))
    }

    fn take_store(&self) -> Result<AnyStore, ApiError> {
        let pooled = self.0.pool.lock().unwrap_or_else(|p| p.into_inner()).pop();
        match pooled {
            Some(s) => Ok(s),
            None => Ok(open_store(&self.0.db.to_string_lossy())?),
        }
    }

    fn give_back(&self, store: AnyStore) {
        let mut pool = self.0.pool.lock().unwrap_or_else(|p| p.into_inner());
        if pool.len() < POOL_IDLE_CONNECTIONS {
            pool.push(store);
        }
    }

    /// Runs `f` with a store connection on the blocking pool.
    pub async fn with_store<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&AnyStore) -> Result<T, ApiError> + Send + 'static,
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
            // Other processes (`storyline ingest`, workers) may write the
            // same store: be its one writer while deciding; released when
            // this closure returns, on every path.
            let writer = store.lock_writer()?;
            let stored = store.article_count()?;
            if guard.as_ref().is_none_or(|c| c.articles != stored) {
                let streamer = ingest::load_streamer(&store, &st.0.cfg)?;
                *guard = Some(IngestCache { streamer, articles: stored });
            }
            let cache = guard.as_mut().expect("loaded above");
            let result = ingest::ingest(&mut store, Some(&st.0.index), &mut cache.streamer, &raws, &st.0.cfg);
            match &result {
                Ok(report) => {
                    cache.articles = stored + report.new as u64;
                    // Saved now and then, so a restart seldom replays the
                    // archive; a failed save costs only that replay.
                    if let Err(e) = ingest::save_streamer_every(
                        &mut store,
                        &mut cache.streamer,
                        &st.0.cfg,
                        ingest::SAVE_STATE_EVERY,
                    ) {
                        tracing::warn!("the online state was not saved: {e}");
                    }
                }
                // A failed batch may have advanced the streamer past what
                // was stored: rebuild it next time.
                Err(_) => *guard = None,
            }
            drop(writer);
            st.give_back(store);
            result.map_err(ApiError::internal)
        })
        .await?
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        if let Some(dir) = &self.temp_index {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}
