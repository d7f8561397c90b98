//! distributed: how do many worker processes share one ingest and still
//! decide exactly like one `storyline ingest`?
//!
//! ```text
//! publish: read -> clean (for dates only) -> arrival_order
//!          -> JetStream work-queue stream `<stream>` (subject `<stream>.articles`),
//!             one message per raw article, in arrival order: the stream
//!             sequence number *is* the arrival rank
//! worker (any number, any host):
//!   pull a batch (explicit acks) -> process_all stages in parallel
//!   -> INSERT work_pending(stream, seq, processed) ON CONFLICT DO NOTHING; COMMIT
//!   -> ack                      (a worker killed before its ack leaves the
//!                                message to be redelivered; the insert is
//!                                idempotent)
//! assigner (a thread in every worker; one at a time holds the writer lock,
//!           pg_try_advisory_lock, released by PostgreSQL when its holder dies):
//!   load the Streamer from the store when it takes the lock, then while
//!   work_pending holds the row at the frontier (no gaps): decide duplicate,
//!   event and story in sequence order, and in ONE transaction insert the
//!   articles, delete their pending rows and advance work_frontier.
//! ```
//!
//! The per-article stages are pure, so any worker may run them; the
//! stateful stages (aliases, dedup, clustering) are order-dependent, so they
//! run in one place in the stream's order. The result equals an embedded
//! `storyline ingest` of the same input, whatever the number of workers and
//! whichever of them dies.

use std::borrow::Cow;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use async_nats::jetstream::{self, consumer, stream};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use storyline_core::clean::OutletLines;
use storyline_core::cluster::DocFeatures;
use storyline_core::dedup::Signature;
use storyline_core::{Analysis, Article, PipelineConfig, Prepared, RawArticle};
use storyline_store::postgres::postgres::Transaction;
use storyline_store::{identity_hash, PgStore, StoreError, StoredArticle};

use crate::ingest::{arrival_order, load_streamer, process_all, Failed, Processed, Streamer};

/// Default stream name (`--stream`).
pub const DEFAULT_STREAM: &str = "storyline";
/// The durable consumer all workers share: JetStream hands each message to
/// one of them.
const CONSUMER: &str = "workers";
/// Messages a worker pulls at once: enough to keep its cores busy on the
/// parallel stages, few enough that a killed worker delays little work.
pub const DEFAULT_BATCH: usize = 32;
/// How long a pulled message may stay unacknowledged before JetStream
/// redelivers it to another worker (a worker killed mid-batch).
pub const DEFAULT_ACK_WAIT_SECS: u64 = 30;
/// How long one pull waits for messages before the worker looks around.
const FETCH_EXPIRES: Duration = Duration::from_secs(1);
/// Pending rows the assigner decides per transaction.
const ASSIGN_BATCH: i64 = 256;
/// The assigner's pause when it has nothing to do or lacks the lock.
const ASSIGN_POLL: Duration = Duration::from_millis(50);
const LOCK_POLL: Duration = Duration::from_millis(250);
/// Messages in flight while publishing (acks awaited in windows).
const PUBLISH_WINDOW: usize = 256;

fn subject(stream: &str) -> String {
    format!("{stream}.articles")
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build()?)
}

async fn context(nats: &str) -> anyhow::Result<jetstream::Context> {
    let client = async_nats::connect(nats).await.with_context(|| format!("connecting to NATS at {nats}"))?;
    Ok(jetstream::new(client))
}

async fn work_stream(js: &jetstream::Context, name: &str) -> anyhow::Result<stream::Stream> {
    js.get_or_create_stream(stream::Config {
        name: name.to_string(),
        subjects: vec![subject(name)],
        retention: stream::RetentionPolicy::WorkQueue,
        storage: stream::StorageType::File,
        ..Default::default()
    })
    .await
    .with_context(|| format!("creating or opening the JetStream stream {name}"))
}

