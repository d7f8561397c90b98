//! dedup: have I seen this text before, and who published it first?
//!
//! ## How
//!
//! [`signature`] reduces an article's main text (title excluded: copies are
//! often re-titled) to:
//!
//! - an **exact** key: xxh3-128 of the normalised text (NFKC, case-folded,
//!   punctuation and whitespace folded; a paragraph repeated inside the
//!   article counts once, so a page that repeats its body hashes like the
//!   cleaned text);
//! - a **MinHash** of its 5-word shingles (one-permutation hashing with
//!   densification, 120 values) and **LSH band keys** (40 bands of 3 rows),
//!   persisted for stores;
//! - a **sample** of its shingles (1 in 2, chosen by hash, so a shingle is
//!   sampled alike in every article), which the index compares;
//! - **paragraph hashes** (paragraphs of 8 words or more) for partial reuse.
//!
//! [`DedupIndex`] is fed articles in arrival order (publication order where
//! dates are known). It keeps state because "duplicate" means "of something
//! seen before". Exact key first; then an inverted index from samples to
//! the articles that posted them counts, for each earlier **original**, the
//! samples the new article shares with it, and decides:
//!
//! - **near**: Jaccard of the samples >= 0.5 (edits, respelling, a few words);
//! - **excerpt**: >= 0.6 of the new article comes from the original and it
//!   holds >= 0.12 of the original (a teaser down to a fifth, a trimmed
//!   ending, a paragraph of another report inserted);
//! - **extended**: >= 0.7 of the original is in the new article (local
//!   paragraphs added).
//!
//! Samples posted by many articles (stock phrases, an outlet's header and
//! footer) are common and count for nothing. Copies post only what they add
//! to their original, so the count also learns furniture that only copies
//! carry. The original named is the one with the **largest shared part**,
//! measured directly against originals only: a copy mixing two reports
//! names the one it copies most, and an original is never found "through"
//! a copy, so two originals are never merged by a copy that quotes both. A
//! wire credit on the copy or its original sets [`DuplicateMatch::syndicated`].
//! Deterministic: no sampling depends on anything but the text.
//!
//! ## Storage
//!
//! A [`Signature`] of an article with `p` hashed paragraphs and `s`
//! samples takes 16 + 4 + 4 + 120*4 + 40*8 + 12p + 4s = 824 + 12p + 4s
//! bytes (about 1.5 KB for a 300-word article); see
//! [`Signature::size_bytes`]. The store persists it and, to rebuild the
//! index, calls [`DedupIndex::restore`] in arrival order. The index holds
//! per original one posting (8 bytes) and one map slot per sample, per copy
//! only what it adds.
//!
//! ## Example
//!
//! ```
//! use storyline_core::dedup::{signature, DedupConfig, DedupIndex, DocMeta, DuplicateKind};
//! use storyline_core::Article;
//!
//! let cfg = DedupConfig::default();
//! let text = "Defense chiefs of the two allies will meet in Seoul next week to discuss \
//!             the transfer of wartime operational control and extended deterrence.";
//! let a = Article { id: "a".into(), text: text.into(), ..Default::default() };
//! let b = Article { id: "b".into(), text: text.to_uppercase(), ..Default::default() };
//! let mut index = DedupIndex::new(&cfg);
//! assert!(index.observe("a", &signature(&a, &cfg), &DocMeta::default()).is_none());
//! let m = index.observe("b", &signature(&b, &cfg), &DocMeta::default()).unwrap();
//! assert_eq!((m.original.as_str(), m.kind), ("a", DuplicateKind::Exact));
//! assert!(!m.syndicated);
//! ```

mod config;
mod minhash;
mod syndication;
#[cfg(test)]
mod tests;

use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasherDefault, Hasher};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::model::Article;
use crate::window::WindowClock;

pub use config::{DedupConfig, DEFAULT_COPY_WINDOW_DAYS};
pub use syndication::is_wire_credited;

