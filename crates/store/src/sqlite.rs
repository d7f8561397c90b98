//! The embedded SQLite backend.

use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension};

use crate::error::StoreError;
use crate::record::{identity_hash, stored_outlet, StoredArticle, StorySummary};
use crate::Store;

mod feeds;
pub use feeds::FeedValidators;

/// Schema migrations, applied in order; the index + 1 is the version.
/// Append only: a released migration never changes.
const MIGRATIONS: &[&str] = &[
    // 1: articles with their assignments; stories and events are derived.
    "CREATE TABLE articles (
        seq            INTEGER PRIMARY KEY,
        id             TEXT NOT NULL UNIQUE,
        identity_hash  TEXT NOT NULL UNIQUE,
        content_hash   TEXT NOT NULL,
        title          TEXT NOT NULL,
        published      TEXT,
        outlet         TEXT,
        url            TEXT,
        duplicate_of   TEXT,
        duplicate_kind TEXT,
        event_id       INTEGER NOT NULL,
        story_id       INTEGER NOT NULL,
        record         TEXT NOT NULL,
        ingested_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
    );
    CREATE INDEX articles_story ON articles(story_id);
    CREATE INDEX articles_event ON articles(event_id);
    CREATE INDEX articles_content ON articles(content_hash);",
    // 2: what `storyline watch` remembers between polls (see sqlite/feeds.rs).
    "CREATE TABLE feed_state (
        feed_url      TEXT PRIMARY KEY,
        etag          TEXT,
        last_modified TEXT,
        checked_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
    );
    CREATE TABLE feed_items (
        item_url   TEXT PRIMARY KEY,
        feed_url   TEXT NOT NULL,
        article_id TEXT,
        seen_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
    );",
    // 3: ids of articles not stored because an article with the same text,
    // outlet and URL was (two files of one page in one ingest): their id
    // still names that article, so `show ID` finds its story.
    "CREATE TABLE article_aliases (
        id        TEXT PRIMARY KEY,
        stored_id TEXT NOT NULL
    );",
    // 4: the online state saved after an ingest (one row), so loading it
    // does not replay the archive.
    "CREATE TABLE online_state (
        name     TEXT PRIMARY KEY,
        articles INTEGER NOT NULL,
        state    BLOB NOT NULL
    );",
];

/// The piece in which the online state is written to and read from its
/// BLOB: what [`Store::save_online_state_from`] and
/// [`Store::read_online_state`] hold of it at a time.
pub const STATE_CHUNK_BYTES: usize = 1 << 20;