/// What `publish` did.
#[derive(Debug, Default)]
pub struct PublishReport {
    /// Messages the stream stored.
    pub published: usize,
    /// Messages the stream dropped as already published (same article id
    /// within JetStream's duplicate window).
    pub duplicates: usize,
    /// First and last stream sequence used.
    pub first_seq: Option<u64>,
    pub last_seq: Option<u64>,
}

/// Puts `raws` on the work-queue stream `stream_name` in arrival order.
/// Arrival order needs each article's date: the input date when it has
/// one, else the date cleaning finds in the text (the workers clean again
/// as part of the pure stages).
pub fn publish(
    nats: &str,
    stream_name: &str,
    raws: &[RawArticle],
    cfg: &PipelineConfig,
) -> anyhow::Result<PublishReport> {
    let dates = clean_for_order(raws, cfg);
    // Each outlet's furniture, learned from the whole input here because a
    // stage worker sees only part of it; every message carries the keys of
    // its own furniture lines, so what an article keeps does not depend on
    // which worker took it.
    let mut outlet_lines = OutletLines::new();
    outlet_lines.observe_all(raws, &cfg.clean.outlet_lines);
    let refs: Vec<&Article> = dates.iter().collect();
    let order = arrival_order(&refs);
    let rt = runtime()?;
    rt.block_on(async {
        let js = context(nats).await?;
        work_stream(&js, stream_name).await?;
        let subject = subject(stream_name);
        let mut report = PublishReport::default();
        for window in order.chunks(PUBLISH_WINDOW) {
            let mut acks = Vec::with_capacity(window.len());
            // Sent in order on one connection, so stream sequence = order.
            for &i in window {
                let raw = &raws[i];
                let mut headers = async_nats::HeaderMap::new();
                headers.insert("Nats-Msg-Id", raw.id.as_str());
                let furniture = outlet_lines.furniture_in(raw.source.as_deref(), &raw.text, &cfg.clean.outlet_lines);
                let body = serde_json::to_vec(&WorkMessage { raw: Cow::Borrowed(raw), furniture })?;
                let ack = js
                    .publish_with_headers(subject.clone(), headers, body.into())
                    .await
                    .with_context(|| format!("publishing article {:?}", raw.id))?;
                acks.push(ack);
            }
            for ack in acks {
                let ack = ack.await.context("waiting for JetStream to store a message")?;
                if ack.duplicate {
                    report.duplicates += 1;
                } else {
                    report.published += 1;
                    report.first_seq.get_or_insert(ack.sequence);
                    report.last_seq = Some(ack.sequence);
                }
            }
        }
        Ok(report)
    })
}

/// Each raw article reduced to what arrival order looks at, its date, in
/// input order. A parseable input date is the article's date (cleaning
/// gives it precedence), so only articles without one are cleaned (on all
/// cores) to find a date in their text. One whose cleaning panics is
/// placed as undated: the workers will report it, and it is never stored.
fn clean_for_order(raws: &[RawArticle], cfg: &PipelineConfig) -> Vec<Article> {
    let one = |raw: &RawArticle| {
        if let Some(d) = raw.date.as_deref().and_then(storyline_core::parse_input_date) {
            return Article { id: raw.id.clone(), published: Some(d), ..Default::default() };
        }
        let cleaned =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| storyline_core::clean::clean(raw, &cfg.clean)));
        let date = cleaned.ok().and_then(|a| a.best_date());
        Article { id: raw.id.clone(), published: date, ..Default::default() }
    };
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let chunk = raws.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> =
            raws.chunks(chunk).map(|part| scope.spawn(move || part.iter().map(one).collect::<Vec<_>>())).collect();
        handles.into_iter().flat_map(|h| h.join().expect("cleaning panics are caught")).collect()
    })
}

/// One message of the work stream: a raw article and the line keys of the
/// outlet furniture it prints (see [`OutletLines::furniture_in`]).
/// Messages of older publishers, a bare article, read with no furniture.
/// The publisher borrows the article; a worker reads an owned one.
#[derive(Debug, Serialize, Deserialize)]
struct WorkMessage<'a> {
    #[serde(flatten)]
    raw: Cow<'a, RawArticle>,
    #[serde(default)]
    furniture: Vec<u64>,
}

