//! Background document frequencies: how common a word or name is in news
//! and on the web in general, from a vendored table
//! (`background_df.tsv`, built by `bench/cluster/background_df.py`).
//!
//! The clusterer's IDF is learned online from the articles it has seen, so
//! in a 50-article input about one government a name every article prints
//! looks as rare as a word only two of them share. Blending the running
//! counts with this table, weighted as a number of prior documents, keeps
//! a common word common however small the input is.

use std::sync::OnceLock;

use super::features::{NS_ENTITY, NS_TERM};
use super::hashing::{term_hash, IdMap};
use crate::text::is_stopword;

const TABLE: &str = include_str!("background_df.tsv");
/// The table's counts are per this many documents.
const TABLE_SCALE: f32 = 10_000.0;

/// Share of documents (0..1) holding each term or name hash.
pub(crate) fn shares() -> &'static IdMap<u64, f32> {
    static SHARES: OnceLock<IdMap<u64, f32>> = OnceLock::new();
    SHARES.get_or_init(|| parse(TABLE))
}

fn parse(table: &str) -> IdMap<u64, f32> {
    let stemmer = crate::text::english_stemmer();
    let mut out: IdMap<u64, f32> = IdMap::default();
    let mut put = |key: u64, share: f32| {
        if share > 0.0 {
            // Words that stem alike: the commonest stands for the stem (a
            // document holding any of them holds the stem).
            let e = out.entry(key).or_insert(0.0);
            *e = e.max(share);
        }
    };
    for line in table.lines().filter(|l| !l.starts_with('#')) {
        let mut cols = line.split('\t');
        let (Some(word), Some(any), Some(cap)) = (cols.next(), cols.next(), cols.next()) else { continue };
        let (Ok(any), Ok(cap)) = (any.parse::<f32>(), cap.parse::<f32>()) else { continue };
        // Same filters as `text_features`: stop words and single letters
        // are never terms, and a name run holds no stop word.
        let single = !word.contains(' ');
        if single && (is_stopword(word) || word.chars().count() < 2) {
            continue;
        }
        if single {
            put(term_hash(NS_TERM, &stemmer.stem(word)), any / TABLE_SCALE);
        }
        put(term_hash(NS_ENTITY, word), cap / TABLE_SCALE);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_knows_common_words_and_names() {
        let s = shares();
        assert!(s.len() > 10_000, "{}", s.len());
        let stem = |w: &str| term_hash(NS_TERM, &crate::text::english_stemmer().stem(w));
        // "police" is common in news, an invented word is not in the table.
        assert!(s[&stem("police")] > 0.1);
        assert!(!s.contains_key(&stem("zorbulent")));
        assert!(s[&term_hash(NS_ENTITY, "white house")] > 0.005);
        // Stop words never become keys.
        assert!(!s.contains_key(&term_hash(NS_TERM, "the")));
    }
}
