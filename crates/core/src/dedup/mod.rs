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
//!   densification, 120 values) and **LSH band keys** (40 bands of 3 rows);
//! - **paragraph hashes** (paragraphs of 8 words or more) for partial reuse.
//!
//! [`DedupIndex`] is fed articles in arrival order (publication order where
//! dates are known). It keeps state because "duplicate" means "of something
//! seen before": exact key first, then LSH candidates confirmed by estimated
//! Jaccard >= 0.5 or estimated containment >= 0.7 of the smaller text in the
//! larger (so trimmed copies and copies with an extra paragraph are caught).
//! Every duplicate points to the root of its group: the earliest copy by
//! publication date, then arrival. A wire credit on the copy or its original
//! makes the match [`DuplicateKind::Syndicated`].
//!
//! ## Storage
//!
//! A [`Signature`] of an article with `p` hashed paragraphs and enough text
//! for near matching takes 16 + 4 + 4 + 120*4 + 40*8 + 12p = 824 + 12p bytes
//! in memory (about 900 bytes for a 300-word article); see
//! [`Signature::size_bytes`]. The store persists it and, to rebuild the
//! index, calls [`DedupIndex::restore`] in arrival order.
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
//! ```

pub mod bench_corpus;
mod config;
mod minhash;
mod syndication;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::model::Article;

pub use config::DedupConfig;
pub use syndication::is_wire_credited;

/// Version of the signature layout and hash functions. The store keeps it
/// beside persisted signatures and recomputes them when it changes.
pub const SIGNATURE_VERSION: u32 = 1;

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
/// 824 + 12 bytes per hashed paragraph (see [`Signature::size_bytes`]).
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
}

impl Signature {
    /// LSH band keys, for the store's candidate table.
    pub fn band_keys(&self) -> &[u64] {
        &self.band_keys
    }