/// A processed article waiting in `work_pending` for its turn.
#[derive(Debug, Serialize, Deserialize)]
enum PendingItem {
    Ready { article: Article, analysis: Analysis, features: DocFeatures, signature: Signature },
    Failed(FailedItem),
}

#[derive(Debug, Serialize, Deserialize)]
struct FailedItem {
    origin: String,
    reason: String,
}

/// How a worker runs.
#[derive(Debug, Clone)]
pub struct WorkerConfig {
    pub nats: String,
    pub stream: String,
    /// `postgres://...` (with `?schema=` if wanted).
    pub db: String,
    pub batch: usize,
    pub ack_wait: Duration,
    /// Exit once nothing has arrived for this long and nothing is left to
    /// do (no message waiting or unacknowledged, no pending row).
    pub until_idle: Option<Duration>,
}

impl WorkerConfig {
    pub fn new(nats: &str, stream: &str, db: &str) -> Self {
        WorkerConfig {
            nats: nats.into(),
            stream: stream.into(),
            db: db.into(),
            batch: DEFAULT_BATCH,
            ack_wait: Duration::from_secs(DEFAULT_ACK_WAIT_SECS),
            until_idle: None,
        }
    }
}

/// What one worker did.
#[derive(Debug, Default)]
pub struct WorkerReport {
    /// Messages this worker processed and committed as pending.
    pub processed: u64,
    /// Pending rows this worker's assigner consumed (stored articles, and
    /// failed or already-stored ones skipped).
    pub assigned: u64,
    /// Time the assigner spent deciding and committing (not waiting).
    pub assign_busy: Duration,
    /// Of the processed, those whose stages failed (reported, not stored).
    pub failed: Vec<Failed>,
}

/// Runs a worker until `--until-idle` says it is done (or forever). Call it
/// from a plain thread, not from inside a tokio runtime.
pub fn run_worker(cfg: &WorkerConfig) -> anyhow::Result<WorkerReport> {
    if !storyline_store::is_postgres_url(&cfg.db) {
        anyhow::bail!("workers need a PostgreSQL --db (postgres://...), not {:?}", cfg.db);
    }
    let pcfg = PipelineConfig::default();
    let store = PgStore::connect(&cfg.db)?;
    let rt = runtime()?;
    let (mut consumer, first_seq) = rt.block_on(async {
        let js = context(&cfg.nats).await?;
        let mut stream = work_stream(&js, &cfg.stream).await?;
        let first = stream.info().await.context("reading the stream's state")?.state.first_sequence;
        let consumer: consumer::PullConsumer = stream
            .get_or_create_consumer(
                CONSUMER,
                consumer::pull::Config {
                    durable_name: Some(CONSUMER.into()),
                    ack_policy: consumer::AckPolicy::Explicit,
                    ack_wait: cfg.ack_wait,
                    ..Default::default()
                },
            )
            .await
            .context("creating or opening the workers' consumer")?;
        anyhow::Ok((consumer, first))
    })?;
    // The first worker for this stream and database fixes where the
    // sequence starts; later ones find the row.
    store.client().execute(
        "INSERT INTO work_frontier (stream, next_seq) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        &[&cfg.stream, &(first_seq.max(1) as i64)],
    )?;

    let stop = Arc::new(AtomicBool::new(false));
    let assigned = Arc::new(AtomicU64::new(0));
    let busy_micros = Arc::new(AtomicU64::new(0));
    let assigner = {
        let (db, stream, stop, assigned, busy) =
            (cfg.db.clone(), cfg.stream.clone(), stop.clone(), assigned.clone(), busy_micros.clone());
        std::thread::Builder::new()
            .name("assigner".into())
            .spawn(move || assigner_loop(&db, &stream, &stop, &assigned, &busy))?
    };
    let result = pull_loop(cfg, &pcfg, &store, &rt, &mut consumer, &stop);
    stop.store(true, Ordering::SeqCst);
    let assigner_result = assigner.join().unwrap_or_else(|_| Err(anyhow::anyhow!("the assigner thread panicked")));
    let mut report = result?;
    assigner_result?;
    report.assigned = assigned.load(Ordering::SeqCst);
    report.assign_busy = Duration::from_micros(busy_micros.load(Ordering::SeqCst));
    Ok(report)
}

