//! Peak heap of the per-article stages against the article's size (issue
//! 21: a 15 MB text file took 27 times its size in RAM to ingest). One test
//! in its own binary, so the counting allocator sees nothing else.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use storyline_core::{prepare, PipelineConfig, RawArticle, TextFormat};

struct Counting;

static NOW: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = NOW.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
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

/// A long article of plain sentences (names, numbers, paragraphs).
fn long_text(bytes: usize) -> String {
    let words = ["council", "harbour", "storm", "ferry", "minister", "budget", "voted", "said", "on", "the", "Monday"];
    let names = ["Karsvik", "Maren Eik", "Haldvik", "Jonas Hale"];
    let mut text = String::with_capacity(bytes + 200);
    let mut i = 0usize;
    while text.len() < bytes {
        for k in 0..12 {
            text.push_str(words[(i * 7 + k * 3) % words.len()]);
            text.push(' ');
        }
        text.push_str(names[i % names.len()]);
        text.push_str(if i % 5 == 4 { ".\n\n" } else { ". " });
        i += 1;
    }
    text
}

#[test]
fn a_long_article_is_prepared_in_a_few_times_its_size() {
    let size = 2 << 20;
    let raw =
        RawArticle { id: "long".into(), text: long_text(size), format: TextFormat::Scraped, ..Default::default() };
    let cfg = PipelineConfig::default();
    let before = NOW.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let prepared = prepare(&raw, &cfg);
    let peak = PEAK.load(Ordering::Relaxed) - before;
    assert!(!prepared.analysis.entities.is_empty());
    let ratio = peak as f64 / raw.text.len() as f64;
    eprintln!("peak {peak} bytes for a {} byte article: {ratio:.1}x", raw.text.len());
    // Measured 31x before the tokenizer stopped collecting a 16-byte
    // (offset, char) pair per character; about 12x after.
    assert!(ratio < 16.0, "preparing a {} byte article peaked at {peak} bytes ({ratio:.1}x)", raw.text.len());
}
