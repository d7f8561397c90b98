//! The PostgreSQL backend: one database shared by many processes (workers,
//! servers), with the same semantics as [`crate::SqliteStore`].
//!
//! - Migrations are numbered and applied once, under a transaction-scoped
//!   advisory lock so that processes starting together do not race.
//! - Inserts are idempotent: `ON CONFLICT DO NOTHING` on the unique id and
//!   the unique identity hash, a batch in one transaction.
//! - Full-text search uses a generated `tsvector` column (title weighted A,
//!   text B, English stemming) with a GIN index; entity names live in an
//!   indexed side table so an alias finds every spelling ([`PgStore::search`]).
//! - The distributed mode's work queue (`work_pending`, `work_frontier`)
//!   lives here too, behind the `queue_*` methods; see
//!   `storyline_pipeline::distributed`.
//!
//! Every query is parameterised. The URL may carry `schema=NAME`, which is
//! created if missing and set as the connection's `search_path`, so tests
//! and tenants can share one database in isolation.
//!
//! The SQLite store keeps no LSH band table (the dedup index is rebuilt in
//! memory from the stored signatures), so neither does this one.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, MutexGuard};

pub use postgres;
use postgres::{Client, NoTls, Transaction};

use crate::error::StoreError;
use crate::open::redact_url;
use crate::record::{identity_hash, StoredArticle, StorySummary};
use crate::search::{name_key, parts_to_html, Hit, SearchQuery, SnippetPart, DEFAULT_LIMIT, MAX_LIMIT};
use crate::Store;
use storyline_core::labels::{event_label, story_label};

/// Schema migrations, applied in order; the index + 1 is the version.
/// Append only: a released migration never changes.
const MIGRATIONS: &[&str] = &[
    // 1: articles with their assignments (stories and events are derived),
    // entity names for search, and the distributed mode's work tables.
    "CREATE TABLE articles (
        seq            BIGSERIAL PRIMARY KEY,
        id             TEXT NOT NULL UNIQUE,
        identity_hash  TEXT NOT NULL UNIQUE,
        content_hash   TEXT NOT NULL,
        title          TEXT NOT NULL,
        body           TEXT NOT NULL,
        published      TEXT COLLATE \"C\",
        day            DATE,
        outlet         TEXT,
        outlet_key     TEXT,
        url            TEXT,
        duplicate_of   TEXT,
        duplicate_kind TEXT,
        event_id       BIGINT NOT NULL,
        story_id       BIGINT NOT NULL,
        record         TEXT NOT NULL,
        ingested_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
        tsv            TSVECTOR GENERATED ALWAYS AS (
            setweight(to_tsvector('english', title), 'A') ||
            setweight(to_tsvector('english', left(body, 200000)), 'B')) STORED
    );
    CREATE INDEX articles_story ON articles(story_id);
    CREATE INDEX articles_event ON articles(event_id);
    CREATE INDEX articles_content ON articles(content_hash);
    CREATE INDEX articles_day ON articles(day);
    CREATE INDEX articles_outlet ON articles(outlet_key);
    CREATE INDEX articles_tsv ON articles USING GIN (tsv);
    CREATE TABLE article_entities (
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        key        TEXT NOT NULL,
        canonical  TEXT NOT NULL,
        PRIMARY KEY (article_id, key, canonical)
    );
    CREATE INDEX article_entities_key ON article_entities(key);
    CREATE INDEX article_entities_canonical ON article_entities(canonical);
    CREATE TABLE work_pending (
        stream  TEXT NOT NULL,
        seq     BIGINT NOT NULL,
        payload TEXT NOT NULL,
        PRIMARY KEY (stream, seq)
    );
    CREATE TABLE work_frontier (
        stream   TEXT PRIMARY KEY,
        next_seq BIGINT NOT NULL
    );",
    // 2: ids of articles not stored because one with the same identity was
    // (see the SQLite store's migration 3).
    "CREATE TABLE article_aliases (
        id        TEXT PRIMARY KEY,
        stored_id TEXT NOT NULL
    );",
    // 3: how many times a worker started processing a redelivered message
    // (the distributed mode's poison-message bound; see `queue_try`).
    "CREATE TABLE work_tries (
        stream TEXT NOT NULL,
        seq    BIGINT NOT NULL,
        tries  INTEGER NOT NULL,
        PRIMARY KEY (stream, seq)
    );",
    // 4: the online state saved after an ingest (see the SQLite store's
    // migration 4).
    "CREATE TABLE online_state (
        name     TEXT PRIMARY KEY,
        articles BIGINT NOT NULL,
        state    BYTEA NOT NULL
    );",
];

/// Names the advisory lock that serialises migrations (with the schema).
const MIGRATION_LOCK: &str = "storyline-migrate";
/// Names the advisory lock held by the one process that assigns events.
const WRITER_LOCK: &str = "storyline-writer";
/// Snippet delimiters for `ts_headline`: control characters that never
/// occur in cleaned article text, split out into [`SnippetPart`]s.
const MARK_START: char = '\u{2}';
const MARK_END: char = '\u{3}';
/// `ts_headline` options: about the length of the tantivy snippet (220
/// characters, some 35 words).
const HEADLINE_OPTIONS: &str = "StartSel=\u{2}, StopSel=\u{3}, MaxWords=35, MinWords=15, ShortWord=2, MaxFragments=1";

/// A store in a PostgreSQL database.
pub struct PgStore {
    /// Shared with a held [`AdvisoryLock`], which unlocks on this
    /// connection when dropped (advisory locks belong to a session).
    client: Arc<Mutex<Client>>,
    schema: String,
}