fn pull_loop(
    cfg: &WorkerConfig,
    pcfg: &PipelineConfig,
    store: &PgStore,
    rt: &tokio::runtime::Runtime,
    consumer: &mut consumer::PullConsumer,
    stop: &AtomicBool,
) -> anyhow::Result<WorkerReport> {
    let mut report = WorkerReport::default();
    let mut last_arrival = Instant::now();
    loop {
        let messages = rt.block_on(async {
            let mut batch = consumer.fetch().max_messages(cfg.batch).expires(FETCH_EXPIRES).messages().await?;
            let mut out = Vec::new();
            while let Some(m) = batch.next().await {
                out.push(m.map_err(|e| anyhow::anyhow!("receiving a message: {e}"))?);
            }
            anyhow::Ok(out)
        })?;
        if messages.is_empty() {
            if let Some(idle) = cfg.until_idle {
                if last_arrival.elapsed() >= idle && nothing_left(rt, consumer, store, &cfg.stream)? {
                    return Ok(report);
                }
            }
            if stop.load(Ordering::SeqCst) {
                return Ok(report);
            }
            continue;
        }
        last_arrival = Instant::now();
        let mut seqs = Vec::with_capacity(messages.len());
        let mut raws: Vec<Result<WorkMessage<'static>, FailedItem>> = Vec::with_capacity(messages.len());
        for m in &messages {
            let info = m.info().map_err(|e| anyhow::anyhow!("a message without JetStream metadata: {e}"))?;
            seqs.push(info.stream_sequence as i64);
            raws.push(serde_json::from_slice::<WorkMessage>(&m.payload).map_err(|e| FailedItem {
                origin: format!("stream {} message {}", cfg.stream, info.stream_sequence),
                reason: format!("not an article: {e}"),
            }));
        }
        let items = process_parallel(raws, pcfg);
        let payloads: Vec<String> =
            items.iter().map(|i| serde_json::to_string(i).expect("pending items serialize")).collect();
        for i in &items {
            if let PendingItem::Failed(f) = i {
                eprintln!("skipped {}: {}", f.origin, f.reason);
                report.failed.push(Failed { origin: f.origin.clone(), reason: f.reason.clone() });
            }
        }
        {
            let mut client = store.client();
            let mut tx = client.transaction()?;
            // A redelivered message may already be decided (its first
            // worker committed the row, then died before acking): a row
            // behind the frontier would never be consumed, so skip it.
            tx.execute(
                "INSERT INTO work_pending (stream, seq, payload)
                 SELECT $1, s, p FROM unnest($2::bigint[], $3::text[]) AS t(s, p)
                 WHERE s >= COALESCE((SELECT next_seq FROM work_frontier WHERE stream = $1), 0)
                 ON CONFLICT DO NOTHING",
                &[&cfg.stream, &seqs, &payloads],
            )?;
            tx.commit()?;
        }
        // Only now, with the work committed, may JetStream forget it.
        rt.block_on(async {
            for m in &messages {
                m.ack().await.map_err(|e| anyhow::anyhow!("acknowledging a message: {e}"))?;
            }
            anyhow::Ok(())
        })?;
        report.processed += messages.len() as u64;
    }
}

/// Whether the whole stream is done: no message waiting or in flight and no
/// pending row at or past the frontier.
fn nothing_left(
    rt: &tokio::runtime::Runtime,
    consumer: &mut consumer::PullConsumer,
    store: &PgStore,
    stream: &str,
) -> anyhow::Result<bool> {
    let (waiting, in_flight) = rt.block_on(async {
        let info = consumer.info().await.context("reading the consumer's state")?;
        anyhow::Ok((info.num_pending, info.num_ack_pending))
    })?;
    if waiting > 0 || in_flight > 0 {
        return Ok(false);
    }
    let mut client = store.client();
    // Rows behind the frontier are decided already; one can still appear
    // when a redelivered copy's insert raced the assigner's delete.
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
    Ok(left == 0)
}

