//! Shingling and MinHash: the text side of near-duplicate detection.
//!
//! One-permutation hashing (Li, Owen, Zhang 2012) with optimal densification
//! (Shrivastava 2017): each distinct shingle is hashed once with xxh3-64; the
//! high 32 bits pick one of `n` bins, the low 32 bits are the value, and each
//! bin keeps its minimum. Empty bins borrow the value of a bin chosen by a
//! fixed probe sequence (the same in every document), so P(bin i equal) is
//! the Jaccard similarity for every bin. Cost: one hash per shingle instead
//! of `n` permutations per shingle.

use xxhash_rust::xxh3::{xxh3_128, xxh3_64_with_seed};

use super::config::DedupConfig;

/// Seed of every persisted 64-bit hash in dedup. Changing it changes every
/// stored signature.
pub(crate) const HASH_SEED: u64 = 0x5354_4f52_594c_494e; // "STORYLIN"

/// Value of a bin no shingle fell into, before densification (and of every
/// bin of a text with no shingle at all).
pub(crate) const EMPTY_BIN: u32 = u32::MAX;

/// Normalises `text` exactly as [`crate::text::normalize_for_hash`] does
/// (NFKC, lower case, punctuation and whitespace runs to one space), with a
/// fast path for ASCII, where NFKC is the identity. Appends to `out`.
pub(crate) fn normalize_into(text: &str, out: &mut String) {
    if text.is_ascii() {
        let start = out.len();
        let mut pending_space = false;
        for &b in text.as_bytes() {
            if b.is_ascii_alphanumeric() {
                if pending_space && out.len() > start {
                    out.push(' ');
                }
                pending_space = false;
                out.push(b.to_ascii_lowercase() as char);
            } else {
                pending_space = true;
            }
        }
        return;
    }
    // Text already in NFKC (curly quotes, dashes, most accented text) needs
    // no normalisation pass: the quick check is a table lookup per char.
    if unicode_normalization::is_nfkc_quick(text.chars()) != unicode_normalization::IsNormalized::Yes {
        out.push_str(&crate::text::normalize_for_hash(text));
        return;
    }
    crate::text::fold_into(text.chars(), out);
}

/// British spellings folded to American ones, for words whose variants are
/// not covered by the suffix rules of [`fold_spelling`].
fn fold_table(word: &str) -> Option<&'static str> {
    Some(match word {
        "ageing" => "aging",
        "catalogue" => "catalog",
        "catalogues" => "catalogs",
        "defence" => "defense",
        "defences" => "defenses",
        "dialogue" => "dialog",
        "dialogues" => "dialogs",
        "grey" => "gray",
        "judgement" => "judgment",
        "judgements" => "judgments",
        "licence" => "license",
        "licences" => "licenses",
        "offence" => "offense",
        "offences" => "offenses",
        "pretence" => "pretense",
        "programme" => "program",
        "programmes" => "programs",
        "tyre" => "tire",
        "tyres" => "tires",
        _ => return None,
    })
}

/// (British suffix, American suffix, shortest word it applies to), grouped
/// by last letter so most words are rejected by one byte comparison.
const SUFFIXES_E: &[(&str, &str, usize)] =
    &[("ourite", "orite", 8), ("ise", "ize", 6), ("yse", "yze", 6), ("tre", "ter", 5)];
const SUFFIXES_S: &[(&str, &str, usize)] = &[
    ("isations", "izations", 9),
    ("isers", "izers", 7),
    ("ises", "izes", 6),
    ("ellers", "elers", 8),
    ("ours", "ors", 6),
    ("tres", "ters", 6),
];
const SUFFIXES_D: &[(&str, &str, usize)] =
    &[("ised", "ized", 6), ("ysed", "yzed", 6), ("oured", "ored", 7), ("elled", "eled", 7)];
const SUFFIXES_G: &[(&str, &str, usize)] =
    &[("ising", "izing", 7), ("ysing", "yzing", 7), ("ouring", "oring", 8), ("elling", "eling", 8)];
const SUFFIXES_R: &[(&str, &str, usize)] = &[("iser", "izer", 6), ("eller", "eler", 7), ("our", "or", 5)];
const SUFFIXES_N: &[(&str, &str, usize)] = &[("isation", "ization", 8)];

/// Folds a normalised (lower-case) word to one spelling of its
/// British/American variants (defence/defense, -ise/-ize, -our/-or,
/// -tre/-ter, -elled/-eled). Used only for hashing, so over-folding (e.g.
/// "promise" to "promize") is harmless: it happens identically in every
/// document. Returns `None` when the word is unchanged.
pub(crate) fn fold_spelling(word: &str) -> Option<String> {
    let bytes = word.as_bytes();
    if bytes.len() < 4 || !bytes.is_ascii() {
        return None;
    }
    let suffixes = match bytes[bytes.len() - 1] {
        b'e' => SUFFIXES_E,
        b's' => SUFFIXES_S,
        b'd' => SUFFIXES_D,
        b'g' => SUFFIXES_G,
        b'r' => SUFFIXES_R,
        b'n' => SUFFIXES_N,
        b'y' => &[],
        _ => return None,
    };
    if let Some(us) = fold_table(word) {
        return Some(us.to_string());
    }
    for &(uk, us, min_len) in suffixes {
        if word.len() >= min_len && word.ends_with(uk) {
            let stem = &word[..word.len() - uk.len()];
            return Some(format!("{stem}{us}"));
        }
    }
    None
}

/// Odd multiplier of the polynomial shingle hash (any large odd constant).
const SHINGLE_BASE: u64 = 0x9e37_79b9_7f4a_7c15;