/// A held session advisory lock; dropping it unlocks. If the unlock itself
/// fails, the connection is broken and PostgreSQL released the lock with it.
pub(crate) struct AdvisoryLock {
    client: Arc<Mutex<Client>>,
    key: i64,
}

impl Drop for AdvisoryLock {
    fn drop(&mut self) {
        let mut client = self.client.lock().unwrap_or_else(|p| p.into_inner());
        let _ = client.execute("SELECT pg_advisory_unlock($1)", &[&self.key]);
    }
}

/// Splits `schema=NAME` off a connection URL's query: the driver does not
/// know that parameter.
fn split_schema(url: &str) -> (String, Option<String>) {
    let Some((base, query)) = url.split_once('?') else { return (url.to_string(), None) };
    let mut schema = None;
    let rest: Vec<&str> = query
        .split('&')
        .filter(|kv| match kv.strip_prefix("schema=") {
            Some(v) => {
                schema = Some(v.to_string());
                false
            }
            None => !kv.is_empty(),
        })
        .collect();
    let url = if rest.is_empty() { base.to_string() } else { format!("{base}?{}", rest.join("&")) };
    (url, schema)
}

fn valid_schema(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && s.len() <= 63
}

/// An advisory-lock key: xxh64 of a name and the schema, so that stores in
/// different schemas of one database do not block each other.
fn lock_key(name: &str, schema: &str) -> i64 {
    xxhash_rust::xxh64::xxh64(format!("{name}\u{1f}{schema}").as_bytes(), 0) as i64
}

fn dup_kind(s: &StoredArticle) -> Option<String> {
    s.duplicate.as_ref().and_then(|d| serde_json::to_value(d.kind).ok()).and_then(|v| v.as_str().map(str::to_string))
}

/// Inserts a batch inside `tx`; returns how many were new.
fn insert_in(tx: &mut Transaction<'_>, batch: &[StoredArticle]) -> Result<usize, StoreError> {
    let insert = tx.prepare(
        "INSERT INTO articles
         (id, identity_hash, content_hash, title, body, published, day, outlet, outlet_key, url,
          duplicate_of, duplicate_kind, event_id, story_id, record)
         VALUES ($1, $2, $3, $4, $5, $6, $7::text::date, $8, $9, $10, $11, $12, $13, $14, $15)
         ON CONFLICT DO NOTHING",
    )?;
    let entities = tx.prepare(
        "INSERT INTO article_entities (article_id, key, canonical)
         SELECT $1, k, c FROM unnest($2::text[], $3::text[]) AS t(k, c)
         ON CONFLICT DO NOTHING",
    )?;
    let alias = tx.prepare(
        "INSERT INTO article_aliases (id, stored_id)
         SELECT $1, id FROM articles WHERE identity_hash = $2 AND id <> $1
         ON CONFLICT DO NOTHING",
    )?;
    let mut inserted = 0;
    for s in batch {
        let a = &s.article;
        let record = serde_json::to_string(s).expect("stored records serialize");
        let outlet_key = a.outlet.as_deref().map(name_key).filter(|k| !k.is_empty());
        let n = tx.execute(
            &insert,
            &[
                &a.id,
                &identity_hash(a),
                &format!("{:032x}", s.signature.exact),
                &a.title,
                &a.text,
                &a.published.map(|d| d.to_string()),
                &a.best_date().map(|d| d.to_string()),
                &crate::record::stored_outlet(a),
                &outlet_key,
                &a.url,
                &s.duplicate.as_ref().map(|d| d.original.clone()),
                &dup_kind(s),
                &i64::from(s.event),
                &i64::from(s.story),
                &record,
            ],
        )?;
        if n == 0 {
            tx.execute(&alias, &[&a.id, &identity_hash(a)])?;
            continue;
        }
        inserted += 1;
        let mut pairs = std::collections::BTreeSet::new();
        for e in &s.analysis.entities {
            let canonical = name_key(&e.canonical);
            if canonical.is_empty() {
                continue;
            }
            for name in [&e.text, &e.canonical] {
                let key = name_key(name);
                if !key.is_empty() {
                    pairs.insert((key, canonical.clone()));
                }
            }
        }
        if !pairs.is_empty() {
            let (keys, canon): (Vec<String>, Vec<String>) = pairs.into_iter().unzip();
            tx.execute(&entities, &[&a.id, &keys, &canon])?;
        }
    }
    Ok(inserted)
}

fn decode(id: String, record: &str) -> Result<StoredArticle, StoreError> {
    serde_json::from_str(record).map_err(|e| StoreError::Corrupt { id, detail: e.to_string() })
}

impl PgStore {
    /// Connects to `url` (`postgres://user@host:port/db[?schema=NAME&...]`),
    /// creates the schema if one is named, and migrates.
    pub fn connect(url: &str) -> Result<Self, StoreError> {
        let (conn_url, schema) = split_schema(url);
        let open_err = |source| StoreError::PgOpen { url: redact_url(url), source };
        let mut client = Client::connect(&conn_url, NoTls).map_err(open_err)?;
        if let Some(s) = &schema {
            if !valid_schema(s) {
                return Err(StoreError::BadUrl {
                    url: redact_url(url),
                    detail: format!("schema {s:?} must be letters, digits and _"),
                });
            }
            let mut tx = client.transaction()?;
            tx.execute("SELECT pg_advisory_xact_lock($1)", &[&lock_key(MIGRATION_LOCK, s)])?;
            // The name is checked above and quoted: identifiers cannot be
            // parameters.
            tx.batch_execute(&format!("CREATE SCHEMA IF NOT EXISTS \"{s}\""))?;
            tx.commit()?;
            client.batch_execute(&format!("SET search_path TO \"{s}\""))?;
        }
        let current: Option<String> = client.query_one("SELECT current_schema()::text", &[])?.get(0);
        let Some(current) = current else {
            return Err(StoreError::BadUrl {
                url: redact_url(url),
                detail: "no schema on the search_path exists".into(),
            });
        };
        let store = PgStore { client: Arc::new(Mutex::new(client)), schema: current };
        store.migrate()?;
        Ok(store)
    }

