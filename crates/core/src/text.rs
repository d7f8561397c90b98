//! Text helpers shared by several stages: normalisation for hashing, word
//! tokens, stop words, stemming and char/byte offset conversion.

use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;

/// Normalise text for content hashing: NFKC, case-folded, every run of
/// punctuation and whitespace folded to one space, trimmed. Two copies that
/// differ only in typography (curly vs straight quotes, spacing, case) get
/// the same string.
pub fn normalize_for_hash(text: &str) -> String {
    // Most text is already NFKC (ASCII always is; curly quotes and accented
    // letters in composed form are too): the quick check skips the costly
    // decomposition and recomposition without changing any result.
    if unicode_normalization::is_nfkc_quick(text.chars()) == unicode_normalization::IsNormalized::Yes {
        fold_for_hash(text.chars(), text.len())
    } else {
        fold_for_hash(text.nfkc(), text.len())
    }
}

/// Case-folds alphanumerics and folds every other run to one space.
fn fold_for_hash(chars: impl Iterator<Item = char>, len: usize) -> String {
    let mut out = String::with_capacity(len);
    fold_into(chars, &mut out);
    out
}

/// Appends `chars` to `out` case-folded, each run of other characters as
/// one space between words (none before the first or after the last).
pub(crate) fn fold_into(chars: impl Iterator<Item = char>, out: &mut String) {
    let start = out.len();
    let mut pending_space = false;
    for c in chars {
        if c.is_alphanumeric() {
            if pending_space && out.len() > start {
                out.push(' ');
            }
            pending_space = false;
            if c.is_ascii() {
                out.push(c.to_ascii_lowercase());
            } else {
                out.extend(c.to_lowercase());
            }
        } else {
            pending_space = true;
        }
    }
}

