//! ingest: given new raw articles and a store, which are new, which copy
//! an earlier one, and which event and story does each join?
//!
//! The same steps as `storyline ingest`, as a library so that the HTTP API
//! (`POST /api/articles`), tests and the CLI share one implementation:
//!
//! ```text
//! RawArticle --Streamer::learn_outlets (each outlet's repeated lines)
//!   --process_all (parallel: clean, analyze, features, signature)
//!   --arrival_order--> for each: skip if stored (id or identity hash)
//!   --Streamer::decide (aliases, dedup, cluster)--> StoredArticle
//!   --Store::insert_batch (one transaction per BATCH_ARTICLES)
//!   --IndexSession::add (when an index is given; committed at the end)
//! ```
//!
//! The [`Streamer`] keeps online state (alias registry, dedup index,
//! cluster centroids) because assignments depend on everything seen
//! before. Its memory follows a window of recent news, not the archive
//! (ARCHITECTURE.md, "A stream that runs for years"); [`save_streamer`]
//! keeps it in the store and [`load_streamer`] reads it back, replaying the
//! archive only when no current state was saved.

use std::collections::HashMap;
use std::io::Cursor;

use bincode::Options;
use serde::{Deserialize, Serialize};
use storyline_core::analyze::AliasRegistry;
use storyline_core::clean::OutletLines;
use storyline_core::cluster::{self, Assignment, Clusterer, DocFeatures};
use storyline_core::dedup::{self, DedupIndex, DocMeta, DuplicateMatch, Signature};
use storyline_core::{prepare_with, Analysis, Article, Origin, PipelineConfig, Prepared, RawArticle};
use storyline_ingest::{Format, ReadEvent, ReaderConfig};
use storyline_store::search::IndexSession;
use storyline_store::{identity_hash, SearchIndex, Store, StoredArticle};

use crate::parallel::map_in_order;
use crate::PipelineError;

/// Articles per transaction: large enough to amortise commits, small enough
/// that an interrupted ingest loses little work (never a half article).
pub const BATCH_ARTICLES: usize = 256;
/// Below this many articles, processing runs on the calling thread: the
/// cost of spawning workers exceeds the work.
const PARALLEL_MIN_ARTICLES: usize = 64;

/// An article after the per-article (parallel) stages.
pub struct Processed {
    /// The cleaned article and its analysis.
    pub prepared: Prepared,
    /// What clustering compares.
    pub features: DocFeatures,
    /// What dedup compares.
    pub signature: Signature,
}

/// An article whose processing panicked: reported like a bad record.
#[derive(Debug, Clone, Serialize)]
pub struct Failed {
    /// Where the article came from (`path:line`, `<request>:3`, ...).
    pub origin: String,
    /// Why it was not processed.
    pub reason: String,
}

/// Runs the per-article stages on all cores, keeping input order, removing
/// the outlets' furniture `outlet_lines` knows. A bug triggered by one
/// article costs that article only.
pub fn process_all(
    raws: &[RawArticle],
    cfg: &PipelineConfig,
    outlet_lines: &OutletLines,
    failed: &mut Vec<Failed>,
) -> Vec<Processed> {
    map_articles(raws, failed, |raw| process_one(raw, cfg, outlet_lines))
}

/// The per-article stages of one article.
pub(crate) fn process_one(raw: &RawArticle, cfg: &PipelineConfig, outlet_lines: &OutletLines) -> Processed {
    let prepared = prepare_with(raw, cfg, outlet_lines);
    let features = cluster::text_features(&prepared.article, &prepared.analysis, &cfg.cluster);
    let signature = dedup::signature(&prepared.article, &cfg.dedup);
    Processed { prepared, features, signature }
}

/// Articles per step of [`for_each_in_arrival_order`]: enough to keep the
/// workers busy while the previous step is decided, few enough that two
/// steps of full per-article state stay small.
const ARRIVAL_STEP: usize = 1024;

/// Runs the per-article stages and hands every article to `visit` in
/// arrival order ([`arrival_order`]) with its index in `raws`, overlapping
/// the two: while `visit` (the ordered, stateful step: dedup, clustering,
/// storing) runs on the calling thread for one step of articles, worker
/// threads process the next step. Arrival order needs each article's date,
/// which is known before processing when the input gives a parseable date;
/// articles without one are processed first (their date may come from the
/// text). An article whose processing panics goes to `failed`. Stops at the
/// first error of `visit`. `finish` runs on the workers after processing
/// (to drop what `visit` does not need where it costs no ordered time).
pub fn for_each_in_arrival_order<E>(
    raws: &[RawArticle],
    cfg: &PipelineConfig,
    outlet_lines: &OutletLines,
    failed: &mut Vec<Failed>,
    finish: impl Fn(Processed) -> Processed + Sync,
    visit: impl FnMut(usize, Processed) -> Result<(), E>,
) -> Result<(), E> {
    for_each_made_in_arrival_order(
        raws,
        failed,
        |raw| finish(process_one(raw, cfg, outlet_lines)),
        |p| p.prepared.article.best_date(),
        visit,
    )
}

