//! Every tunable number of dedup, with its unit and the reason for its value.

/// Dedup settings. Changing `shingle_words`, `bands`, `rows` or
/// `fold_spelling_variants` changes every [`super::Signature`]: stored
/// signatures must then be recomputed (see [`super::SIGNATURE_VERSION`]).
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
    /// Estimated Jaccard similarity (0..1) of the shingle sets at or above
    /// which a candidate is a near duplicate. 0.5: copies with new
    /// boilerplate, spelling changes and a few changed words measure 0.6 to
    /// 0.9; different articles on the same event measure below 0.1.
    pub near_jaccard: f32,
    /// Estimated containment (0..1) of the smaller shingle set in the larger
    /// at or above which a candidate is a near duplicate (trimmed copies and
    /// copies with an inserted paragraph have high containment but lower
    /// Jaccard). Estimated from Jaccard and the two set sizes:
    /// |A∩B| = J(|A|+|B|)/(1+J). 0.7: independently written articles on one
    /// event share under 0.2 of their 5-word shingles; a trimmed copy with a
    /// few changed words keeps 0.75 or more, and the estimate's noise
    /// (about ±0.1 at 120 values) must not push it under.
    pub near_containment: f32,
    /// Smallest ratio (0..1) of the smaller set size to the larger for the
    /// containment rule. Below 0.3 a small MinHash error in J turns into a
    /// large error in estimated containment (a short brief sharing two
    /// sentences with a long feature would pass); such pairs are partial
    /// reuse, reported by paragraph hashes instead.
    pub containment_min_size_ratio: f32,
    /// Fewest words (after normalisation, repeated paragraphs counted once)
    /// for a text to be matched at all. Below 5 words a text is a stub or a
    /// caption: two different stubs ("Photo gallery") are not duplicates.
    pub min_words: usize,
    /// Fewest distinct shingles for near-duplicate matching (exact matching
    /// still applies). Below 10 shingles the MinHash estimate is too coarse.
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
}

impl Default for DedupConfig {
    fn default() -> Self {
        DedupConfig {
            shingle_words: 5,
            bands: 40,
            rows: 3,
            near_jaccard: 0.5,
            near_containment: 0.7,
            containment_min_size_ratio: 0.3,
            min_words: 5,
            min_shingles_near: 10,
            min_paragraph_words: 8,
            max_reuse_sources: 8,
            fold_spelling_variants: true,
        }
    }
}

impl DedupConfig {
    /// Number of MinHash values per signature (`bands * rows`).
    pub fn minhash_len(&self) -> usize {
        self.bands.max(1) * self.rows.max(1)
    }
}
