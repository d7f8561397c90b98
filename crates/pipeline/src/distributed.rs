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

use async_nats::jetstream::{self, consumer, stream};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use storyline_core::clean::OutletLines;
use storyline_core::cluster::DocFeatures;
use storyline_core::dedup::Signature;
use storyline_core::{Analysis, Article, PipelineConfig, Prepared, RawArticle};
use storyline_store::{identity_hash, PgStore, Store, StoreError, StoredArticle};

use crate::error::Doing;
use crate::ingest::{arrival_order, load_streamer, process_all, Failed, Processed, Streamer};
use crate::parallel::map_in_order;
use crate::PipelineError;

type Result<T, E = PipelineError> = std::result::Result<T, E>;

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

fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build()?)
}

async fn context(nats: &str) -> Result<jetstream::Context> {
    Ok(jetstream::new(connect(nats).await?))
}

async fn connect(nats: &str) -> Result<async_nats::Client> {
    async_nats::connect(nats).await.doing(|| format!("connecting to NATS at {nats}"))
}

async fn work_stream(js: &jetstream::Context, name: &str) -> Result<stream::Stream> {
    js.get_or_create_stream(stream::Config {
        name: name.to_string(),
        subjects: vec![subject(name)],
        retention: stream::RetentionPolicy::WorkQueue,
        storage: stream::StorageType::File,
        ..Default::default()
    })
    .await
    .doing(|| format!("creating or opening the JetStream stream {name}"))
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
    /// Last stream sequence used.
    pub last_seq: Option<u64>,
    /// Articles not published, with the reason (too large for one message).
    pub skipped: Vec<Failed>,
}

