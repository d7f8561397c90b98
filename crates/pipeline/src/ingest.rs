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
//! before; [`load_streamer`] rebuilds it from a store.

use std::collections::HashMap;
use std::io::Cursor;

use serde::Serialize;
use storyline_core::analyze::AliasRegistry;
use storyline_core::clean::OutletLines;
use storyline_core::cluster::{self, Assignment, Clusterer, DocFeatures};
use storyline_core::dedup::{self, DedupIndex, DocMeta, DuplicateMatch, Signature};
use storyline_core::{prepare_with, Analysis, Article, Origin, PipelineConfig, Prepared, RawArticle};
use storyline_ingest::{Format, ReadEvent, ReaderConfig};
use storyline_store::search::IndexSession;
use storyline_store::{identity_hash, SearchIndex, Store, StoredArticle};

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
fn process_one(raw: &RawArticle, cfg: &PipelineConfig, outlet_lines: &OutletLines) -> Processed {
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

/// `f` over `raws[i]` for every `i` of `indices` on all cores (threads
/// take small blocks in turn, so an uneven block costs little); results in
/// the order of `indices`; a panic of `f` becomes that article's `Failed`.
fn map_indexed<T: Send>(
    raws: &[RawArticle],
    indices: &[usize],
    f: &(impl Fn(&RawArticle) -> T + Sync),
) -> Vec<Result<T, Failed>> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    const BLOCK: usize = 8;
    let one = |raw: &RawArticle| -> Result<T, Failed> {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(raw))).map_err(|_| Failed {
            origin: raw.origin.to_string(),
            reason: "internal error while processing this article (please report it)".into(),
        })
    };
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    if threads == 1 || indices.len() < PARALLEL_MIN_ARTICLES {
        return indices.iter().map(|&i| one(&raws[i])).collect();
    }
    let next = AtomicUsize::new(0);
    let mut parts: Vec<(usize, Vec<Result<T, Failed>>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let start = next.fetch_add(BLOCK, Ordering::Relaxed);
                        if start >= indices.len() {
                            return done;
                        }
                        let end = (start + BLOCK).min(indices.len());
                        done.push((start, indices[start..end].iter().map(|&i| one(&raws[i])).collect()));
                    }
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap_or_default()).collect()
    });
    parts.sort_unstable_by_key(|p| p.0);
    parts.into_iter().flat_map(|p| p.1).collect()
}

/// `f` over every article on all cores, in input order; an article whose
/// `f` panics goes to `failed` instead.
fn map_articles<T: Send>(raws: &[RawArticle], failed: &mut Vec<Failed>, f: impl Fn(&RawArticle) -> T + Sync) -> Vec<T> {
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

/// Dedup then clustering, one article at a time. A copy takes its
/// original's event and story and does not weigh on the centroids twice.
pub struct Streamer {
    outlet_lines: OutletLines,
    outlet_lines_cfg: storyline_core::clean::OutletLinesConfig,
    aliases: AliasRegistry,
    dedup: DedupIndex,
    clusterer: Clusterer,
    assigned: HashMap<String, (u32, u32)>,
}

impl Streamer {
    /// Empty online state (a new store).
    pub fn new(cfg: &PipelineConfig) -> Self {
        Streamer {
            outlet_lines: OutletLines::new(),
            outlet_lines_cfg: cfg.clean.outlet_lines,
            aliases: AliasRegistry::new(&cfg.analyze),
            dedup: DedupIndex::new(&cfg.dedup),
            clusterer: Clusterer::new(cfg.cluster.clone()),
            assigned: HashMap::new(),
        }
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
        self.aliases.fold_article(&p.prepared.article, &mut p.prepared.analysis);
        p.features.add_entity_names(&p.prepared.analysis);
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
        Decision { duplicate, event, story }
    }

    /// Learns each outlet's furniture from raw articles about to be
    /// processed (together with everything restored before): lines an
    /// outlet repeats across different articles. Call before
    /// [`process_all`], so a batch's own pages teach each other.
    pub fn learn_outlets(&mut self, raws: &[RawArticle]) {
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
        self.outlet_lines.observe(article.outlet.as_deref(), &article.raw_text, &self.outlet_lines_cfg);
        // Stored analyses are folded already; folding a copy again teaches
        // the registry their names.
        self.aliases.fold_article(article, &mut analysis.clone());
        self.dedup.restore(&article.id, signature, &Self::meta(article), d.duplicate.as_ref());
        if d.duplicate.is_none() {
            self.clusterer.restore(features, d.event, d.story);
        }
        self.assigned.insert(article.id.clone(), (d.event, d.story));
    }
}

/// Rebuilds the online state from a store.
pub fn load_streamer(store: &dyn Store, cfg: &PipelineConfig) -> Result<Streamer, storyline_store::StoreError> {
    let mut streamer = Streamer::new(cfg);
    store.for_each_article(&mut |s| {
        let d = Decision { duplicate: s.duplicate.clone(), event: s.event, story: s.story };
        streamer.restore(&s.article, &s.analysis, &s.features, &s.signature, &d);
    })?;
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
                    },
                ));
                return Ok(());
            }
            let d = streamer.decide(&mut p);
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
