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
//! dead letters (stream `<stream>_dead`, subject `<stream>.dead`, kept):
//!   a message that is not an article, or whose stages fail, at once; a
//!   redelivered message after MAX_ATTEMPTS tries on its own (workers died
//!   on it); an article the store refuses after MAX_ATTEMPTS tries. Each
//!   leaves a failure row at its sequence, so the frontier moves past it.
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
use async_nats::HeaderMap;
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use storyline_core::clean::OutletLines;
use storyline_core::cluster::DocFeatures;
use storyline_core::dedup::Signature;
use storyline_core::{Analysis, Article, PipelineConfig, Prepared, RawArticle};
use storyline_store::{identity_hash, PgStore, Store, StoredArticle};

use crate::error::Doing;
use crate::ingest::{arrival_order, load_streamer, map_articles, process_one, Failed, Processed, Streamer};
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
/// Tries at one poison message before it goes to the dead-letter stream
/// and the queue moves on: starts of its processing on its own by workers
/// that then died or failed before committing it (a message that kills
/// every worker taking it), or transactions in which the store refused its
/// article. A message that is not an article, or whose per-article stages
/// fail (they are pure: the same input fails the same way), goes at once.
pub const MAX_ATTEMPTS: u32 = 5;
/// Longest reason or id put in a dead letter's headers (the payload keeps
/// the whole message).
const HEADER_MAX_CHARS: usize = 2000;

/// Headers of a dead letter (beside `Nats-Msg-Id`, `<stream>:<seq>`, which
/// keeps a message dead-lettered twice, by a worker that died before
/// acking it, from being kept twice).
pub mod dead_letter_header {
    /// Why it was given up on: the error text.
    pub const REASON: &str = "Storyline-Reason";
    /// Tries made: deliveries for `parse`, `process` and `tries`, store
    /// transactions for `store`.
    pub const ATTEMPTS: &str = "Storyline-Attempts";
    /// Where it failed: `parse` (not an article), `process` (the
    /// per-article stages failed), `tries` (workers died or failed on it
    /// [`super::MAX_ATTEMPTS`] times), `store` (the store refused it).
    pub const STAGE: &str = "Storyline-Stage";
    /// Its sequence number in the work stream.
    pub const SEQ: &str = "Storyline-Seq";
    /// The article's id, when the message could be read that far.
    pub const ARTICLE_ID: &str = "Storyline-Article-Id";
}

fn subject(stream: &str) -> String {
    format!("{stream}.articles")
}

/// The dead-letter stream of work stream `stream`: `<stream>_dead`, kept
/// until deleted (limits retention), so its messages can be inspected and
/// replayed (published again to `<stream>.articles` once fixed).
pub fn dead_letter_stream(stream: &str) -> String {
    format!("{stream}_dead")
}