/// The longest prefix of `text` of at most `max` bytes that ends on a char
/// boundary.
pub fn prefix_at_char_boundary(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Unicode words of `text` (UAX #29), without punctuation-only segments.
pub fn words(text: &str) -> impl Iterator<Item = &str> {
    segments(text).flat_map(|(_, piece)| piece.unicode_words())
}

/// Word tokens (as [`words`]) with their byte offsets.
pub fn word_spans(text: &str) -> impl Iterator<Item = (usize, &str)> {
    segments(text).flat_map(|(at, piece)| piece.unicode_word_indices().map(move |(i, w)| (at + i, w)))
}

/// `text` cut into pieces that UAX #29 word segmentation treats
/// independently, with their byte offsets: ASCII stretches, and short
/// stretches around non-ASCII characters. The segmenter takes a fast ASCII
/// path only when a whole string is ASCII, and a single curly quote or dash
/// in an article would otherwise send all of it down the general path
/// (word segmentation was ~13% of `cluster`'s CPU). A cut goes after an
/// ASCII space that an ASCII character follows: a word boundary always
/// falls there (no rule joins a space to a following letter, digit or
/// punctuation; only Extend, Format and ZWJ attach to a space, and those
/// are not ASCII), and no rule looks back across a space.
fn segments(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let bytes = text.as_bytes();
    let mut start = 0;
    // A non-ASCII piece waiting to be returned after the ASCII one before it.
    let mut pending: Option<(usize, usize)> = None;
    std::iter::from_fn(move || {
        if let Some((a, b)) = pending.take() {
            return Some((a, &text[a..b]));
        }
        if start >= bytes.len() {
            return None;
        }
        let from = start;
        let Some(q) = bytes[from..].iter().position(|b| !b.is_ascii()).map(|i| from + i) else {
            start = bytes.len();
            return Some((from, &text[from..]));
        };
        // The last cut at or before q, and the first after it.
        let cut_before = (from..q).rev().find(|&s| s > from && bytes[s - 1] == b' ' && s < q).unwrap_or(from);
        let cut_after =
            (q + 1..bytes.len()).find(|&s| bytes[s - 1] == b' ' && bytes[s].is_ascii()).unwrap_or(bytes.len());
        start = cut_after;
        if cut_before == from {
            return Some((from, &text[from..cut_after]));
        }
        pending = Some((cut_before, cut_after));
        Some((from, &text[from..cut_before]))
    })
}

/// English function words: carry no topic, skipped by TF-IDF and shingles'
/// anchors. Kept short on purpose: content words like "said" are handled by
/// IDF, not by this list.
#[rustfmt::skip]
pub const STOPWORDS: &[&str] = &[
    "a", "about", "above", "according", "after", "again", "against", "all", "also", "am", "an",
    "and", "any", "are", "as", "at", "be", "because", "been", "before", "being", "below",
    "between", "both", "but", "by", "can", "could", "did", "do", "does", "doing", "down", "during",
    "each", "few", "for", "from", "further", "had", "has", "have", "having", "he", "her", "here",
    "hers", "herself", "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its",
    "itself", "just", "me", "more", "most", "mr", "mrs", "ms", "my", "myself", "no", "nor", "not",
    "now", "of", "off", "on", "once", "only", "or", "other", "our", "ours", "ourselves", "out",
    "over", "own", "s", "said", "same", "say", "says", "she", "should", "so", "some", "such", "t",
    "than", "that", "the", "their", "theirs", "them", "themselves", "then", "there", "these",
    "they", "this", "those", "through", "to", "told", "too", "under", "until", "up", "very", "was",
    "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with",
    "would", "you", "your", "yours", "yourself", "yourselves",
];

/// True when `lower` (already lower-cased) is a stop word.
pub fn is_stopword(lower: &str) -> bool {
    is_stopword_any_case(lower)
}

/// [`is_stopword`] for a word in any case, without allocating. Called for
/// every word of every article, so the word is packed into an integer (five
/// bits per letter; the stop words are at most ten ASCII letters) and looked
/// up among integers rather than compared as strings.
pub fn is_stopword_any_case(word: &str) -> bool {
    pack_letters(word).is_some_and(|key| packed_stopwords().binary_search(&key).is_ok())
}

/// Most letters a packed word holds: "themselves" has ten.
const PACKED_MAX_LETTERS: usize = 10;

/// `word` lower-cased as five bits per letter (`a` = 1), or `None` when it
/// is longer than [`PACKED_MAX_LETTERS`] or holds anything but ASCII letters.
fn pack_letters(word: &str) -> Option<u64> {
    let bytes = word.as_bytes();
    if bytes.is_empty() || bytes.len() > PACKED_MAX_LETTERS {
        return None;
    }
    let mut key = 0u64;
    for &b in bytes {
        let lower = b.to_ascii_lowercase();
        if !lower.is_ascii_lowercase() {
            return None;
        }
        key = key << 5 | u64::from(lower - b'a' + 1);
    }
    Some(key)
}

fn packed_stopwords() -> &'static [u64] {
    static PACKED: std::sync::OnceLock<Vec<u64>> = std::sync::OnceLock::new();
    PACKED.get_or_init(|| {
        let mut keys: Vec<u64> =
            STOPWORDS.iter().map(|w| pack_letters(w).expect("stop words are short ASCII letters")).collect();
        keys.sort_unstable();
        keys
    })
}

/// Share of stop words among the words of `text`; prose scores about 0.4,
/// navigation and widget text close to 0.
pub fn stopword_ratio(text: &str) -> f32 {
    word_and_stopword_counts(text).1
}

/// The number of [`words`] of `text` and its [`stopword_ratio`], from one
/// word segmentation (segmenting is the costly part; callers need both).
pub fn word_and_stopword_counts(text: &str) -> (usize, f32) {
    let mut total = 0usize;
    let mut stop = 0usize;
    for w in words(text) {
        total += 1;
        if is_stopword_any_case(w) {
            stop += 1;
        }
    }
    if total == 0 {
        (0, 0.0)
    } else {
        (total, stop as f32 / total as f32)
    }
}

/// An English Snowball stemmer. Creating one is cheap, but callers in hot
/// loops keep one.
pub fn english_stemmer() -> rust_stemmers::Stemmer {
    rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English)
}

/// Converts byte offsets of one string into char offsets, in increasing
/// order of queries, in O(total length).
pub struct CharOffsets<'a> {
    text: &'a str,
    byte: usize,
    chars: usize,
}

impl<'a> CharOffsets<'a> {
    /// Offsets into `text`, starting from its beginning.
    pub fn new(text: &'a str) -> Self {
        CharOffsets { text, byte: 0, chars: 0 }
    }

