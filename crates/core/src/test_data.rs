//! Test data from `../shared`, the data folder beside the repository (the
//! seed articles, the ECB+ and GVA dev sets), read at run time so that
//! core's tests compile and pass without it. It is not vendored: the seeds
//! are scraped news with no licence to copy them here, and the dev sets
//! are 12 MB.
//!
//! A test that needs a missing file says so and returns; with
//! `STORYLINE_REQUIRE_SHARED=1` (which `.ci/run` sets) it fails instead, so
//! CI never passes by skipping.
//!
//! This file is the one definition of that rule: the CLI's and the
//! server's integration tests include it by path (`#[path]`), so every
//! crate skips and fails alike.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Set to `1` to make a missing `../shared` file a test failure.
const REQUIRE: &str = "STORYLINE_REQUIRE_SHARED";

/// The five seed articles, `../shared/seeds/<name>`, in file-name order.
pub(crate) const SEED_FILES: [&str; 5] = [
    "000_3d5f58d5529388c6.txt",
    "001_cc2096c2dac57694.txt",
    "002_bb6cc63204c9fe2b.txt",
    "003_3c120438f9401b4a.txt",
    "004_19aa27566d99c8e4.txt",
];

/// `../shared/<path>` when it exists, or `None` once the test is reported
/// skipped. The note goes straight to the stderr stream, not through
/// `eprintln!`, which the test harness captures and hides for passing
/// tests.
pub(crate) fn shared_path(path: &str) -> Option<PathBuf> {
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared").join(path);
    if full.exists() {
        return Some(full);
    }
    if std::env::var(REQUIRE).as_deref() == Ok("1") {
        panic!("{REQUIRE}=1 but ../shared/{path} is missing ({})", full.display());
    }
    let test = std::thread::current().name().unwrap_or("a test").to_string();
    let _ = writeln!(std::io::stderr(), "skipped: needs ../shared/{path} ({test})");
    None
}

/// The text of `../shared/<path>`, or `None` once the test is reported
/// skipped (see [`shared_path`]).
pub(crate) fn shared(path: &str) -> Option<String> {
    let full = shared_path(path)?;
    match std::fs::read_to_string(&full) {
        Ok(text) => Some(text),
        Err(e) => panic!("../shared/{path} is there but cannot be read ({}): {e}", full.display()),
    }
}

/// Seed article `i` (0-4) of [`SEED_FILES`].
pub(crate) fn seed(i: usize) -> Option<String> {
    shared(&format!("seeds/{}", SEED_FILES[i]))
}

/// The five seed articles' texts, in [`SEED_FILES`] order.
pub(crate) fn seeds() -> Option<[String; 5]> {
    let texts: Option<Vec<String>> = (0..SEED_FILES.len()).map(seed).collect();
    texts.and_then(|t| t.try_into().ok())
}
