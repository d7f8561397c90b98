//! `cargo xtask dedup-bench`: duplicate detection quality and speed on a
//! generated corpus of real articles and edited copies.
//!
//! The corpus comes from [`crate::bench_corpus`] (seeded,
//! deterministic): real articles (default: ECB+, where many different
//! articles report one event, so same-event distractors are built in) plus
//! copies with teasers, trimmed endings, appended local paragraphs, a
//! paragraph of a same-event report inserted, new boilerplate, reordering,
//! respelling and changed words; other reports of the same event are the
//! hard negatives. Quality is duplicate-pair
//! precision and recall against the gold groups; speed is signature +
//! observe on one thread (the fastest of `--repeat` passes). With `--peer`,
//! `bench/dedup/datasketch_peer.py` runs datasketch's MinHashLSH over the
//! same corpus with the same shingles at Jaccard thresholds 0.2-0.8, each
//! scored the same way; the best by F1 is reported beside storyline.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use crate::bench_corpus::{self, BenchConfig, BenchCorpus, BenchDoc, PairScore, SourceArticle};
use anyhow::{bail, Context, Result};
use storyline_core::dedup::{signature, DedupConfig, DedupIndex, DedupStats, DocMeta, DuplicateMatch};

#[derive(clap::Args, Debug)]
pub struct DedupBenchArgs {
    /// JSONL of real articles (`id`, `text`, optional `title`).
    #[arg(long, default_value = "../shared/data/events/ecbplus-dev.jsonl")]
    pub source: PathBuf,
    /// Copies made of each copied original (half of the originals with 60+
    /// words are copied; the rest are distractors only).
    #[arg(long, default_value_t = 4)]
    pub copies: usize,
    /// Most edits per copy (besides the new title); raise it to stress
    /// near-duplicate detection.
    #[arg(long, default_value_t = 3)]
    pub max_edits: usize,
    /// Seed of the corpus generator.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Folder for corpus.jsonl, gold.jsonl and results.json.
    #[arg(long, default_value = "target/dedup-bench")]
    pub out: PathBuf,
    /// Also run bench/dedup/datasketch_peer.py (needs `pip install datasketch`).
    #[arg(long)]
    pub peer: bool,
    /// Python interpreter for --peer.
    #[arg(long, default_value = "python3")]
    pub python: String,
    /// The peer script.
    #[arg(long, default_value = "bench/dedup/datasketch_peer.py")]
    pub peer_script: PathBuf,
    /// Timed passes over the corpus; the fastest is reported.
    #[arg(long, default_value_t = 5)]
    pub repeat: usize,
    /// Disable the excerpt and extended rules (Jaccard only), to measure
    /// what containment adds.
    #[arg(long)]
    pub no_containment: bool,
    /// Print up to N missed and N false duplicate pairs with their edits.
    #[arg(long, default_value_t = 0)]
    pub show_errors: usize,
}

/// One side of the comparison.
#[derive(Debug, Clone, serde::Serialize)]
struct ToolResult {
    tool: String,
    score: PairScore,
    articles_per_sec: f64,
}

fn read_sources(args: &DedupBenchArgs) -> Result<Vec<SourceArticle>> {
    let file = File::open(&args.source).with_context(|| {
        format!("cannot open {} (pass --source PATH to a JSONL of articles with id and text)", args.source.display())
    })?;
    let mut sources = Vec::new();
    let mut empty = 0usize;
    for (n, line) in BufReader::new(file).lines().enumerate() {
        let line = line.with_context(|| format!("{}:{}", args.source.display(), n + 1))?;
        if line.trim().is_empty() {
            continue;
        }
        let src: SourceArticle = serde_json::from_str(&line)
            .with_context(|| format!("{}:{}: not an article with id and text", args.source.display(), n + 1))?;
        if src.text.trim().is_empty() {
            empty += 1;
            continue;
        }
        sources.push(src);
    }
    if empty > 0 {
        eprintln!("dedup-bench: skipped {empty} source articles with empty text");
    }
    if sources.len() < 2 {
        bail!("{}: need at least 2 articles with text, found {}", args.source.display(), sources.len());
    }
    Ok(sources)
}

