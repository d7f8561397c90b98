//! # storyline-store
//!
//! Where articles, their analysis and their event/story assignments live
//! between runs. [`Store`] is the interface the CLI and server use;
//! [`SqliteStore`] is the embedded default (one file, no server);
//! [`PgStore`] (cargo feature `postgres`, on by default) keeps the same data
//! in PostgreSQL for many processes. [`open_store`] picks one from `--db`.
//!
//! ## Guarantees
//!
//! - Idempotent: an article is stored once, keyed by its id and by an
//!   identity hash of its normalised text, outlet and URL.
//! - Transactional: a batch is committed whole or not at all, so a kill in
//!   the middle of an ingest loses nothing already committed and leaves no
//!   half-written article.
//!
//! ## Example
//!
//! ```
//! use storyline_store::{SqliteStore, Store};
//!
//! let store = SqliteStore::open_in_memory().unwrap();
//! assert_eq!(store.article_count().unwrap(), 0);
//! ```

#![deny(missing_docs)]

mod error;
pub mod filter;
mod open;
#[cfg(feature = "postgres")]
pub mod postgres;
mod record;
mod sqlite;
#[cfg(test)]
mod test_support;
mod writer;

pub use error::StoreError;
pub use filter::{FilterError, StoryFilter};
pub use open::{is_postgres_url, open_store, redact_url, AnyStore};
#[cfg(feature = "postgres")]
pub use postgres::PgStore;
pub use record::{identity_hash, stored_outlet, StoredArticle, StorySummary};
pub use sqlite::{FeedValidators, SqliteStore, STATE_CHUNK_BYTES};
pub use writer::WriterLock;

/// The operations storyline needs from a store. A new backend is one new
/// module implementing this trait.
pub trait Store {
    /// Whether an article with this id, or with the same identity hash, is
    /// already stored; returns the stored id.
    fn find_existing(&self, id: &str, identity: &str) -> Result<Option<String>, StoreError>;
    /// Stores a batch in one transaction; articles already present (by id or
    /// identity) are left as they are. Returns how many were new.
    fn insert_batch(&mut self, batch: &[StoredArticle]) -> Result<usize, StoreError>;
    /// Every stored article in arrival order (for rebuilding online state).
    fn for_each_article(&self, visit: &mut dyn FnMut(StoredArticle)) -> Result<(), StoreError>;
    /// How many articles the store holds.
    fn article_count(&self) -> Result<u64, StoreError>;
    /// How many stories the store holds (from the story index, without
    /// reading articles).
    fn story_count(&self) -> Result<u64, StoreError>;
    /// Story summaries, newest first.
    fn stories(&self) -> Result<Vec<StorySummary>, StoreError>;
    /// All articles of one story, in arrival order.
    fn story_articles(&self, story: u32) -> Result<Vec<StoredArticle>, StoreError>;
    /// The story holding an article.
    fn story_of_article(&self, id: &str) -> Result<Option<u32>, StoreError>;
    /// One article by id (one indexed row, not its whole story).
    fn article(&self, id: &str) -> Result<Option<StoredArticle>, StoreError>;
    /// Articles in one story, copies included (counted, none read).
    fn story_len(&self, story: u32) -> Result<u64, StoreError>;
    /// Waits until this process is the store's one writer (see
    /// [`WriterLock`]); hold the guard while loading online state and
    /// storing what it decides.
    fn lock_writer(&self) -> Result<WriterLock, StoreError>;
    /// [`Store::lock_writer`] without waiting: `None` when another process
    /// holds it.
    fn try_lock_writer(&self) -> Result<Option<WriterLock>, StoreError>;
    /// The story's most recently stored original (one row: for a list's
    /// snippet without reading the story).
    fn latest_original(&self, story: u32) -> Result<Option<StoredArticle>, StoreError>;
    /// The first stored original whose normalised text has this content
    /// hash (`Signature::exact` as 32 hex digits), with its event and story:
    /// how a copy of an article older than the online window is found.
    fn original_with_content(&self, content_hash: &str) -> Result<Option<(String, u32, u32)>, StoreError>;
    /// Saves the online state (opaque bytes) as it stands after the first
    /// `articles` stored articles, replacing the one saved before, so a
    /// later process starts from it instead of replaying the archive.
    fn save_online_state(&mut self, articles: u64, state: &[u8]) -> Result<(), StoreError>;
    /// The saved online state and the article count it was saved at.
    fn online_state(&self) -> Result<Option<(u64, Vec<u8>)>, StoreError>;
    /// [`Store::save_online_state`] for a state of `len` bytes that `write`
    /// produces into the writer it is given, without the caller holding
    /// the whole state as bytes. A store that can write a value in pieces
    /// (SQLite: incremental BLOB I/O into a `zeroblob(len)`) keeps neither
    /// the bytes nor a copy for the statement: the online state of a busy
    /// store is hundreds of MB, and three copies of it at the end of every
    /// ingest were most of the peak memory's growth with the archive.
    /// Writing other than `len` bytes is an error and keeps the state saved
    /// before. The default buffers the bytes and calls `save_online_state`.
    fn save_online_state_from(
        &mut self,
        articles: u64,
        len: u64,
        write: &mut dyn FnMut(&mut dyn std::io::Write) -> std::io::Result<()>,
    ) -> Result<(), StoreError> {
        let mut buf = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
        write(&mut buf).map_err(state_write_error)?;
        if buf.len() as u64 != len {
            return Err(state_write_error(wrong_length(len, buf.len() as u64)));
        }
        self.save_online_state(articles, &buf)
    }
    /// Reads the saved online state as a stream: calls `read(articles,
    /// len, reader)` with the article count it was saved at, its length
    /// and a reader over its bytes (which `read` may leave unread), and
    /// returns whether a state was saved. SQLite reads the value in
    /// pieces, so the bytes are never held whole; the default reads them
    /// whole with `online_state`.
    fn read_online_state(
        &self,
        read: &mut dyn FnMut(u64, u64, &mut dyn std::io::Read) -> std::io::Result<()>,
    ) -> Result<bool, StoreError> {
        let Some((articles, bytes)) = self.online_state()? else { return Ok(false) };
        read(articles, bytes.len() as u64, &mut bytes.as_slice()).map_err(state_read_error)?;
        Ok(true)
    }
}

/// A failure while writing the online state (the caller's serialiser or
/// the store's writes), as the store error a save returns.
fn state_write_error(e: std::io::Error) -> StoreError {
    StoreError::Sqlite(rusqlite::Error::ToSqlConversionFailure(Box::new(e)))
}

/// A failure while reading the online state, as the store error a read returns.
fn state_read_error(e: std::io::Error) -> StoreError {
    StoreError::Corrupt { id: "(online state)".into(), detail: e.to_string() }
}

fn wrong_length(expected: u64, written: u64) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::InvalidData,
        format!("the online state was announced as {expected} bytes but {written} were written"),
    )
}

pub mod search;
pub use search::{Hit, SearchError, SearchIndex, SearchQuery, SnippetPart};