/// The subject of [`dead_letter_stream`]: `<stream>.dead`.
pub fn dead_letter_subject(stream: &str) -> String {
    format!("{stream}.dead")
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

async fn dead_stream(js: &jetstream::Context, name: &str) -> Result<stream::Stream> {
    let dead = dead_letter_stream(name);
    js.get_or_create_stream(stream::Config {
        name: dead.clone(),
        subjects: vec![dead_letter_subject(name)],
        retention: stream::RetentionPolicy::Limits,
        storage: stream::StorageType::File,
        ..Default::default()
    })
    .await
    .doing(|| format!("creating or opening the dead-letter stream {dead}"))
}

/// The durable consumer every worker of `stream` pulls from. No
/// `max_deliver`: a message JetStream stopped delivering would leave a gap
/// the frontier never passes; poison messages are bounded by
/// [`MAX_ATTEMPTS`] and dead-lettered instead.
async fn workers_consumer(stream: &stream::Stream, ack_wait: Duration) -> Result<consumer::PullConsumer> {
    stream
        .get_or_create_consumer(
            CONSUMER,
            consumer::pull::Config {
                durable_name: Some(CONSUMER.into()),
                ack_policy: consumer::AckPolicy::Explicit,
                ack_wait,
                ..Default::default()
            },
        )
        .await
        .doing(|| "creating or opening the workers' consumer".into())
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
    map_in_order(raws.iter().collect(), 2, one)
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

/// A processed article waiting in `work_pending` for its turn. Nearly every
/// item is `Ready`, so boxing it to shrink `Failed` would only add an
/// allocation per article.
#[allow(clippy::large_enum_variant)]
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

/// A message given up on, as kept in the dead-letter stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadLetter {
    /// Its sequence number in the work stream.
    pub seq: u64,
    /// The article's id, when the message could be read that far.
    pub article_id: Option<String>,
    /// Where it failed (see [`dead_letter_header::STAGE`]).
    pub stage: String,
    /// Why: the error text.
    pub reason: String,
    /// Tries made (see [`dead_letter_header::ATTEMPTS`]).
    pub attempts: u32,
    /// The message as published, or for `store`, the article rebuilt as
    /// a raw article from what the worker made of it; either can be
    /// published again to `<stream>.articles`.
    pub payload: Vec<u8>,
}

/// Sends dead letters of one work stream, connecting on first use (most
/// workers never send one).
struct DeadLetters {
    nats: String,
    stream: String,
    conn: Option<(tokio::runtime::Runtime, jetstream::Context)>,
    /// Sent by this worker (its pull loop and its assigner).
    sent: Arc<AtomicU64>,
}

impl DeadLetters {
    fn new(nats: &str, stream: &str, sent: Arc<AtomicU64>) -> Self {
        DeadLetters { nats: nats.into(), stream: stream.into(), conn: None, sent }
    }

    /// Publishes `letter` and waits until JetStream has stored it; then
    /// logs one line naming the message, its article and the reason.
    fn send(&mut self, letter: &DeadLetter) -> Result<()> {
        if self.conn.is_none() {
            let rt = runtime()?;
            let js = rt.block_on(async {
                let js = context(&self.nats).await?;
                dead_stream(&js, &self.stream).await?;
                Ok::<_, PipelineError>(js)
            })?;
            self.conn = Some((rt, js));
        }
        let (rt, js) = self.conn.as_ref().expect("connected above");
        let mut headers = HeaderMap::new();
        headers.insert("Nats-Msg-Id", format!("{}:{}", self.stream, letter.seq));
        headers.insert(dead_letter_header::REASON, header_text(&letter.reason));
        headers.insert(dead_letter_header::ATTEMPTS, letter.attempts.to_string());
        headers.insert(dead_letter_header::STAGE, letter.stage.as_str());
        headers.insert(dead_letter_header::SEQ, letter.seq.to_string());
        if let Some(id) = &letter.article_id {
            headers.insert(dead_letter_header::ARTICLE_ID, header_text(id));
        }
        let subject = dead_letter_subject(&self.stream);
        rt.block_on(async {
            js.publish_with_headers(subject.clone(), headers, letter.payload.clone().into())
                .await
                .doing(|| format!("dead-lettering message {} to {subject}", letter.seq))?
                .await
                .doing(|| format!("waiting for JetStream to keep dead letter {}", letter.seq))?;
            Ok::<_, PipelineError>(())
        })?;
        self.sent.fetch_add(1, Ordering::SeqCst);
        let article = letter.article_id.as_deref().map(|id| format!(" (article {:?})", short(id))).unwrap_or_default();
        eprintln!(
            "dead-lettered message {} of stream {}{article} to {subject} after {} {}: {}",
            letter.seq,
            self.stream,
            letter.attempts,
            if letter.attempts == 1 { "attempt" } else { "attempts" },
            letter.reason
        );
        Ok(())
    }
}

/// `text` fit for a header value: one line, at most [`HEADER_MAX_CHARS`].
fn header_text(text: &str) -> String {
    let mut out: String = text.chars().take(HEADER_MAX_CHARS).map(|c| if c.is_control() { ' ' } else { c }).collect();
    if text.chars().nth(HEADER_MAX_CHARS).is_some() {
        out.push('…');
    }
    out
}

/// An id short enough for a log line.
fn short(id: &str) -> Cow<'_, str> {
    const MAX: usize = 80;
    match id.char_indices().nth(MAX) {
        Some((end, _)) => Cow::Owned(format!("{}… ({} bytes)", &id[..end], id.len())),
        None => Cow::Borrowed(id),
    }
}

/// The article id of a message payload, if it is JSON with a string `id`.
fn article_id_of(payload: &[u8]) -> Option<String> {
    let v: serde_json::Value = serde_json::from_slice(payload).ok()?;
    v.get("id")?.as_str().map(str::to_string)
}

/// What the workers made of an article, as a raw article again (its text
/// as given, its cleaned title, date, outlet, URL and authors): the
/// payload of a dead letter for an article the store refused, which no
/// longer has its message.
fn raw_again(article: &Article) -> RawArticle {
    RawArticle {
        id: article.id.clone(),
        title: (!article.title.is_empty()).then(|| article.title.clone()),
        text: article.raw_text.clone(),
        date: article.published.map(|d| d.format("%Y-%m-%d").to_string()),
        url: article.url.clone(),
        source: article.outlet.clone(),
        authors: article.authors.clone(),
        origin: article.origin.clone(),
        ..Default::default()
    }
}