fn write_jsonl<T: serde::Serialize>(path: &PathBuf, rows: &[T]) -> Result<()> {
    let mut w = BufWriter::new(File::create(path).with_context(|| format!("cannot create {}", path.display()))?);
    for row in rows {
        serde_json::to_writer(&mut w, row)?;
        w.write_all(b"\n")?;
    }
    w.flush().with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// What one storyline run produced.
struct StorylineRun {
    /// Final match of every duplicate (after re-pointing).
    matches: HashMap<String, DuplicateMatch>,
    /// Fastest pass, seconds.
    seconds: f64,
    /// CPU time of the timing thread in its fastest pass by CPU time
    /// (`None` where the system does not say): the speed alone, whatever
    /// else the machine runs.
    cpu_seconds: Option<f64>,
    signature_bytes: f64,
    stats: DedupStats,
}

/// Runs storyline's dedup over the corpus in arrival order.
fn run_storyline(docs: &[BenchDoc], cfg: &DedupConfig, repeat: usize) -> StorylineRun {
    let articles: Vec<_> = docs.iter().map(bench_corpus::to_article).collect();
    let mut best = f64::INFINITY;
    let mut best_cpu: Option<f64> = None;
    let mut matches = HashMap::new();
    let mut bytes = 0usize;
    let mut stats = DedupStats::default();
    for _ in 0..repeat.max(1) {
        let start = Instant::now();
        let cpu_start = thread_cpu_seconds();
        let mut index = DedupIndex::new(cfg);
        let mut found = HashMap::new();
        let mut pass_bytes = 0usize;
        for a in &articles {
            let sig = signature(a, cfg);
            pass_bytes += sig.size_bytes();
            if let Some(m) = index.observe(&a.id, &sig, &DocMeta::of(a)) {
                found.insert(a.id.clone(), m);
            }
            for (id, m) in index.take_reassigned() {
                found.insert(id, m);
            }
        }
        best = best.min(start.elapsed().as_secs_f64());
        if let (Some(a), Some(b)) = (cpu_start, thread_cpu_seconds()) {
            best_cpu = Some(best_cpu.map_or(b - a, |c: f64| c.min(b - a)));
        }
        matches = found;
        bytes = pass_bytes;
        stats = index.stats().clone();
    }
    StorylineRun {
        matches,
        seconds: best,
        cpu_seconds: best_cpu,
        signature_bytes: bytes as f64 / articles.len().max(1) as f64,
        stats,
    }
}

/// CPU time of the calling thread, in seconds, from Linux's
/// `/proc/thread-self/schedstat` (nanoseconds on the CPU); `None` elsewhere.
fn thread_cpu_seconds() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = s.split_whitespace().next()?.parse().ok()?;
    Some(ns as f64 / 1e9)
}