/// The pure stages for each message, on all cores, in message order.
fn process_parallel(raws: Vec<Result<WorkMessage<'static>, FailedItem>>, cfg: &PipelineConfig) -> Vec<PendingItem> {
    let one = |r: Result<WorkMessage<'static>, FailedItem>| -> PendingItem {
        let WorkMessage { raw, furniture } = match r {
            Ok(m) => m,
            Err(f) => return PendingItem::Failed(f),
        };
        let mut failed = Vec::new();
        // Only what the publisher shipped: the furniture it learned from
        // the whole input (a worker sees part of it).
        let raw = raw.into_owned();
        let outlet_lines = OutletLines::from_furniture(raw.source.as_deref(), &furniture, &cfg.clean.outlet_lines);
        match process_all(std::slice::from_ref(&raw), cfg, &outlet_lines, &mut failed).pop() {
            Some(Processed { prepared: Prepared { article, analysis }, features, signature }) => {
                PendingItem::Ready { article, analysis, features, signature }
            }
            None => {
                let f = failed
                    .pop()
                    .unwrap_or_else(|| Failed { origin: raw.origin.to_string(), reason: "not processed".into() });
                PendingItem::Failed(FailedItem { origin: f.origin, reason: f.reason })
            }
        }
    };
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    if threads == 1 || raws.len() < 2 {
        return raws.into_iter().map(one).collect();
    }
    let chunk = raws.len().div_ceil(threads);
    let mut parts: Vec<Vec<Result<WorkMessage<'static>, FailedItem>>> = Vec::new();
    let mut it = raws.into_iter().peekable();
    while it.peek().is_some() {
        parts.push(it.by_ref().take(chunk).collect());
    }
    std::thread::scope(|scope| {
        let handles: Vec<_> =
            parts.into_iter().map(|part| scope.spawn(move || part.into_iter().map(one).collect::<Vec<_>>())).collect();
        handles.into_iter().flat_map(|h| h.join().expect("stage panics are caught")).collect()
    })
}

/// The assigner: waits for the writer lock, then decides pending articles
/// in sequence order until told to stop. Errors (a lost connection) drop
/// the lock and the in-memory state, and it starts over.
fn assigner_loop(
    db: &str,
    stream: &str,
    stop: &AtomicBool,
    assigned: &AtomicU64,
    busy: &AtomicU64,
) -> anyhow::Result<()> {
    let cfg = PipelineConfig::default();
    let mut failures = 0u32;
    while !stop.load(Ordering::SeqCst) {
        match assign_session(db, stream, stop, assigned, busy, &cfg) {
            Ok(()) => return Ok(()),
            Err(e) => {
                failures += 1;
                eprintln!("assigner: {e:#}; starting over");
                if failures > 20 {
                    return Err(e.context("the assigner failed 20 times"));
                }
                std::thread::sleep(LOCK_POLL * failures);
            }
        }
    }
    Ok(())
}

fn assign_session(
    db: &str,
    stream: &str,
    stop: &AtomicBool,
    assigned: &AtomicU64,
    busy: &AtomicU64,
    cfg: &PipelineConfig,
) -> anyhow::Result<()> {
    let store = PgStore::connect(db)?;
    loop {
        if stop.load(Ordering::SeqCst) {
            return Ok(());
        }
        if store.try_lock_writer()? {
            break;
        }
        std::thread::sleep(LOCK_POLL);
    }
    // Holding the lock, nobody else writes articles: the state loaded now
    // stays the store's state for as long as we hold it.
    let started = Instant::now();
    let mut streamer = load_streamer(&store, cfg)?;
    busy.fetch_add(started.elapsed().as_micros() as u64, Ordering::SeqCst);
    loop {
        let started = Instant::now();
        let n = assign_round(&store, stream, &mut streamer)?;
        if n > 0 {
            busy.fetch_add(started.elapsed().as_micros() as u64, Ordering::SeqCst);
        }
        assigned.fetch_add(n, Ordering::SeqCst);
        if n == 0 {
            if stop.load(Ordering::SeqCst) {
                // A last look: rows committed just before the stop.
                let n = assign_round(&store, stream, &mut streamer)?;
                assigned.fetch_add(n, Ordering::SeqCst);
                if n == 0 {
                    store.unlock_writer()?;
                    return Ok(());
                }
                continue;
            }
            std::thread::sleep(ASSIGN_POLL);
        }
    }
}