/// Reads every dead letter of work stream `stream`, oldest first (none if
/// nothing was ever dead-lettered).
pub fn dead_letters(nats: &str, stream_name: &str) -> Result<Vec<DeadLetter>> {
    runtime()?.block_on(async {
        let js = context(nats).await?;
        let name = dead_letter_stream(stream_name);
        let mut stream = match js.get_stream(&name).await {
            Ok(s) => s,
            Err(e)
                if matches!(e.kind(), jetstream::context::GetStreamErrorKind::JetStream(ref j)
                    if j.error_code() == jetstream::ErrorCode::STREAM_NOT_FOUND) =>
            {
                return Ok(Vec::new())
            }
            Err(e) => return Err(e).doing(|| format!("opening the dead-letter stream {name}")),
        };
        let info = stream.info().await.doing(|| format!("reading the state of {name}"))?;
        let (count, first, last) = (info.state.messages, info.state.first_sequence, info.state.last_sequence);
        let mut letters = Vec::new();
        if count == 0 {
            return Ok(letters);
        }
        for seq in first..=last {
            let m = match stream.get_raw_message(seq).await {
                Ok(m) => m,
                Err(_) => continue, // deleted
            };
            let header = |name: &str| m.headers.get(name).map(|v| v.as_str().to_string());
            letters.push(DeadLetter {
                seq: header(dead_letter_header::SEQ).and_then(|s| s.parse().ok()).unwrap_or(0),
                article_id: header(dead_letter_header::ARTICLE_ID),
                stage: header(dead_letter_header::STAGE).unwrap_or_default(),
                reason: header(dead_letter_header::REASON).unwrap_or_default(),
                attempts: header(dead_letter_header::ATTEMPTS).and_then(|s| s.parse().ok()).unwrap_or(0),
                payload: m.payload.to_vec(),
            });
        }
        Ok(letters)
    })
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
    /// Messages this worker processed and committed as pending (dead
    /// letters included: they leave a failure row).
    pub processed: u64,
    /// Pending rows this worker's assigner consumed (stored articles, and
    /// failed or already-stored ones skipped).
    pub assigned: u64,
    /// Time the assigner spent deciding and committing (not waiting).
    pub assign_busy: Duration,
    /// Messages this worker (pull loop and assigner) put on the
    /// dead-letter stream, each with its reason and a log line.
    pub dead_lettered: u64,
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
        let consumer = workers_consumer(&stream, cfg.ack_wait).await?;
        Ok::<_, PipelineError>((consumer, first))
    })?;
    // The first worker for this stream and database fixes where the
    // sequence starts; later ones find the row.
    store.queue_start(&cfg.stream, first_seq.max(1) as i64)?;

    let stop = Arc::new(AtomicBool::new(false));
    let assigned = Arc::new(AtomicU64::new(0));
    let busy_micros = Arc::new(AtomicU64::new(0));
    let dead_sent = Arc::new(AtomicU64::new(0));
    let assigner = {
        let (db, stream, stop, assigned, busy) =
            (cfg.db.clone(), cfg.stream.clone(), stop.clone(), assigned.clone(), busy_micros.clone());
        let mut dead = DeadLetters::new(&cfg.nats, &cfg.stream, dead_sent.clone());
        std::thread::Builder::new()
            .name("assigner".into())
            .spawn(move || assigner_loop(&db, &stream, &stop, &assigned, &busy, &mut dead))?
    };
    let mut dead = DeadLetters::new(&cfg.nats, &cfg.stream, dead_sent.clone());
    let result = pull_loop(cfg, &pcfg, &store, &rt, &mut consumer, &stop, &assigner, &mut dead);
    stop.store(true, Ordering::SeqCst);
    let assigner_result =
        assigner.join().unwrap_or_else(|_| Err(PipelineError::Usage("the assigner thread panicked".into())));
    let mut report = result?;
    assigner_result?;
    report.assigned = assigned.load(Ordering::SeqCst);
    report.assign_busy = Duration::from_micros(busy_micros.load(Ordering::SeqCst));
    report.dead_lettered = dead_sent.load(Ordering::SeqCst);
    Ok(report)
}