/// Puts `raws` on the work-queue stream `stream_name` in arrival order.
/// Arrival order needs each article's date: the input date when it has
/// one, else the date cleaning finds in the text (the workers clean again
/// as part of the pure stages).
pub fn publish(nats: &str, stream_name: &str, raws: &[RawArticle], cfg: &PipelineConfig) -> Result<PublishReport> {
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
        let client = connect(nats).await?;
        // The server's largest message: a bigger article would fail with
        // an unnamed timeout, so it is named and skipped before sending.
        let max_payload = client.server_info().max_payload;
        let js = jetstream::new(client);
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
                let body = serde_json::to_vec(&WorkMessage { raw: Cow::Borrowed(raw), furniture })
                    .doing(|| format!("encoding article {:?}", raw.id))?;
                if let Some(reason) = too_large(body.len(), max_payload) {
                    report.skipped.push(Failed { origin: raw.origin.to_string(), reason });
                    continue;
                }
                let ack = js
                    .publish_with_headers(subject.clone(), headers, body.into())
                    .await
                    .doing(|| format!("publishing article {:?}", raw.id))?;
                acks.push(ack);
            }
            for ack in acks {
                let ack = ack.await.doing(|| "waiting for JetStream to store a message".into())?;
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

/// Why a message of `len` bytes cannot be published to a server whose
/// limit is `max_payload` (0: the server did not say), or `None`.
fn too_large(len: usize, max_payload: usize) -> Option<String> {
    (max_payload > 0 && len > max_payload).then(|| {
        format!(
            "the article is {} KiB as a work message, over the NATS server's limit of {} KiB (max_payload); \
             ingest it with `storyline ingest` instead",
            len.div_ceil(1024),
            max_payload / 1024
        )
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
    map_in_order(raws.iter().collect(), one)
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
    /// NATS server URL (`nats://host:4222`).
    pub nats: String,
    /// The JetStream work-queue stream to pull from.
    pub stream: String,
    /// `postgres://...` (with `?schema=` if wanted).
    pub db: String,
    /// Messages pulled at once.
    pub batch: usize,
    /// How long a pulled message may stay unacknowledged before JetStream
    /// hands it to another worker.
    pub ack_wait: Duration,
    /// Exit once nothing has arrived for this long and nothing is left to
    /// do (no message waiting or unacknowledged, no pending row).
    pub until_idle: Option<Duration>,
}

impl WorkerConfig {
    /// The defaults for one stream and database.
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
pub fn run_worker(cfg: &WorkerConfig) -> Result<WorkerReport> {
    if !storyline_store::is_postgres_url(&cfg.db) {
        return Err(PipelineError::Usage(format!("workers need a PostgreSQL --db (postgres://...), not {:?}", cfg.db)));
    }
    let pcfg = PipelineConfig::default();
    let store = PgStore::connect(&cfg.db)?;
    let rt = runtime()?;
    let (mut consumer, first_seq) = rt.block_on(async {
        let js = context(&cfg.nats).await?;
        let mut stream = work_stream(&js, &cfg.stream).await?;
        let first = stream.info().await.doing(|| "reading the stream's state".into())?.state.first_sequence;
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
            .doing(|| "creating or opening the workers' consumer".into())?;
        Ok::<_, PipelineError>((consumer, first))
    })?;
    // The first worker for this stream and database fixes where the
    // sequence starts; later ones find the row.
    store.queue_start(&cfg.stream, first_seq.max(1) as i64)?;

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
    let assigner_result =
        assigner.join().unwrap_or_else(|_| Err(PipelineError::Usage("the assigner thread panicked".into())));
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
) -> Result<WorkerReport> {
    let mut report = WorkerReport::default();
    let mut last_arrival = Instant::now();
    loop {
        let messages = rt.block_on(async {
            let mut batch = consumer
                .fetch()
                .max_messages(cfg.batch)
                .expires(FETCH_EXPIRES)
                .messages()
                .await
                .doing(|| "pulling messages".into())?;
            let mut out = Vec::new();
            while let Some(m) = batch.next().await {
                out.push(m.doing(|| "receiving a message".into())?);
            }
            Ok::<_, PipelineError>(out)
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
            let info = m.info().doing(|| "a message without JetStream metadata".into())?;
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
        store.queue_park(&cfg.stream, &seqs, &payloads)?;
        // Only now, with the work committed, may JetStream forget it.
        rt.block_on(async {
            for m in &messages {
                m.ack().await.doing(|| "acknowledging a message".into())?;
            }
            Ok::<_, PipelineError>(())
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
) -> Result<bool> {
    let (waiting, in_flight) = rt.block_on(async {
        let info = consumer.info().await.doing(|| "reading the consumer's state".into())?;
        Ok::<_, PipelineError>((info.num_pending, info.num_ack_pending))
    })?;
    if waiting > 0 || in_flight > 0 {
        return Ok(false);
    }
    Ok(store.queue_waiting(stream)? == 0)
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
    map_in_order(raws, one)
}

/// The assigner: waits for the writer lock, then decides pending articles
/// in sequence order until told to stop. Errors (a lost connection) drop
/// the lock and the in-memory state, and it starts over.
fn assigner_loop(db: &str, stream: &str, stop: &AtomicBool, assigned: &AtomicU64, busy: &AtomicU64) -> Result<()> {
    let cfg = PipelineConfig::default();
    let mut failures = 0u32;
    while !stop.load(Ordering::SeqCst) {
        match assign_session(db, stream, stop, assigned, busy, &cfg) {
            Ok(()) => return Ok(()),
            Err(e) => {
                failures += 1;
                eprintln!("assigner: {e}; starting over");
                if failures > 20 {
                    return Err(PipelineError::Usage(format!("the assigner failed 20 times; the last error: {e}")));
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
) -> Result<()> {
    let store = PgStore::connect(db)?;
    // Released when this function returns, on every path.
    let _writer = loop {
        if stop.load(Ordering::SeqCst) {
            return Ok(());
        }
        if let Some(lock) = store.try_lock_writer()? {
            break lock;
        }
        std::thread::sleep(LOCK_POLL);
    };
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
fn assign_round(store: &PgStore, stream: &str, streamer: &mut Streamer) -> Result<u64> {
    let (frontier, rows) = store.queue_at_frontier(stream, ASSIGN_BATCH)?;
    // The contiguous run at the frontier (stop at a gap: that message is
    // still being processed somewhere).
    let mut next = frontier;
    let mut items = Vec::new();
    for (seq, payload) in rows {
        if seq != next {
            break;
        }
        next += 1;
        let item: PendingItem = serde_json::from_str(&payload)
            .map_err(|e| StoreError::Corrupt { id: format!("pending {seq}"), detail: e.to_string() })?;
        if let PendingItem::Ready { article, analysis, features, signature } = item {
            let identity = identity_hash(&article);
            items.push((identity, Processed { prepared: Prepared { article, analysis }, features, signature }));
        }
    }
    let mut seen = if items.is_empty() {
        std::collections::HashSet::new()
    } else {
        let ids: Vec<&str> = items.iter().map(|(_, p)| p.prepared.article.id.as_str()).collect();
        let identities: Vec<&str> = items.iter().map(|(i, _)| i.as_str()).collect();
        store.stored_keys(&ids, &identities)?
    };
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
    store.queue_commit(stream, &batch, frontier, next)?;
    Ok((next - frontier) as u64)
}

/// Deletes a stream (tests and benchmarks clean up with it).
pub fn delete_stream(nats: &str, name: &str) -> Result<()> {
    runtime()?.block_on(async {
        let js = context(nats).await?;
        js.delete_stream(name).await.doing(|| format!("deleting stream {name}"))?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_article_over_the_message_limit_is_named_with_the_limit() {
        assert_eq!(too_large(10, 1 << 20), None);
        assert_eq!(too_large(10, 0), None, "no limit given");
        let why = too_large((1 << 20) + 1, 1 << 20).expect("over the limit");
        assert!(why.contains("1025 KiB") && why.contains("1024 KiB"), "{why}");
    }
}