/// [`for_each_in_arrival_order`] with any per-article stage `process`
/// (`date_of` reads the arrival date of its result when the input gave
/// none).
pub fn for_each_made_in_arrival_order<T: Send, E>(
    raws: &[RawArticle],
    failed: &mut Vec<Failed>,
    process: impl Fn(&RawArticle) -> T + Sync,
    date_of: impl Fn(&T) -> Option<chrono::NaiveDate>,
    mut visit: impl FnMut(usize, T) -> Result<(), E>,
) -> Result<(), E> {
    let mut slots: Vec<Option<T>> = Vec::with_capacity(raws.len());
    slots.resize_with(raws.len(), || None);
    // Sort keys: (undated, date) as in `arrival_order`.
    let mut keys: Vec<Option<(bool, Option<chrono::NaiveDate>)>> = raws
        .iter()
        .map(|r| r.date.as_deref().and_then(storyline_core::parse_input_date).map(|d| (false, Some(d))))
        .collect();
    let unknown: Vec<usize> = (0..raws.len()).filter(|&i| keys[i].is_none()).collect();
    let mut dropped = vec![false; raws.len()];
    for (i, r) in unknown.iter().copied().zip(map_indexed(raws, &unknown, &process)) {
        match r {
            Ok(p) => {
                let d = date_of(&p);
                keys[i] = Some((d.is_none(), d));
                slots[i] = Some(p);
            }
            Err(f) => {
                failed.push(f);
                dropped[i] = true;
            }
        }
    }
    let mut order: Vec<usize> = (0..raws.len()).filter(|&i| !dropped[i]).collect();
    order.sort_by_key(|&i| keys[i]);
    let steps: Vec<&[usize]> = order.chunks(ARRIVAL_STEP).collect();
    let unprocessed = |slots: &[Option<T>], step: Option<&&[usize]>| -> Vec<usize> {
        step.map(|s| s.iter().copied().filter(|&i| slots[i].is_none()).collect()).unwrap_or_default()
    };
    let first = unprocessed(&slots, steps.first());
    let mut ready: Vec<(usize, Result<T, Failed>)> =
        first.iter().copied().zip(map_indexed(raws, &first, &process)).collect();
    for (k, step) in steps.iter().enumerate() {
        for (i, r) in ready.drain(..) {
            match r {
                Ok(p) => slots[i] = Some(p),
                Err(f) => failed.push(f),
            }
        }
        let next = unprocessed(&slots, steps.get(k + 1));
        let taken: Vec<(usize, T)> = step.iter().filter_map(|&i| slots[i].take().map(|p| (i, p))).collect();
        let outcome = std::thread::scope(|scope| {
            let worker = (!next.is_empty()).then(|| scope.spawn(|| map_indexed(raws, &next, &process)));
            let mut outcome = Ok(());
            for (i, p) in taken {
                if let Err(e) = visit(i, p) {
                    outcome = Err(e);
                    break;
                }
            }
            if let Some(w) = worker {
                ready = match w.join() {
                    Ok(results) => next.iter().copied().zip(results).collect(),
                    // `map_indexed` catches per-article panics; should the
                    // worker die anyway, its articles are reported, not lost.
                    Err(_) => next
                        .iter()
                        .map(|&i| {
                            (
                                i,
                                Err(Failed {
                                    origin: raws[i].origin.to_string(),
                                    reason: "internal error while processing this article (please report it)".into(),
                                }),
                            )
                        })
                        .collect(),
                };
            }
            outcome
        });
        outcome?;
    }
    Ok(())
}

/// `f` over `raws[i]` for every `i` of `indices` on all cores (see
/// [`map_in_order`]), results in the order of `indices`; a panic of `f`
/// becomes that article's `Failed`.
fn map_indexed<T: Send>(
    raws: &[RawArticle],
    indices: &[usize],
    f: &(impl Fn(&RawArticle) -> T + Sync),
) -> Vec<Result<T, Failed>> {
    let one = |raw: &RawArticle| -> Result<T, Failed> {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(raw))).map_err(|_| Failed {
            origin: raw.origin.to_string(),
            reason: "internal error while processing this article (please report it)".into(),
        })
    };
    map_in_order(indices.iter().map(|&i| &raws[i]).collect(), PARALLEL_MIN_ARTICLES, one)
}

/// `f` over every article on all cores, in input order; an article whose
/// `f` panics goes to `failed` instead.
pub(crate) fn map_articles<T: Send>(
    raws: &[RawArticle],
    failed: &mut Vec<Failed>,
    f: impl Fn(&RawArticle) -> T + Sync,
) -> Vec<T> {
    let all: Vec<usize> = (0..raws.len()).collect();
    let mut out = Vec::with_capacity(raws.len());
    for r in map_indexed(raws, &all, &f) {
        match r {
            Ok(p) => out.push(p),
            Err(f) => failed.push(f),
        }
    }
    out
}

/// The order articles "arrive" in: by publication date where known (stable
/// for equal dates), then the undated ones in input order. An undated
/// article has no place in time; coming after the dated ones, it meets
/// events whose dates are known, against which a dateline's month and day
/// can still be placed (`Seoul, December 1`). Processing it first instead
/// would let it open an event that dated articles of any year then join on
/// text alone.
pub fn arrival_order(articles: &[&Article]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..articles.len()).collect();
    order.sort_by_key(|&i| {
        let d = articles[i].best_date();
        (d.is_none(), d)
    });
    order
}

/// What the stateful stages decided for one article.
#[derive(Debug, Clone)]
pub struct Decision {
    /// The earlier article this one copies, if any.
    pub duplicate: Option<DuplicateMatch>,
    /// Its event number.
    pub event: u32,
    /// Its story number.
    pub story: u32,
}

/// How a long-running store learns outlet furniture: a line counts and is
/// remembered for as long as an event stays a join candidate
/// (`ClusterConfig::active_days`), so its memory follows the window too.
fn windowed_outlet_lines(cfg: &PipelineConfig) -> storyline_core::clean::OutletLinesConfig {
    storyline_core::clean::OutletLinesConfig { window_days: cfg.cluster.active_days, ..cfg.clean.outlet_lines }
}

/// Dedup then clustering, one article at a time. A copy takes its
/// original's event and story and does not weigh on the centroids twice.
/// Serialisable without its configuration (see [`save_streamer`]).
#[derive(Serialize, Deserialize)]
pub struct Streamer {
    outlet_lines: OutletLines,
    #[serde(skip)]
    outlet_lines_cfg: storyline_core::clean::OutletLinesConfig,
    aliases: AliasRegistry,
    dedup: DedupIndex,
    clusterer: Clusterer,
    assigned: HashMap<String, (u32, u32)>,
    /// Articles decided since the state was last saved or loaded.
    #[serde(skip)]
    unsaved: usize,
}