/// Distinct shingle hashes of a list of normalised paragraphs, sorted.
/// Each word is hashed once (xxh3-64 of the folded word); a shingle's hash
/// is the polynomial sum(w_i * B^(k-1-i)) over its k word hashes, mixed
/// (splitmix64 finaliser) for uniform bits. Shingles never cross a paragraph
/// boundary, so reordered paragraphs keep every shingle; a paragraph shorter
/// than `k` words is one shingle.
pub(crate) fn shingle_hashes(normalised_paragraphs: &[&str], cfg: &DedupConfig) -> Vec<u64> {
    let k = cfg.shingle_words.max(1);
    // B^(k-1): removes the word leaving the window.
    let top = (1..k).fold(1u64, |acc, _| acc.wrapping_mul(SHINGLE_BASE));
    let mut hashes = Vec::with_capacity(normalised_paragraphs.iter().map(|p| p.len() / 5).sum());
    let mut words: Vec<u64> = Vec::new();
    for para in normalised_paragraphs {
        words.clear();
        for word in para.split(' ').filter(|w| !w.is_empty()) {
            let h = match cfg.fold_spelling_variants.then(|| fold_spelling(word)).flatten() {
                Some(folded) => xxh3_64_with_seed(folded.as_bytes(), HASH_SEED),
                None => xxh3_64_with_seed(word.as_bytes(), HASH_SEED),
            };
            words.push(h);
        }
        if words.is_empty() {
            continue;
        }
        if words.len() < k {
            let h = words.iter().fold(0u64, |acc, &w| acc.wrapping_mul(SHINGLE_BASE).wrapping_add(w));
            hashes.push(mix64(h ^ words.len() as u64));
            continue;
        }
        let mut h = words[..k].iter().fold(0u64, |acc, &w| acc.wrapping_mul(SHINGLE_BASE).wrapping_add(w));
        hashes.push(mix64(h ^ k as u64));
        for i in k..words.len() {
            h = h.wrapping_sub(words[i - k].wrapping_mul(top)).wrapping_mul(SHINGLE_BASE).wrapping_add(words[i]);
            hashes.push(mix64(h ^ k as u64));
        }
    }
    hashes.sort_unstable();
    hashes.dedup();
    hashes
}

/// splitmix64 finaliser: a cheap, fixed, well-mixing permutation of u64.
pub(crate) fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// One-permutation MinHash of a set of shingle hashes, densified.
pub(crate) fn minhash(shingles: &[u64], len: usize) -> Vec<u32> {
    let mut bins = vec![EMPTY_BIN; len];
    let mut filled = vec![false; len];
    for &h in shingles {
        // Fast range reduction of the high half; the low half is the value.
        let bin = (((h >> 32) * len as u64) >> 32) as usize;
        let value = h as u32;
        if !filled[bin] || value < bins[bin] {
            bins[bin] = value;
            filled[bin] = true;
        }
    }
    if shingles.is_empty() {
        return bins;
    }
    // Optimal densification: empty bin i takes the value of the first
    // filled bin along a probe sequence that depends on i only (filled
    // bins never change, so no copy of them is needed).
    for i in 0..len {
        if filled[i] {
            continue;
        }
        let mut attempt = 0u64;
        loop {
            let j = (mix64(HASH_SEED ^ ((i as u64) << 32) ^ attempt) % len as u64) as usize;
            if filled[j] {
                bins[i] = bins[j];
                break;
            }
            attempt += 1;
            if attempt > 64 * len as u64 {
                // Unreachable in practice (one filled bin exists); stay
                // deterministic anyway.
                let j = (0..len).find(|&j| filled[j]).unwrap_or(0);
                bins[i] = bins[j];
                break;
            }
        }
    }
    bins
}

/// LSH band keys: xxh3-64 of each band's values and the band number (so
/// keys of different bands never collide in one persisted table).
pub(crate) fn band_keys(minhash: &[u32], bands: usize, rows: usize) -> Vec<u64> {
    let mut buf = Vec::with_capacity(4 * (rows + 1));
    (0..bands)
        .map(|b| {
            buf.clear();
            buf.extend_from_slice(&(b as u32).to_le_bytes());
            for v in &minhash[b * rows..(b + 1) * rows] {
                buf.extend_from_slice(&v.to_le_bytes());
            }
            xxh3_64_with_seed(&buf, HASH_SEED)
        })
        .collect()
}

/// Estimated Jaccard similarity: the share of equal MinHash values (the
/// index compares samples; tests check the persisted MinHash with it).
#[cfg(test)]
pub(crate) fn estimate_jaccard(a: &[u32], b: &[u32]) -> f32 {
    if a.is_empty() || a.len() != b.len() {
        return 0.0;
    }
    let equal = a.iter().zip(b).filter(|(x, y)| x == y).count();
    equal as f32 / a.len() as f32
}

/// xxh3-128 (seed 0) of a normalised text: the exact-duplicate key.
pub(crate) fn exact_hash(normalised: &str) -> u128 {
    xxh3_128(normalised.as_bytes())
}

/// xxh3-64 of one normalised paragraph.
pub(crate) fn paragraph_hash(normalised: &str) -> u64 {
    xxh3_64_with_seed(normalised.as_bytes(), HASH_SEED)
}

/// The sampled shingles of an article: the shingle hashes whose lowest
/// `shift` bits are zero (1 in 2^shift, chosen by content, so a shingle is
/// sampled in every article that has it and containment measured on the
/// samples is unbiased), each kept as its high 32 bits. Sorted, distinct.
pub(crate) fn sample(shingles: &[u64], shift: u32) -> Vec<u32> {
    let mask = (1u64 << shift.min(16)) - 1;
    let mut out: Vec<u32> = shingles.iter().filter(|&&h| h & mask == 0).map(|&h| (h >> 32) as u32).collect();
    out.sort_unstable();
    out.dedup();
    out
}
