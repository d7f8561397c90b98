//! The alias registry's memory per remembered context name (issue 22: kept
//! as strings, the names seen beside romanisable people were 60 of the
//! registry's 72 MB after 200,000 articles). One test in its own binary, so
//! the counting allocator sees nothing else.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use storyline_core::analyze::{AliasRegistry, AnalyzeConfig};
use storyline_core::{Analysis, Entity, EntityType};

struct Counting;

static NOW: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            NOW.fetch_add(layout.size(), Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        NOW.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// A made-up romanisable two-word name (`Vadim Kostrov12`-like, letters only).
fn name(n: usize) -> String {
    let letters = |mut k: usize| {
        let mut s = String::new();
        for _ in 0..6 {
            s.push((b'a' + (k % 26) as u8) as char);
            k /= 26;
        }
        s
    };
    let (first, last) = (letters(n), letters(n * 7919 + 13));
    let cap = |w: &str| w[..1].to_uppercase() + &w[1..];
    format!("{} {}", cap(&first), cap(&last))
}

#[test]
fn context_names_cost_a_few_bytes_each() {
    let cfg = AnalyzeConfig::default();
    let mut registry = AliasRegistry::new(&cfg);
    // One article naming a thousand people: each remembers the most
    // context names it may (512), so they outweigh everything else kept.
    let people = 1000;
    let names: Vec<String> = (0..people).map(name).collect();
    let mut analysis = Analysis {
        entities: names
            .iter()
            .map(|n| Entity { text: n.clone(), kind: EntityType::Person, start: 0, end: 0, canonical: n.clone() })
            .collect(),
        ..Default::default()
    };
    let before = NOW.load(Ordering::Relaxed);
    registry.fold(&mut analysis, "", None);
    let held = NOW.load(Ordering::Relaxed) - before;
    assert_eq!(registry.len(), people);
    let context_names = people * 512;
    // As strings: 24 bytes each in the set, plus the name's own bytes,
    // at most half the table filled (60-70 bytes each); as 8-byte hashes,
    // under 20.
    let per_context_name = held as f64 / context_names as f64;
    assert!(per_context_name < 32.0, "{held} bytes for {context_names} context names: {per_context_name:.1} each");
}