impl Streamer {
    /// Empty online state (a new store).
    pub fn new(cfg: &PipelineConfig) -> Self {
        Streamer {
            outlet_lines: OutletLines::new(),
            outlet_lines_cfg: windowed_outlet_lines(cfg),
            aliases: AliasRegistry::new(&cfg.analyze).with_window(cfg.cluster.active_days),
            dedup: DedupIndex::new(&cfg.dedup),
            clusterer: Clusterer::new(cfg.cluster.clone()),
            assigned: HashMap::new(),
            unsaved: 0,
        }
    }

    /// Articles decided since the state was last saved or loaded.
    pub fn unsaved(&self) -> usize {
        self.unsaved
    }

    /// Encoded size in bytes of each part of the state (outlet lines,
    /// aliases, duplicates, clusterer, decisions): where a store's memory
    /// goes, for diagnostics (one walk over the state, no allocation).
    pub fn part_sizes(&self) -> Vec<(&'static str, u64)> {
        vec![
            ("outlet lines", encoded_size(&self.outlet_lines)),
            ("aliases", encoded_size(&self.aliases)),
            ("duplicates", encoded_size(&self.dedup)),
            ("clusterer", encoded_size(&self.clusterer)),
            ("decisions", encoded_size(&self.assigned)),
        ]
    }

    /// Events and stories memory holds now (active events; quiet stories).
    pub fn held(&self) -> (usize, usize) {
        (self.clusterer.active_event_count(), self.clusterer.quiet_story_count())
    }

    fn meta(article: &Article) -> DocMeta<'_> {
        DocMeta {
            published: article.best_date(),
            outlet: article.outlet.as_deref(),
            wire_credits: &article.wire_credits,
        }
    }

    /// Folds the article's entity names into the aliases seen so far (so
    /// variants across articles share one canonical), completes its
    /// features with those names, then decides duplicate, event and story.
    pub fn decide(&mut self, p: &mut Processed) -> Decision {
        self.fold_names(p);
        let p = &*p;
        let article = &p.prepared.article;
        let duplicate = self.dedup.observe(&article.id, &p.signature, &Self::meta(article));
        let (event, story) = match duplicate.as_ref().and_then(|d| self.assigned.get(&d.original)) {
            Some(&known) => known,
            None => {
                let Assignment { event, story, .. } = self.clusterer.assign(&p.features);
                (event, story)
            }
        };
        self.assigned.insert(article.id.clone(), (event, story));
        self.forget_old_articles();
        self.unsaved += 1;
        Decision { duplicate, event, story }
    }

    /// Articles that left the duplicate window can no longer be anyone's
    /// original: their decisions leave memory too.
    fn forget_old_articles(&mut self) {
        for id in self.dedup.take_forgotten() {
            self.assigned.remove(&id);
        }
    }

    /// Folds the article's entity names into the aliases seen so far and
    /// completes its features with them (before any decision).
    fn fold_names(&mut self, p: &mut Processed) {
        self.aliases.fold_article(&p.prepared.article, &mut p.prepared.analysis);
        p.features.add_entity_names(&p.prepared.analysis);
    }

    /// [`Streamer::decide`], except that a word-for-word copy of an article
    /// older than the window (which memory no longer holds) is found in
    /// `store` and takes its original's event and story: what the embedded
    /// ingest and the distributed assigner both call.
    pub fn decide_with_store(
        &mut self,
        store: &dyn Store,
        p: &mut Processed,
    ) -> Result<Decision, storyline_store::StoreError> {
        match archived_original(store, self, p)? {
            Some((original, event, story)) => Ok(self.decide_archived_copy(p, &original, event, story)),
            None => Ok(self.decide(p)),
        }
    }

    /// Whether the store must be asked for an article with the same text:
    /// one older than the window, which memory no longer holds.
    pub fn may_copy_the_archive(&self, sig: &Signature) -> bool {
        self.dedup.windowed() && !self.dedup.knows_text(sig)
    }

    /// Decides an article whose exact text the store holds as `original`
    /// (found through the store's content index, older than the window): a
    /// copy of it, in its event and story, remembered so that later copies
    /// in the window find it.
    fn decide_archived_copy(&mut self, p: &mut Processed, original: &str, event: u32, story: u32) -> Decision {
        self.fold_names(p);
        let article = &p.prepared.article;
        let copy = DuplicateMatch {
            original: original.to_string(),
            kind: dedup::DuplicateKind::Exact,
            score: 1.0,
            syndicated: dedup::is_wire_credited(&article.wire_credits),
        };
        self.dedup.restore(&article.id, &p.signature, &Self::meta(article), Some(&copy));
        self.assigned.insert(article.id.clone(), (event, story));
        self.forget_old_articles();
        self.unsaved += 1;
        Decision { duplicate: Some(copy), event, story }
    }

    /// Learns each outlet's furniture from raw articles about to be
    /// processed (together with everything restored before): lines an
    /// outlet repeats across different articles. Call before
    /// [`process_all`], so a batch's own pages teach each other.
    pub fn learn_outlets(&mut self, raws: &[RawArticle]) {
        self.outlet_lines.forget_quiet(&self.outlet_lines_cfg);
        self.outlet_lines.observe_all(raws, &self.outlet_lines_cfg);
    }

    /// What has been learned of the outlets' furniture.
    pub fn outlet_lines(&self) -> &OutletLines {
        &self.outlet_lines
    }

    /// Re-adds a stored article with its stored decision.
    pub fn restore(
        &mut self,
        article: &Article,
        analysis: &Analysis,
        features: &DocFeatures,
        signature: &Signature,
        d: &Decision,
    ) {
        self.outlet_lines.observe(
            article.outlet.as_deref(),
            &article.raw_text,
            article.published,
            &self.outlet_lines_cfg,
        );
        // Stored analyses are folded already; folding a copy again teaches
        // the registry their names.
        self.aliases.fold_article(article, &mut analysis.clone());
        self.dedup.restore(&article.id, signature, &Self::meta(article), d.duplicate.as_ref());
        if d.duplicate.is_none() {
            self.clusterer.restore(features, d.event, d.story);
        }
        self.assigned.insert(article.id.clone(), (d.event, d.story));
        self.forget_old_articles();
    }
}