/// Version of the signature layout and hash functions. The store keeps it
/// beside persisted signatures and recomputes them when it changes.
pub const SIGNATURE_VERSION: u32 = 2;

/// Hash of one paragraph of an article.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParagraphHash {
    /// Index into `Article::paragraphs` (or into the lines of
    /// `Article::text` when the article has no paragraphs).
    pub index: u32,
    /// xxh3-64 (fixed seed) of the normalised paragraph text.
    pub hash: u64,
}

/// What dedup persists per article (deterministic hashes only). Size:
/// 824 + 12 bytes per hashed paragraph + 4 per sample (see
/// [`Signature::size_bytes`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signature {
    /// xxh3-128 (seed 0) of the normalised main text, repeated paragraphs
    /// counted once. Serialised as 32 hex digits (JSON numbers lose u128).
    #[serde(with = "hex_u128")]
    pub exact: u128,
    /// Words of the normalised text.
    pub words: u32,
    /// Distinct shingles (the set size, for containment estimates).
    pub shingles: u32,
    /// One-permutation MinHash, `bands * rows` values; empty when the text
    /// is too short for near matching.
    pub minhash: Vec<u32>,
    /// LSH band keys (xxh3-64 of band number and values), one per band;
    /// empty when the text is too short for near matching. Stores that index
    /// them in SQL may cast them to i64.
    pub band_keys: Vec<u64>,
    /// Hashes of paragraphs with at least `min_paragraph_words` words,
    /// first occurrence only.
    pub paragraphs: Vec<ParagraphHash>,
    /// Sampled shingles (high 32 bits of the shingle hashes whose low
    /// `sample_shift` bits are zero), sorted; what [`DedupIndex`] compares.
    /// Empty in signatures stored before version 2: such articles match
    /// exactly only until recomputed.
    #[serde(default)]
    pub sample: Vec<u32>,
}

impl Signature {
    /// LSH band keys, for the store's candidate table.
    pub fn band_keys(&self) -> &[u64] {
        &self.band_keys
    }

    /// Bytes of signature data (fixed fields plus the vectors' contents).
    pub fn size_bytes(&self) -> usize {
        16 + 4
            + 4
            + 4 * self.minhash.len()
            + 8 * self.band_keys.len()
            + 12 * self.paragraphs.len()
            + 4 * self.sample.len()
    }

    /// True when the text is long enough for near-duplicate matching.
    pub fn is_near_indexable(&self) -> bool {
        !self.band_keys.is_empty()
    }
}

mod hex_u128 {
    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &u128, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("{v:032x}"))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u128, D::Error> {
        let s = String::deserialize(d)?;
        u128::from_str_radix(&s, 16).map_err(D::Error::custom)
    }
}

/// Computes the dedup signature of an article's main text.
pub fn signature(article: &Article, cfg: &DedupConfig) -> Signature {
    let lines: Vec<&str> = if article.paragraphs.is_empty() {
        article.text.split('\n').collect()
    } else {
        article.paragraphs.iter().map(|p| p.text.as_str()).collect()
    };
    // All unique normalised paragraphs, joined by one space (so without
    // repeats the exact key is that of normalize_for_hash(text)).
    let mut norm = String::with_capacity(article.text.len());
    let mut spans: Vec<(usize, usize)> = Vec::with_capacity(lines.len());
    let mut seen: Vec<u64> = Vec::with_capacity(lines.len());
    let mut paragraphs = Vec::new();
    let mut words = 0usize;
    for (i, line) in lines.iter().enumerate() {
        let before = norm.len();
        if before > 0 {
            norm.push(' ');
        }
        let start = norm.len();
        minhash::normalize_into(line, &mut norm);
        if norm.len() == start {
            norm.truncate(before);
            continue;
        }
        let hash = minhash::paragraph_hash(&norm[start..]);
        if seen.contains(&hash) {
            norm.truncate(before);
            continue;
        }
        seen.push(hash);
        let para_words = norm[start..].bytes().filter(|&b| b == b' ').count() + 1;
        words += para_words;
        if para_words >= cfg.min_paragraph_words {
            paragraphs.push(ParagraphHash { index: i as u32, hash });
        }
        spans.push((start, norm.len()));
    }
    let exact = minhash::exact_hash(&norm);
    let paras: Vec<&str> = spans.iter().map(|&(s, e)| &norm[s..e]).collect();
    let shingles = minhash::shingle_hashes(&paras, cfg);
    let (mh, band_keys) = if shingles.len() >= cfg.min_shingles_near && words >= cfg.min_words {
        let mh = minhash::minhash(&shingles, cfg.minhash_len());
        let keys = minhash::band_keys(&mh, cfg.bands.max(1), cfg.rows.max(1));
        (mh, keys)
    } else {
        (Vec::new(), Vec::new())
    };
    let sample = minhash::sample(&shingles, cfg.sample_shift);
    Signature {
        exact,
        words: words as u32,
        shingles: shingles.len() as u32,
        minhash: mh,
        band_keys,
        paragraphs,
        sample,
    }
}

