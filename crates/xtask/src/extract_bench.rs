//! `storyline extract-bench`: main-text extraction quality and speed on the
//! Zyte article-extraction-benchmark (181 pages with gold article bodies).
//!
//! Scoring is the benchmark's own `evaluate.py`: tokens are `\w+` runs, the
//! unit is the 4-token shingle (multiset), tp/fp/fn are normalised per page so
//! long pages do not weigh more, precision and recall are averaged over pages
//! and F1 is computed from the two averages.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result};
use storyline_ingest::html::{decode_html_bytes, extract_html, read_gz_bytes};

#[derive(clap::Args, Debug)]
pub struct ExtractBenchArgs {
    /// Benchmark folder holding `ground-truth.json` and `html/<id>.html.gz`.
    #[arg(long, default_value = "../shared/data/extraction/zyte")]
    pub dir: PathBuf,
    /// Also run bench/extraction/trafilatura_peer.py (needs `pip install trafilatura`).
    #[arg(long)]
    pub peer: bool,
    /// Python interpreter for --peer.
    #[arg(long, default_value = "python3")]
    pub python: String,
    /// Write one JSON line per page (id, precision, recall, f1, ms, text).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Timed passes over all pages; the fastest pass is reported.
    #[arg(long, default_value_t = 1)]
    pub repeat: usize,
}

/// Per-page counts, normalised to sum to 1 (as in evaluate.py).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TpFpFn {
    pub tp: f64,
    pub fp: f64,
    pub fn_: f64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scores {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

fn tokenize(text: &str) -> Vec<&str> {
    // Python's `\w` (Unicode): letters, digits, marks, connector punctuation.
    let is_word = |c: char| c.is_alphanumeric() || c == '_' || is_mark(c);
    text.split(|c: char| !is_word(c)).filter(|t| !t.is_empty()).collect()
}

/// Combining marks count as word characters in Python's `re` (`\w`), which
/// matters for Indic and other scripts in the benchmark.
fn is_mark(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F | 0x0483..=0x0489 | 0x0591..=0x05BD | 0x0610..=0x061A | 0x064B..=0x065F
        | 0x0670 | 0x06D6..=0x06DC | 0x0900..=0x0903 | 0x093A..=0x094F | 0x0951..=0x0957
        | 0x0962..=0x0963 | 0x0981..=0x0983 | 0x09BC..=0x09D7 | 0x0A01..=0x0A51 | 0x0A81..=0x0ACD
        | 0x0B01..=0x0B57 | 0x0B82..=0x0BD7 | 0x0C00..=0x0C56 | 0x0C81..=0x0CD6 | 0x0D00..=0x0D57
        | 0x0E31 | 0x0E34..=0x0E3A | 0x0E47..=0x0E4E | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF
        | 0x20D0..=0x20FF | 0x3099..=0x309A | 0xFE20..=0xFE2F)
}

fn shingles(text: &str) -> HashMap<Vec<&str>, u32> {
    const N: usize = 4;
    let tokens = tokenize(text);
    let mut out = HashMap::new();
    if tokens.is_empty() {
        return out;
    }
    // evaluate.py: range(max(1, len - n + 1)), so short texts give one shorter shingle
    let count = if tokens.len() >= N { tokens.len() - N + 1 } else { 1 };
    for i in 0..count {
        let end = (i + N).min(tokens.len());
        *out.entry(tokens[i..end].to_vec()).or_insert(0) += 1;
    }
    out
}

pub fn shingle_match(truth: &str, pred: &str) -> TpFpFn {
    let t = shingles(truth);
    let p = shingles(pred);
    let (mut tp, mut fp, mut fn_) = (0f64, 0f64, 0f64);
    for (k, &tc) in &t {
        let pc = p.get(k).copied().unwrap_or(0);
        tp += tc.min(pc) as f64;
        fn_ += tc.saturating_sub(pc) as f64;
    }
    for (k, &pc) in &p {
        let tc = t.get(k).copied().unwrap_or(0);
        fp += pc.saturating_sub(tc) as f64;
    }
    let s = tp + fp + fn_;
    if s > 0.0 {
        TpFpFn { tp: tp / s, fp: fp / s, fn_: fn_ / s }
    } else {
        TpFpFn { tp, fp, fn_ }
    }
}