    /// The schema this store's tables live in.
    pub fn schema(&self) -> &str {
        &self.schema
    }

    fn client(&self) -> MutexGuard<'_, Client> {
        self.client.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn migrate(&self) -> Result<(), StoreError> {
        let mut client = self.client();
        let mut tx = client.transaction()?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&lock_key(MIGRATION_LOCK, &self.schema)])?;
        tx.batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                version BIGINT PRIMARY KEY,
                applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
        )?;
        let current: i64 = tx.query_one("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", &[])?.get(0);
        let supported = MIGRATIONS.len() as i64;
        if current > supported {
            return Err(StoreError::NewerSchema { found: current, supported });
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
            tx.batch_execute(sql)?;
            tx.execute("INSERT INTO schema_migrations(version) VALUES ($1)", &[&(i as i64 + 1)])?;
        }
        tx.commit()?;
        Ok(())
    }

    fn writer_key(&self) -> i64 {
        lock_key(WRITER_LOCK, &self.schema)
    }

    /// Stores a batch and runs `also` in the same transaction: both are
    /// committed, or neither. Returns how many articles were new.
    fn insert_batch_with(
        &self,
        batch: &[StoredArticle],
        also: &mut dyn FnMut(&mut Transaction<'_>) -> Result<(), StoreError>,
    ) -> Result<usize, StoreError> {
        let mut client = self.client();
        let mut tx = client.transaction()?;
        let n = insert_in(&mut tx, batch)?;
        also(&mut tx)?;
        tx.commit()?;
        Ok(n)
    }

    /// Work queue: starts the queue of `stream` at sequence `first` unless
    /// an earlier worker started it (the first worker fixes the origin).
    pub fn queue_start(&self, stream: &str, first: i64) -> Result<(), StoreError> {
        self.client().execute(
            "INSERT INTO work_frontier (stream, next_seq) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            &[&stream, &first],
        )?;
        Ok(())
    }

    /// Work queue: parks processed payloads at their stream sequence
    /// numbers, idempotently. A redelivered message may already be decided
    /// (its first worker committed, then died before acking): a row behind
    /// the frontier would never be consumed, so it is not parked.
    pub fn queue_park(&self, stream: &str, seqs: &[i64], payloads: &[String]) -> Result<(), StoreError> {
        self.client().execute(
            "INSERT INTO work_pending (stream, seq, payload)
             SELECT $1, s, p FROM unnest($2::bigint[], $3::text[]) AS t(s, p)
             WHERE s >= COALESCE((SELECT next_seq FROM work_frontier WHERE stream = $1), 0)
             ON CONFLICT DO NOTHING",
            &[&stream, &seqs, &payloads],
        )?;
        Ok(())
    }

    /// Work queue: records that a worker starts processing message `seq`
    /// of `stream` once more, and returns how many times it has now (1 the
    /// first time). Committed before the processing starts, so a try that
    /// kills its worker still counts; that is what bounds a message that
    /// crashes every worker taking it. Dropped when the frontier passes.
    pub fn queue_try(&self, stream: &str, seq: i64) -> Result<u32, StoreError> {
        let tries: i32 = self
            .client()
            .query_one(
                "INSERT INTO work_tries (stream, seq, tries) VALUES ($1, $2, 1)
                 ON CONFLICT (stream, seq) DO UPDATE SET tries = work_tries.tries + 1
                 RETURNING tries",
                &[&stream, &seq],
            )?
            .get(0);
        Ok(tries.max(0) as u32)
    }

    /// Whether the store would refuse `article` for its data: the
    /// database's words if so (see [`StoreError::refused_data`]). Tried in
    /// a transaction that is rolled back either way.
    pub fn refuses(&self, article: &StoredArticle) -> Result<Option<String>, StoreError> {
        let mut client = self.client();
        let mut tx = client.transaction()?;
        match insert_in(&mut tx, std::slice::from_ref(article)) {
            Ok(_) => {
                tx.rollback()?;
                Ok(None)
            }
            // Dropping the transaction rolls it back.
            Err(e) => e.refused_data().map(Some).ok_or(e),
        }
    }

    /// Work queue: replaces the parked payload at `seq` (an article the
    /// store refused, now a failure record the assigner skips). Returns
    /// whether the row was there.
    pub fn queue_replace(&self, stream: &str, seq: i64, payload: &str) -> Result<bool, StoreError> {
        let n = self.client().execute(
            "UPDATE work_pending SET payload = $3 WHERE stream = $1 AND seq = $2",
            &[&stream, &seq, &payload],
        )?;
        Ok(n == 1)
    }

    /// Work queue: how many parked rows wait at or past the frontier. Rows
    /// behind it are decided already (one can appear when a redelivered
    /// copy's insert raced the assigner's delete) and are dropped first.
    pub fn queue_waiting(&self, stream: &str) -> Result<u64, StoreError> {
        let mut client = self.client();
        client.execute(
            "DELETE FROM work_pending p USING work_frontier f
             WHERE f.stream = p.stream AND p.stream = $1 AND p.seq < f.next_seq",
            &[&stream],
        )?;
        let left: i64 = client
            .query_one(
                "SELECT COUNT(*) FROM work_pending p JOIN work_frontier f ON f.stream = p.stream
                 WHERE p.stream = $1 AND p.seq >= f.next_seq",
                &[&stream],
            )?
            .get(0);
        Ok(left as u64)
    }

    /// Work queue: the frontier (the next sequence to decide) and up to
    /// `limit` parked rows from it, in sequence order (gaps included: the
    /// caller stops at the first).
    pub fn queue_at_frontier(&self, stream: &str, limit: i64) -> Result<(i64, Vec<(i64, String)>), StoreError> {
        let mut c = self.client();
        let frontier: i64 = c
            .query_opt("SELECT next_seq FROM work_frontier WHERE stream = $1", &[&stream])?
            .map(|r| r.get(0))
            .ok_or_else(|| StoreError::Corrupt {
                id: format!("frontier of {stream}"),
                detail: "no frontier row for this stream".into(),
            })?;
        let rows = c.query(
            "SELECT seq, payload FROM work_pending WHERE stream = $1 AND seq >= $2 ORDER BY seq LIMIT $3",
            &[&stream, &frontier, &limit],
        )?;
        Ok((frontier, rows.into_iter().map(|r| (r.get(0), r.get(1))).collect()))
    }

    /// Work queue: every parked row of `stream` (behind the frontier or
    /// not) and the frontier, if the queue started; for monitoring and
    /// tests.
    pub fn queue_state(&self, stream: &str) -> Result<(u64, Option<i64>), StoreError> {
        let mut c = self.client();
        let parked: i64 = c.query_one("SELECT COUNT(*) FROM work_pending WHERE stream = $1", &[&stream])?.get(0);
        let frontier =
            c.query_opt("SELECT next_seq FROM work_frontier WHERE stream = $1", &[&stream])?.map(|r| r.get(0));
        Ok((parked as u64, frontier))
    }

    /// The ids and identity hashes of stored articles among these (one
    /// query for a whole run, not one per article).
    pub fn stored_keys(&self, ids: &[&str], identities: &[&str]) -> Result<HashSet<String>, StoreError> {
        let mut seen = HashSet::new();
        for r in self.client().query(
            "SELECT id, identity_hash FROM articles WHERE id = ANY($1) OR identity_hash = ANY($2)",
            &[&ids, &identities],
        )? {
            seen.insert(r.get::<_, String>(0));
            seen.insert(r.get::<_, String>(1));
        }
        Ok(seen)
    }

    /// Work queue: in ONE transaction, stores `batch`, drops the parked
    /// rows before `next` and moves the frontier from `frontier` to `next`;
    /// fails (and commits nothing) if another writer moved the frontier.
    pub fn queue_commit(
        &self,
        stream: &str,
        batch: &[StoredArticle],
        frontier: i64,
        next: i64,
    ) -> Result<usize, StoreError> {
        self.insert_batch_with(batch, &mut |tx: &mut Transaction<'_>| {
            tx.execute("DELETE FROM work_pending WHERE stream = $1 AND seq < $2", &[&stream, &next])?;
            tx.execute("DELETE FROM work_tries WHERE stream = $1 AND seq < $2", &[&stream, &next])?;
            let moved = tx.execute(
                "UPDATE work_frontier SET next_seq = $2 WHERE stream = $1 AND next_seq = $3",
                &[&stream, &next, &frontier],
            )?;
            if moved != 1 {
                return Err(StoreError::Corrupt {
                    id: format!("frontier of {stream}"),
                    detail: "moved by another writer".into(),
                });
            }
            Ok(())
        })
    }

    /// Full-text search with the semantics of [`crate::SearchIndex::search`]:
    /// all words must match (English stemming, `"phrases"`, `-not`), title
    /// matches weigh more; a query naming an entity under any spelling also
    /// matches; filters narrow. Hits best first.
    pub fn search(&self, sq: &SearchQuery) -> Result<Vec<Hit>, StoreError> {
        let limit = sq.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT) as i64;
        let q = sq.q.trim();
        let text = (!q.is_empty()).then(|| q.to_string());
        let q_key = text.as_deref().map(name_key).filter(|k| !k.is_empty());
        let outlet = sq.outlet.as_deref().map(name_key).filter(|k| !k.is_empty());
        let entity = sq.entity.as_deref().map(name_key).filter(|k| !k.is_empty());
        let story = sq.story.map(i64::from);
        let (from, to) = (sq.from.map(|d| d.to_string()), sq.to.map(|d| d.to_string()));
        let event = sq.event.map(i64::from);
        // Articles naming `key` or a canonical that `key` was folded into.
        const NAMES: &str = "SELECT article_id FROM article_entities WHERE key = $K
              OR canonical IN (SELECT canonical FROM article_entities WHERE key = $K)";
        let names = |k: &str| NAMES.replace("$K", k);
        let sql = format!(
            "WITH q AS (SELECT websearch_to_tsquery('english', coalesce($1::text, '')) AS tq)
             SELECT a.id, a.title, a.story_id, a.event_id, a.day::text, a.outlet,
                    CASE WHEN $1 IS NULL THEN 0 ELSE ts_rank(a.tsv, q.tq) END::real AS score,
                    CASE WHEN $1 IS NULL THEN left(a.body, 220)
                         ELSE ts_headline('english', left(a.body, 200000), q.tq, $9) END AS snippet
             FROM articles a, q
             WHERE ($1 IS NULL OR a.tsv @@ q.tq OR ($2::text IS NOT NULL AND a.id IN ({})))
               AND ($3::text IS NULL OR a.day >= $3::text::date)
               AND ($4::text IS NULL OR a.day <= $4::text::date)
               AND ($5::text IS NULL OR a.outlet_key = $5)
               AND ($6::text IS NULL OR a.id IN ({}))
               AND ($7::bigint IS NULL OR a.story_id = $7)
               AND ($8::bigint IS NULL OR a.event_id = $8)
             ORDER BY score DESC, a.seq
             LIMIT $10",
            names("$2"),
            names("$6"),
        );
        let rows = self
            .client()
            .query(&sql, &[&text, &q_key, &from, &to, &outlet, &entity, &story, &event, &HEADLINE_OPTIONS, &limit])?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let snippet = snippet_parts(&r.get::<_, String>(7));
                Hit {
                    id: r.get(0),
                    title: r.get(1),
                    story: story_label(r.get::<_, i64>(2) as u32),
                    event: event_label(r.get::<_, i64>(3) as u32),
                    published: r.get(4),
                    outlet: r.get::<_, Option<String>>(5).filter(|o| !o.trim().is_empty()),
                    score: r.get(6),
                    snippet_html: parts_to_html(&snippet),
                    snippet,
                }
            })
            .collect())
    }
}

