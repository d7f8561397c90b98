//! Every tunable number of dedup, with its unit and the reason for its value.

/// Dedup settings. Changing `shingle_words`, `bands`, `rows` or
/// `fold_spelling_variants` changes every [`super::Signature`]: stored
/// signatures must then be recomputed (see [`super::SIGNATURE_VERSION`]);
/// so does `sample_shift`.
#[derive(Debug, Clone, PartialEq)]
pub struct DedupConfig {
    /// Words per shingle (k). 5 words: long enough that two different
    /// articles about the same meeting share few shingles (stock phrases like
    /// "the annual security consultative meeting" are 5 words, one shingle),
    /// short enough that one changed word spoils only 5 shingles.
    pub shingle_words: usize,
    /// LSH bands (b). With `rows` = 3 the S-curve
    /// P(candidate | J) = 1 - (1 - J^3)^40 is 0.04 at J = 0.1, 0.27 at 0.2,
    /// 0.93 at 0.4, 0.995 at 0.5 and > 0.9999 at 0.6: its threshold
    /// (1/b)^(1/r) is 0.29, well below `near_jaccard`, so trimmed copies
    /// (Jaccard about 0.5, containment about 1) still become candidates.
    pub bands: usize,
    /// MinHash values per band (r). The MinHash has `bands * rows` values
    /// (120, 4 bytes each).
    pub rows: usize,
    /// Jaccard similarity (0..1) of the informative samples at or above
    /// which a candidate is a near duplicate. 0.5: copies with new
    /// boilerplate, spelling changes and a few changed words measure 0.6 to
    /// 0.9; different articles on the same event measure below 0.1.
    pub near_jaccard: f32,
    /// Shingles are sampled 1 in 2^`sample_shift` by hash (content-defined,
    /// so the same shingle is sampled in every article): the sample is what
    /// the index compares, and measures Jaccard and containment exactly on
    /// it. 1 (every other shingle): a teaser of a fifth of a 100-word report
    /// still has about 8 samples; 4 bytes per sample are persisted.
    pub sample_shift: u32,
    /// Fewest shared samples for any near or partial match (about 2^shift
    /// times as many shingles). 4: one shared quote of a dozen words is
    /// not copying.
    pub min_shared_samples: u32,
    /// Share (0..1) of the new article's informative samples found in an
    /// earlier original at or above which the new article is an
    /// **excerpt** of it (a teaser, a trimmed copy, a copy with a paragraph
    /// of another report inserted). 0.6: an excerpt keeps its copied part
    /// whole apart from a few changed words (5 shingles each) and an
    /// inserted paragraph of at most a third; separately written reports
    /// of one event share under 0.15.
    pub excerpt_containment: f32,
    /// Smallest share (0..1) of the original's informative samples an
    /// excerpt must hold. 0.12: a teaser holds a fifth of the original's
    /// words or more; the margin covers sampling noise on short texts.
    /// Below it a contained text is a quote (partial reuse), not a copy.
    pub excerpt_min_share: f32,
    /// Share (0..1) of the earlier original's informative samples found in
    /// the new article at or above which the new article is an
    /// **extended** copy (the original with local paragraphs added). 0.7:
    /// the whole original with edits keeps 0.8 or more.
    pub extended_containment: f32,
    /// A sample posted by this many articles (originals, and the added
    /// text of copies) is common: stock phrases ("police said the victim
    /// was") and an outlet's header and footer lines. Common samples are
    /// neither evidence of copying nor counted in the sizes, so a teaser
    /// with a new outlet's footer is still mostly its original. Also bounds
    /// the work per sample.
    pub common_postings: u32,
    /// Fewest words (after normalisation, repeated paragraphs counted once)
    /// for a text to be matched at all. Below 5 words a text is a stub or a
    /// caption: two different stubs ("Photo gallery") are not duplicates.
    pub min_words: usize,
    /// Fewest distinct shingles for a MinHash and band keys (persisted for
    /// stores; the index compares samples).
    pub min_shingles_near: usize,
    /// Fewest words for a paragraph to get a paragraph hash. Short lines
    /// ("Seoul, December 1", "Read more") recur across unrelated articles
    /// and would report false reuse.
    pub min_paragraph_words: usize,
    /// Most earlier articles listed per reused paragraph (and remembered
    /// per paragraph hash): the earliest ones, which are what a reader
    /// wants; bounds memory for paragraphs copied thousands of times.
    pub max_reuse_sources: usize,
    /// Fold British/American spelling variants (defence/defense,
    /// -ise/-ize, colour/color, centre/center, travelled/traveled) before
    /// shingling, so a respelled wire copy keeps its shingles. Applies to
    /// shingles only, never to the exact hash.
    pub fold_spelling_variants: bool,
    /// Days an article stays in memory as a possible original after the
    /// clock (the latest publication date seen) passed its date: copies
    /// follow their original within days, so older articles leave and
    /// memory follows the window, not the archive. `None` keeps all.
    pub active_days: Option<u32>,
}

/// Default [`DedupConfig::active_days`]: wire copies and rewrites follow
/// their original within days; a word-for-word copy of an older article is
/// still found through the store's content index.
pub const DEFAULT_COPY_WINDOW_DAYS: u32 = 90;

impl Default for DedupConfig {
    fn default() -> Self {
        DedupConfig {
            shingle_words: 5,
            bands: 40,
            rows: 3,
            near_jaccard: 0.5,
            sample_shift: 1,
            min_shared_samples: 4,
            excerpt_containment: 0.6,
            excerpt_min_share: 0.12,
            extended_containment: 0.7,
            common_postings: 6,
            min_words: 5,
            min_shingles_near: 10,
            min_paragraph_words: 8,
            max_reuse_sources: 8,
            fold_spelling_variants: true,
            active_days: Some(DEFAULT_COPY_WINDOW_DAYS),
        }
    }
}

impl DedupConfig {
    /// Number of MinHash values per signature (`bands * rows`).
    pub fn minhash_len(&self) -> usize {
        self.bands.max(1) * self.rows.max(1)
    }
}