/// The stored original an article copies word for word when that original
/// is older than the online window (asked only then: one indexed lookup).
fn archived_original(
    store: &dyn Store,
    streamer: &Streamer,
    p: &Processed,
) -> Result<Option<(String, u32, u32)>, storyline_store::StoreError> {
    if !streamer.may_copy_the_archive(&p.signature) {
        return Ok(None);
    }
    store.original_with_content(&format!("{:032x}", p.signature.exact))
}

/// Bumped whenever the saved state's layout or meaning changes: a state
/// saved by another version is not read (the archive is replayed instead).
const ONLINE_STATE_VERSION: u32 = 3;

/// Bytes `part` takes in the saved state's encoding.
fn encoded_size<T: Serialize>(part: &T) -> u64 {
    state_codec().serialized_size(part).unwrap_or(0)
}

/// The saved state's encoding (bincode, variable-length integers).
fn state_codec() -> impl Options {
    bincode::DefaultOptions::new()
}

/// What a saved state was made under: another configuration (a retrained
/// model, another window) decides differently, so its state is not reused.
fn config_fingerprint(cfg: &PipelineConfig) -> u64 {
    xxhash_rust::xxh3::xxh3_64(format!("{cfg:?}").as_bytes())
}

/// Saves the streamer's state in the store, as of the articles it holds
/// now, so the next [`load_streamer`] starts from it instead of replaying
/// the archive. Hold the writer lock, as for ingesting.
pub fn save_streamer(
    store: &mut dyn Store,
    streamer: &mut Streamer,
    cfg: &PipelineConfig,
) -> Result<(), storyline_store::StoreError> {
    let articles = store.article_count()?;
    let state = (ONLINE_STATE_VERSION, config_fingerprint(cfg), &*streamer);
    // Serialised straight into the store, not into bytes first: the state
    // of a busy store is hundreds of MB (see `Store::save_online_state_from`).
    // Sizing it first is one walk over the state without allocating.
    let len = state_codec().serialized_size(&state).expect("the online state serialises");
    store.save_online_state_from(articles, len, &mut |out| {
        state_codec().serialize_into(out, &state).map_err(|e| codec_io_error(*e))
    })?;
    streamer.unsaved = 0;
    Ok(())
}

/// A codec failure as the I/O error a store's reader or writer reports.
fn codec_io_error(e: bincode::ErrorKind) -> std::io::Error {
    match e {
        bincode::ErrorKind::Io(e) => e,
        other => std::io::Error::new(std::io::ErrorKind::InvalidData, other),
    }
}

/// How many decided articles a long-running writer (`watch`, `serve`, the
/// distributed assigner) lets pass between saves of its state.
pub const SAVE_STATE_EVERY: usize = 1000;

/// [`save_streamer`] once at least `every` articles were decided since the
/// last save (a long-running writer saves now and then, not per request).
pub fn save_streamer_every(
    store: &mut dyn Store,
    streamer: &mut Streamer,
    cfg: &PipelineConfig,
    every: usize,
) -> Result<(), storyline_store::StoreError> {
    if streamer.unsaved >= every.max(1) {
        save_streamer(store, streamer, cfg)?;
    }
    Ok(())
}

/// The saved state, when it was saved after exactly the articles the store
/// holds now, by this version, under this configuration.
fn saved_streamer(store: &dyn Store, cfg: &PipelineConfig) -> Result<Option<Streamer>, storyline_store::StoreError> {
    let count = store.article_count()?;
    let header = (ONLINE_STATE_VERSION, config_fingerprint(cfg));
    let mut loaded = None;
    // Read from the store as a stream (`Store::read_online_state`): the
    // state is decoded without its bytes being held whole beside it. The
    // bytes are the tuple (version, fingerprint, state), read field by field.
    store.read_online_state(&mut |articles, len, input| {
        if articles != count {
            return Ok(());
        }
        if state_codec().with_limit(len).deserialize_from::<_, (u32, u64)>(&mut *input).ok() != Some(header) {
            return Ok(());
        }
        loaded = state_codec().with_limit(len).deserialize_from::<_, Streamer>(&mut *input).ok();
        Ok(())
    })?;
    let Some(streamer) = loaded else { return Ok(None) };
    Ok(Some(Streamer {
        outlet_lines_cfg: windowed_outlet_lines(cfg),
        aliases: streamer.aliases.with_window(cfg.cluster.active_days),
        dedup: streamer.dedup.with_config(&cfg.dedup),
        clusterer: streamer.clusterer.with_config(cfg.cluster.clone()),
        ..streamer
    }))
}

/// The online state of a store: the one saved with [`save_streamer`] when
/// it is current, else rebuilt by replaying every stored article.
pub fn load_streamer(store: &dyn Store, cfg: &PipelineConfig) -> Result<Streamer, storyline_store::StoreError> {
    if let Some(saved) = saved_streamer(store, cfg)? {
        return Ok(saved);
    }
    let mut streamer = Streamer::new(cfg);
    store.for_each_article(&mut |s| {
        let d = Decision { duplicate: s.duplicate.clone(), event: s.event, story: s.story };
        streamer.restore(&s.article, &s.analysis, &s.features, &s.signature, &d);
    })?;
    // As a saved state would have it at the start of the next batch.
    streamer.outlet_lines.forget_quiet(&streamer.outlet_lines_cfg);
    Ok(streamer)
}

pub use storyline_core::labels::{event_label, story_label};

/// What happened to one input article.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Stored now.
    New,
    /// Already stored (same id, or same text, outlet and URL); `existing`
    /// names the stored id, and event/story are the stored assignment.
    AlreadyStored,
}