/// Decides the contiguous run of pending rows at the frontier and commits
/// them with the new frontier in one transaction. Returns how many rows
/// (articles, failed ones and ones already stored) it consumed.
fn assign_round(store: &PgStore, stream: &str, streamer: &mut Streamer) -> anyhow::Result<u64> {
    let (frontier, rows) = {
        let mut c = store.client();
        let frontier: i64 = c
            .query_opt("SELECT next_seq FROM work_frontier WHERE stream = $1", &[&stream])?
            .map(|r| r.get(0))
            .context("no frontier row for this stream")?;
        let rows = c.query(
            "SELECT seq, payload FROM work_pending WHERE stream = $1 AND seq >= $2 ORDER BY seq LIMIT $3",
            &[&stream, &frontier, &ASSIGN_BATCH],
        )?;
        (frontier, rows)
    };
    // The contiguous run at the frontier (stop at a gap: that message is
    // still being processed somewhere).
    let mut next = frontier;
    let mut items = Vec::new();
    for row in rows {
        let seq: i64 = row.get(0);
        if seq != next {
            break;
        }
        next += 1;
        let payload: &str = row.get(1);
        let item: PendingItem = serde_json::from_str(payload)
            .map_err(|e| StoreError::Corrupt { id: format!("pending {seq}"), detail: e.to_string() })?;
        if let PendingItem::Ready { article, analysis, features, signature } = item {
            let identity = identity_hash(&article);
            items.push((identity, Processed { prepared: Prepared { article, analysis }, features, signature }));
        }
    }
    // Which are stored already (by id or identity): one query for the run,
    // not one per article.
    let mut seen = std::collections::HashSet::new();
    if !items.is_empty() {
        let ids: Vec<&str> = items.iter().map(|(_, p)| p.prepared.article.id.as_str()).collect();
        let identities: Vec<&str> = items.iter().map(|(i, _)| i.as_str()).collect();
        for r in store.client().query(
            "SELECT id, identity_hash FROM articles WHERE id = ANY($1) OR identity_hash = ANY($2)",
            &[&ids, &identities],
        )? {
            seen.insert(r.get::<_, String>(0));
            seen.insert(r.get::<_, String>(1));
        }
    }
    let mut batch: Vec<StoredArticle> = Vec::with_capacity(items.len());
    for (identity, mut p) in items {
        // Stored before, or earlier in this run: ingest is idempotent.
        if seen.contains(&p.prepared.article.id) || seen.contains(&identity) {
            continue;
        }
        seen.insert(p.prepared.article.id.clone());
        seen.insert(identity);
        let d = streamer.decide(&mut p);
        batch.push(StoredArticle {
            article: p.prepared.article,
            analysis: p.prepared.analysis,
            features: p.features,
            signature: p.signature,
            duplicate: d.duplicate,
            event: d.event,
            story: d.story,
        });
    }
    if next == frontier {
        return Ok(0);
    }
    store.insert_batch_with(&batch, &mut |tx: &mut Transaction<'_>| {
        tx.execute("DELETE FROM work_pending WHERE stream = $1 AND seq < $2", &[&stream, &next])?;
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
    })?;
    Ok((next - frontier) as u64)
}

/// Deletes a stream (tests and benchmarks clean up with it).
pub fn delete_stream(nats: &str, name: &str) -> anyhow::Result<()> {
    runtime()?.block_on(async {
        let js = context(nats).await?;
        js.delete_stream(name).await.with_context(|| format!("deleting stream {name}"))?;
        anyhow::Ok(())
    })
}