/// How a copy relates to its original.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DuplicateKind {
    /// Same normalised text.
    Exact,
    /// Same text up to edits (boilerplate, respelling, a few words,
    /// reordering, a little trimmed or added). Stores written before kinds
    /// were split said `syndicated` for wire copies: read as near.
    #[serde(alias = "syndicated")]
    Near,
    /// A part of the original: a teaser or lead-only copy (down to a fifth
    /// of it), a trimmed ending, possibly with a paragraph from elsewhere.
    Excerpt,
    /// The original with text added (local paragraphs appended).
    Extended,
}

impl DuplicateKind {
    /// The name printed in `cluster` output and stored (`exact`, `near`,
    /// `excerpt`, `extended`).
    pub fn as_str(self) -> &'static str {
        match self {
            DuplicateKind::Exact => "exact",
            DuplicateKind::Near => "near",
            DuplicateKind::Excerpt => "excerpt",
            DuplicateKind::Extended => "extended",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
/// This article copies an earlier one: which, how, and how surely.
pub struct DuplicateMatch {
    /// Id of the original: the earlier original this article shares the
    /// most text with (never a copy), or the group's earliest copy when a
    /// copy published earlier arrived later.
    pub original: String,
    /// How it copies the original (exact, near, excerpt, extended).
    pub kind: DuplicateKind,
    /// Similarity in [0, 1] that confirmed the match: 1 for exact, the
    /// Jaccard of the samples for near, the share of this article found in
    /// the original for excerpt, the share of the original found in this
    /// article for extended.
    pub score: f32,
    /// The copy or its original credits a wire service or feed.
    #[serde(default)]
    pub syndicated: bool,
}

/// Metadata dedup uses besides the text.
#[derive(Debug, Clone, Default)]
pub struct DocMeta<'a> {
    /// Decides which copy of a group is the original.
    pub published: Option<NaiveDate>,
    /// Not used by the decision yet (kept for outlet-aware rules such as
    /// "an outlet's own update is not syndication").
    pub outlet: Option<&'a str>,
    /// `Article::wire_credits`: a credit makes a match syndicated.
    pub wire_credits: &'a [String],
}

impl<'a> DocMeta<'a> {
    /// The metadata of an article.
    pub fn of(article: &'a Article) -> Self {
        DocMeta {
            published: article.best_date(),
            outlet: article.outlet.as_deref(),
            wire_credits: &article.wire_credits,
        }
    }
}

/// What the index decided so far: every article is counted, including the
/// ones too short to be matched (never a silent skip).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DedupStats {
    /// Articles passed to [`DedupIndex::observe`].
    pub observed: u64,
    /// Articles passed to [`DedupIndex::restore`].
    pub restored: u64,
    /// Matches found as exact copies.
    pub exact: u64,
    /// Matches found as reworded (near) copies.
    pub near: u64,
    /// Matches found as excerpts of their original.
    pub excerpt: u64,
    /// Matches found as extended copies (the original plus more).
    pub extended: u64,
    /// Matches (of any kind) marked syndicated.
    pub syndicated: u64,
    /// Texts under `min_words`: never matched, never matchable.
    pub too_short: u64,
    /// Texts with fewer than `min_shared_samples` samples: exact matching
    /// only.
    pub exact_only: u64,
    /// Earlier originals compared (a measure of the index's work).
    pub candidates_checked: u64,
    /// Late-arriving earlier copies that became their group's original.
    pub rerooted: u64,
}

