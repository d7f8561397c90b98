//! open: which backend does a `--db` value name?
//!
//! `postgres://...` or `postgresql://...` is a PostgreSQL database (see
//! [`crate::PgStore`]); anything else is the path of a SQLite file.

use std::path::Path;

use crate::record::{StoredArticle, StorySummary};
use crate::{SqliteStore, Store, StoreError};

/// A store of either backend, chosen at run time by [`open_store`].
pub enum AnyStore {
    /// The embedded default: a SQLite file.
    Sqlite(SqliteStore),
    #[cfg(feature = "postgres")]
    /// A PostgreSQL database, for many processes.
    Postgres(crate::PgStore),
}

/// The URL without a password, for messages.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let cred = &url[s + 3..at];
            match cred.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// Whether `db` names a PostgreSQL database rather than a SQLite file.
pub fn is_postgres_url(db: &str) -> bool {
    db.starts_with("postgres://") || db.starts_with("postgresql://")
}

/// Opens the store `db` names: a `postgres://` URL (optionally with
/// `?schema=NAME`) or a SQLite file path (created if missing).
pub fn open_store(db: &str) -> Result<AnyStore, StoreError> {
    if is_postgres_url(db) {
        #[cfg(feature = "postgres")]
        return Ok(AnyStore::Postgres(crate::PgStore::connect(db)?));
        #[cfg(not(feature = "postgres"))]
        return Err(StoreError::BadUrl {
            url: db.to_string(),
            detail: "this storyline was built without the `postgres` feature".into(),
        });
    }
    Ok(AnyStore::Sqlite(SqliteStore::open(Path::new(db))?))
}

impl AnyStore {
    /// The PostgreSQL store, when this is one.
    #[cfg(feature = "postgres")]
    pub fn as_postgres(&self) -> Option<&crate::PgStore> {
        match self {
            AnyStore::Postgres(p) => Some(p),
            _ => None,
        }
    }

    /// Full-text search over this store: one entry, so that the CLI and
    /// the API answer a query the same way on the same database.
    /// PostgreSQL answers from its own `tsvector` index (every process sees
    /// the same data at once); a SQLite store from the tantivy `index`
    /// kept beside it.
    pub fn search(
        &self,
        index: Option<&crate::SearchIndex>,
        q: &crate::SearchQuery,
    ) -> Result<Vec<crate::Hit>, crate::SearchError> {
        match (self, index) {
            #[cfg(feature = "postgres")]
            (AnyStore::Postgres(p), _) => Ok(p.search(q)?),
            (AnyStore::Sqlite(_), Some(index)) => index.search(q),
            (AnyStore::Sqlite(_), None) => Err(crate::SearchError::NoIndex),
        }
    }

    /// Whether this is a PostgreSQL store.
    pub fn is_postgres(&self) -> bool {
        !matches!(self, AnyStore::Sqlite(_))
    }

    fn inner(&self) -> &dyn Store {
        match self {
            AnyStore::Sqlite(s) => s,
            #[cfg(feature = "postgres")]
            AnyStore::Postgres(p) => p,
        }
    }

    fn inner_mut(&mut self) -> &mut dyn Store {
        match self {
            AnyStore::Sqlite(s) => s,
            #[cfg(feature = "postgres")]
            AnyStore::Postgres(p) => p,
        }
    }
}

impl Store for AnyStore {
    fn find_existing(&self, id: &str, identity: &str) -> Result<Option<String>, StoreError> {
        self.inner().find_existing(id, identity)
    }
    fn insert_batch(&mut self, batch: &[StoredArticle]) -> Result<usize, StoreError> {
        self.inner_mut().insert_batch(batch)
    }
    fn for_each_article(&self, visit: &mut dyn FnMut(StoredArticle)) -> Result<(), StoreError> {
        self.inner().for_each_article(visit)
    }
    fn article_count(&self) -> Result<u64, StoreError> {
        self.inner().article_count()
    }
    fn story_count(&self) -> Result<u64, StoreError> {
        self.inner().story_count()
    }
    fn stories(&self) -> Result<Vec<StorySummary>, StoreError> {
        self.inner().stories()
    }
    fn story_articles(&self, story: u32) -> Result<Vec<StoredArticle>, StoreError> {
        self.inner().story_articles(story)
    }
    fn story_of_article(&self, id: &str) -> Result<Option<u32>, StoreError> {
        self.inner().story_of_article(id)
    }
    fn article(&self, id: &str) -> Result<Option<StoredArticle>, StoreError> {
        self.inner().article(id)
    }
    fn story_len(&self, story: u32) -> Result<u64, StoreError> {
        self.inner().story_len(story)
    }
    fn lock_writer(&self) -> Result<crate::WriterLock, StoreError> {
        self.inner().lock_writer()
    }
    fn try_lock_writer(&self) -> Result<Option<crate::WriterLock>, StoreError> {
        self.inner().try_lock_writer()
    }
    fn latest_original(&self, story: u32) -> Result<Option<StoredArticle>, StoreError> {
        self.inner().latest_original(story)
    }
    fn original_with_content(&self, content_hash: &str) -> Result<Option<(String, u32, u32)>, StoreError> {
        self.inner().original_with_content(content_hash)
    }
    fn save_online_state(&mut self, articles: u64, state: &[u8]) -> Result<(), StoreError> {
        self.inner_mut().save_online_state(articles, state)
    }
    fn online_state(&self) -> Result<Option<(u64, Vec<u8>)>, StoreError> {
        self.inner().online_state()
    }
    fn save_online_state_from(
        &mut self,
        articles: u64,
        len: u64,
        write: &mut dyn FnMut(&mut dyn std::io::Write) -> std::io::Result<()>,
    ) -> Result<(), StoreError> {
        self.inner_mut().save_online_state_from(articles, len, write)
    }
    fn read_online_state(
        &self,
        read: &mut dyn FnMut(u64, u64, &mut dyn std::io::Read) -> std::io::Result<()>,
    ) -> Result<bool, StoreError> {
        self.inner().read_online_state(read)
    }
}