fn precision(c: &TpFpFn) -> f64 {
    if c.fp == 0.0 && c.fn_ == 0.0 {
        1.0
    } else if c.tp == 0.0 && c.fp == 0.0 {
        0.0
    } else {
        c.tp / (c.tp + c.fp)
    }
}

fn recall(c: &TpFpFn) -> f64 {
    if c.fp == 0.0 && c.fn_ == 0.0 {
        1.0
    } else if c.tp == 0.0 && c.fn_ == 0.0 {
        0.0
    } else {
        c.tp / (c.tp + c.fn_)
    }
}

pub fn scores(pages: &[TpFpFn]) -> Scores {
    let mean = |v: Vec<f64>| if v.is_empty() { 0.0 } else { v.iter().sum::<f64>() / v.len() as f64 };
    let p = mean(pages.iter().filter(|c| c.tp + c.fp > 0.0).map(precision).collect());
    let r = mean(pages.iter().filter(|c| c.tp + c.fn_ > 0.0).map(recall).collect());
    let f1 = if p + r > 0.0 { 2.0 * p * r / (p + r) } else { 0.0 };
    Scores { precision: p, recall: r, f1 }
}

struct Page {
    id: String,
    url: Option<String>,
    truth: String,
    bytes: Vec<u8>,
}

fn load(dir: &Path) -> Result<Vec<Page>> {
    let gt_path = dir.join("ground-truth.json");
    let gt: serde_json::Map<String, serde_json::Value> = serde_json::from_str(
        &std::fs::read_to_string(&gt_path).with_context(|| format!("reading {}", gt_path.display()))?,
    )
    .with_context(|| format!("parsing {}", gt_path.display()))?;
    let mut ids: Vec<&String> = gt.keys().collect();
    ids.sort();
    let mut pages = Vec::with_capacity(ids.len());
    for id in ids {
        let path = dir.join("html").join(format!("{id}.html.gz"));
        let bytes = read_gz_bytes(&path).with_context(|| format!("reading {}", path.display()))?;
        let entry = &gt[id];
        pages.push(Page {
            id: id.clone(),
            url: entry.get("url").and_then(|u| u.as_str()).map(str::to_string),
            truth: entry.get("articleBody").and_then(|u| u.as_str()).unwrap_or("").to_string(),
            bytes,
        });
    }
    Ok(pages)
}

