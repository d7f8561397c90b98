//! Saving and reading the online state holds a piece of it at a time, not
//! the whole: the state of a busy store is hundreds of MB, and an ingest
//! that held it three times over (the bytes, the statement's copy of its
//! parameter, SQLite's record) at its end grew its peak memory with it.
//!
//! Its own test binary: the counting allocator and SQLite's high-water
//! mark are process-wide, and no other test may allocate meanwhile.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};

use storyline_store::{SqliteStore, Store};

/// The system allocator, counting the bytes live and their peak.
struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = LIVE.fetch_add(layout.size() as isize, Ordering::SeqCst) + layout.size() as isize;
            PEAK.fetch_max(now, Ordering::SeqCst);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        unsafe { System.dealloc(p, layout) };
        LIVE.fetch_sub(layout.size() as isize, Ordering::SeqCst);
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Rust's and SQLite's peak bytes above what was live when it started,
/// while `f` runs.
fn peaks(f: impl FnOnce()) -> (isize, i64) {
    let base = LIVE.load(Ordering::SeqCst);
    PEAK.store(base, Ordering::SeqCst);
    let sqlite_base = unsafe { rusqlite::ffi::sqlite3_memory_used() };
    unsafe { rusqlite::ffi::sqlite3_memory_highwater(1) };
    f();
    let sqlite_peak = unsafe { rusqlite::ffi::sqlite3_memory_highwater(0) };
    (PEAK.load(Ordering::SeqCst) - base, sqlite_peak - sqlite_base)
}

const STATE: usize = 64 << 20;
/// Far below the state: a piece buffer, SQLite's page cache (2 MB by
/// default), its statements.
const LIMIT: usize = 12 << 20;

fn byte(i: usize) -> u8 {
    (i * 31 % 253) as u8
}

#[test]
fn a_64_mb_online_state_is_saved_and_read_without_holding_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = SqliteStore::open(&dir.path().join("s.db")).unwrap();
    let piece = vec![0u8; 64 << 10];

    let (rust, sqlite) = peaks(|| {
        store
            .save_online_state_from(3, STATE as u64, &mut |out| {
                let mut piece = piece.clone();
                for start in (0..STATE).step_by(piece.len()) {
                    for (k, b) in piece.iter_mut().enumerate() {
                        *b = byte(start + k);
                    }
                    out.write_all(&piece)?;
                }
                Ok(())
            })
            .unwrap();
    });
    assert!(rust < LIMIT as isize, "saving held {rust} bytes of Rust heap for a {STATE}-byte state");
    assert!(sqlite < LIMIT as i64, "saving held {sqlite} bytes of SQLite's memory for a {STATE}-byte state");

    let mut seen = 0usize;
    let (rust, sqlite) = peaks(|| {
        let found = store
            .read_online_state(&mut |articles, len, input| {
                assert_eq!((articles, len), (3, STATE as u64));
                let mut piece = vec![0u8; 50_000];
                loop {
                    let n = input.read(&mut piece)?;
                    if n == 0 {
                        break;
                    }
                    assert!(piece[..n].iter().enumerate().all(|(k, &b)| b == byte(seen + k)), "bytes at {seen}");
                    seen += n;
                }
                Ok(())
            })
            .unwrap();
        assert!(found);
    });
    assert_eq!(seen, STATE);
    assert!(rust < LIMIT as isize, "reading held {rust} bytes of Rust heap for a {STATE}-byte state");
    assert!(sqlite < LIMIT as i64, "reading held {sqlite} bytes of SQLite's memory for a {STATE}-byte state");
}