/// Which earlier articles contain one paragraph of an article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParagraphReuse {
    /// Index into `Article::paragraphs` (see [`ParagraphHash::index`]).
    pub paragraph: u32,
    /// Earlier articles with the same normalised paragraph, in arrival
    /// order, at most `max_reuse_sources`.
    pub found_in: Vec<String>,
}

/// Hasher for keys that already are uniform hashes (samples, paragraph
/// and exact hashes): in-memory only, never persisted.
#[derive(Default, Clone, Copy)]
struct PrehashedKey(u64);

impl Hasher for PrehashedKey {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut b = [0u8; 8];
            b[..chunk.len()].copy_from_slice(chunk);
            self.0 = minhash::mix64(self.0 ^ u64::from_le_bytes(b));
        }
    }
    fn write_u32(&mut self, n: u32) {
        // A 32-bit hash: spread it over the high bits too (the table reads
        // its control bytes from them).
        self.0 ^= (n as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
    fn write_u64(&mut self, n: u64) {
        self.0 ^= n;
    }
    fn write_u128(&mut self, n: u128) {
        self.0 ^= (n as u64) ^ ((n >> 64) as u64);
    }
}

type PrehashedMap<K, V> = HashMap<K, V, BuildHasherDefault<PrehashedKey>>;

/// Index position of an observed article.
type DocIdx = u32;

/// End of a posting chain.
const NO_ENTRY: u32 = u32::MAX;

#[derive(Debug, Serialize, Deserialize)]
struct Doc {
    id: String,
    /// Informative samples (not common when the article was observed):
    /// the size containment is measured against.
    size: u32,
    published: Option<NaiveDate>,
    wire: bool,
    /// The original of this article's group (itself when it is one).
    root: DocIdx,
    /// How this article matched when it was observed (None for originals).
    matched: Option<(DuplicateKind, f32)>,
}

/// Online duplicate index: articles are observed in arrival order.
///
/// State is needed because a duplicate is a duplicate *of an earlier
/// article*; everything persisted lives in [`Signature`], so the store can
/// rebuild the index with [`DedupIndex::restore`].
#[derive(Debug, Serialize, Deserialize)]
pub struct DedupIndex {
    #[serde(skip)]
    cfg: DedupConfig,
    docs: Vec<Doc>,
    by_id: HashMap<String, DocIdx>,
    exact: PrehashedMap<u128, DocIdx>,
    /// Sample -> (most recent entry in `postings`, number of postings);
    /// entries chain to the previous article that posted the sample (no
    /// allocation per key).
    sample_heads: PrehashedMap<u32, (u32, u32)>,
    /// (article, previous entry with the same sample or NO_ENTRY).
    postings: Vec<(DocIdx, u32)>,
    paragraphs: PrehashedMap<u64, Vec<DocIdx>>,
    /// Root -> the other members of its group, for re-rooting.
    members: HashMap<DocIdx, Vec<DocIdx>>,
    reassigned: Vec<(String, DuplicateMatch)>,
    stats: DedupStats,
    /// What the index needs to rebuild itself from the articles of the
    /// window alone, oldest first (empty without `active_days`).
    recent: VecDeque<Recent>,
    /// Time for the window (see [`WindowClock`]).
    clock: WindowClock<NaiveDate>,
    /// Articles that left `recent` since the last rebuild (they still sit
    /// in the postings until then).
    left_since_rebuild: usize,
    /// Ids that left the window since [`DedupIndex::take_forgotten`].
    forgotten: Vec<String>,
}

/// A recent article as the index keeps it for rebuilding.
#[derive(Debug, Serialize, Deserialize)]
struct Recent {
    id: String,
    /// The parts of the signature the index compares (no MinHash).
    sig: Signature,
    published: Option<NaiveDate>,
    wire: bool,
    /// Its date, or the clock's when it came undated.
    day: Option<NaiveDate>,
}

/// The window is rebuilt once this many articles (at least) left it.
const MIN_REBUILD: usize = 1024;

impl Default for DedupIndex {
    fn default() -> Self {
        DedupIndex::new(&DedupConfig::default())
    }
}

/// A confirmed match against one earlier original.
struct Confirmed {
    doc: DocIdx,
    kind: DuplicateKind,
    score: f32,
}

impl DedupIndex {
    /// An empty index with these settings.
    pub fn new(cfg: &DedupConfig) -> Self {
        DedupIndex {
            cfg: cfg.clone(),
            docs: Vec::new(),
            by_id: HashMap::new(),
            exact: PrehashedMap::default(),
            sample_heads: PrehashedMap::default(),
            postings: Vec::new(),
            paragraphs: PrehashedMap::default(),
            members: HashMap::new(),
            reassigned: Vec::new(),
            stats: DedupStats::default(),
            recent: VecDeque::new(),
            clock: WindowClock::default(),
            left_since_rebuild: 0,
            forgotten: Vec::new(),
        }
    }

    /// Number of articles in the index.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// True when no article is indexed.
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// Counts of what the index decided.
    pub fn stats(&self) -> &DedupStats {
        &self.stats
    }

    /// Finds the earlier original that `sig` copies (if any) and returns
    /// it, then records this article so later articles are compared with
    /// it (all of it when it is an original, what it adds when a copy).
    /// When this article predates the original it copies (an earlier
    /// publication date arriving late), it becomes the original: it
    /// returns `None` and the re-pointed articles are reported by
    /// [`DedupIndex::take_reassigned`].
    pub fn observe(&mut self, id: &str, sig: &Signature, meta: &DocMeta<'_>) -> Option<DuplicateMatch> {
        let found = self.observe_in_window(id, sig, meta);
        self.remember(id, sig, meta);
        found
    }

    fn observe_in_window(&mut self, id: &str, sig: &Signature, meta: &DocMeta<'_>) -> Option<DuplicateMatch> {
        let wire = is_wire_credited(meta.wire_credits);
        self.stats.observed += 1;
        if sig.words < self.cfg.min_words as u32 {
            self.stats.too_short += 1;
        } else if sig.sample.len() < self.cfg.min_shared_samples as usize {
            self.stats.exact_only += 1;
        }
        let (found, size, checked) = self.find(sig);
        self.stats.candidates_checked += checked;
        let new_idx = self.docs.len() as DocIdx;
        let Some(found) = found else {
            self.insert(id, sig, meta, wire, new_idx, None, size);
            return None;
        };
        let root = self.docs[found.doc as usize].root;
        let syndicated = wire || self.docs[found.doc as usize].wire || self.docs[root as usize].wire;
        let (kind, score) = (found.kind, found.score);
        match kind {
            DuplicateKind::Exact => self.stats.exact += 1,
            DuplicateKind::Near => self.stats.near += 1,
            DuplicateKind::Excerpt => self.stats.excerpt += 1,
            DuplicateKind::Extended => self.stats.extended += 1,
        }
        self.stats.syndicated += u64::from(syndicated);
        if syndication::predates(meta.published, self.docs[root as usize].published) {
            self.stats.rerooted += 1;
            self.insert(id, sig, meta, wire, new_idx, None, size);
            self.reroot(root, new_idx, kind, score);
            return None;
        }
        self.insert(id, sig, meta, wire, root, Some((kind, score)), size);
        Some(DuplicateMatch { original: self.docs[root as usize].id.clone(), kind, score, syndicated })
    }

    /// Re-inserts a stored article without deciding anything: `duplicate_of`
    /// is what [`DedupIndex::observe`] returned for it (as persisted). Call
    /// in the original arrival order, so originals are restored first.
    pub fn restore(&mut self, id: &str, sig: &Signature, meta: &DocMeta<'_>, duplicate_of: Option<&DuplicateMatch>) {
        self.stats.restored += 1;
        self.restore_in_window(id, sig, meta.published, is_wire_credited(meta.wire_credits), duplicate_of);
        self.remember(id, sig, meta);
    }

    fn restore_in_window(
        &mut self,
        id: &str,
        sig: &Signature,
        published: Option<NaiveDate>,
        wire: bool,
        duplicate_of: Option<&DuplicateMatch>,
    ) {
        let meta = DocMeta { published, outlet: None, wire_credits: &[] };
        let meta = &meta;
        let new_idx = self.docs.len() as DocIdx;
        let root = duplicate_of
            .and_then(|m| self.by_id.get(&m.original).copied())
            .map(|r| self.docs[r as usize].root)
            .unwrap_or(new_idx);
        let matched = duplicate_of.filter(|_| root != new_idx).map(|m| (m.kind, m.score));
        let size = sig.sample.iter().filter(|h| !self.is_common(**h)).count() as u32;
        self.insert(id, sig, meta, wire, root, matched, size);
    }

    /// Keeps what a rebuild needs of an article just added, moves the
    /// clock, and lets articles older than the window go: they leave
    /// `recent` now and the index itself at the next rebuild, once enough
    /// have left that rebuilding costs at most one re-insert per article.
    fn remember(&mut self, id: &str, sig: &Signature, meta: &DocMeta<'_>) {
        let Some(days) = self.cfg.active_days else { return };
        if let Some(p) = meta.published {
            self.clock.observe(p);
        }
        let kept = Signature { minhash: Vec::new(), band_keys: Vec::new(), ..sig.clone() };
        let wire = is_wire_credited(meta.wire_credits);
        self.recent.push_back(Recent {
            id: id.to_string(),
            sig: kept,
            published: meta.published,
            wire,
            day: meta.published.or(self.clock.now()),
        });
        let Some(clock) = self.clock.now() else { return };
        let cutoff = clock - chrono::Days::new(days as u64);
        while let Some(front) = self.recent.front_mut() {
            if *front.day.get_or_insert(clock) >= cutoff {
                break;
            }
            let gone = self.recent.pop_front().expect("a front");
            self.forgotten.push(gone.id);
            self.left_since_rebuild += 1;
        }
        if self.left_since_rebuild >= MIN_REBUILD.max(self.recent.len()) {
            self.rebuild();
        }
    }

    /// A fresh index of the articles in `recent`, each with the original it
    /// has now (when that original is in the window too).
    fn rebuild(&mut self) {
        let mut fresh = DedupIndex::new(&self.cfg);
        for r in &self.recent {
            let matched = self.current_match(&r.id);
            fresh.restore_in_window(&r.id, &r.sig, r.published, r.wire, matched.as_ref());
        }
        fresh.stats = std::mem::take(&mut self.stats);
        fresh.reassigned = std::mem::take(&mut self.reassigned);
        fresh.recent = std::mem::take(&mut self.recent);
        fresh.forgotten = std::mem::take(&mut self.forgotten);
        fresh.clock = self.clock;
        *self = fresh;
    }

    /// The match an article in the index has now (after re-rootings).
    fn current_match(&self, id: &str) -> Option<DuplicateMatch> {
        let idx = *self.by_id.get(id)?;
        let doc = &self.docs[idx as usize];
        if doc.root == idx {
            return None;
        }
        let root = &self.docs[doc.root as usize];
        let (kind, score) = doc.matched?;
        Some(DuplicateMatch { original: root.id.clone(), kind, score, syndicated: doc.wire || root.wire })
    }

    /// Whether articles leave memory after a window (`active_days`).
    pub fn windowed(&self) -> bool {
        self.cfg.active_days.is_some()
    }

    /// Whether the index itself can tell if this text was seen: an article
    /// with the same normalised text is in memory, or the text is too short
    /// to match at all.
    pub fn knows_text(&self, sig: &Signature) -> bool {
        sig.words < self.cfg.min_words as u32 || self.exact.contains_key(&sig.exact)
    }

    /// The same state under `cfg` (after deserialising).
    pub fn with_config(self, cfg: &DedupConfig) -> Self {
        DedupIndex { cfg: cfg.clone(), ..self }
    }

    /// Ids of articles that left the window since the last call: nothing
    /// will be found to copy them any more.
    pub fn take_forgotten(&mut self) -> Vec<String> {
        std::mem::take(&mut self.forgotten)
    }

    /// Articles observed earlier whose original changed since the last call
    /// (because a copy published earlier arrived later), with their new
    /// match. A store updates their `duplicate_of`.
    pub fn take_reassigned(&mut self) -> Vec<(String, DuplicateMatch)> {
        std::mem::take(&mut self.reassigned)
    }

    /// The current original of an article's group (`None` when `id` is an
    /// original itself or unknown).
    pub fn original_of(&self, id: &str) -> Option<&str> {
        let idx = *self.by_id.get(id)?;
        let root = self.docs[idx as usize].root;
        (root != idx).then(|| self.docs[root as usize].id.as_str())
    }

    /// Which paragraphs of an article (by signature) appear in which
    /// articles already in the index (the article itself excluded by `id`).
    /// Call before or after [`DedupIndex::observe`].
    pub fn reused_paragraphs(&self, id: &str, sig: &Signature) -> Vec<ParagraphReuse> {
        sig.paragraphs
            .iter()
            .filter_map(|p| {
                let docs = self.paragraphs.get(&p.hash)?;
                let found_in: Vec<String> = docs
                    .iter()
                    .map(|&d| &self.docs[d as usize].id)
                    .filter(|other| other.as_str() != id)
                    .cloned()
                    .collect();
                (!found_in.is_empty()).then_some(ParagraphReuse { paragraph: p.index, found_in })
            })
            .collect()
    }

    fn is_common(&self, sample: u32) -> bool {
        self.sample_heads.get(&sample).is_some_and(|&(_, n)| n >= self.cfg.common_postings)
    }

    /// The earlier original a signature copies: its exact twin's original,
    /// else the original sharing the most informative samples among those
    /// that pass the near, excerpt or extended rule (ties: higher Jaccard,
    /// then the earlier article). Only originals are compared, so the
    /// answer never goes through another copy. Also returns the article's
    /// informative sample count and how many originals were compared.
    fn find(&self, sig: &Signature) -> (Option<Confirmed>, u32, u64) {
        let mut hits: Vec<DocIdx> = Vec::new();
        let mut size = 0u32;
        for h in &sig.sample {
            let Some(&(head, n)) = self.sample_heads.get(h) else {
                size += 1;
                continue;
            };
            if n >= self.cfg.common_postings {
                continue;
            }
            size += 1;
            let mut entry = head;
            while entry != NO_ENTRY {
                let (doc, next) = self.postings[entry as usize];
                if self.docs[doc as usize].root == doc {
                    hits.push(doc);
                }
                entry = next;
            }
        }
        if sig.words < self.cfg.min_words as u32 {
            return (None, size, 0);
        }
        if let Some(&doc) = self.exact.get(&sig.exact) {
            let doc = self.docs[doc as usize].root;
            return (Some(Confirmed { doc, kind: DuplicateKind::Exact, score: 1.0 }), size, 0);
        }
        hits.sort_unstable();
        let mut best: Option<(u32, f32, Confirmed)> = None;
        let mut checked = 0u64;
        for run in hits.chunk_by(|a, b| a == b) {
            let shared = run.len() as u32;
            if shared < self.cfg.min_shared_samples {
                continue;
            }
            checked += 1;
            let doc = run[0];
            let Some((kind, jaccard, score)) = self.confirm(shared, size, self.docs[doc as usize].size) else {
                continue;
            };
            // Runs come in arrival order: only a strictly larger shared
            // part (or equal part, higher Jaccard) displaces an earlier one.
            let better = match &best {
                None => true,
                Some((s, j, _)) => shared > *s || (shared == *s && jaccard > *j),
            };
            if better {
                best = Some((shared, jaccard, Confirmed { doc, kind, score }));
            }
        }
        (best.map(|(_, _, c)| c), size, checked)
    }

    /// (kind, Jaccard, score) of a match sharing `shared` informative
    /// samples between a new article of `size` and an original of
    /// `original_size`, or `None`.
    fn confirm(&self, shared: u32, size: u32, original_size: u32) -> Option<(DuplicateKind, f32, f32)> {
        let (k, a, b) = (shared as f32, size.max(shared) as f32, original_size.max(shared) as f32);
        let jaccard = k / (a + b - k);
        let of_new = k / a;
        let of_original = k / b;
        if jaccard >= self.cfg.near_jaccard {
            Some((DuplicateKind::Near, jaccard, jaccard))
        } else if of_new >= self.cfg.excerpt_containment && of_original >= self.cfg.excerpt_min_share {
            Some((DuplicateKind::Excerpt, jaccard, of_new))
        } else if of_original >= self.cfg.extended_containment {
            Some((DuplicateKind::Extended, jaccard, of_original))
        } else {
            None
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn insert(
        &mut self,
        id: &str,
        sig: &Signature,
        meta: &DocMeta<'_>,
        wire: bool,
        root: DocIdx,
        matched: Option<(DuplicateKind, f32)>,
        size: u32,
    ) {
        let idx = self.docs.len() as DocIdx;
        self.docs.push(Doc { id: id.to_string(), size, published: meta.published, wire, root, matched });
        self.by_id.insert(id.to_string(), idx);
        if root != idx {
            self.members.entry(root).or_default().push(idx);
        }
        if sig.words >= self.cfg.min_words as u32 {
            self.exact.entry(sig.exact).or_insert(idx);
        }
        for &h in &sig.sample {
            let (head, n) = self.sample_heads.get(&h).copied().unwrap_or((NO_ENTRY, 0));
            if n >= self.cfg.common_postings {
                continue;
            }
            if root != idx {
                // A copy posts only what it adds to its original: the
                // original's text must not become "common" by being
                // copied, while a footer every copy of an outlet adds must.
                let mut entry = head;
                let mut in_original = false;
                while entry != NO_ENTRY {
                    let (doc, next) = self.postings[entry as usize];
                    if doc == root {
                        in_original = true;
                        break;
                    }
                    entry = next;
                }
                if in_original {
                    continue;
                }
            }
            let entry = self.postings.len() as u32;
            self.postings.push((idx, head));
            self.sample_heads.insert(h, (entry, n + 1));
        }
        for p in &sig.paragraphs {
            let docs = self.paragraphs.entry(p.hash).or_default();
            if docs.len() < self.cfg.max_reuse_sources && docs.last() != Some(&idx) {
                docs.push(idx);
            }
        }
    }

    /// Makes `new_root` the original of `old_root`'s group.
    fn reroot(&mut self, old_root: DocIdx, new_root: DocIdx, kind: DuplicateKind, score: f32) {
        let mut group = self.members.remove(&old_root).unwrap_or_default();
        self.docs[old_root as usize].matched = Some((kind, score));
        group.push(old_root);
        let original = self.docs[new_root as usize].id.clone();
        let new_wire = self.docs[new_root as usize].wire;
        for &m in &group {
            let doc = &mut self.docs[m as usize];
            doc.root = new_root;
            let (kind, score) = doc.matched.unwrap_or((kind, score));
            let syndicated = doc.wire || new_wire;
            self.reassigned
                .push((doc.id.clone(), DuplicateMatch { original: original.clone(), kind, score, syndicated }));
        }
        self.members.entry(new_root).or_default().extend(group);
    }
}
