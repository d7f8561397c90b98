//! eval: how close is a clustering to the gold one? B-cubed, pairwise and
//! adjusted Rand index, with the conventions of the project's reference
//! scorer (`shared/tools/score_events.py`): a gold id without prediction is
//! its own singleton; 0/0 precision or recall counts as 1.

use std::collections::HashMap;
use std::hash::Hash;

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
/// The scores of one clustering against gold, all in [0, 1] except ARI.
pub struct Scores {
    /// B-cubed precision.
    pub b3_p: f64,
    /// B-cubed recall.
    pub b3_r: f64,
    /// B-cubed F1.
    pub b3_f1: f64,
    /// Pairwise precision: share of predicted same-cluster pairs that gold agrees with.
    pub pw_p: f64,
    /// Pairwise recall: share of gold same-cluster pairs that were predicted.
    pub pw_r: f64,
    /// Pairwise F1.
    pub pw_f1: f64,
    /// Adjusted Rand index (0 for chance, 1 for identical; can be negative).
    pub ari: f64,
    /// Clusters in the prediction.
    pub n_pred_clusters: usize,
    /// Clusters in the gold labels.
    pub n_gold_clusters: usize,
}

fn f1(p: f64, r: f64) -> f64 {
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

fn pairs(n: usize) -> f64 {
    (n * n.saturating_sub(1) / 2) as f64
}

fn counts<K: Hash + Eq + Clone>(items: impl Iterator<Item = K>) -> HashMap<K, usize> {
    let mut m = HashMap::new();
    for k in items {
        *m.entry(k).or_insert(0) += 1;
    }
    m
}

/// Scores parallel label lists: `gold[i]` and `pred[i]` label document i.
pub fn score<G: Hash + Eq + Clone, P: Hash + Eq + Clone>(gold: &[G], pred: &[P]) -> Scores {
    assert_eq!(gold.len(), pred.len(), "one label per document on both sides");
    let n = gold.len();
    let cells = counts(pred.iter().cloned().zip(gold.iter().cloned()));
    let psize = counts(pred.iter().cloned());
    let gsize = counts(gold.iter().cloned());
    let (mut b3p, mut b3r) = (0.0, 0.0);
    for ((p, g), &c) in &cells {
        let c = c as f64;
        b3p += c * c / psize[p] as f64;
        b3r += c * c / gsize[g] as f64;
    }
    let (b3p, b3r) = if n == 0 { (0.0, 0.0) } else { (b3p / n as f64, b3r / n as f64) };
    let tp: f64 = cells.values().map(|&c| pairs(c)).sum();
    let pp: f64 = psize.values().map(|&c| pairs(c)).sum();
    let gp: f64 = gsize.values().map(|&c| pairs(c)).sum();
    let ratio = |a: f64, b: f64| if b == 0.0 { 1.0 } else { a / b };
    let (pw_p, pw_r) = (ratio(tp, pp), ratio(tp, gp));
    let ari = if n < 2 {
        1.0
    } else {
        let expected = pp * gp / pairs(n);
        let maximum = (pp + gp) / 2.0;
        if maximum == expected {
            1.0
        } else {
            (tp - expected) / (maximum - expected)
        }
    };
    Scores {
        b3_p: b3p,
        b3_r: b3r,
        b3_f1: f1(b3p, b3r),
        pw_p,
        pw_r,
        pw_f1: f1(pw_p, pw_r),
        ari,
        n_pred_clusters: psize.len(),
        n_gold_clusters: gsize.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_and_all_singletons() {
        let gold = ["a", "a", "b", "b"];
        let s = score(&gold, &[1, 1, 2, 2]);
        assert_eq!((s.b3_f1, s.pw_f1, s.ari), (1.0, 1.0, 1.0));
        let s = score(&gold, &[1, 2, 3, 4]);
        assert_eq!(s.b3_p, 1.0);
        assert_eq!(s.b3_r, 0.5);
        assert_eq!(s.pw_p, 1.0); // no predicted links: 0/0 read as no error
        assert_eq!(s.pw_r, 0.0);
    }

    #[test]
    fn known_values() {
        // gold {0,1,2} {3,4}; pred {0,1} {2,3,4}
        let s = score(&[0, 0, 0, 1, 1], &["x", "x", "y", "y", "y"]);
        assert!((s.b3_p - (2.0 * 2.0 / 2.0 + 1.0 / 3.0 + 4.0 / 3.0) / 5.0).abs() < 1e-12);
        assert!((s.b3_r - (4.0 / 3.0 + 1.0 / 3.0 + 2.0) / 5.0).abs() < 1e-12);
        assert!((s.pw_p - 2.0 / 4.0).abs() < 1e-12);
        assert!((s.pw_r - 2.0 / 4.0).abs() < 1e-12);
    }
}