/// The 1-minute load average (Linux), for the record beside a speed.
fn load_average() -> Option<String> {
    Some(std::fs::read_to_string("/proc/loadavg").ok()?.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
}

/// Jaccard thresholds datasketch is run at; the best by F1 is reported.
const PEER_THRESHOLDS: &str = "0.2,0.3,0.4,0.5,0.6,0.7,0.8";

/// One datasketch pass: (threshold, original_of, seconds).
type PeerRun = (f64, HashMap<String, String>, f64);

fn run_peer(args: &DedupBenchArgs, corpus: &PathBuf, cfg: &DedupConfig) -> Result<Vec<PeerRun>> {
    let output = Command::new(&args.python)
        .arg(&args.peer_script)
        .arg(corpus)
        .args(["--thresholds", PEER_THRESHOLDS])
        .args(["--shingle-words", &cfg.shingle_words.to_string()])
        .args(["--num-perm", "128"])
        .output()
        .with_context(|| format!("cannot run {} {}", args.python, args.peer_script.display()))?;
    if !output.status.success() {
        bail!(
            "{} failed ({}): {} (install the peer with `pip install datasketch`; run from the repository root or pass --peer-script)",
            args.peer_script.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    let v: serde_json::Value = serde_json::from_slice(&output.stdout).context("peer printed no JSON result")?;
    let runs = v["runs"].as_array().context("peer result lacks `runs`")?;
    runs.iter()
        .map(|r| {
            let secs = r["seconds"].as_f64().context("peer run lacks `seconds`")?;
            let threshold = r["threshold"].as_f64().context("peer run lacks `threshold`")?;
            let original_of = r["original_of"]
                .as_object()
                .context("peer run lacks `original_of`")?
                .iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                .collect();
            Ok((threshold, original_of, secs))
        })
        .collect()
}

fn f1(s: &PairScore) -> f64 {
    if s.precision + s.recall == 0.0 {
        0.0
    } else {
        2.0 * s.precision * s.recall / (s.precision + s.recall)
    }
}

fn print_errors(corpus: &BenchCorpus, original_of: &HashMap<String, String>, n: usize) {
    let docs = &corpus.docs;
    let grey: std::collections::HashSet<(&str, &str)> = corpus
        .ignored_group_pairs
        .iter()
        .flat_map(|(a, b)| [(a.as_str(), b.as_str()), (b.as_str(), a.as_str())])
        .collect();
    let by_id: HashMap<&str, &BenchDoc> = docs.iter().map(|d| (d.id.as_str(), d)).collect();
    let root = |id: &str| original_of.get(id).map(String::as_str).unwrap_or(id).to_string();
    let mut group_size: HashMap<&str, usize> = HashMap::new();
    for d in docs {
        *group_size.entry(d.group.as_str()).or_default() += 1;
    }
    // A member is missed when no other member of its group shares its root.
    let mut roots_in_group: HashMap<(&str, String), usize> = HashMap::new();
    for d in docs {
        *roots_in_group.entry((d.group.as_str(), root(&d.id))).or_default() += 1;
    }
    let mut missed: Vec<&BenchDoc> = docs
        .iter()
        .filter(|d| group_size[d.group.as_str()] > 1 && roots_in_group[&(d.group.as_str(), root(&d.id))] == 1)
        .collect();
    missed.sort_by(|a, b| a.id.cmp(&b.id));
    println!("articles apart from the rest of their gold group: {}", missed.len());
    for d in missed.iter().take(n) {
        println!("  {} (copy of {}): {}", d.id, d.copy_of.as_deref().unwrap_or("?"), d.edits.join(", "));
    }
    let mut wrong: Vec<(&String, &String)> = original_of
        .iter()
        .filter(|(id, r)| {
            by_id
                .get(id.as_str())
                .zip(by_id.get(r.as_str()))
                .is_some_and(|(a, b)| a.group != b.group && !grey.contains(&(a.group.as_str(), b.group.as_str())))
        })
        .collect();
    wrong.sort();
    println!("false matches (grey-zone pairs excluded): {}", wrong.len());
    for (id, r) in wrong.iter().take(n) {
        println!("  {id} -> {r}: {:.80} | {:.80}", by_id[id.as_str()].text, by_id[r.as_str()].text);
    }
}

pub fn run(args: &DedupBenchArgs) -> Result<()> {
    let sources = read_sources(args)?;
    let bench_cfg =
        BenchConfig { copies: args.copies, seed: args.seed, max_edits: args.max_edits, ..Default::default() };
    let corpus = bench_corpus::generate(&sources, &bench_cfg);
    let gold = corpus.gold_groups();
    std::fs::create_dir_all(&args.out).with_context(|| format!("cannot create {}", args.out.display()))?;
    let corpus_path = args.out.join("corpus.jsonl");
    write_jsonl(&corpus_path, &corpus.docs)?;
    write_jsonl(&args.out.join("gold.jsonl"), &gold)?;
    write_jsonl(&args.out.join("gold-ignored.jsonl"), &corpus.ignored_group_pairs)?;

    let mut cfg = DedupConfig::default();
    if args.no_containment {
        cfg.excerpt_containment = f32::INFINITY;
        cfg.extended_containment = f32::INFINITY;
    }
    let n = corpus.docs.len();
    let load_before = load_average();
    let StorylineRun { matches, seconds: secs, cpu_seconds, signature_bytes: bytes, stats } =
        run_storyline(&corpus.docs, &cfg, args.repeat);
    let original_of: HashMap<String, String> = matches.iter().map(|(k, m)| (k.clone(), m.original.clone())).collect();
    let ours = ToolResult {
        tool: "storyline".into(),
        score: bench_corpus::score_pairs(&corpus, &original_of),
        articles_per_sec: n as f64 / secs,
    };
    let roots = bench_corpus::score_roots(&corpus, &matches);
    let mut predictions: Vec<serde_json::Value> = corpus
        .docs
        .iter()
        .map(|d| {
            let m = matches.get(&d.id);
            serde_json::json!({"id": d.id, "duplicate_of": m.map(|m| &m.original), "kind": m.map(|m| m.kind), "score": m.map(|m| m.score)})
        })
        .collect();
    predictions.retain(|p| !p["duplicate_of"].is_null());
    write_jsonl(&args.out.join("predictions.jsonl"), &predictions)?;
    let mut results = vec![ours.clone()];
    if args.peer {
        let runs = run_peer(args, &corpus_path, &cfg)?;
        let scored: Vec<(f64, PairScore, f64)> =
            runs.iter().map(|(t, of, secs)| (*t, bench_corpus::score_pairs(&corpus, of), n as f64 / secs)).collect();
        for (t, score, speed) in &scored {
            eprintln!(
                "datasketch threshold {t:.1}: precision {:.4} recall {:.4} F1 {:.4} ({speed:.0} articles/s)",
                score.precision,
                score.recall,
                f1(score)
            );
        }
        let best = scored.iter().max_by(|a, b| f1(&a.1).total_cmp(&f1(&b.1))).context("peer returned no run")?;
        results.push(ToolResult {
            tool: format!("datasketch@{:.1}", best.0),
            score: best.1.clone(),
            articles_per_sec: best.2,
        });
    }

    let copies = corpus.docs.iter().filter(|d| d.copy_of.is_some()).count();
    println!(
        "dedup-bench: {n} articles ({} real, {copies} generated copies with up to {} edits; {} gold groups; {} group pairs of partial reuse not scored), source {}, seed {}",
        n - copies,
        args.max_edits,
        gold.len(),
        corpus.ignored_group_pairs.len(),
        args.source.display(),
        args.seed
    );
    println!(
        "{:<15} {:>9} {:>7} {:>12} {:>10} {:>10} {:>10} {:>10} {:>10}",
        "tool",
        "precision",
        "recall",
        "articles/s",
        "pred.pairs",
        "true.pairs",
        "gold.pairs",
        "grey.pairs",
        "same.event"
    );
    for r in &results {
        println!(
            "{:<15} {:>9.4} {:>7.4} {:>12.0} {:>10} {:>10} {:>10} {:>10} {:>10}",
            r.tool,
            r.score.precision,
            r.score.recall,
            r.articles_per_sec,
            r.score.predicted_pairs,
            r.score.true_pairs,
            r.score.gold_pairs,
            r.score.ignored_pairs,
            r.score.same_event_false_pairs
        );
    }
    if let [a, b] = &results[..] {
        println!("speed ratio storyline/datasketch: {:.1}x", a.articles_per_sec / b.articles_per_sec);
    }
    // Wall time counts the time other processes hold the CPU; the thread's
    // own CPU time is the speed on an idle core.
    if let Some(cpu) = cpu_seconds.filter(|&c| c > 0.0) {
        println!(
            "storyline speed: {:.0} articles/s wall, {:.0} articles per CPU-second of its one thread (fastest of {} passes; load average {} before)",
            n as f64 / secs,
            n as f64 / cpu,
            args.repeat.max(1),
            load_before.as_deref().unwrap_or("unknown")
        );
    }
    println!(
        "storyline: {}/{} detected copies (outside grey-zone groups) point to the gold original; {}/{} wire copies marked syndicated; {:.0} signature bytes per article; containment rule {}",
        roots.root_correct,
        roots.detected_copies,
        roots.syndicated_correct,
        roots.detected_wire_copies,
        bytes,
        if args.no_containment { "off" } else { "on" }
    );
    println!(
        "storyline index: {} exact, {} near, {} excerpt, {} extended ({} syndicated), {} too short to match, {} exact-only, {:.2} originals compared per article",
        stats.exact,
        stats.near,
        stats.excerpt,
        stats.extended,
        stats.syndicated,
        stats.too_short,
        stats.exact_only,
        stats.candidates_checked as f64 / n.max(1) as f64
    );
    if args.show_errors > 0 {
        print_errors(&corpus, &original_of, args.show_errors);
    }
    let summary = serde_json::json!({
        "articles": n, "copies": copies, "max_edits": args.max_edits, "groups": gold.len(), "ignored_group_pairs": corpus.ignored_group_pairs.len(), "seed": args.seed,
        "source": args.source.display().to_string(), "containment_rule": !args.no_containment,
        "signature_bytes_per_article": bytes, "roots": roots, "index_stats": stats, "results": results,
        "storyline_articles_per_cpu_second": cpu_seconds.filter(|&c| c > 0.0).map(|c| n as f64 / c),
        "load_average_before": load_before,
    });
    std::fs::write(args.out.join("results.json"), serde_json::to_string_pretty(&summary)?)
        .with_context(|| format!("cannot write {}", args.out.join("results.json").display()))?;
    Ok(())
}