/// One line of the ingest result (the CLI's `ingest --json` line).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    /// The input article's id.
    pub id: String,
    /// Stored now, or already stored.
    pub status: Status,
    /// The stored article this one is (for `already_stored`).
    pub existing: Option<String>,
    /// Its event label (`e12`), for new articles.
    pub event: Option<String>,
    /// Its story label (`s3`).
    pub story: Option<String>,
    /// The id of the earlier article it copies, if any.
    pub duplicate_of: Option<String>,
    /// How it copies it (`exact`, `near`, `excerpt`, `extended`).
    pub duplicate_kind: Option<&'static str>,
}

/// The result of one ingest call.
#[derive(Debug, Default)]
pub struct IngestReport {
    /// One outcome per processed input article, in input order.
    pub outcomes: Vec<Outcome>,
    /// Articles stored by this call.
    pub new: usize,
    /// Of those, copies of earlier articles.
    pub duplicates: usize,
    /// Inputs already stored.
    pub already: usize,
    /// Inputs whose processing failed.
    pub failed: Vec<Failed>,
}

/// Ingests `raws` into `store` (and `index`, when given): the library form
/// of `storyline ingest`. `streamer` must hold the state of everything in
/// the store (see [`load_streamer`]); it is advanced by this call.
pub fn ingest(
    store: &mut dyn Store,
    index: Option<&SearchIndex>,
    streamer: &mut Streamer,
    raws: &[RawArticle],
    cfg: &PipelineConfig,
) -> Result<IngestReport, PipelineError> {
    ingest_with_progress(store, index, streamer, raws, cfg, &mut |_, _| {})
}