#[allow(clippy::too_many_arguments)]
fn pull_loop(
    cfg: &WorkerConfig,
    pcfg: &PipelineConfig,
    store: &PgStore,
    rt: &tokio::runtime::Runtime,
    consumer: &mut consumer::PullConsumer,
    stop: &AtomicBool,
    assigner: &std::thread::JoinHandle<Result<()>>,
    dead: &mut DeadLetters,
) -> Result<WorkerReport> {
    let mut report = WorkerReport::default();
    let mut last_arrival = Instant::now();
    loop {
        // An assigner that gave up (its error is returned by the caller)
        // would leave `--until-idle` waiting for rows nobody assigns.
        if assigner.is_finished() {
            return Ok(report);
        }
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
        // First deliveries are processed together. A redelivered message
        // may be one its worker died on, so each is tried on its own, the
        // try counted in the store before it starts: the one that kills
        // its workers runs out of tries, not the messages that shared its
        // batch.
        let mut fresh = Vec::with_capacity(messages.len());
        let mut again = Vec::new();
        for m in messages {
            let info = m.info().doing(|| "a message without JetStream metadata".into())?;
            let key = (info.stream_sequence, info.delivered);
            if key.1 <= 1 {
                fresh.push((key, m));
            } else {
                again.push((key, m));
            }
        }
        if !fresh.is_empty() {
            report.processed += process_messages(cfg, pcfg, store, rt, fresh, dead)?;
        }
        again.sort_by_key(|((seq, _), _)| *seq);
        for ((seq, delivered), m) in again {
            let tries = store.queue_try(&cfg.stream, seq as i64)?;
            if tries <= MAX_ATTEMPTS {
                report.processed += process_messages(cfg, pcfg, store, rt, vec![((seq, delivered), m)], dead)?;
                continue;
            }
            let reason = format!(
                "its processing was started {} times without finishing: each worker that took it died or failed before committing it",
                tries - 1
            );
            let letter = DeadLetter {
                seq,
                article_id: article_id_of(&m.payload),
                stage: "tries".into(),
                reason: reason.clone(),
                attempts: delivered.max(0) as u32,
                payload: m.payload.to_vec(),
            };
            dead.send(&letter)?;
            let failed = PendingItem::Failed(FailedItem { origin: message_origin(&cfg.stream, seq), reason });
            store.queue_park(
                &cfg.stream,
                &[seq as i64],
                &[serde_json::to_string(&failed).expect("pending items serialize")],
            )?;
            rt.block_on(async { m.ack().await.doing(|| "acknowledging a message".into()) })?;
            report.processed += 1;
        }
    }
}

fn message_origin(stream: &str, seq: u64) -> String {
    format!("stream {stream} message {seq}")
}

/// Processes `messages` ((stream sequence, deliveries), message) together:
/// the pure stages, dead letters for those that are not articles or whose
/// stages failed, one commit of their pending rows, then the acks. Returns
/// how many it committed.
fn process_messages(
    cfg: &WorkerConfig,
    pcfg: &PipelineConfig,
    store: &PgStore,
    rt: &tokio::runtime::Runtime,
    messages: Vec<((u64, i64), jetstream::Message)>,
    dead: &mut DeadLetters,
) -> Result<u64> {
    let mut seqs = Vec::with_capacity(messages.len());
    let mut read: Vec<Result<WorkMessage<'static>, FailedItem>> = Vec::with_capacity(messages.len());
    for ((seq, _), m) in &messages {
        seqs.push(*seq as i64);
        read.push(serde_json::from_slice::<WorkMessage>(&m.payload).map_err(|e| FailedItem {
            origin: message_origin(&cfg.stream, *seq),
            reason: format!("not an article: {e}"),
        }));
    }
    let articles: Vec<bool> = read.iter().map(Result::is_ok).collect();
    let items = process_parallel(read, pcfg);
    // Kept before the failure rows are committed: a worker dying in
    // between sends the letter again, which the dead-letter stream drops
    // as a duplicate.
    for ((((seq, delivered), m), item), article) in messages.iter().zip(&items).zip(&articles) {
        if let Some(letter) = dead_letter_of(*seq, *delivered, &m.payload, item, *article) {
            dead.send(&letter)?;
        }
    }
    let payloads: Vec<String> =
        items.iter().map(|i| serde_json::to_string(i).expect("pending items serialize")).collect();
    store.queue_park(&cfg.stream, &seqs, &payloads)?;
    // Only now, with the work committed, may JetStream forget it.
    rt.block_on(async {
        for (_, m) in &messages {
            m.ack().await.doing(|| "acknowledging a message".into())?;
        }
        Ok::<_, PipelineError>(())
    })?;
    Ok(messages.len() as u64)
}

/// The dead letter for a message whose item failed: stage `parse` when the
/// payload was not an article, `process` when its per-article stages failed.
fn dead_letter_of(seq: u64, delivered: i64, payload: &[u8], item: &PendingItem, article: bool) -> Option<DeadLetter> {
    let PendingItem::Failed(f) = item else { return None };
    Some(DeadLetter {
        seq,
        article_id: article_id_of(payload),
        stage: if article { "process" } else { "parse" }.into(),
        reason: f.reason.clone(),
        attempts: delivered.max(1) as u32,
        payload: payload.to_vec(),
    })
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
    process_parallel_with(raws, cfg, &process_one)
}