/// Splits a `ts_headline` result at its markers.
fn snippet_parts(s: &str) -> Vec<SnippetPart> {
    let mut parts = Vec::new();
    let mut highlight = false;
    for piece in s.split([MARK_START, MARK_END]) {
        if !piece.is_empty() {
            parts.push(SnippetPart { text: piece.to_string(), highlight });
        }
        highlight = !highlight;
    }
    // The split alternates only if markers pair up; re-derive from scratch
    // otherwise (a stray marker cannot occur in cleaned text).
    parts
}

impl Store for PgStore {
    fn find_existing(&self, id: &str, identity: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .client()
            .query_opt("SELECT id FROM articles WHERE id = $1 OR identity_hash = $2 LIMIT 1", &[&id, &identity])?
            .map(|r| r.get(0)))
    }

    fn insert_batch(&mut self, batch: &[StoredArticle]) -> Result<usize, StoreError> {
        self.insert_batch_with(batch, &mut |_| Ok(()))
    }

    fn for_each_article(&self, visit: &mut dyn FnMut(StoredArticle)) -> Result<(), StoreError> {
        use postgres::fallible_iterator::FallibleIterator;
        let mut client = self.client();
        let mut rows = client.query_raw("SELECT id, record FROM articles ORDER BY seq", std::iter::empty::<&str>())?;
        while let Some(row) = rows.next()? {
            visit(decode(row.get(0), row.get(1))?);
        }
        Ok(())
    }

    fn article_count(&self) -> Result<u64, StoreError> {
        Ok(self.client().query_one("SELECT COUNT(*) FROM articles", &[])?.get::<_, i64>(0) as u64)
    }

    fn story_count(&self) -> Result<u64, StoreError> {
        Ok(self.client().query_one("SELECT COUNT(DISTINCT story_id) FROM articles", &[])?.get::<_, i64>(0) as u64)
    }

    fn stories(&self) -> Result<Vec<StorySummary>, StoreError> {
        let rows = self.client().query(
            "SELECT story_id, COUNT(*), COUNT(DISTINCT event_id), MIN(published), MAX(published)
             FROM articles a GROUP BY story_id
             ORDER BY MAX(published) IS NULL, MAX(published) DESC, COUNT(*) DESC, story_id",
            &[],
        )?;
        let mut stories = rows
            .into_iter()
            .map(|r| StorySummary {
                id: r.get::<_, i64>(0) as u32,
                articles: r.get::<_, i64>(1) as u64,
                events: r.get::<_, i64>(2) as u64,
                first: r.get(3),
                last: r.get(4),
                title: String::new(),
                outlets: Vec::new(),
            })
            .collect::<Vec<_>>();
        let outlets = self.client().query(
            "SELECT DISTINCT story_id, outlet FROM articles WHERE outlet IS NOT NULL AND outlet <> '' ORDER BY story_id",
            &[],
        )?;
        crate::record::attach_outlets(
            &mut stories,
            outlets.into_iter().map(|r| (r.get::<_, i64>(0) as u32, r.get::<_, String>(1))).collect(),
        );
        let titles = self.client().query(
            "SELECT story_id, event_id, id, title FROM articles WHERE duplicate_of IS NULL AND title <> ''",
            &[],
        )?;
        crate::record::name_stories(
            &mut stories,
            titles
                .into_iter()
                .map(|r| (r.get::<_, i64>(0) as u32, r.get::<_, i64>(1) as u32, r.get(2), r.get(3)))
                .collect(),
        );
        Ok(stories)
    }

    fn story_articles(&self, story: u32) -> Result<Vec<StoredArticle>, StoreError> {
        let rows = self
            .client()
            .query("SELECT id, record FROM articles WHERE story_id = $1 ORDER BY seq", &[&i64::from(story)])?;
        rows.into_iter().map(|r| decode(r.get(0), r.get(1))).collect()
    }

    fn story_of_article(&self, id: &str) -> Result<Option<u32>, StoreError> {
        Ok(self
            .client()
            .query_opt(
                "SELECT story_id FROM articles WHERE id = $1
                 UNION ALL
                 SELECT a.story_id FROM article_aliases x JOIN articles a ON a.id = x.stored_id WHERE x.id = $1
                 LIMIT 1",
                &[&id],
            )?
            .map(|r| r.get::<_, i64>(0) as u32))
    }

    fn article(&self, id: &str) -> Result<Option<StoredArticle>, StoreError> {
        self.client()
            .query_opt("SELECT id, record FROM articles WHERE id = $1", &[&id])?
            .map(|r| decode(r.get(0), r.get(1)))
            .transpose()
    }

    fn original_with_content(&self, content_hash: &str) -> Result<Option<(String, u32, u32)>, StoreError> {
        Ok(self
            .client()
            .query_opt(
                "SELECT id, event_id, story_id FROM articles
                 WHERE content_hash = $1 AND duplicate_of IS NULL ORDER BY seq LIMIT 1",
                &[&content_hash],
            )?
            .map(|r| (r.get::<_, String>(0), r.get::<_, i64>(1) as u32, r.get::<_, i64>(2) as u32)))
    }

    fn save_online_state(&mut self, articles: u64, state: &[u8]) -> Result<(), StoreError> {
        self.client().execute(
            "INSERT INTO online_state (name, articles, state) VALUES ('streamer', $1, $2)
             ON CONFLICT (name) DO UPDATE SET articles = excluded.articles, state = excluded.state",
            &[&(articles as i64), &state],
        )?;
        Ok(())
    }

    fn online_state(&self) -> Result<Option<(u64, Vec<u8>)>, StoreError> {
        Ok(self
            .client()
            .query_opt("SELECT articles, state FROM online_state WHERE name = 'streamer'", &[])?
            .map(|r| (r.get::<_, i64>(0) as u64, r.get::<_, Vec<u8>>(1))))
    }

    fn latest_original(&self, story: u32) -> Result<Option<StoredArticle>, StoreError> {
        self.client()
            .query_opt(
                "SELECT id, record FROM articles WHERE story_id = $1 AND duplicate_of IS NULL ORDER BY seq DESC LIMIT 1",
                &[&i64::from(story)],
            )?
            .map(|r| decode(r.get(0), r.get(1)))
            .transpose()
    }

    fn story_len(&self, story: u32) -> Result<u64, StoreError> {
        Ok(self
            .client()
            .query_one("SELECT COUNT(*) FROM articles WHERE story_id = $1", &[&i64::from(story)])?
            .get::<_, i64>(0) as u64)
    }
    fn lock_writer(&self) -> Result<crate::WriterLock, StoreError> {
        let key = self.writer_key();
        self.client().execute("SELECT pg_advisory_lock($1)", &[&key])?;
        Ok(crate::WriterLock::pg(AdvisoryLock { client: self.client.clone(), key }))
    }
    fn try_lock_writer(&self) -> Result<Option<crate::WriterLock>, StoreError> {
        let key = self.writer_key();
        let got: bool = self.client().query_one("SELECT pg_try_advisory_lock($1)", &[&key])?.get(0);
        Ok(got.then(|| crate::WriterLock::pg(AdvisoryLock { client: self.client.clone(), key })))
    }
}