    /// Char offset of byte offset `byte` (must lie on a char boundary).
    /// Queries going backwards restart from the beginning.
    pub fn char_at(&mut self, byte: usize) -> usize {
        if byte < self.byte {
            self.byte = 0;
            self.chars = 0;
        }
        self.chars += self.text[self.byte..byte].chars().count();
        self.byte = byte;
        self.chars
    }
}

/// Char offset of a byte offset (one-off; use [`CharOffsets`] in loops).
pub fn byte_to_char(text: &str, byte: usize) -> usize {
    text[..byte].chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The piecewise segmentation must equal the segmenter's own on the
    /// whole text: words and their offsets.
    fn assert_same_words(text: &str) {
        let ours: Vec<(usize, &str)> = word_spans(text).collect();
        let whole: Vec<(usize, &str)> = text.unicode_word_indices().collect();
        assert_eq!(ours, whole, "in {text:?}");
        assert_eq!(words(text).collect::<Vec<_>>(), text.unicode_words().collect::<Vec<_>>(), "in {text:?}");
    }

    #[test]
    fn word_pieces_segment_like_the_whole_text_on_real_news() {
        let paths = ["data/events/ecbplus-dev.jsonl", "data/events/gva-dev.jsonl", "data/seeds-dated.jsonl"];
        let Some(corpora) = paths.map(crate::test_data::shared).into_iter().collect::<Option<Vec<_>>>() else {
            return;
        };
        let mut mixed = 0;
        for corpus in &corpora {
            for line in corpus.lines() {
                let v: serde_json::Value = serde_json::from_str(line).unwrap();
                let text = v["text"].as_str().unwrap_or("");
                mixed += !text.is_ascii() as usize;
                assert_same_words(text);
            }
        }
        // The corpora exercise the mixed (non-ASCII) case, not only ASCII.
        assert!(mixed > 100, "{mixed}");
    }

    #[test]
    fn word_pieces_segment_like_the_whole_text_on_random_strings() {
        // Characters around which UAX #29 rules differ: letters, digits,
        // infix punctuation, underscore, spaces and line breaks, curly
        // quotes, accents, a combining mark, soft hyphen (Format), ZWJ,
        // an emoji, regional indicators, Hangul and Katakana.
        let alphabet: Vec<char> = "aZ19 ..,,;:'_\n\r\t\"-\u{201c}\u{2014}\u{e9}\u{301}\u{ad}\u{200d}\u{1f600}\u{1f1f0}\u{1f1f7}\u{d55c}\u{30ab}\u{a0}".chars().collect();
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..20_000 {
            let len = (next() % 24) as usize;
            let text: String = (0..len).map(|_| alphabet[(next() % alphabet.len() as u64) as usize]).collect();
            assert_same_words(&text);
        }
    }

    #[test]
    fn hash_normalisation_is_nfkc_whether_or_not_the_quick_check_passes() {
        // Composed and decomposed accents, a ligature, full-width letters.
        assert_eq!(normalize_for_hash("Caf\u{e9} \u{201c}Talks\u{201d}"), "café talks");
        assert_eq!(normalize_for_hash("Cafe\u{301}  talks!"), "café talks");
        assert_eq!(normalize_for_hash("\u{fb01}sh \u{ff21}\u{ff22}"), "fish ab");
    }

    #[test]
    fn packed_stop_words_find_every_listed_word_and_nothing_else() {
        assert!(STOPWORDS.iter().all(|w| is_stopword(w)));
        assert!(STOPWORDS.iter().all(|w| is_stopword_any_case(&w.to_uppercase())));
        for not in ["", "seoul", "thez", "themselvess", "th", "the'", "thé", "1", "a1"] {
            assert!(!is_stopword_any_case(not), "{not:?}");
        }
    }

    #[test]
    fn stopwords_are_sorted_for_binary_search() {
        let mut sorted = STOPWORDS.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, STOPWORDS);
    }

    #[test]
    fn normalisation_folds_typography() {
        assert_eq!(normalize_for_hash("“Hello,”  World!\nIt’s  ＯＫ"), normalize_for_hash("\"hello,\" world! it's ok"));
        assert_eq!(normalize_for_hash("  A -- b  "), "a b");
    }

    #[test]
    fn char_offsets_count_scalars_not_bytes() {
        let t = "ⓒ Aju — Press";
        let b = t.find("Press").unwrap();
        assert_eq!(CharOffsets::new(t).char_at(b), 8);
        assert_eq!(byte_to_char(t, b), 8);
    }
}
