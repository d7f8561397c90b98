//! Learning the join-or-open model from labelled streams.
//!
//! Teacher forcing: articles are replayed in arrival order; for each one the
//! candidate events are scored exactly as at run time, every (article,
//! candidate) pair becomes an example labelled by whether the candidate is
//! the article's gold event, and then the article is added to its gold
//! event. A logistic regression is fitted by Newton's method with a small
//! L2 penalty; each corpus gets the same total weight so a large corpus
//! cannot drown a small one.

use super::config::ClusterConfig;
use super::features::DocFeatures;
use super::model::{JoinModel, Logistic, FEATURE_NAMES, N_FEATURES};
use super::online::Clusterer;

/// One labelled article of a development stream.
#[derive(Debug, Clone)]
pub struct TrainingDoc {
    /// What clustering compares for this article.
    pub features: DocFeatures,
    /// The gold event label the models learn to reproduce.
    pub gold_event: String,
}

/// How a join model is fitted.
#[derive(Debug, Clone)]
pub struct TrainOptions {
    /// Ridge penalty on the weights.
    pub l2: f64,
    /// Each corpus's joins and opens weigh the same, so the model learns
    /// what a join looks like rather than how often the training corpora
    /// join (shootings and Wikinews sequels mostly open new events, ECB+
    /// mostly joins).
    pub balance_classes: bool,
    /// Features (indices into [`FEATURE_NAMES`]) held at 0, so they get no
    /// weight: ablations.
    pub without: Vec<usize>,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions { l2: 1e-3, balance_classes: false, without: Vec::new() }
    }
}

struct Example {
    x: [f32; N_FEATURES],
    y: f32,
    weight: f64,
}

/// Replays one labelled stream with teacher forcing. Every candidate pair
/// goes to `pairs`; with a ranking model, each article's best-ranked
/// candidate (if any) goes to `best`.
fn collect(
    corpus: &[TrainingDoc],
    cfg: &ClusterConfig,
    rank: Option<&Logistic>,
    pairs: &mut Vec<Example>,
    best: &mut Vec<Example>,
    options: &TrainOptions,
) {
    let balance_classes = options.balance_classes;
    let masked = |mut x: [f32; N_FEATURES]| {
        for &i in &options.without {
            x[i] = 0.0;
        }
        x
    };
    let mut cfg = cfg.clone();
    if let Some(r) = rank {
        cfg.model.rank = r.clone();
    }
    let mut clusterer = Clusterer::new(cfg).with_join_only_features();
    let mut event_of_gold: std::collections::HashMap<&str, u32> = Default::default();
    let mut gold_of_event: Vec<&str> = Vec::new();
    let (pairs_start, best_start) = (pairs.len(), best.len());
    for doc in corpus {
        clusterer.observe_frequencies_pub(&doc.features);
        let vecs = clusterer.vectors(&doc.features);
        let candidates = clusterer.candidates(&vecs);
        for &e in &candidates {
            let x = masked(clusterer.pair_features(&doc.features, &vecs, &clusterer.events[&e]));
            let y = (gold_of_event[e as usize] == doc.gold_event) as u8 as f32;
            pairs.push(Example { x, y, weight: 1.0 });
        }
        if rank.is_some() {
            if let Some((e, x)) = clusterer.best_candidate(&doc.features, &vecs, &candidates) {
                let y = (gold_of_event[e as usize] == doc.gold_event) as u8 as f32;
                best.push(Example { x: masked(x), y, weight: 1.0 });
            }
        }
        let event = match event_of_gold.get(doc.gold_event.as_str()) {
            Some(&e) => e,
            None => {
                let e = clusterer.open_event(0);
                event_of_gold.insert(&doc.gold_event, e);
                gold_of_event.push(&doc.gold_event);
                e
            }
        };
        clusterer.add_to_event(event, &doc.features, &vecs);
        clusterer.observe_stream(&vecs);
    }
    for (v, start) in [(pairs, pairs_start), (best, best_start)] {
        weigh_corpus(&mut v[start..], balance_classes);
    }
}

/// Each corpus gets the same total weight (1); with `balance_classes`,
/// its joins and its opens get half of it each.
fn weigh_corpus(examples: &mut [Example], balance_classes: bool) {
    let n = examples.len().max(1) as f64;
    // Counted before either is clamped: a corpus with no joins must weigh
    // each open 0.5/n, not 0.5/(n-1).
    let positives = examples.iter().filter(|e| e.y > 0.5).count();
    let negatives = (examples.len() - positives).max(1) as f64;
    let positives = positives.max(1) as f64;
    for ex in examples {
        ex.weight = match (balance_classes, ex.y > 0.5) {
            (false, _) => 1.0 / n,
            (true, true) => 0.5 / positives,
            (true, false) => 0.5 / negatives,
        };
    }
}

/// Solves `a x = b` (small, symmetric positive definite) by Gaussian
/// elimination with partial pivoting.
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Vec<f64> {
    let n = b.len();
    for col in 0..n {
        let pivot = (col..n).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs())).unwrap_or(col);
        a.swap(col, pivot);
        b.swap(col, pivot);
        let d = a[col][col];
        if d.abs() < 1e-12 {
            continue;
        }
        for row in col + 1..n {
            let f = a[row][col] / d;
            let (upper, lower) = a.split_at_mut(row);
            for (x, p) in lower[0][col..n].iter_mut().zip(&upper[col][col..n]) {
                *x -= f * p;
            }
            b[row] -= f * b[col];
        }
    }
    let mut x = vec![0.0; n];
    for row in (0..n).rev() {
        let s: f64 = (row + 1..n).map(|k| a[row][k] * x[k]).sum();
        x[row] = if a[row][row].abs() < 1e-12 { 0.0 } else { (b[row] - s) / a[row][row] };
    }
    x
}