pub fn run(args: &ExtractBenchArgs) -> Result<()> {
    let pages = load(&args.dir)?;
    anyhow::ensure!(!pages.is_empty(), "no pages in {}", args.dir.display());

    // Timed: decoding plus extraction, bytes in (trafilatura also gets bytes).
    let mut best = f64::INFINITY;
    let mut outputs: Vec<(String, f64)> = Vec::new();
    for _ in 0..args.repeat.max(1) {
        let mut pass = Vec::with_capacity(pages.len());
        let start = Instant::now();
        for p in &pages {
            let t0 = Instant::now();
            let html = decode_html_bytes(&p.bytes, None);
            let text = extract_html(&html, p.url.as_deref()).map(|a| a.text).unwrap_or_default();
            pass.push((text, t0.elapsed().as_secs_f64() * 1000.0));
        }
        let total = start.elapsed().as_secs_f64() * 1000.0;
        if total < best {
            best = total;
            outputs = pass;
        }
    }
    let ms_per_page = best / pages.len() as f64;

    let counts: Vec<TpFpFn> = pages.iter().zip(&outputs).map(|(p, (text, _))| shingle_match(&p.truth, text)).collect();
    let s = scores(&counts);
    let failures = outputs.iter().filter(|(t, _)| t.is_empty()).count();

    if let Some(out) = &args.out {
        let mut f =
            std::io::BufWriter::new(std::fs::File::create(out).with_context(|| format!("creating {}", out.display()))?);
        for ((p, (text, ms)), c) in pages.iter().zip(&outputs).zip(&counts) {
            let (pr, rc) = (precision(c), recall(c));
            let f1 = if pr + rc > 0.0 { 2.0 * pr * rc / (pr + rc) } else { 0.0 };
            let line = serde_json::json!({"id": p.id, "url": p.url, "precision": pr, "recall": rc,
                "f1": f1, "ms": ms, "text": text});
            writeln!(f, "{line}")?;
        }
        f.flush()?;
    }

    println!("{:<22} {:>5} {:>9} {:>7} {:>7} {:>9}", "extractor", "pages", "precision", "recall", "F1", "ms/page");
    println!(
        "{:<22} {:>5} {:>9.3} {:>7.3} {:>7.3} {:>9.2}",
        "storyline (dom_smoothie)",
        pages.len(),
        s.precision,
        s.recall,
        s.f1,
        ms_per_page
    );
    if failures > 0 {
        println!("  ({failures} pages gave no text)");
    }

    if args.peer {
        let script = peer_script();
        let out = Command::new(&args.python)
            .arg(&script)
            .arg(&args.dir)
            .arg("--json")
            .output()
            .with_context(|| format!("running {} {}", args.python, script.display()))?;
        anyhow::ensure!(out.status.success(), "peer failed: {}", String::from_utf8_lossy(&out.stderr).trim());
        let stdout = String::from_utf8_lossy(&out.stdout);
        let line = stdout.lines().last().unwrap_or("");
        let v: serde_json::Value = serde_json::from_str(line).context("peer output is not JSON")?;
        let get = |k: &str| v.get(k).and_then(|x| x.as_f64()).unwrap_or(f64::NAN);
        let peer_ms = get("ms_per_page");
        println!(
            "{:<22} {:>5} {:>9.3} {:>7.3} {:>7.3} {:>9.2}",
            v.get("name").and_then(|x| x.as_str()).unwrap_or("trafilatura"),
            v.get("pages").and_then(|x| x.as_u64()).unwrap_or(0),
            get("precision"),
            get("recall"),
            get("f1"),
            peer_ms
        );
        println!("speed-up: {:.1}x faster per page than the peer", peer_ms / ms_per_page);
    }
    Ok(())
}

/// The peer script lives in the repository; find it from the working
/// directory first, then relative to this crate's source.
fn peer_script() -> PathBuf {
    let local = PathBuf::from("bench/extraction/trafilatura_peer.py");
    if local.exists() {
        return local;
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../bench/extraction/trafilatura_peer.py")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shingle_scores_match_evaluate_py() {
        let c = shingle_match("a b c d e", "a b c d e");
        assert_eq!(scores(&[c]).f1, 1.0);
        // truth 2 shingles, pred 1 of them + nothing else
        let c = shingle_match("a b c d e", "a b c d");
        assert!((c.tp - 0.5).abs() < 1e-9 && (c.fn_ - 0.5).abs() < 1e-9 && c.fp == 0.0);
        assert_eq!(precision(&c), 1.0);
        assert!((recall(&c) - 0.5).abs() < 1e-9);
        // empty prediction: precision undefined (skipped), recall 0
        let s = scores(&[shingle_match("a b c d", ""), shingle_match("w x y z", "w x y z")]);
        assert_eq!(s.precision, 1.0);
        assert!((s.recall - 0.5).abs() < 1e-9);
        assert_eq!(tokenize("Don't stop—now, 2019!"), vec!["Don", "t", "stop", "now", "2019"]);
    }
}
