//! `cargo xtask fuzz`: a time-budgeted **mutation** fuzzer for the readers
//! (HTML extraction, WARC, feed, JSONL, plain text) and the search query
//! parser (issue 21).
//!
//! It is not coverage-guided: stable Rust can build libFuzzer targets
//! (`libfuzzer-sys` with `-C passes=sancov-module`), but that is a second,
//! instrumented build of most of the dependency graph, which does not fit
//! the CI budget on two cores (BENCHMARKS.md, "Fuzzing"). Instead inputs are
//! seeds taken from real pages, mutated at the byte level (flips, inserts,
//! deletions, duplication, truncation, splices of other seeds) and at the
//! structure level (deep nesting of a tag found in the input, huge
//! attributes, NUL, UTF-16 and other encodings, lying lengths, JSON and XML
//! nesting), stacked one to eight at a time.
//!
//! Each target runs in a child process (a stack overflow or abort then
//! kills the child, not the run): the child writes every input to a file
//! before running it, runs it under `catch_unwind`, and a watchdog ends it
//! when one input runs longer than the per-input limit (a stall). A panic,
//! a stall or a dead child is a **find**: its input, shrunk when that is
//! cheap (panics only), is written to `crates/ingest/tests/fixtures/hostile/`
//! where `fixtures_replay` (and, for queries, the store's
//! `query_fixtures_replay`) keeps it as a regression test. The same
//! `--seed` gives the same inputs.

mod mutate;
mod seeds;
mod targets;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};

pub use targets::Target;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Total time for all targets, split evenly between them.
    #[arg(long, default_value_t = 90)]
    pub seconds: u64,
    /// Fuzz only this target (html, warc, feed, jsonl, text, query).
    #[arg(long)]
    pub target: Option<Target>,
    /// Seed of the mutation generator: the same seed gives the same inputs.
    #[arg(long, default_value_t = 21)]
    pub seed: u64,
    /// An input running longer than this is a find (a stall).
    #[arg(long, default_value_t = 2000)]
    pub input_ms: u64,
    /// Where finds are written (the fixtures `fixtures_replay` replays).
    #[arg(long, default_value = "crates/ingest/tests/fixtures/hostile")]
    pub finds: PathBuf,
    /// The shared data folder (seeds, WCXB pages).
    #[arg(long, default_value = "../shared")]
    pub shared: PathBuf,
    /// Internal: run one target in this process (the child's side).
    #[arg(long, hide = true)]
    pub child: bool,
    /// Internal: the child's working directory.
    #[arg(long, hide = true)]
    pub state: Option<PathBuf>,
}

/// What a child reports on its last line.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
struct ChildReport {
    execs: u64,
    finds: Vec<String>,
    /// Why it stopped early, when it did (a stall).
    stopped: Option<String>,
}

pub fn run(args: &Args) -> anyhow::Result<()> {
    if args.child {
        return child(args);
    }
    let targets: Vec<Target> = match args.target {
        Some(t) => vec![t],
        None => Target::ALL.to_vec(),
    };
    std::fs::create_dir_all(&args.finds).with_context(|| format!("creating {}", args.finds.display()))?;
    let per_target = Duration::from_secs(args.seconds) / targets.len() as u32;
    let state = tempfile::tempdir()?;
    let exe = std::env::current_exe()?;
    println!(
        "fuzz: mutation fuzzer (not coverage-guided), {} s over {} targets, seed {}, stall limit {} ms",
        args.seconds,
        targets.len(),
        args.seed,
        args.input_ms
    );
    let mut all_finds = Vec::new();
    for target in targets {
        let start = Instant::now();
        let (mut execs, mut finds, mut round) = (0u64, Vec::new(), 0u64);
        // A child that stalls or dies is restarted (with another seed) for
        // the rest of the target's time.
        while start.elapsed() + Duration::from_millis(200) < per_target {
            let left = per_target - start.elapsed();
            let dir = state.path().join(format!("{}-{round}", target.name()));
            std::fs::create_dir_all(&dir)?;
            let out = Command::new(&exe)
                .args(["fuzz", "--child", "--target", target.name()])
                .arg("--seconds")
                .arg(left.as_secs().max(1).to_string())
                .arg("--seed")
                .arg((args.seed ^ round.wrapping_mul(0x9e37_79b9_7f4a_7c15)).to_string())
                .arg("--input-ms")
                .arg(args.input_ms.to_string())
                .arg("--finds")
                .arg(&args.finds)
                .arg("--shared")
                .arg(&args.shared)
                .arg("--state")
                .arg(&dir)
                // Its finds are named on stderr as they are written.
                .stderr(std::process::Stdio::inherit())
                .output()
                .context("running the fuzz child")?;
            let report: Option<ChildReport> =
                String::from_utf8_lossy(&out.stdout).lines().last().and_then(|l| serde_json::from_str(l).ok());
            match report {
                Some(r) => {
                    execs += r.execs;
                    finds.extend(r.finds);
                }
                None => {
                    // Killed by a signal (stack overflow, abort, OOM): the
                    // input it was running is the find.
                    let current = dir.join("current");
                    let bytes = std::fs::read(&current).unwrap_or_default();
                    let status = out.status;
                    let why = format!("the process died ({status})");
                    let path = write_find(&args.finds, target, &bytes, &why)?;
                    finds.push(path.display().to_string());
                    execs += std::fs::read_to_string(dir.join("execs"))
                        .ok()
                        .and_then(|s| s.trim().parse().ok())
                        .unwrap_or(0);
                }
            }
            round += 1;
            // One bug found many times tells nothing more.
            if finds.len() >= 3 || per_target.saturating_sub(start.elapsed()) < Duration::from_secs(1) {
                break;
            }
        }
        println!(
            "fuzz {:<6} {:>8} execs in {:>5.1} s, {} finds",
            target.name(),
            execs,
            start.elapsed().as_secs_f64(),
            finds.len()
        );
        for f in &finds {
            println!("  find: {f}");
        }
        all_finds.extend(finds);
    }
    if !all_finds.is_empty() {
        bail!(
            "{} new find(s) written (now replayed by fixtures_replay); fix each at its cause:\n  {}",
            all_finds.len(),
            all_finds.join("\n  ")
        );
    }
    Ok(())
}