/// Statistics of a training run, for the report.
#[derive(Debug, Clone)]
pub struct TrainingReport {
    /// Candidate pairs (ranking model's examples) and how many were joins.
    pub examples: usize,
    /// How many of `examples` were joins.
    pub positives: usize,
    /// Best-ranked candidates (join model's examples) and how many were right.
    pub best_examples: usize,
    /// How many of `best_examples` were the right event.
    pub best_positives: usize,
    /// Gradient-descent passes made.
    pub iterations: usize,
    /// Weighted accuracy of each model on its own training examples.
    pub rank_accuracy: f64,
    /// Weighted accuracy of the join model on its examples.
    pub join_accuracy: f64,
}

/// Fits a logistic regression by Newton's method with a ridge penalty on
/// the weights (not the bias).
fn fit(examples: &[Example], l2: f64) -> (Logistic, usize) {
    let dim = N_FEATURES + 1;
    let mut theta = vec![0.0f64; dim];
    let mut iterations = 0;
    for _ in 0..50 {
        iterations += 1;
        let mut grad = vec![0.0f64; dim];
        let mut hess = vec![vec![0.0f64; dim]; dim];
        for ex in examples {
            let xi: Vec<f64> = ex.x.iter().map(|&v| v as f64).chain(std::iter::once(1.0)).collect();
            let z: f64 = xi.iter().zip(&theta).map(|(a, b)| a * b).sum();
            let p = 1.0 / (1.0 + (-z).exp());
            let w = ex.weight;
            for i in 0..dim {
                grad[i] += w * (ex.y as f64 - p) * xi[i];
                for j in 0..dim {
                    hess[i][j] += w * p * (1.0 - p) * xi[i] * xi[j];
                }
            }
        }
        for i in 0..N_FEATURES {
            grad[i] -= l2 * theta[i];
            hess[i][i] += l2;
        }
        let step = solve(hess, grad);
        let size: f64 = step.iter().map(|s| s.abs()).sum();
        for i in 0..dim {
            theta[i] += step[i];
        }
        if size < 1e-7 {
            break;
        }
    }
    let model =
        Logistic { weights: theta[..N_FEATURES].iter().map(|&w| w as f32).collect(), bias: theta[N_FEATURES] as f32 };
    (model, iterations)
}

fn accuracy(model: &Logistic, examples: &[Example]) -> f64 {
    let (mut right, mut total) = (0.0, 0.0);
    for ex in examples {
        let p = model.probability(&ex.x);
        right += ex.weight * (((p >= 0.5) as u8 as f32 - ex.y).abs() < 0.5) as u8 as f64;
        total += ex.weight;
    }
    if total > 0.0 {
        right / total
    } else {
        0.0
    }
}

/// Fits the ranking model on all candidate pairs, then the join model on
/// each article's best-ranked candidate, over one or more labelled streams
/// (each in arrival order).
pub fn train_join_model(
    corpora: &[Vec<TrainingDoc>],
    cfg: &ClusterConfig,
    options: &TrainOptions,
    trained_on: &str,
) -> (JoinModel, TrainingReport) {
    let mut pairs = Vec::new();
    for corpus in corpora {
        collect(corpus, cfg, None, &mut pairs, &mut Vec::new(), options);
    }
    let l2 = options.l2;
    let (rank, rank_iterations) = fit(&pairs, l2);
    let mut best = Vec::new();
    for corpus in corpora {
        collect(corpus, cfg, Some(&rank), &mut Vec::new(), &mut best, options);
    }
    let (join, join_iterations) = fit(&best, l2);
    let report = TrainingReport {
        examples: pairs.len(),
        positives: pairs.iter().filter(|e| e.y > 0.5).count(),
        best_examples: best.len(),
        best_positives: best.iter().filter(|e| e.y > 0.5).count(),
        iterations: rank_iterations + join_iterations,
        rank_accuracy: accuracy(&rank, &pairs),
        join_accuracy: accuracy(&join, &best),
    };
    let model = JoinModel {
        version: 5,
        features: FEATURE_NAMES.iter().map(|s| s.to_string()).collect(),
        rank,
        join,
        trained_on: trained_on.to_string(),
        background_docs: cfg.model.background_docs,
    };
    (model, report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn examples(ys: &[f32]) -> Vec<Example> {
        ys.iter().map(|&y| Example { x: [0.0; N_FEATURES], y, weight: 0.0 }).collect()
    }

    #[test]
    fn a_corpus_weighs_one_in_all_and_balanced_classes_half_each() {
        for balance in [false, true] {
            // Joins and opens mixed, only opens (meantime-like), only joins.
            for ys in [&[1.0, 0.0, 0.0, 0.0][..], &[0.0; 5][..], &[1.0; 3][..]] {
                let mut v = examples(ys);
                weigh_corpus(&mut v, balance);
                let total: f64 = v.iter().map(|e| e.weight).sum();
                let mixed = ys.contains(&1.0) && ys.contains(&0.0);
                // A one-class corpus has only the half of its class when balanced.
                let expected = if balance && !mixed { 0.5 } else { 1.0 };
                assert!((total - expected).abs() < 1e-12, "balance {balance}, {ys:?}: {total}");
            }
        }
        let mut v = examples(&[1.0, 0.0, 0.0, 0.0]);
        weigh_corpus(&mut v, true);
        assert!((v[0].weight - 0.5).abs() < 1e-12 && (v[1].weight - 0.5 / 3.0).abs() < 1e-12);
    }
}
