//! Deterministic, fast hashing for the clusterer's maps. Keys are already
//! xxh3 hashes of strings, so the map hasher only mixes them cheaply; a
//! fixed hasher also keeps iteration order (and so float sums) identical
//! across processes, which keeps labels deterministic.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

#[derive(Default, Clone, Copy)]
pub(crate) struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        // Fibonacci mixing spreads already-random keys over the buckets.
        self.0.wrapping_mul(0x9E37_79B9_7F4A_7C15)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8 | b as u64).wrapping_mul(0x100_0000_01B3);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
    fn write_u32(&mut self, n: u32) {
        self.0 = n as u64;
    }
    fn write_i32(&mut self, n: i32) {
        self.0 = n as u32 as u64;
    }
}

pub(crate) type IdMap<K, V> = HashMap<K, V, BuildHasherDefault<IdHasher>>;

/// Hash of a feature string with a namespace tag, so a token and an entity
/// with the same spelling stay distinct.
pub(crate) fn term_hash(namespace: u8, s: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64_with_seed(s.as_bytes(), namespace as u64)
}
