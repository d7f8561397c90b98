//! Helpers shared by the integration tests: paths to the fixtures, running
//! the built binary, parsing its JSONL and JSON output.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

/// The `storyline` binary cargo built for this test run.
pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_storyline")
}

/// The repository root (`crates/cli/../..`).
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

// The one rule for tests that read `../shared` (skip visibly, or fail
// under STORYLINE_REQUIRE_SHARED=1), shared with core's and the server's
// tests.
#[path = "../../../core/src/test_data.rs"]
mod test_data;

/// `../shared/<path>` (seeds, dev sets), or `None` once the test is
/// reported skipped.
pub fn shared(path: &str) -> Option<PathBuf> {
    test_data::shared_path(path)
}

/// The five seed files, or `None` (skipped).
pub fn seeds_dir() -> Option<PathBuf> {
    shared("seeds")
}

/// The five seeds as dated JSONL, or `None` (skipped).
pub fn seeds_dated() -> Option<PathBuf> {
    shared("data/seeds-dated.jsonl")
}

pub fn examples_dir() -> PathBuf {
    repo().join("examples")
}

/// The finished run of one command.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(out: Output) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Panics with both streams when the exit code is not 0.
    pub fn ok(self) -> Run {
        assert_eq!(self.code, 0, "exit code {}\nstdout:\n{}\nstderr:\n{}", self.code, self.stdout, self.stderr);
        self
    }

    /// Every stdout line parsed as JSON.
    pub fn jsonl(&self) -> Vec<Value> {
        parse_jsonl(&self.stdout)
    }

    /// The whole stdout parsed as one JSON value.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}\nstderr:\n{}", self.stdout, self.stderr))
    }
}

pub fn parse_jsonl(text: &str) -> Vec<Value> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON line ({e}): {l}")))
        .collect()
}

/// Runs `storyline ARGS` in `dir` (the repository root when None).
pub fn run_in(dir: Option<&Path>, args: &[&str]) -> Run {
    let out = Command::new(bin())
        .args(args)
        .current_dir(dir.map(Path::to_path_buf).unwrap_or_else(repo))
        .env_remove("STORYLINE_DB")
        .stdin(Stdio::null())
        .output()
        .expect("run storyline");
    Run::from(out)
}

pub fn run(args: &[&str]) -> Run {
    run_in(None, args)
}

/// Runs `storyline ARGS` with `input` on standard input.
pub fn run_stdin(args: &[&str], input: &[u8]) -> Run {
    let mut child = Command::new(bin())
        .args(args)
        .current_dir(repo())
        .env_remove("STORYLINE_DB")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn storyline");
    let mut stdin = child.stdin.take().expect("stdin");
    let bytes = input.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&bytes));
    let out = child.wait_with_output().expect("wait for storyline");
    writer.join().expect("writer thread").expect("write stdin");
    Run::from(out)
}

/// A path as the string argument the binary takes.
pub fn arg(p: &Path) -> String {
    p.to_str().expect("utf-8 path").to_owned()
}

/// The value of `key` as a string, or "" for null/missing.
pub fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// Cluster lines by id. The key is the id's prefix before the first `_`
/// (`000` for `000_3d5f58d5529388c6`), so tests read like the issue.
pub fn by_short_id(lines: &[Value]) -> BTreeMap<String, Value> {
    lines.iter().map(|l| (short(s(l, "id")), l.clone())).collect()
}

pub fn short(id: &str) -> String {
    id.split('_').next().unwrap_or(id).to_owned()
}

/// Ids of the lines whose `key` equals `value`, shortened, sorted.
pub fn members(lines: &[Value], key: &str, value: &str) -> Vec<String> {
    let mut ids: Vec<String> = lines.iter().filter(|l| s(l, key) == value).map(|l| short(s(l, "id"))).collect();
    ids.sort();
    ids
}

/// A run over `examples/` reports only its README.md (not an article).
pub fn assert_only_readme_skipped(stderr: &str) {
    for line in stderr.lines().filter(|l| l.starts_with("skipped ")) {
        assert!(line.contains("README.md"), "only examples/README.md may be skipped, got: {line}\n{stderr}");
    }
}

/// `n` pseudo-random lowercase letters (xorshift from `state`, which moves
/// on): text no compressor can shrink, for values that must stay over a
/// store's size limit (PostgreSQL would squeeze a repetitive one under it).
pub fn incompressible_letters(n: usize, state: &mut u64) -> String {
    (0..n)
        .map(|_| {
            *state ^= *state << 13;
            *state ^= *state >> 7;
            *state ^= *state << 17;
            char::from(b'a' + (*state % 26) as u8)
        })
        .collect()
}