    /// Bytes of signature data (fixed fields plus the vectors' contents).
    pub fn size_bytes(&self) -> usize {
        16 + 4 + 4 + 4 * self.minhash.len() + 8 * self.band_keys.len() + 12 * self.paragraphs.len()
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
    Signature { exact, words: words as u32, shingles: shingles.len() as u32, minhash: mh, band_keys, paragraphs }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DuplicateKind {
    /// Same normalised text.
    Exact,
    /// Same text up to edits (boilerplate, trimming, an inserted paragraph,
    /// reordering, respelling, a few words).
    Near,
    /// An exact or near copy where the copy or its original credits a wire
    /// service or feed.
    Syndicated,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DuplicateMatch {
    /// Id of the original: the earliest article of the group (by
    /// publication date, then arrival), never a copy of a copy.
    pub original: String,
    pub kind: DuplicateKind,
    /// Similarity in [0, 1] that confirmed the match (1 for exact; else the
    /// larger of estimated Jaccard and estimated containment) with the most
    /// similar earlier article of the group.
    pub score: f32,
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
    pub exact: u64,
    pub near: u64,
    pub syndicated: u64,
    /// Texts under `min_words`: never matched, never matchable.
    pub too_short: u64,
    /// Texts too short for near matching (under `min_shingles_near`
    /// shingles): exact matching only.
    pub exact_only: u64,
    /// LSH candidates compared (a measure of the index's work).
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

/// Hasher for keys that already are uniform hashes (band keys, paragraph
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

/// End of a band chain.
const NO_ENTRY: u32 = u32::MAX;

#[derive(Debug)]
struct Doc {
    id: String,
    minhash: Box<[u32]>,
    shingles: u32,
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
#[derive(Debug)]
pub struct DedupIndex {
    cfg: DedupConfig,
    docs: Vec<Doc>,
    by_id: HashMap<String, DocIdx>,
    exact: PrehashedMap<u128, DocIdx>,
    /// Band key -> most recent entry in `band_entries`; entries chain to
    /// the previous article with the same key (no allocation per key).
    band_heads: PrehashedMap<u64, u32>,
    /// (article, previous entry with the same band key or NO_ENTRY).
    band_entries: Vec<(DocIdx, u32)>,
    paragraphs: PrehashedMap<u64, Vec<DocIdx>>,
    /// Root -> the other members of its group, for re-rooting.
    members: HashMap<DocIdx, Vec<DocIdx>>,
    reassigned: Vec<(String, DuplicateMatch)>,
    stats: DedupStats,
}

impl Default for DedupIndex {
    fn default() -> Self {
        DedupIndex::new(&DedupConfig::default())
    }
}

/// A confirmed match against one earlier article.
struct Confirmed {
    doc: DocIdx,
    exact: bool,
    score: f32,
}

impl DedupIndex {
    pub fn new(cfg: &DedupConfig) -> Self {
        DedupIndex {
            cfg: cfg.clone(),
            docs: Vec::new(),
            by_id: HashMap::new(),
            exact: PrehashedMap::default(),
            band_heads: PrehashedMap::default(),
            band_entries: Vec::new(),
            paragraphs: PrehashedMap::default(),
            members: HashMap::new(),
            reassigned: Vec::new(),
            stats: DedupStats::default(),
        }
    }

    /// Number of articles in the index.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// Counts of what the index decided.
    pub fn stats(&self) -> &DedupStats {
        &self.stats
    }

    /// Finds the earlier article that `sig` copies (if any) and returns the
    /// original of its group, then records this one so later copies can
    /// point at it. When this article predates the group's original (an
    /// earlier publication date arriving late), it becomes the original:
    /// it returns `None` and the re-pointed articles are reported by
    /// [`DedupIndex::take_reassigned`].
    pub fn observe(&mut self, id: &str, sig: &Signature, meta: &DocMeta<'_>) -> Option<DuplicateMatch> {
        let wire = is_wire_credited(meta.wire_credits);
        self.stats.observed += 1;
        if sig.words < self.cfg.min_words as u32 {
            self.stats.too_short += 1;
        } else if !sig.is_near_indexable() {
            self.stats.exact_only += 1;
        }
        let (found, checked) = self.find(sig);
        self.stats.candidates_checked += checked;
        let new_idx = self.docs.len() as DocIdx;
        let Some(found) = found else {
            self.insert(id, sig, meta, wire, new_idx, None, true);
            return None;
        };
        let root = self.docs[found.doc as usize].root;
        let kind = syndication::classify(
            found.exact,
            wire,
            self.docs[found.doc as usize].wire || self.docs[root as usize].wire,
        );
        let score = found.score;
        match kind {
            DuplicateKind::Exact => self.stats.exact += 1,
            DuplicateKind::Near => self.stats.near += 1,
            DuplicateKind::Syndicated => self.stats.syndicated += 1,
        }
        if syndication::predates(meta.published, self.docs[root as usize].published) {
            self.stats.rerooted += 1;
            self.insert(id, sig, meta, wire, new_idx, None, !found.exact);
            self.reroot(root, new_idx, kind, score);
            return None;
        }
        self.insert(id, sig, meta, wire, root, Some((kind, score)), !found.exact);
        Some(DuplicateMatch { original: self.docs[root as usize].id.clone(), kind, score })
    }

    /// Re-inserts a stored article without deciding anything: `duplicate_of`
    /// is what [`DedupIndex::observe`] returned for it (as persisted). Call
    /// in the original arrival order, so originals are restored first.
    pub fn restore(&mut self, id: &str, sig: &Signature, meta: &DocMeta<'_>, duplicate_of: Option<&DuplicateMatch>) {
        let wire = is_wire_credited(meta.wire_credits);
        self.stats.restored += 1;
        let new_idx = self.docs.len() as DocIdx;
        let root = duplicate_of
            .and_then(|m| self.by_id.get(&m.original).copied())
            .map(|r| self.docs[r as usize].root)
            .unwrap_or(new_idx);
        let matched = duplicate_of.filter(|_| root != new_idx).map(|m| (m.kind, m.score));
        let exact_dup = matches!(matched, Some((DuplicateKind::Exact, _))) && self.exact.contains_key(&sig.exact);
        self.insert(id, sig, meta, wire, root, matched, !exact_dup);
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

    /// The best earlier match of a signature: exact key first, then LSH
    /// candidates confirmed by Jaccard or containment, ranked by Jaccard
    /// (containment saturates at 1 for any superset, so ranking by it would
    /// prefer a long article that merely contains this one over its true
    /// source); ties go to the earlier article.
    /// Also returns how many candidates were compared.
    fn find(&self, sig: &Signature) -> (Option<Confirmed>, u64) {
        if sig.words < self.cfg.min_words as u32 {
            return (None, 0);
        }
        if let Some(&doc) = self.exact.get(&sig.exact) {
            return (Some(Confirmed { doc, exact: true, score: 1.0 }), 0);
        }
        if !sig.is_near_indexable() || sig.minhash.len() != self.cfg.minhash_len() {
            return (None, 0);
        }
        let mut candidates: Vec<DocIdx> = Vec::new();
        for key in &sig.band_keys {
            let mut entry = self.band_heads.get(key).copied().unwrap_or(NO_ENTRY);
            while entry != NO_ENTRY {
                let (doc, next) = self.band_entries[entry as usize];
                candidates.push(doc);
                entry = next;
            }
        }
        candidates.sort_unstable();
        candidates.dedup();
        let mut best: Option<(f32, Confirmed)> = None;
        let checked = candidates.len() as u64;
        for doc in candidates {
            let other = &self.docs[doc as usize];
            let Some((jaccard, score)) = self.confirm(sig, &other.minhash, other.shingles) else { continue };
            let better = match &best {
                None => true,
                Some((best_jaccard, _)) => jaccard > *best_jaccard,
            };
            if better {
                best = Some((jaccard, Confirmed { doc, exact: false, score }));
            }
        }
        (best.map(|(_, c)| c), checked)
    }

    /// (estimated Jaccard, score) of a confirmed near duplicate, or `None`.
    fn confirm(&self, sig: &Signature, other_minhash: &[u32], other_shingles: u32) -> Option<(f32, f32)> {
        let jaccard = minhash::estimate_jaccard(&sig.minhash, other_minhash);
        if jaccard >= self.cfg.near_jaccard {
            return Some((jaccard, jaccard));
        }
        let (small, large) = (sig.shingles.min(other_shingles), sig.shingles.max(other_shingles));
        if large == 0 || (small as f32) < self.cfg.containment_min_size_ratio * large as f32 {
            return None;
        }
        let containment = minhash::estimate_containment(jaccard, sig.shingles, other_shingles);
        (containment >= self.cfg.near_containment).then_some((jaccard, containment))
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
        index_bands: bool,
    ) {
        let idx = self.docs.len() as DocIdx;
        self.docs.push(Doc {
            id: id.to_string(),
            minhash: sig.minhash.clone().into_boxed_slice(),
            shingles: sig.shingles,
            published: meta.published,
            wire,
            root,
            matched,
        });
        self.by_id.insert(id.to_string(), idx);
        if root != idx {
            self.members.entry(root).or_default().push(idx);
        }
        if sig.words >= self.cfg.min_words as u32 {
            self.exact.entry(sig.exact).or_insert(idx);
        }
        // An exact copy has the same band keys as its original: indexing it
        // again would only lengthen the candidate lists.
        if index_bands && sig.minhash.len() == self.cfg.minhash_len() {
            for key in &sig.band_keys {
                let entry = self.band_entries.len() as u32;
                let previous = self.band_heads.insert(*key, entry).unwrap_or(NO_ENTRY);
                self.band_entries.push((idx, previous));
            }
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
        for &m in &group {
            let doc = &mut self.docs[m as usize];
            doc.root = new_root;
            let (kind, score) = doc.matched.unwrap_or((kind, score));
            self.reassigned.push((doc.id.clone(), DuplicateMatch { original: original.clone(), kind, score }));
        }
        self.members.entry(new_root).or_default().extend(group);
    }
}