/// [`process_parallel`] with the per-article stages given, so a test can
/// make one article's stages fail (nothing known makes the real ones
/// panic, which is what the `process` dead-letter stage is for).
fn process_parallel_with(
    raws: Vec<Result<WorkMessage<'static>, FailedItem>>,
    cfg: &PipelineConfig,
    stages: &(dyn Fn(&RawArticle, &PipelineConfig, &OutletLines) -> Processed + Sync),
) -> Vec<PendingItem> {
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
        match map_articles(std::slice::from_ref(&raw), &mut failed, |r| stages(r, cfg, &outlet_lines)).pop() {
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
    map_in_order(raws, 2, one)
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
    dead: &mut DeadLetters,
) -> Result<()> {
    let cfg = PipelineConfig::default();
    let mut failures = 0u32;
    // Tries at storing each refused article, across sessions.
    let mut refused = std::collections::HashMap::new();
    while !stop.load(Ordering::SeqCst) {
        match assign_session(db, stream, stop, assigned, busy, &cfg, dead, &mut refused) {
            Ok(()) => return Ok(()),
            Err(e) => {
                failures += 1;
                eprintln!("assigner: {}; starting over", error_text(&e));
                if failures > 20 {
                    return Err(PipelineError::Usage(format!(
                        "the assigner failed 20 times; the last error: {}",
                        error_text(&e)
                    )));
                }
                std::thread::sleep(LOCK_POLL * failures);
            }
        }
    }
    Ok(())
}

/// An error with its causes (the PostgreSQL client's own `Display` is only
/// "db error"; its cause says what the server said).
fn error_text(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let more = c.to_string();
        if !text.ends_with(&more) {
            text = format!("{text}: {more}");
        }
        cause = c.source();
    }
    text
}

#[allow(clippy::too_many_arguments)]
fn assign_session(
    db: &str,
    stream: &str,
    stop: &AtomicBool,
    assigned: &AtomicU64,
    busy: &AtomicU64,
    cfg: &PipelineConfig,
    dead: &mut DeadLetters,
    refused: &mut std::collections::HashMap<i64, u32>,
) -> Result<()> {
    let mut store = PgStore::connect(db)?;
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
    // Below this sequence, one row per transaction: a batch the store
    // refused is retried row by row to find the article it refuses.
    let mut one_by_one_until = 0i64;
    loop {
        let started = Instant::now();
        let n = match assign_round(&store, stream, &mut streamer, one_by_one_until)? {
            Round::Assigned(n) => n,
            Round::Refused { first, end, article, reason, decided } => {
                if decided {
                    // The streamer decided articles that were not stored.
                    streamer = load_streamer(&store, cfg)?;
                }
                busy.fetch_add(started.elapsed().as_micros() as u64, Ordering::SeqCst);
                if end - first > 1 {
                    one_by_one_until = end;
                    continue;
                }
                let tries = refused.entry(first).or_insert(0);
                *tries += 1;
                if *tries < MAX_ATTEMPTS {
                    std::thread::sleep(ASSIGN_POLL * *tries);
                    continue;
                }
                let letter = DeadLetter {
                    seq: first as u64,
                    article_id: Some(article.id.clone()),
                    stage: "store".into(),
                    reason: format!("the store refused the article: {reason}"),
                    attempts: *tries,
                    payload: serde_json::to_vec(&raw_again(&article)).expect("articles serialize"),
                };
                dead.send(&letter)?;
                let failed =
                    PendingItem::Failed(FailedItem { origin: article.origin.to_string(), reason: letter.reason });
                store.queue_replace(
                    stream,
                    first,
                    &serde_json::to_string(&failed).expect("pending items serialize"),
                )?;
                refused.remove(&first);
                continue;
            }
            Round::Unreadable { seq, payload, detail } => {
                let letter = DeadLetter {
                    seq: seq as u64,
                    article_id: None,
                    stage: "store".into(),
                    reason: format!("its processed form cannot be read back: {detail}"),
                    attempts: 1,
                    payload: payload.into_bytes(),
                };
                dead.send(&letter)?;
                let failed = PendingItem::Failed(FailedItem {
                    origin: message_origin(stream, seq as u64),
                    reason: letter.reason,
                });
                store.queue_replace(stream, seq, &serde_json::to_string(&failed).expect("pending items serialize"))?;
                continue;
            }
        };
        if n > 0 {
            // Saved now and then, so the next assigner starts from it
            // instead of replaying the archive.
            crate::ingest::save_streamer_every(&mut store, &mut streamer, cfg, crate::ingest::SAVE_STATE_EVERY)?;
            busy.fetch_add(started.elapsed().as_micros() as u64, Ordering::SeqCst);
        }
        assigned.fetch_add(n, Ordering::SeqCst);
        if n == 0 {
            if stop.load(Ordering::SeqCst) {
                // A last look: rows committed just before the stop.
                match assign_round(&store, stream, &mut streamer, one_by_one_until)? {
                    Round::Assigned(0) => return Ok(()),
                    Round::Assigned(n) => {
                        assigned.fetch_add(n, Ordering::SeqCst);
                    }
                    // The row is dealt with on the next turn.
                    Round::Refused { decided: true, .. } => streamer = load_streamer(&store, cfg)?,
                    Round::Refused { .. } | Round::Unreadable { .. } => {}
                }
                continue;
            }
            std::thread::sleep(ASSIGN_POLL);
        }
    }
}