/// [`ingest`], calling `progress(done, total)` after each article of the
/// ordered step (the CLI draws its progress bar from it).
pub fn ingest_with_progress(
    store: &mut dyn Store,
    index: Option<&SearchIndex>,
    streamer: &mut Streamer,
    raws: &[RawArticle],
    cfg: &PipelineConfig,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<IngestReport, PipelineError> {
    let mut report = IngestReport::default();
    streamer.learn_outlets(raws);
    // The ordered step borrows the streamer mutably while the workers read
    // the outlets' furniture: lent out for the call (not cloned: it grows
    // with the store), put back before returning.
    let outlet_lines = std::mem::take(&mut streamer.outlet_lines);
    // One index session for the call: the index commits a few times, not
    // once per store batch (see `SearchIndex::session`).
    let mut session = index.map(SearchIndex::session).transpose()?;
    let mut batch: Vec<StoredArticle> = Vec::with_capacity(BATCH_ARTICLES.min(raws.len()));
    let mut results: Vec<(usize, Outcome)> = Vec::with_capacity(raws.len());
    let flush = |store: &mut dyn Store,
                 session: &mut Option<IndexSession>,
                 batch: &mut Vec<StoredArticle>|
     -> Result<(), PipelineError> {
        store.insert_batch(batch)?;
        if let Some(session) = session {
            session.add(batch)?;
        }
        batch.clear();
        Ok(())
    };
    let total = raws.len();
    let mut done = 0;
    let mut failed = Vec::new();
    // Id and identity hash -> (the first article's id, its story), for
    // every article this call decided.
    let mut in_call: HashMap<String, (String, u32)> = HashMap::new();
    let visited = for_each_in_arrival_order(
        raws,
        cfg,
        &outlet_lines,
        &mut failed,
        |p| p,
        |i, mut p| -> Result<(), PipelineError> {
            progress(done, total);
            done += 1;
            let a = &p.prepared.article;
            let identity = identity_hash(a);
            // Earlier in this call (not yet committed, so the store cannot
            // answer): the same id or the same text, outlet and URL is the
            // same article, reported as such instead of dropped silently by
            // the store's uniqueness constraint.
            if let Some((first, story)) = in_call.get(&a.id).or_else(|| in_call.get(&identity)) {
                report.already += 1;
                results.push((
                    i,
                    Outcome {
                        id: a.id.clone(),
                        status: Status::AlreadyStored,
                        existing: Some(first.clone()),
                        event: None,
                        story: Some(story_label(*story)),
                        duplicate_of: None,
                        duplicate_kind: None,
                    },
                ));
                return Ok(());
            }
            if let Some(existing) = store.find_existing(&a.id, &identity)? {
                report.already += 1;
                let story = store.story_of_article(&existing)?;
                results.push((
                    i,
                    Outcome {
                        id: a.id.clone(),
                        status: Status::AlreadyStored,
                        existing: Some(existing),
                        event: None,
                        story: story.map(story_label),
                        duplicate_of: None,
                        duplicate_kind: None,
                    },
                ));
                return Ok(());
            }
            let d = streamer.decide_with_store(&*store, &mut p)?;
            let id = p.prepared.article.id.clone();
            in_call.insert(identity, (id.clone(), d.story));
            in_call.insert(id.clone(), (id, d.story));
            report.new += 1;
            report.duplicates += d.duplicate.is_some() as usize;
            results.push((
                i,
                Outcome {
                    id: p.prepared.article.id.clone(),
                    status: Status::New,
                    existing: None,
                    event: Some(event_label(d.event)),
                    story: Some(story_label(d.story)),
                    duplicate_of: d.duplicate.as_ref().map(|m| m.original.clone()),
                    duplicate_kind: d.duplicate.as_ref().map(|m| m.kind.as_str()),
                },
            ));
            let Processed { prepared, features, signature } = p;
            batch.push(StoredArticle {
                article: prepared.article,
                analysis: prepared.analysis,
                features,
                signature,
                duplicate: d.duplicate,
                event: d.event,
                story: d.story,
            });
            if batch.len() >= BATCH_ARTICLES {
                flush(store, &mut session, &mut batch)?;
            }
            Ok(())
        },
    );
    streamer.outlet_lines = outlet_lines;
    visited?;
    flush(store, &mut session, &mut batch)?;
    if let Some(session) = session {
        session.commit()?;
    }
    report.failed = failed;
    results.sort_by_key(|r| r.0);
    report.outcomes = results.into_iter().map(|r| r.1).collect();
    Ok(report)
}

/// Parses a request body in the CONTRACT input form: one JSON article
/// object (pretty-printed or not), a JSON array of them, or JSONL. Returns
/// the articles and a message per skipped record.
pub fn parse_articles(body: &[u8], max_record_bytes: u64) -> (Vec<RawArticle>, Vec<Failed>) {
    // A whole-body JSON value (one object or one array, possibly spread
    // over lines) is re-encoded on one line; anything else is JSONL.
    let one_line;
    let input: &[u8] = match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(v @ (serde_json::Value::Object(_) | serde_json::Value::Array(_))) => {
            one_line = serde_json::to_vec(&v).expect("a parsed value re-encodes");
            &one_line
        }
        _ => body,
    };
    let cfg = ReaderConfig { max_file_bytes: max_record_bytes, max_record_bytes, ..Default::default() };
    let origin = Origin { path: "<request>".into(), line: None };
    let mut articles = Vec::new();
    let mut skipped = Vec::new();
    let mut seen = std::collections::HashSet::new();
    Format::Jsonl.reader().read(&mut Cursor::new(input), &origin, "", &cfg, &mut |event| match event {
        ReadEvent::Article(a) => {
            if seen.insert(a.id.clone()) {
                articles.push(a);
            } else {
                skipped.push(Failed {
                    origin: a.origin.to_string(),
                    reason: format!("id {:?} appears twice in this request", a.id),
                });
            }
        }
        ReadEvent::Skipped(s) => skipped.push(Failed { origin: s.origin.to_string(), reason: s.reason.to_string() }),
        ReadEvent::Notice(_) => {}
    });
    (articles, skipped)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(id: &str, outlet: &str, lead: &str) -> RawArticle {
        RawArticle {
            id: id.into(),
            source: Some(outlet.into()),
            date: Some("2025-03-0".to_string() + &id[1..]),
            text: format!(
                "{lead} Officials gave details of the plan at a briefing on Monday and said more would follow.\n\n\
                 A second paragraph about {lead} with numbers and names that differ from one article to the next.\n\n\
                 Become a Ledger member and keep local reporting alive in Karsund."
            ),
            ..Default::default()
        }
    }

    #[test]
    fn outlet_furniture_is_learned_from_the_store_across_ingests() {
        let cfg = PipelineConfig::default();
        let plea = "Become a Ledger member and keep local reporting alive in Karsund.";
        let mut store = storyline_store::SqliteStore::open_in_memory().unwrap();
        let mut streamer = load_streamer(&store, &cfg).unwrap();
        let first =
            [page("a1", "Karsund Ledger", "Cod quotas fell."), page("a2", "Karsund Ledger", "Rail workers struck.")];
        ingest(&mut store, None, &mut streamer, &first, &cfg).unwrap();
        // Two articles are not yet a habit: the plea is still in their text.
        let mut texts = HashMap::new();
        store.for_each_article(&mut |s| drop(texts.insert(s.article.id.clone(), s.article.text.clone()))).unwrap();
        assert!(texts["a1"].contains(plea) && texts["a2"].contains(plea));

        // A later ingest, with the online state rebuilt from the store only.
        let mut streamer = load_streamer(&store, &cfg).unwrap();
        let later = [
            page("a3", "Karsund Ledger", "The library reopened."),
            page("a4", "Velmora Post", "The library reopened."),
        ];
        ingest(&mut store, None, &mut streamer, &later, &cfg).unwrap();
        let mut stored = HashMap::new();
        store.for_each_article(&mut |s| drop(stored.insert(s.article.id.clone(), s.article))).unwrap();
        let a3 = &stored["a3"];
        assert!(!a3.text.contains(plea), "{}", a3.text);
        assert!(a3
            .removed
            .iter()
            .any(|r| r.text == plea && r.reason == storyline_core::RemovalReason::OutletBoilerplate));
        assert!(a3.text.contains("Officials gave details"), "the story itself stays: {}", a3.text);
        assert!(stored["a4"].text.contains(plea), "another outlet never printed it before");
    }

    /// Eight events over eight months, five reports each (one an exact
    /// copy), so the default window lets events go quiet along the way.
    #[test]
    fn outlet_lines_unseen_for_the_window_leave_the_state_saved_or_replayed() {
        let cfg = PipelineConfig::default();
        let dated = |id: &str, outlet: &str, lead: &str, date: &str| RawArticle {
            date: Some(date.into()),
            ..page(id, outlet, lead)
        };
        let mut store = storyline_store::SqliteStore::open_in_memory().unwrap();
        let mut streamer = load_streamer(&store, &cfg).unwrap();
        let early = [
            dated("a1", "Karsund Ledger", "Cod quotas fell.", "2024-01-02"),
            dated("a2", "Karsund Ledger", "Rail workers struck.", "2024-01-03"),
        ];
        ingest(&mut store, None, &mut streamer, &early, &cfg).unwrap();
        assert!(streamer.outlet_lines().line_count() > 0);
        // More than a year (`active_days`) later, only another outlet writes.
        let late = [
            dated("b1", "Velmora Post", "The library reopened.", "2025-06-02"),
            dated("b2", "Velmora Post", "A ferry was delayed.", "2025-06-03"),
        ];
        ingest(&mut store, None, &mut streamer, &late, &cfg).unwrap();
        save_streamer(&mut store, &mut streamer, &cfg).unwrap();
        let mut saved = load_streamer(&store, &cfg).unwrap();
        let mut replay_store = storyline_store::SqliteStore::open_in_memory().unwrap();
        let mut replay = load_streamer(&replay_store, &cfg).unwrap();
        ingest(&mut replay_store, None, &mut replay, &early, &cfg).unwrap();
        ingest(&mut replay_store, None, &mut replay, &late, &cfg).unwrap();
        let mut replayed = load_streamer(&replay_store, &cfg).unwrap();
        // The next batch starts without the Ledger's quiet lines, whether
        // the state was saved or rebuilt from the store.
        let next = [dated("c1", "Velmora Post", "Rain.", "2025-06-04")];
        saved.learn_outlets(&next);
        replayed.learn_outlets(&next);
        let velmora_only = saved.outlet_lines().line_count();
        assert!(velmora_only > 0);
        assert_eq!(replayed.outlet_lines().line_count(), velmora_only);
        let mut fresh = Streamer::new(&cfg);
        fresh.learn_outlets(&late);
        fresh.learn_outlets(&next);
        assert_eq!(velmora_only, fresh.outlet_lines().line_count(), "only the Velmora Post's lines are left");
    }

    fn months_of_news() -> Vec<RawArticle> {
        let events = [
            ("Velm river floods Karsund", "The Velm river flooded Karsund, forcing 300 families from their homes as Mayor Ilse Brandt opened shelters"),
            ("Dockers strike in Port Anvers", "Dockers in Port Anvers walked out over pay, halting container traffic as the union leader Marc Delorme called for talks"),
            ("Wildfire near Solano ridge", "A wildfire near Solano ridge burned 2,000 hectares and firefighters under chief Rosa Ibarra evacuated two villages"),
            ("Tallin Bank chief resigns", "Tallin Bank chief executive Jaak Saar resigned after auditors found losses of 40 million euros in the bond unit"),
            ("Orbis satellite launched", "The Orbis weather satellite lifted off from Kourou on an Ariane rocket, the agency director Lena Vos said"),
            ("Cholera outbreak in Mandera", "Health officials confirmed 85 cholera cases in Mandera county, and minister Amina Yusuf sent mobile clinics"),
            ("Ferry sinks off Lesvik", "A ferry sank off Lesvik island with 120 passengers aboard; coast guard captain Nils Berg said 112 were rescued"),
            ("Vintners fight frost in Arlo valley", "Frost destroyed a third of the grapes in the Arlo valley, and the growers' association head Paolo Conti asked for aid"),
        ];
        let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 10).unwrap();
        let mut out = Vec::new();
        for (k, (title, lead)) in events.iter().enumerate() {
            for r in 0..5 {
                let day = start + chrono::Days::new(30 * k as u64 + (r % 3) as u64);
                let text = if r == 4 {
                    out.last().map(|a: &RawArticle| a.text.clone()).unwrap()
                } else {
                    format!(
                        "{lead}, according to report {r}. Witnesses described the scene on day {r} and officials promised \
                         an update. {lead}.\n\nThe second paragraph of report {r} adds local detail number {} for readers.",
                        100 * k + r
                    )
                };
                out.push(RawArticle {
                    id: format!("e{k}r{r}"),
                    title: Some(format!("{title} ({r})")),
                    source: Some(format!("Outlet {r}")),
                    date: Some(day.to_string()),
                    text,
                    ..Default::default()
                });
            }
        }
        out
    }

    fn labels(report: &IngestReport) -> Vec<(String, Option<String>, Option<String>, Option<String>)> {
        report
            .outcomes
            .iter()
            .map(|o| (o.id.clone(), o.event.clone(), o.story.clone(), o.duplicate_of.clone()))
            .collect()
    }

    /// The state saved after one ingest and read back by the next decides
    /// exactly as one process that kept it in memory, and as a replay of
    /// the store when no current state was saved.
    #[test]
    fn a_saved_state_decides_like_the_process_that_saved_it_and_like_a_replay() {
        // A 90-day window, so that these months of news send events quiet
        // (by default events stay a year).
        let cfg = PipelineConfig::default().with_window_days(Some(90));
        let news = months_of_news();
        let (first, later) = news.split_at(20);
        let mut kept_store = storyline_store::SqliteStore::open_in_memory().unwrap();
        let mut kept = load_streamer(&kept_store, &cfg).unwrap();
        ingest(&mut kept_store, None, &mut kept, first, &cfg).unwrap();
        let in_memory = labels(&ingest(&mut kept_store, None, &mut kept, later, &cfg).unwrap());
        let (active, quiet) = kept.held();
        assert!(
            active < 8 && quiet > 0,
            "the window lets early events go quiet: {active} active, {quiet} quiet stories"
        );
        assert!(in_memory.iter().any(|l| l.3.is_some()), "the copies are found");

        let mut saved_store = storyline_store::SqliteStore::open_in_memory().unwrap();
        let mut streamer = load_streamer(&saved_store, &cfg).unwrap();
        ingest(&mut saved_store, None, &mut streamer, first, &cfg).unwrap();
        save_streamer(&mut saved_store, &mut streamer, &cfg).unwrap();
        assert_eq!(saved_store.online_state().unwrap().unwrap().0, 20);
        let mut loaded = saved_streamer(&saved_store, &cfg).unwrap().expect("the saved state is current");
        assert_eq!(loaded.held(), streamer.held());
        assert_eq!(labels(&ingest(&mut saved_store, None, &mut loaded, later, &cfg).unwrap()), in_memory);

        let mut replay_store = storyline_store::SqliteStore::open_in_memory().unwrap();
        let mut streamer = load_streamer(&replay_store, &cfg).unwrap();
        ingest(&mut replay_store, None, &mut streamer, first, &cfg).unwrap();
        save_streamer(&mut replay_store, &mut streamer, &cfg).unwrap();
        // Stored after the save (another writer, a crash before saving):
        // the saved state is stale and the store is replayed.
        ingest(&mut replay_store, None, &mut streamer, &later[..1], &cfg).unwrap();
        assert!(saved_streamer(&replay_store, &cfg).unwrap().is_none(), "a stale state must not be used");
        let mut replayed = load_streamer(&replay_store, &cfg).unwrap();
        let rest = labels(&ingest(&mut replay_store, None, &mut replayed, &later[1..], &cfg).unwrap());
        assert_eq!(rest, in_memory[1..]);

        // Another configuration decides differently: its state is not read.
        let other = PipelineConfig {
            cluster: storyline_core::cluster::ClusterConfig { active_days: Some(30), ..cfg.cluster.clone() },
            ..cfg.clone()
        };
        assert!(saved_streamer(&saved_store, &other).unwrap().is_none());
    }

    /// The state is written into the store and read back as a stream, in
    /// the same bytes as a state saved whole (by the version before), so
    /// either is read by the other.
    #[test]
    fn a_state_saved_whole_is_read_as_a_stream_and_the_streamed_save_writes_the_same_bytes() {
        let cfg = PipelineConfig::default();
        let news = months_of_news();
        let mut store = storyline_store::SqliteStore::open_in_memory().unwrap();
        let mut streamer = load_streamer(&store, &cfg).unwrap();
        ingest(&mut store, None, &mut streamer, &news[..20], &cfg).unwrap();
        let whole = state_codec().serialize(&(ONLINE_STATE_VERSION, config_fingerprint(&cfg), &streamer)).unwrap();
        store.save_online_state(20, &whole).unwrap();
        let loaded = saved_streamer(&store, &cfg).unwrap().expect("a state saved whole is read");
        assert_eq!(loaded.held(), streamer.held());
        save_streamer(&mut store, &mut streamer, &cfg).unwrap();
        assert_eq!(store.online_state().unwrap(), Some((20, whole)));
        assert_eq!(saved_streamer(&store, &cfg).unwrap().expect("and the streamed one").held(), streamer.held());
    }

    /// A word-for-word copy of an article that left the window (and the
    /// dedup index's memory) is still found, through the store's content
    /// index, and takes its original's event and story.
    #[test]
    fn a_copy_of_an_article_older_than_the_window_is_found_in_the_store() {
        let cfg = PipelineConfig::default().with_window_days(Some(30));
        let mut store = storyline_store::SqliteStore::open_in_memory().unwrap();
        let mut streamer = load_streamer(&store, &cfg).unwrap();
        let original = RawArticle {
            id: "orig".into(),
            date: Some("2024-01-02".into()),
            source: Some("Karsund Ledger".into()),
            text: "The Velm river flooded Karsund on Tuesday, forcing 300 families from their homes as Mayor Ilse \
                   Brandt opened three shelters and asked the army for boats."
                .into(),
            ..Default::default()
        };
        let first = ingest(&mut store, None, &mut streamer, std::slice::from_ref(&original), &cfg).unwrap();
        // Five months of other news, enough for the index to rebuild
        // itself without the original.
        let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 3).unwrap();
        let other: Vec<RawArticle> = (0..1500)
            .map(|k| RawArticle {
                id: format!("n{k}"),
                date: Some((start + chrono::Days::new(k / 10)).to_string()),
                text: format!(
                    "Report number {k} of the council: item {} passed, item {} failed, and {} residents attended.",
                    k * 7,
                    k * 13,
                    k * 3
                ),
                ..Default::default()
            })
            .collect();
        ingest(&mut store, None, &mut streamer, &other, &cfg).unwrap();
        let copy = RawArticle {
            id: "copy".into(),
            date: Some("2024-06-10".into()),
            source: Some("Velmora Post".into()),
            ..original.clone()
        };
        let probe = process_all(std::slice::from_ref(&copy), &cfg, streamer.outlet_lines(), &mut Vec::new());
        assert!(streamer.may_copy_the_archive(&probe[0].signature), "the original should have left memory");
        let report = ingest(&mut store, None, &mut streamer, std::slice::from_ref(&copy), &cfg).unwrap();
        let (o, f) = (&report.outcomes[0], &first.outcomes[0]);
        assert_eq!(o.duplicate_of.as_deref(), Some("orig"));
        assert_eq!((&o.event, &o.story), (&f.event, &f.story));
    }

    #[test]
    fn bodies_in_every_contract_form() {
        let (a, s) = parse_articles(br#"{"id": "x", "text": "Hello there."}"#, 1 << 20);
        assert_eq!((a.len(), s.len()), (1, 0));
        let (a, _) = parse_articles(b"{\n  \"id\": \"x\",\n  \"text\": \"Hi.\"\n}\n", 1 << 20);
        assert_eq!(a[0].id, "x");
        let (a, s) =
            parse_articles(b"{\"id\":\"a\",\"text\":\"A.\"}\n{\"id\":\"b\",\"text\":\"B.\"}\nnot json\n", 1 << 20);
        assert_eq!((a.len(), s.len()), (2, 1));
        let (a, _) = parse_articles(br#"[{"id":"a","text":"A."},{"id":"b","text":"B."}]"#, 1 << 20);
        assert_eq!(a.len(), 2);
        let (a, s) = parse_articles(br#"{"text": "no id"}"#, 1 << 20);
        assert_eq!((a.len(), s.len()), (0, 1));
    }

    #[test]
    fn the_same_article_twice_in_one_call_is_reported_as_the_first_and_counted_as_stored() {
        let cfg = PipelineConfig::default();
        let mut store = storyline_store::SqliteStore::open_in_memory().unwrap();
        let mut streamer = load_streamer(&store, &cfg).unwrap();
        let one = page("a1", "Karsund Ledger", "Cod quotas fell.");
        // Another id, the same text, outlet and URL: the same article.
        let again = RawArticle { id: "b7".into(), ..one.clone() };
        // The same id again, other text: the id is taken.
        let same_id = RawArticle { text: "Rail workers struck in the north over pay and hours.".into(), ..one.clone() };
        let report = ingest(&mut store, None, &mut streamer, &[one, again, same_id], &cfg).unwrap();
        assert_eq!(report.new, 1);
        assert_eq!(report.already, 2);
        assert_eq!(report.new as u64, store.article_count().unwrap(), "every count printed is what the store holds");
        let b7 = report.outcomes.iter().find(|o| o.id == "b7").unwrap();
        assert_eq!(b7.status, Status::AlreadyStored);
        assert_eq!(b7.existing.as_deref(), Some("a1"));
        assert!(b7.story.is_some(), "the first article's story");
    }
}