/// The embedded store: one SQLite file, one writer at a time.
pub struct SqliteStore {
    conn: Connection,
    /// The writer-lock file beside the database; `None` in memory.
    lock_path: Option<std::path::PathBuf>,
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path` and migrates it.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let conn = Connection::open(path).map_err(|source| StoreError::Open { path: path.to_path_buf(), source })?;
        Self::init(conn, Some(crate::writer::lock_path_for(path)))
    }

    /// A private database in memory (tests, examples).
    pub fn open_in_memory() -> Result<Self, StoreError> {
        Self::init(Connection::open_in_memory()?, None)
    }

    fn init(conn: Connection, lock_path: Option<std::path::PathBuf>) -> Result<Self, StoreError> {
        // WAL: readers (serve) never block the writer (ingest); NORMAL sync
        // is durable at every commit in WAL mode except on power loss.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        let mut store = SqliteStore { conn, lock_path };
        store.migrate()?;
        Ok(store)
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        self.conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                version INTEGER PRIMARY KEY,
                applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')))",
        )?;
        let current: i64 =
            self.conn.query_row("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", [], |r| r.get(0))?;
        let supported = MIGRATIONS.len() as i64;
        if current > supported {
            return Err(StoreError::NewerSchema { found: current, supported });
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
            let tx = self.conn.transaction()?;
            tx.execute_batch(sql)?;
            tx.execute("INSERT INTO schema_migrations(version) VALUES (?1)", params![i as i64 + 1])?;
            tx.commit()?;
        }
        Ok(())
    }

    fn decode(id: String, record: String) -> Result<StoredArticle, StoreError> {
        serde_json::from_str(&record).map_err(|e| StoreError::Corrupt { id, detail: e.to_string() })
    }

    fn query_articles(
        &self,
        sql: &str,
        params: &[&dyn rusqlite::ToSql],
        visit: &mut dyn FnMut(StoredArticle),
    ) -> Result<(), StoreError> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let mut rows = stmt.query(params)?;
        while let Some(row) = rows.next()? {
            visit(Self::decode(row.get(0)?, row.get(1)?)?);
        }
        Ok(())
    }
}

impl Store for SqliteStore {
    fn find_existing(&self, id: &str, identity: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT id FROM articles WHERE id = ?1 OR identity_hash = ?2 LIMIT 1")?
            .query_row(params![id, identity], |r| r.get(0))
            .optional()?)
    }

    fn insert_batch(&mut self, batch: &[StoredArticle]) -> Result<usize, StoreError> {
        let tx = self.conn.transaction()?;
        let mut inserted = 0;
        {
            let mut stmt = tx.prepare_cached(
                "INSERT OR IGNORE INTO articles
                 (id, identity_hash, content_hash, title, published, outlet, url, duplicate_of, duplicate_kind,
                  event_id, story_id, record)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )?;
            let mut alias = tx.prepare_cached(
                "INSERT OR IGNORE INTO article_aliases (id, stored_id)
                 SELECT ?1, id FROM articles WHERE identity_hash = ?2 AND id <> ?1",
            )?;
            for s in batch {
                let a = &s.article;
                let record = serde_json::to_string(s).expect("stored records serialize");
                let dup_kind = s
                    .duplicate
                    .as_ref()
                    .map(|d| serde_json::to_value(d.kind).ok().and_then(|v| v.as_str().map(str::to_string)));
                let identity = identity_hash(a);
                let n = stmt.execute(params![
                    a.id,
                    &identity,
                    format!("{:032x}", s.signature.exact),
                    a.title,
                    a.published.map(|d| d.to_string()),
                    stored_outlet(a),
                    a.url,
                    s.duplicate.as_ref().map(|d| d.original.clone()),
                    dup_kind.flatten(),
                    s.event,
                    s.story,
                    record,
                ])?;
                if n == 0 {
                    alias.execute(params![a.id, identity])?;
                }
                inserted += n;
            }
        }
        tx.commit()?;
        Ok(inserted)
    }

    fn for_each_article(&self, visit: &mut dyn FnMut(StoredArticle)) -> Result<(), StoreError> {
        self.query_articles("SELECT id, record FROM articles ORDER BY seq", &[], visit)
    }

    fn article_count(&self) -> Result<u64, StoreError> {
        Ok(self.conn.query_row("SELECT COUNT(*) FROM articles", [], |r| r.get::<_, i64>(0))? as u64)
    }

    fn story_count(&self) -> Result<u64, StoreError> {
        Ok(self.conn.query_row("SELECT COUNT(DISTINCT story_id) FROM articles", [], |r| r.get::<_, i64>(0))? as u64)
    }

    fn stories(&self) -> Result<Vec<StorySummary>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT story_id, COUNT(*), COUNT(DISTINCT event_id), MIN(published), MAX(published)
             FROM articles a GROUP BY story_id
             ORDER BY MAX(published) IS NULL, MAX(published) DESC, COUNT(*) DESC, story_id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(StorySummary {
                id: r.get::<_, i64>(0)? as u32,
                articles: r.get::<_, i64>(1)? as u64,
                events: r.get::<_, i64>(2)? as u64,
                first: r.get(3)?,
                last: r.get(4)?,
                title: String::new(),
                outlets: Vec::new(),
            })
        })?;
        let mut stories: Vec<StorySummary> = rows.collect::<Result<_, _>>()?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT DISTINCT story_id, outlet FROM articles WHERE outlet IS NOT NULL AND outlet <> '' ORDER BY story_id",
        )?;
        let outlets = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)? as u32, r.get::<_, String>(1)?)))?;
        crate::record::attach_outlets(&mut stories, outlets.collect::<Result<Vec<_>, _>>()?);
        let mut stmt = self.conn.prepare_cached(
            "SELECT story_id, event_id, id, title FROM articles WHERE duplicate_of IS NULL AND title <> ''",
        )?;
        let titles = stmt.query_map([], |r| {
            Ok((r.get::<_, i64>(0)? as u32, r.get::<_, i64>(1)? as u32, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
        })?;
        crate::record::name_stories(&mut stories, titles.collect::<Result<Vec<_>, _>>()?);
        Ok(stories)
    }

    fn story_articles(&self, story: u32) -> Result<Vec<StoredArticle>, StoreError> {
        let mut out = Vec::new();
        self.query_articles("SELECT id, record FROM articles WHERE story_id = ?1 ORDER BY seq", &[&story], &mut |a| {
            out.push(a)
        })?;
        Ok(out)
    }

    fn story_of_article(&self, id: &str) -> Result<Option<u32>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT story_id FROM articles WHERE id = ?1
                 UNION ALL
                 SELECT a.story_id FROM article_aliases x JOIN articles a ON a.id = x.stored_id WHERE x.id = ?1
                 LIMIT 1",
            )?
            .query_row(params![id], |r| r.get::<_, i64>(0))
            .optional()?
            .map(|s| s as u32))
    }

    fn article(&self, id: &str) -> Result<Option<StoredArticle>, StoreError> {
        let mut out = None;
        self.query_articles("SELECT id, record FROM articles WHERE id = ?1", &[&id], &mut |a| out = Some(a))?;
        Ok(out)
    }

    fn original_with_content(&self, content_hash: &str) -> Result<Option<(String, u32, u32)>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT id, event_id, story_id FROM articles
                 WHERE content_hash = ?1 AND duplicate_of IS NULL ORDER BY seq LIMIT 1",
            )?
            .query_row(params![content_hash], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u32, r.get::<_, i64>(2)? as u32))
            })
            .optional()?)
    }

    fn save_online_state(&mut self, articles: u64, state: &[u8]) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO online_state (name, articles, state) VALUES ('streamer', ?1, ?2)
             ON CONFLICT(name) DO UPDATE SET articles = excluded.articles, state = excluded.state",
            params![articles as i64, state],
        )?;
        Ok(())
    }

    fn online_state(&self) -> Result<Option<(u64, Vec<u8>)>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT articles, state FROM online_state WHERE name = 'streamer'", [], |r| {
                Ok((r.get::<_, i64>(0)? as u64, r.get::<_, Vec<u8>>(1)?))
            })
            .optional()?)
    }

    fn save_online_state_from(
        &mut self,
        articles: u64,
        len: u64,
        write: &mut dyn FnMut(&mut dyn std::io::Write) -> std::io::Result<()>,
    ) -> Result<(), StoreError> {
        let size = i64::try_from(len).ok().filter(|&n| n <= i64::from(i32::MAX)).ok_or_else(|| {
            crate::state_write_error(std::io::Error::other(format!(
                "an online state of {len} bytes is larger than SQLite's largest value"
            )))
        })?;
        // One transaction: a failed or short write keeps the state saved
        // before. A `zeroblob` as the row's last column is stored without
        // being built in memory, and the bytes then go into it in pieces
        // through SQLite's page cache.
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM online_state WHERE name = 'streamer'", [])?;
        tx.execute(
            "INSERT INTO online_state (name, articles, state) VALUES ('streamer', ?1, zeroblob(?2))",
            params![articles as i64, size],
        )?;
        let rowid = tx.last_insert_rowid();
        {
            let blob = tx.blob_open(rusqlite::MAIN_DB, "online_state", "state", rowid, false)?;
            let mut out = std::io::BufWriter::with_capacity(STATE_CHUNK_BYTES, blob);
            write(&mut out).map_err(crate::state_write_error)?;
            let mut blob = out.into_inner().map_err(|e| crate::state_write_error(e.into_error()))?;
            let written = std::io::Seek::stream_position(&mut blob).map_err(crate::state_write_error)?;
            if written != len {
                return Err(crate::state_write_error(crate::wrong_length(len, written)));
            }
        }
        tx.commit()?;
        Ok(())
    }

    fn read_online_state(
        &self,
        read: &mut dyn FnMut(u64, u64, &mut dyn std::io::Read) -> std::io::Result<()>,
    ) -> Result<bool, StoreError> {
        // A read transaction: the row cannot change under the reader.
        let tx = self.conn.unchecked_transaction()?;
        let Some((rowid, articles)) = tx
            .query_row("SELECT rowid, articles FROM online_state WHERE name = 'streamer'", [], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)? as u64))
            })
            .optional()?
        else {
            return Ok(false);
        };
        let blob = tx.blob_open(rusqlite::MAIN_DB, "online_state", "state", rowid, true)?;
        let len = blob.len() as u64;
        let mut input = std::io::BufReader::with_capacity(STATE_CHUNK_BYTES, blob);
        read(articles, len, &mut input).map_err(crate::state_read_error)?;
        drop(input);
        tx.commit()?;
        Ok(true)
    }

    fn latest_original(&self, story: u32) -> Result<Option<StoredArticle>, StoreError> {
        let mut out = None;
        self.query_articles(
            "SELECT id, record FROM articles WHERE story_id = ?1 AND duplicate_of IS NULL ORDER BY seq DESC LIMIT 1",
            &[&story],
            &mut |a| out = Some(a),
        )?;
        Ok(out)
    }

    fn story_len(&self, story: u32) -> Result<u64, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT COUNT(*) FROM articles WHERE story_id = ?1")?
            .query_row(params![story], |r| r.get::<_, i64>(0))? as u64)
    }
    fn lock_writer(&self) -> Result<crate::WriterLock, StoreError> {
        match &self.lock_path {
            Some(p) => crate::writer::lock_file(p),
            None => Ok(crate::WriterLock::alone()),
        }
    }
    fn try_lock_writer(&self) -> Result<Option<crate::WriterLock>, StoreError> {
        match &self.lock_path {
            Some(p) => crate::writer::try_lock_file(p),
            None => Ok(Some(crate::WriterLock::alone())),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_writer_lock_excludes_other_processes_and_is_released_on_every_path() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("s.db");
        let (a, b) = (SqliteStore::open(&db).unwrap(), SqliteStore::open(&db).unwrap());
        let held = a.lock_writer().unwrap();
        assert!(held.is_exclusive());
        // Another open of the same file (as another process would) waits.
        assert!(b.try_lock_writer().unwrap().is_none());
        drop(held);
        let failing = || -> Result<(), StoreError> {
            let _writer = a.lock_writer()?;
            Err(StoreError::Corrupt { id: "x".into(), detail: "a failure while holding the lock".into() })
        };
        assert!(failing().is_err());
        assert!(b.try_lock_writer().unwrap().is_some(), "the error path must release the lock");
        let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _writer = a.lock_writer().unwrap();
            panic!("a panic while holding the lock");
        }));
        assert!(panicked.is_err());
        assert!(b.try_lock_writer().unwrap().is_some(), "a panic must release the lock too");
        // Memory stores have no other process to exclude.
        let m = SqliteStore::open_in_memory().unwrap();
        assert!(!m.lock_writer().unwrap().is_exclusive());
    }

    use super::*;
    use crate::test_support::stored;

    /// The streamed save and read of the online state: the bytes round-trip
    /// (in a file store, where the BLOB is written in pieces, and in
    /// memory), a state saved whole is read as a stream, and a write that
    /// fails or does not match its announced length keeps the state saved
    /// before.
    #[test]
    fn the_online_state_is_saved_and_read_in_pieces_and_a_failed_save_keeps_the_last() {
        let dir = tempfile::tempdir().unwrap();
        let read_back = |s: &SqliteStore| {
            let mut got = None;
            let found = s
                .read_online_state(&mut |articles, len, input| {
                    let mut bytes = Vec::new();
                    std::io::Read::read_to_end(input, &mut bytes)?;
                    assert_eq!(bytes.len() as u64, len);
                    got = Some((articles, bytes));
                    Ok(())
                })
                .unwrap();
            assert_eq!(found, got.is_some());
            got
        };
        // Larger than a piece, not a multiple of it.
        let state: Vec<u8> = (0..(3 * STATE_CHUNK_BYTES + 12_345)).map(|i| (i * 7 % 251) as u8).collect();
        for mut s in [SqliteStore::open(&dir.path().join("s.db")).unwrap(), SqliteStore::open_in_memory().unwrap()] {
            assert_eq!(read_back(&s), None);
            s.save_online_state_from(7, state.len() as u64, &mut |out| {
                for piece in state.chunks(4096) {
                    out.write_all(piece)?;
                }
                Ok(())
            })
            .unwrap();
            assert_eq!(read_back(&s), Some((7, state.clone())));
            assert_eq!(s.online_state().unwrap(), Some((7, state.clone())));

            // Saved whole (a state from before the streamed save): read as a stream.
            s.save_online_state(8, b"whole").unwrap();
            assert_eq!(read_back(&s), Some((8, b"whole".to_vec())));

            // Short, long and failing writes: an error, and the last state stays.
            let short = s.save_online_state_from(9, 10, &mut |out| out.write_all(b"12345"));
            assert!(short.is_err(), "5 bytes written of 10 announced");
            let long = s.save_online_state_from(9, 3, &mut |out| out.write_all(b"12345"));
            assert!(long.is_err(), "5 bytes written of 3 announced");
            let failing = s.save_online_state_from(9, 3, &mut |_| Err(std::io::Error::other("serialiser failed")));
            assert!(failing.is_err());
            assert_eq!(read_back(&s), Some((8, b"whole".to_vec())));
        }
    }

    #[test]
    fn the_same_article_twice_is_stored_once() {
        let mut s = SqliteStore::open_in_memory().unwrap();
        assert_eq!(s.insert_batch(&[stored("a", "one text", 0), stored("b", "two text", 1)]).unwrap(), 2);
        // Same id again, and same text+outlet+url under another id.
        assert_eq!(s.insert_batch(&[stored("a", "changed", 0), stored("c", "one text", 0)]).unwrap(), 0);
        assert_eq!(s.article_count().unwrap(), 2);
        assert_eq!(
            s.find_existing("zzz", &identity_hash(&stored("x", "two text", 0).article)).unwrap(),
            Some("b".into())
        );
    }

    #[test]
    fn an_id_not_stored_for_its_twin_names_the_stored_article() {
        let mut s = SqliteStore::open_in_memory().unwrap();
        // Two files of one page in one batch: the second is not stored, but
        // its id must still lead to the first one's story.
        assert_eq!(s.insert_batch(&[stored("a", "one text", 4), stored("a-copy", "one text", 4)]).unwrap(), 1);
        assert_eq!(s.story_of_article("a-copy").unwrap(), Some(4));
        assert_eq!(s.story_of_article("nope").unwrap(), None);
        // Same id again is no alias of itself.
        s.insert_batch(&[stored("a", "one text", 4)]).unwrap();
        let aliases: i64 = s.conn.query_row("SELECT COUNT(*) FROM article_aliases", [], |r| r.get(0)).unwrap();
        assert_eq!(aliases, 1);
    }

    #[test]
    fn records_round_trip_and_stories_are_listed() {
        let mut s = SqliteStore::open_in_memory().unwrap();
        let a = stored("a", "one text", 7);
        s.insert_batch(std::slice::from_ref(&a)).unwrap();
        let mut all = Vec::new();
        s.for_each_article(&mut |x| all.push(x)).unwrap();
        assert_eq!(all, vec![a]);
        assert_eq!(s.story_of_article("a").unwrap(), Some(7));
        assert_eq!(s.article("a").unwrap().as_ref(), all.first());
        assert_eq!(s.article("zzz").unwrap(), None);
        let stories = s.stories().unwrap();
        assert_eq!(stories.len(), 1);
        assert_eq!((stories[0].id, stories[0].articles, stories[0].title.as_str()), (7, 1, "T a"));
        s.insert_batch(&[stored("b", "two text", 7), stored("c", "three text", 8)]).unwrap();
        assert_eq!((s.story_len(7).unwrap(), s.story_len(8).unwrap(), s.story_len(9).unwrap()), (2, 1, 0));
        assert_eq!(s.stories().unwrap().len(), 2);
    }

    #[test]
    fn reopening_a_file_keeps_data_and_does_not_remigrate() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        SqliteStore::open(&path).unwrap().insert_batch(&[stored("a", "x", 0)]).unwrap();
        let s = SqliteStore::open(&path).unwrap();
        assert_eq!(s.article_count().unwrap(), 1);
        let versions: i64 = s.conn.query_row("SELECT COUNT(*) FROM schema_migrations", [], |r| r.get(0)).unwrap();
        assert_eq!(versions, MIGRATIONS.len() as i64);
    }

    #[test]
    fn a_failed_batch_leaves_nothing_half_written() {
        let mut s = SqliteStore::open_in_memory().unwrap();
        s.conn.execute_batch("CREATE TRIGGER boom BEFORE INSERT ON articles WHEN NEW.id = 'bad' BEGIN SELECT RAISE(ABORT, 'boom'); END").unwrap();
        assert!(s.insert_batch(&[stored("ok", "fine", 0), stored("bad", "worse", 0)]).is_err());
        assert_eq!(s.article_count().unwrap(), 0);
    }
}