/// What one assignment round did.
#[derive(Debug)]
enum Round {
    /// Consumed this many rows (articles, failed ones and ones already
    /// stored).
    Assigned(u64),
    /// The store refused the transaction for rows `first..end` for their
    /// data; `article` is the first of them, the culprit when it is alone.
    /// `decided`: the streamer decided them (it must be reloaded); not
    /// when a lone article was refused before deciding it.
    Refused { first: i64, end: i64, article: Box<Article>, reason: String, decided: bool },
    /// The pending row at `seq` cannot be read.
    Unreadable { seq: i64, payload: String, detail: String },
}

/// Decides the contiguous run of pending rows at the frontier (only its
/// first row while the frontier is below `one_by_one_until`) and commits
/// them with the new frontier in one transaction.
fn assign_round(store: &PgStore, stream: &str, streamer: &mut Streamer, one_by_one_until: i64) -> Result<Round> {
    let (frontier, rows) = store.queue_at_frontier(stream, ASSIGN_BATCH)?;
    let one_by_one = frontier < one_by_one_until;
    let limit = if one_by_one { 1 } else { usize::MAX };
    // The contiguous run at the frontier (stop at a gap: that message is
    // still being processed somewhere).
    let mut next = frontier;
    let mut items = Vec::new();
    for (seq, payload) in rows.into_iter().take(limit) {
        if seq != next {
            break;
        }
        let item: PendingItem = match serde_json::from_str(&payload) {
            Ok(item) => item,
            // Decide the rows before it first; then it is alone.
            Err(_) if seq > frontier => break,
            Err(e) => return Ok(Round::Unreadable { seq, payload, detail: e.to_string() }),
        };
        next += 1;
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
        if one_by_one {
            // Looking for the article the store refuses: asked before it
            // is decided, so a refusal needs no reload of the streamer.
            let probe = StoredArticle {
                article: p.prepared.article.clone(),
                analysis: p.prepared.analysis.clone(),
                features: p.features.clone(),
                signature: p.signature.clone(),
                duplicate: None,
                event: 0,
                story: 0,
            };
            if let Some(reason) = store.refuses(&probe)? {
                let article = Box::new(probe.article);
                return Ok(Round::Refused { first: frontier, end: next, article, reason, decided: false });
            }
        }
        // As the embedded ingest decides (copies of articles older than
        // the window found in the store).
        let d = streamer.decide_with_store(store, &mut p)?;
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
        return Ok(Round::Assigned(0));
    }
    match store.queue_commit(stream, &batch, frontier, next) {
        Ok(_) => Ok(Round::Assigned((next - frontier) as u64)),
        Err(e) => match (e.refused_data(), batch.into_iter().next()) {
            (Some(reason), Some(first)) => Ok(Round::Refused {
                first: frontier,
                end: next,
                article: Box::new(first.article),
                reason,
                decided: true,
            }),
            _ => Err(e.into()),
        },
    }
}