/// The child: fuzzes one target until its time is up or a stall.
fn child(args: &Args) -> anyhow::Result<()> {
    let target = args.target.context("--child needs --target")?;
    let state = args.state.clone().context("--child needs --state")?;
    let budget = Duration::from_secs(args.seconds.max(1));
    let limit = Duration::from_millis(args.input_ms);
    let corpus = seeds::corpus(target, &args.shared, &args.finds);
    if corpus.is_empty() {
        bail!("no seeds for {}", target.name());
    }
    // Panics are finds: their message is kept, not printed.
    let last_panic = Arc::new(std::sync::Mutex::new(String::new()));
    {
        let last_panic = last_panic.clone();
        std::panic::set_hook(Box::new(move |info| {
            let at = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
            let msg = info
                .payload()
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| info.payload().downcast_ref::<String>().cloned())
                .unwrap_or_default();
            *last_panic.lock().unwrap_or_else(|e| e.into_inner()) = format!("{msg}{at}");
        }));
    }
    // The watchdog: the number of the input running and when it started.
    let running = Arc::new(AtomicU64::new(0));
    let started_ms = Arc::new(AtomicU64::new(u64::MAX));
    let clock = Instant::now();
    {
        let (running, started_ms, state, finds) =
            (running.clone(), started_ms.clone(), state.clone(), args.finds.clone());
        std::thread::spawn(move || loop {
            std::thread::sleep(Duration::from_millis(50));
            let at = started_ms.load(Ordering::SeqCst);
            if at == u64::MAX {
                continue;
            }
            let took = clock.elapsed().saturating_sub(Duration::from_millis(at));
            if took > limit {
                let bytes = std::fs::read(state.join("current")).unwrap_or_default();
                let why = format!("one input ran over {} ms (a stall)", limit.as_millis());
                let path = write_find(&finds, target, &bytes, &why).map(|p| p.display().to_string());
                let report = ChildReport {
                    execs: running.load(Ordering::SeqCst),
                    finds: path.into_iter().collect(),
                    stopped: Some(why),
                };
                println!("{}", serde_json::to_string(&report).unwrap_or_default());
                let _ = std::io::stdout().flush();
                std::process::exit(0);
            }
        });
    }
    let mut rng = mutate::Rng::new(args.seed);
    let mut report = ChildReport::default();
    let start = Instant::now();
    let current = state.join("current");
    while start.elapsed() < budget {
        let input = mutate::mutate(&mut rng, target, &corpus);
        // Kept for the parent in case this input kills the process.
        std::fs::write(&current, &input)?;
        started_ms.store(clock.elapsed().as_millis() as u64, Ordering::SeqCst);
        let outcome = std::panic::catch_unwind(|| target.run(&input));
        started_ms.store(u64::MAX, Ordering::SeqCst);
        report.execs += 1;
        running.store(report.execs, Ordering::SeqCst);
        if report.execs % 256 == 0 {
            std::fs::write(state.join("execs"), report.execs.to_string())?;
        }
        if outcome.is_err() {
            let why = std::mem::take(&mut *last_panic.lock().unwrap_or_else(|e| e.into_inner()));
            let small = shrink(target, input, Duration::from_secs(10));
            let path = write_find(&args.finds, target, &small, &format!("panic: {why}"))?;
            report.finds.push(path.display().to_string());
            if report.finds.len() >= 5 {
                report.stopped = Some("five finds".into());
                break;
            }
        }
    }
    println!("{}", serde_json::to_string(&report)?);
    Ok(())
}

/// Shrinks a panicking input by cutting pieces while it still panics, for
/// at most `budget`: halves, quarters, ... down to single bytes.
fn shrink(target: Target, mut input: Vec<u8>, budget: Duration) -> Vec<u8> {
    let start = Instant::now();
    let panics = |bytes: &[u8]| std::panic::catch_unwind(|| target.run(bytes)).is_err();
    let mut chunk = input.len() / 2;
    while chunk >= 1 && start.elapsed() < budget {
        let mut at = 0;
        let mut cut_any = false;
        while at + chunk <= input.len() && start.elapsed() < budget {
            let mut candidate = input[..at].to_vec();
            candidate.extend_from_slice(&input[at + chunk..]);
            if panics(&candidate) {
                input = candidate;
                cut_any = true;
            } else {
                at += chunk;
            }
        }
        if !cut_any {
            chunk /= 2;
        }
    }
    input
}

/// Writes a find as `fuzz-<target>-<hash>.<ext>`; the reason goes to the
/// run's output (the fixture holds the input bytes only).
fn write_find(dir: &Path, target: Target, bytes: &[u8], why: &str) -> anyhow::Result<PathBuf> {
    let hash = xxhash_rust::xxh3::xxh3_64(bytes);
    let path = dir.join(format!("fuzz-{}-{hash:016x}.{}", target.name(), target.extension()));
    std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
    eprintln!("fuzz {}: {why}: {} ({} bytes)", target.name(), path.display(), bytes.len());
    Ok(path)
}
