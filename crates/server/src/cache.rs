//! cache: which answers can be served again without asking the store?
//!
//! Two reads are expensive on a large store: the story list (a GROUP BY
//! over every article, plus each listed story's coverage) and a story view
//! (every article of the story read, decoded and folded). Both change only
//! when articles are added, and articles are only ever added, so each
//! answer is kept as its serialized JSON together with the version it was
//! computed for:
//!
//! - the story list: the number of indexed articles ([`SearchIndex::len`],
//!   in memory). Our own ingests reload the index at once; a CLI ingest in
//!   another process is seen when the index reloads (about a second).
//! - a story view: the number of indexed articles of that story
//!   ([`SearchIndex::story_len`], one term count).
//!
//! A request whose version differs recomputes (one request at a time per
//! cache, the others wait and then read its answer, so a burst of requests
//! after an ingest does not run the same GROUP BY many times at once).
//!
//! [`SearchIndex::len`]: storyline_store::SearchIndex::len
//! [`SearchIndex::story_len`]: storyline_store::SearchIndex::story_len

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Mutex, MutexGuard};

use axum::body::Bytes;

/// Largest number of entries one cache keeps; past it, it starts afresh.
/// (Entries are a page of the story list or one story's JSON: a few KB to
/// a few hundred KB each.)
const MAX_ENTRIES: usize = 256;

/// Answers by key (serialized JSON, or a shared value other answers are
/// derived from), each with the version it was computed for.
pub struct Versioned<K, V = Bytes> {
    entries: Mutex<HashMap<K, (u64, V)>>,
    compute: Mutex<()>,
}

impl<K: Eq + Hash, V> Default for Versioned<K, V> {
    fn default() -> Self {
        Versioned { entries: Mutex::new(HashMap::new()), compute: Mutex::new(()) }
    }
}

impl<K: Eq + Hash, V: Clone> Versioned<K, V> {
    /// The answer for `key` if it was computed at `version`.
    pub fn get(&self, key: &K, version: u64) -> Option<V> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.get(key).filter(|(v, _)| *v == version).map(|(_, b)| b.clone())
    }

    /// Keeps `body` as the answer for `key` at `version` (replacing an older one).
    pub fn put(&self, key: K, version: u64, body: V) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= MAX_ENTRIES && !entries.contains_key(&key) {
            entries.clear();
        }
        entries.insert(key, (version, body));
    }

    /// Held while computing an answer: callers that missed take it, look
    /// again (another may have just computed it), and only then compute.
    pub fn computing(&self) -> MutexGuard<'_, ()> {
        self.compute.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The cached answer, or `compute()`'s (then cached; errors are not).
    pub fn get_or_compute<E>(&self, key: K, version: u64, compute: impl FnOnce() -> Result<V, E>) -> Result<V, E> {
        if let Some(b) = self.get(&key, version) {
            return Ok(b);
        }
        let _guard = self.computing();
        if let Some(b) = self.get(&key, version) {
            return Ok(b);
        }
        let body = compute()?;
        self.put(key, version, body.clone());
        Ok(body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_is_reused_until_its_version_changes() {
        let c: Versioned<u32> = Versioned::default();
        let mut runs = 0;
        let mut get = |v: u64| {
            c.get_or_compute::<()>(1, v, || {
                runs += 1;
                Ok(Bytes::from(format!("v{v}")))
            })
        };
        assert_eq!(&get(1).unwrap()[..], b"v1");
        assert_eq!(&get(1).unwrap()[..], b"v1");
        assert_eq!(&get(2).unwrap()[..], b"v2");
        assert_eq!(runs, 2);
        assert!(c.get(&1, 1).is_none());
        // Errors are not cached.
        assert!(c.get_or_compute(5, 1, || Err::<Bytes, _>("no")).is_err());
        assert!(c.get(&5, 1).is_none());
    }
}