/// Deletes a stream and its dead-letter stream (tests and benchmarks
/// clean up with it).
pub fn delete_stream(nats: &str, name: &str) -> Result<()> {
    runtime()?.block_on(async {
        let js = context(nats).await?;
        js.delete_stream(name).await.doing(|| format!("deleting stream {name}"))?;
        // Its dead letters too, if it had any.
        let _ = js.delete_stream(dead_letter_stream(name)).await;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use storyline_store::postgres::testing::{self, TempSchema};

    fn nats_url() -> String {
        std::env::var("STORYLINE_NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into())
    }

    /// A work stream (and its dead letters) deleted when the test ends.
    struct TempStream(String);

    impl Drop for TempStream {
        fn drop(&mut self) {
            let _ = delete_stream(&nats_url(), &self.0);
        }
    }

    /// A schema and a stream of their own, or `None` (with a skip line on
    /// stderr) when PostgreSQL or NATS is not there and no variable asks
    /// for them.
    fn servers(test: &str) -> Option<(TempSchema, TempStream)> {
        if !testing::available(test) {
            return None;
        }
        if std::env::var_os("STORYLINE_NATS_URL").is_none()
            && std::net::TcpStream::connect_timeout(&"127.0.0.1:4222".parse().unwrap(), Duration::from_secs(1)).is_err()
        {
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "skipped: needs NATS, none at 127.0.0.1:4222 and STORYLINE_NATS_URL is unset ({test})"
            );
            return None;
        }
        Some((TempSchema::new("st_dead"), TempStream(testing::unique_schema("st_dead"))))
    }

    fn good(i: usize) -> RawArticle {
        let leads = [
            "The fisheries commission cut the cod quota by nine percent on Tuesday.",
            "Rail workers in Velmora began a 48-hour strike over pay on Monday.",
            "The Karsvik city library reopened after a three-year renovation.",
            "A ferry between Karsund and Velmora was delayed by a winter storm.",
        ];
        RawArticle {
            id: format!("good{i}"),
            date: Some(format!("2025-03-0{}", i + 1)),
            text: format!("{}\n\nOfficials said more would follow on item {i}.", leads[i]),
            ..Default::default()
        }
    }

    /// Runs a worker with `--until-idle 1` in this process; it must finish
    /// within a minute.
    fn run_until_idle(stream: &str, db: &str) -> WorkerReport {
        let mut cfg = WorkerConfig::new(&nats_url(), stream, db);
        cfg.until_idle = Some(Duration::from_secs(1));
        let started = Instant::now();
        let worker = std::thread::spawn(move || run_worker(&cfg));
        while !worker.is_finished() {
            assert!(started.elapsed() < Duration::from_secs(60), "the worker did not stop when idle");
            std::thread::sleep(Duration::from_millis(50));
        }
        worker.join().unwrap().unwrap()
    }

    fn stored_ids(db: &str) -> BTreeSet<String> {
        let mut ids = BTreeSet::new();
        PgStore::connect(db)
            .unwrap()
            .for_each_article(&mut |a| {
                ids.insert(a.article.id);
            })
            .unwrap();
        ids
    }

    /// Issue 21: an article whose per-article stages fail (a panic; no
    /// known input does it, so the stages are replaced here) is dead-lettered
    /// at stage `process` with its id and reason, and only it: the messages
    /// beside it are processed.
    #[test]
    fn an_article_whose_stages_fail_is_dead_lettered_at_the_process_stage_alone() {
        let cfg = PipelineConfig::default();
        let payloads: Vec<Vec<u8>> = vec![
            serde_json::to_vec(&good(0)).unwrap(),
            serde_json::to_vec(&RawArticle { id: "boom".into(), ..good(1) }).unwrap(),
            b"this is not json".to_vec(),
            serde_json::to_vec(&good(2)).unwrap(),
        ];
        let read: Vec<Result<WorkMessage<'static>, FailedItem>> = payloads
            .iter()
            .enumerate()
            .map(|(i, p)| {
                serde_json::from_slice::<WorkMessage>(p)
                    .map(|m| WorkMessage { raw: Cow::Owned(m.raw.into_owned()), furniture: m.furniture })
                    .map_err(|e| FailedItem {
                        origin: format!("message {}", i + 1),
                        reason: format!("not an article: {e}"),
                    })
            })
            .collect();
        let parsed: Vec<bool> = read.iter().map(Result::is_ok).collect();
        let stages = |raw: &RawArticle, cfg: &PipelineConfig, lines: &OutletLines| {
            assert_ne!(raw.id, "boom", "a bug in a stage");
            process_one(raw, cfg, lines)
        };
        let items = process_parallel_with(read, &cfg, &stages);
        let ready: Vec<bool> = items.iter().map(|i| matches!(i, PendingItem::Ready { .. })).collect();
        assert_eq!(ready, [true, false, false, true]);

        let letters: Vec<DeadLetter> = items
            .iter()
            .zip(&payloads)
            .zip(&parsed)
            .enumerate()
            .filter_map(|(i, ((item, p), parsed))| dead_letter_of(i as u64 + 1, 1, p, item, *parsed))
            .collect();
        assert_eq!(letters.len(), 2, "{letters:?}");
        let process = &letters[0];
        assert_eq!((process.seq, process.stage.as_str(), process.article_id.as_deref()), (2, "process", Some("boom")));
        assert!(process.reason.contains("internal error"), "{}", process.reason);
        let replay: RawArticle = serde_json::from_slice(&process.payload).unwrap();
        assert_eq!(replay.id, "boom", "the payload is the article as published");
        assert_eq!((letters[1].seq, letters[1].stage.as_str(), letters[1].article_id.as_deref()), (3, "parse", None));
    }

    #[test]
    fn a_message_that_is_not_an_article_is_dead_lettered_at_once_and_the_rest_stored() {
        let Some((schema, stream)) =
            servers("a_message_that_is_not_an_article_is_dead_lettered_at_once_and_the_rest_stored")
        else {
            return;
        };
        let (nats, db, cfg) = (nats_url(), schema.url(), PipelineConfig::default());
        publish(&nats, &stream.0, &[good(0), good(1)], &cfg).unwrap();
        runtime()
            .unwrap()
            .block_on(async {
                let js = context(&nats).await?;
                js.publish(subject(&stream.0), "this is not json".into())
                    .await
                    .doing(|| "publishing".into())?
                    .await
                    .doing(|| "publishing".into())?;
                Ok::<_, PipelineError>(())
            })
            .unwrap();
        publish(&nats, &stream.0, &[good(2), good(3)], &cfg).unwrap();

        let report = run_until_idle(&stream.0, &db);
        assert_eq!((report.processed, report.dead_lettered), (5, 1), "{report:?}");
        assert_eq!(stored_ids(&db), (0..4).map(|i| format!("good{i}")).collect());
        let letters = dead_letters(&nats, &stream.0).unwrap();
        assert_eq!(letters.len(), 1, "{letters:?}");
        let l = &letters[0];
        assert_eq!((l.seq, l.stage.as_str(), l.attempts, l.article_id.as_deref()), (3, "parse", 1, None));
        assert!(l.reason.starts_with("not an article: expected ident"), "{}", l.reason);
        assert_eq!(l.payload, b"this is not json");
    }

    #[test]
    fn a_message_workers_keep_dying_on_is_dead_lettered_after_max_attempts() {
        let Some((schema, stream)) = servers("a_message_workers_keep_dying_on_is_dead_lettered_after_max_attempts")
        else {
            return;
        };
        let (nats, db, cfg) = (nats_url(), schema.url(), PipelineConfig::default());
        publish(&nats, &stream.0, &(0..4).map(good).collect::<Vec<_>>(), &cfg).unwrap();
        // What MAX_ATTEMPTS workers dying while processing message 1 alone
        // leave behind: its tries used up, and the message delivered but
        // never acknowledged (here handed back at once).
        let store = PgStore::connect(&db).unwrap();
        for _ in 0..MAX_ATTEMPTS {
            store.queue_try(&stream.0, 1).unwrap();
        }
        runtime()
            .unwrap()
            .block_on(async {
                let client = connect(&nats).await?;
                let js = jetstream::new(client.clone());
                let consumer = workers_consumer(&work_stream(&js, &stream.0).await?, Duration::from_secs(30)).await?;
                let mut batch = consumer.fetch().max_messages(1).messages().await.doing(|| "fetching".into())?;
                let m = batch.next().await.expect("a message").doing(|| "fetching".into())?;
                assert_eq!(m.info().unwrap().stream_sequence, 1);
                m.ack_with(jetstream::AckKind::Nak(None)).await.doing(|| "nak".into())?;
                // Sent before the connection closes, or the message would
                // wait out the 30 s ack wait.
                client.flush().await.doing(|| "flushing".into())?;
                Ok::<_, PipelineError>(())
            })
            .unwrap();

        let report = run_until_idle(&stream.0, &db);
        assert_eq!(report.dead_lettered, 1, "{report:?}");
        assert_eq!(stored_ids(&db), (1..4).map(|i| format!("good{i}")).collect());
        let letters = dead_letters(&nats, &stream.0).unwrap();
        assert_eq!(letters.len(), 1, "{letters:?}");
        let l = &letters[0];
        assert_eq!((l.seq, l.stage.as_str(), l.attempts, l.article_id.as_deref()), (1, "tries", 2, Some("good0")));
        assert!(l.reason.contains("started 5 times"), "{}", l.reason);
        let replay: RawArticle = serde_json::from_slice(&l.payload).unwrap();
        assert_eq!(replay.id, "good0", "the payload is the message as published");
    }

    #[test]
    fn an_article_over_the_message_limit_is_named_with_the_limit() {
        assert_eq!(too_large(10, 1 << 20), None);
        assert_eq!(too_large(10, 0), None, "no limit given");
        let why = too_large((1 << 20) + 1, 1 << 20).expect("over the limit");
        assert!(why.contains("1025 KiB") && why.contains("1024 KiB"), "{why}");
    }
}