/// Helpers for tests (here and in other crates) that need a database.
pub mod testing {
    /// The test database: `STORYLINE_PG_URL`, else the local default.
    pub fn base_url() -> String {
        std::env::var("STORYLINE_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
    }

    /// Whether tests that need PostgreSQL should run: always when
    /// `STORYLINE_PG_URL` is set (CI; an unreachable server then fails the
    /// test), else only if the default server answers. Prints a skip line
    /// that `cargo test` shows when not.
    pub fn available(test: &str) -> bool {
        if std::env::var_os("STORYLINE_PG_URL").is_some() {
            return true;
        }
        let up = std::net::TcpStream::connect_timeout(
            &"127.0.0.1:5432".parse().expect("an address"),
            std::time::Duration::from_secs(1),
        )
        .is_ok();
        if !up {
            // Straight to the stream, not eprintln!: the test harness
            // captures that and shows nothing of a passing test.
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "skipped: needs PostgreSQL, none at 127.0.0.1:5432 and STORYLINE_PG_URL is unset ({test})"
            );
        }
        up
    }

    /// A fresh schema name, unique per process and call.
    pub fn unique_schema(prefix: &str) -> String {
        use std::sync::atomic::{AtomicU64, Ordering};
        static N: AtomicU64 = AtomicU64::new(0);
        let nanos =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
        let tag = xxhash_rust::xxh64::xxh64(
            format!("{}:{nanos}:{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed)).as_bytes(),
            0,
        );
        format!("{prefix}_{:012x}", tag & 0xffff_ffff_ffff)
    }

    /// `base` with `schema=NAME` added.
    pub fn url_with_schema(base: &str, schema: &str) -> String {
        let sep = if base.contains('?') { '&' } else { '?' };
        format!("{base}{sep}schema={schema}")
    }

    /// Drops a schema and everything in it (end of a test).
    pub fn drop_schema(base: &str, schema: &str) {
        assert!(super::valid_schema(schema));
        if let Ok(mut c) = postgres::Client::connect(&super::split_schema(base).0, postgres::NoTls) {
            let _ = c.batch_execute(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"));
        }
    }

    /// A schema dropped when this guard goes out of scope, also when the
    /// test panics.
    pub struct TempSchema {
        /// The server URL without the schema.
        pub base: String,
        /// The unique schema this test writes to.
        pub name: String,
    }

    impl TempSchema {
        /// A fresh schema name starting with `prefix` on the test server.
        pub fn new(prefix: &str) -> Self {
            TempSchema { base: base_url(), name: unique_schema(prefix) }
        }

        /// The URL that opens a store in this schema.
        pub fn url(&self) -> String {
            url_with_schema(&self.base, &self.name)
        }
    }

    impl Drop for TempSchema {
        fn drop(&mut self) {
            drop_schema(&self.base, &self.name);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testing::TempSchema;
    use super::*;
    use crate::test_support::stored;
    use storyline_core::{Entity, EntityType};

    fn open(test: &str) -> Option<(TempSchema, PgStore)> {
        if !testing::available(test) {
            return None;
        }
        let schema = TempSchema::new("st_unit");
        let store = PgStore::connect(&schema.url()).unwrap();
        Some((schema, store))
    }

    #[test]
    fn urls() {
        assert_eq!(
            split_schema("postgres://u@h/db?schema=x_1&sslmode=disable"),
            ("postgres://u@h/db?sslmode=disable".into(), Some("x_1".into()))
        );
        assert_eq!(split_schema("postgres://u@h/db?schema=x"), ("postgres://u@h/db".into(), Some("x".into())));
        assert_eq!(split_schema("postgres://u@h/db"), ("postgres://u@h/db".into(), None));
        assert_eq!(redact_url("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert!(!valid_schema("x\"; DROP"));
        assert_eq!(
            snippet_parts("a \u{2}b\u{3} c"),
            vec![
                SnippetPart { text: "a ".into(), highlight: false },
                SnippetPart { text: "b".into(), highlight: true },
                SnippetPart { text: " c".into(), highlight: false }
            ]
        );
    }

    #[test]
    fn pg_the_same_article_twice_is_stored_once() {
        let Some((_schema, mut s)) = open("pg_the_same_article_twice_is_stored_once") else { return };
        assert_eq!(s.insert_batch(&[stored("a", "one text", 0), stored("b", "two text", 1)]).unwrap(), 2);
        assert_eq!(s.insert_batch(&[stored("a", "changed", 0), stored("c", "one text", 0)]).unwrap(), 0);
        assert_eq!(s.article_count().unwrap(), 2);
        assert_eq!(
            s.find_existing("zzz", &identity_hash(&stored("x", "two text", 0).article)).unwrap(),
            Some("b".into())
        );
    }

    #[test]
    fn pg_matches_sqlite_on_records_and_stories() {
        let Some((schema, mut pg)) = open("pg_matches_sqlite_on_records_and_stories") else { return };
        let mut lite = crate::SqliteStore::open_in_memory().unwrap();
        let mut batch = vec![stored("a", "one text", 7), stored("b", "two text", 7), stored("c", "three", 2)];
        batch[0].article.published = chrono::NaiveDate::from_ymd_opt(2025, 11, 4);
        batch[2].article.published = chrono::NaiveDate::from_ymd_opt(2021, 1, 4);
        pg.insert_batch(&batch).unwrap();
        lite.insert_batch(&batch).unwrap();
        let (mut x, mut y) = (Vec::new(), Vec::new());
        pg.for_each_article(&mut |a| x.push(a)).unwrap();
        lite.for_each_article(&mut |a| y.push(a)).unwrap();
        assert_eq!(x, y);
        assert_eq!(pg.stories().unwrap(), lite.stories().unwrap());
        assert_eq!(pg.story_articles(7).unwrap(), lite.story_articles(7).unwrap());
        assert_eq!(pg.story_of_article("c").unwrap(), Some(2));
        // Reconnecting does not migrate again.
        let again = PgStore::connect(&schema.url()).unwrap();
        assert_eq!(again.article_count().unwrap(), 3);
        let v: i64 = again.client().query_one("SELECT COUNT(*) FROM schema_migrations", &[]).unwrap().get(0);
        assert_eq!(v, MIGRATIONS.len() as i64);
    }

    #[test]
    fn pg_queue_tries_count_until_the_frontier_passes() {
        let Some((_schema, s)) = open("pg_queue_tries_count_until_the_frontier_passes") else { return };
        s.queue_start("q", 1).unwrap();
        assert_eq!(s.queue_try("q", 1).unwrap(), 1);
        assert_eq!(s.queue_try("q", 1).unwrap(), 2);
        assert_eq!(s.queue_try("q", 2).unwrap(), 1);
        assert_eq!(s.queue_try("other", 1).unwrap(), 1, "counted per stream");
        s.queue_park("q", &[1], &["x".into()]).unwrap();
        assert!(s.queue_replace("q", 1, "y").unwrap());
        assert!(!s.queue_replace("q", 5, "y").unwrap(), "no row there");
        assert_eq!(s.queue_at_frontier("q", 10).unwrap().1, vec![(1, "y".to_string())]);
        s.queue_commit("q", &[], 1, 2).unwrap();
        assert_eq!(s.queue_try("q", 1).unwrap(), 1, "tries behind the frontier are dropped");
        assert_eq!(s.queue_try("q", 2).unwrap(), 2, "tries at the frontier are kept");
    }

    #[test]
    fn pg_an_id_too_large_for_its_index_is_refused_data() {
        let Some((_schema, s)) = open("pg_an_id_too_large_for_its_index_is_refused_data") else { return };
        // Incompressible, so PostgreSQL cannot squeeze it under the btree
        // limit (about 2,700 bytes) as it would a repetitive one.
        let id: String = (0..3000u32)
            .map(|i| char::from(b'a' + (xxhash_rust::xxh64::xxh64(&i.to_le_bytes(), 0) % 26) as u8))
            .collect();
        let err = s.insert_batch_with(&[stored(&id, "fine", 0)], &mut |_| Ok(())).unwrap_err();
        let why = err.refused_data().unwrap_or_else(|| panic!("not classed as refused data: {err:?}"));
        assert!(why.contains("index row size"), "{why}");
        assert_eq!(s.refuses(&stored(&id, "fine", 0)).unwrap(), Some(why));
        assert_eq!(s.refuses(&stored("short", "fine", 0)).unwrap(), None);
        assert_eq!(s.article_count().unwrap(), 0, "refuses() stores nothing");
    }

    #[test]
    fn pg_a_failed_batch_leaves_nothing_half_written() {
        let Some((_schema, s)) = open("pg_a_failed_batch_leaves_nothing_half_written") else { return };
        let r = s.insert_batch_with(&[stored("ok", "fine", 0)], &mut |tx| {
            tx.batch_execute("SELECT 1/0")?;
            Ok(())
        });
        assert!(r.is_err());
        assert_eq!(s.article_count().unwrap(), 0);
    }

    #[test]
    fn pg_writer_lock_is_exclusive_per_schema() {
        let Some((schema, a)) = open("pg_writer_lock_is_exclusive_per_schema") else { return };
        let b = PgStore::connect(&schema.url()).unwrap();
        let held = a.try_lock_writer().unwrap().expect("free at first");
        assert!(held.is_exclusive());
        assert!(b.try_lock_writer().unwrap().is_none());
        drop(held);
        let held_by_b = b.try_lock_writer().unwrap().expect("released by the drop");
        assert!(a.try_lock_writer().unwrap().is_none());
        drop(held_by_b);
        // A guard dropped on an error path releases the lock too.
        let failing = || -> Result<(), StoreError> {
            let _writer = a.lock_writer()?;
            Err(StoreError::Corrupt { id: "x".into(), detail: "a failure while holding the lock".into() })
        };
        assert!(failing().is_err());
        let again = b.try_lock_writer().unwrap();
        assert!(again.is_some(), "the error path must release the lock");
    }

    #[test]
    fn pg_search_words_aliases_and_filters() {
        let Some((_schema, mut s)) = open("pg_search_words_aliases_and_filters") else { return };
        let person = |t: &str, c: &str| Entity {
            text: t.into(),
            kind: EntityType::Person,
            start: 0,
            end: 0,
            canonical: c.into(),
        };
        let mut a = stored("a", "Defense chiefs said wartime OPCON transfer would proceed. Ahn Gyu-back spoke.", 1);
        a.article.title = "Allies agree OPCON transfer".into();
        a.article.published = chrono::NaiveDate::from_ymd_opt(2025, 11, 4);
        a.article.outlet = Some("Yonhap".into());
        a.analysis.entities = vec![person("Ahn Gyu-back", "Ahn Gyu-back")];
        a.event = 10;
        let mut b = stored("b", "Ahn Kyu-back met Hegseth. <script>alert(1)</script> & more", 1);
        b.article.published = chrono::NaiveDate::from_ymd_opt(2025, 11, 3);
        b.article.outlet = Some("Korea Herald".into());
        b.analysis.entities = vec![person("Ahn Kyu-back", "Ahn Gyu-back")];
        b.event = 10;
        let mut c = stored("c", "A strong earthquake struck the coast on Friday.", 2);
        c.article.published = chrono::NaiveDate::from_ymd_opt(2021, 12, 2);
        c.event = 20;
        s.insert_batch(&[a, b, c]).unwrap();
        let ids = |q: SearchQuery| {
            let mut v: Vec<String> = s.search(&q).unwrap().into_iter().map(|h| h.id).collect();
            v.sort();
            v
        };
        let q = |t: &str| SearchQuery { q: t.into(), ..Default::default() };
        let hits = s.search(&q("OPCON")).unwrap();
        assert_eq!(hits.len(), 1);
        assert_eq!((hits[0].id.as_str(), hits[0].story.as_str(), hits[0].event.as_str()), ("a", "s1", "e10"));
        assert!(hits[0].snippet_html.contains("<mark>OPCON</mark>"), "{}", hits[0].snippet_html);
        assert_eq!(ids(q("earthquakes")), ["c"]);
        assert_eq!(ids(q("\"transfer would proceed\"")), ["a"]);
        assert!(ids(q("\"proceed transfer\"")).is_empty());
        assert_eq!(ids(q("Ahn Kyu-back")), ["a", "b"]);
        assert_eq!(ids(SearchQuery { entity: Some("Ahn Gyu-back".into()), ..Default::default() }), ["a", "b"]);
        assert_eq!(ids(SearchQuery { outlet: Some("korea herald".into()), ..Default::default() }), ["b"]);
        assert_eq!(
            ids(SearchQuery { from: chrono::NaiveDate::from_ymd_opt(2025, 1, 1), ..Default::default() }),
            ["a", "b"]
        );
        assert_eq!(ids(SearchQuery { story: Some(2), ..Default::default() }), ["c"]);
        assert_eq!(ids(SearchQuery { event: Some(10), q: "talks".into(), ..Default::default() }), Vec::<String>::new());
        let html = &s.search(&q("Hegseth")).unwrap()[0].snippet_html;
        assert!(!html.contains("<script>") && html.contains("<mark>Hegseth</mark>"), "{html}");
    }
}
