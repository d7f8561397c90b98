//! The join-or-open decision: a logistic model over similarity features of
//! an article against a candidate event. Weights are learned by
//! `storyline train-cluster` on labelled development data and shipped as a
//! versioned data file (`join_model.json`), not tuned by hand.

use serde::{Deserialize, Serialize};

/// Names of the model's inputs, in order (documented in ARCHITECTURE.md).
pub const FEATURE_NAMES: [&str; 18] = [
    "term_cosine",   // TF-IDF cosine of the article to the event centroid
    "entity_cosine", // IDF-weighted cosine of names
    // The same two when either side is undated: without time evidence the
    // text must carry the decision alone, so it gets its own weights.
    "term_cosine_undated",
    "entity_cosine_undated",
    "term_x_entity",  // both at once: the subject AND the actors match
    "number_overlap", // share of the article's numbers the event has seen
    "has_numbers",    // the article has numbers at all (gates the above)
    "time_known",     // both the article and the event are dated
    "time_short",     // Gaussian of the gap to the event's mean day, short sigma
    "time_long",      // Gaussian of the day gap, long sigma
    // Term cosine times a one-day Gaussian of the gap: tells a same-day
    // report of one incident from the next event of the subject two days
    // later, which the 3-day kernel hardly does.
    "term_x_same_day",
    // Both mention the same resolved day, times the term cosine: in a news
    // cycle every article names the days of the week, so a shared day is
    // support for shared words, not evidence alone (added alone, it
    // joined a government's different events of one week).
    "term_x_mentioned",
    "mentioned_undated", // the same, undated: an absolute date in both texts
    // Share of the article's most telling names the event has never seen:
    // another person entering rehab, another town's shooting.
    "entity_missing",
    // The join decision only (0 for ranking): how far the best candidate
    // stands above the next best, in term and in name cosine. A corpus of
    // one kind of news (shootings, one government's week) makes every
    // candidate similar; an event stands out from its neighbours.
    "term_margin",
    "entity_margin",
    // The article's cosine with everything seen lately (a running,
    // pruned profile of all articles): the similarity any article of this
    // stream would have, which an event's similarity must exceed.
    "term_stream",
    "entity_stream",
];

pub const N_FEATURES: usize = FEATURE_NAMES.len();

/// Index of the first feature only the join decision sees (`term_margin`):
/// they compare the best candidate with the others and with the stream.
pub(crate) const JOIN_ONLY: usize = 14;

/// One logistic regression.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Logistic {
    /// One weight per feature, in [`FEATURE_NAMES`] order.
    pub weights: Vec<f32>,
    /// The intercept.
    pub bias: f32,
}

impl Logistic {
    /// The model's probability for the feature vector `x`.
    pub fn probability(&self, x: &[f32; N_FEATURES]) -> f32 {
        let z: f32 = self.bias + self.weights.iter().zip(x).map(|(w, v)| w * v).sum::<f32>();
        1.0 / (1.0 + (-z).exp())
    }
}

/// Two logistic models over the same features, plus provenance. `rank`
/// scores every candidate event (trained on all candidate pairs); `join`
/// decides whether the article joins the best-ranked one or opens a new
/// event (trained only on each article's best-ranked candidate, which is
/// exactly the decision it makes at run time).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JoinModel {
    /// Format version: bump when features change meaning.
    pub version: u32,
    /// Feature names the weights were trained on, checked against [`FEATURE_NAMES`] on load.
    pub features: Vec<String>,
    /// Scores each candidate event, to pick the best one.
    pub rank: Logistic,
    /// Decides whether the article joins the best candidate or opens a new event.
    pub join: Logistic,
    /// How the weights were obtained (command, data).
    pub trained_on: String,
    /// Weight, in documents, of the background document frequencies
    /// blended into the running ones. Part of the model because the
    /// weights were learned under the IDF it gives; 0 (files written
    /// before it existed) is the running IDF alone.
    #[serde(default)]
    pub background_docs: f32,
}

impl JoinModel {
    /// Whether the model was trained on the features this build computes,
    /// in the same order: a model file of another version would weigh the
    /// wrong inputs.
    pub fn fits_features(&self) -> bool {
        let n = FEATURE_NAMES.len();
        self.features == FEATURE_NAMES && self.rank.weights.len() == n && self.join.weights.len() == n
    }
}

const SHIPPED_MODEL: &str = include_str!("join_model.json");

impl Default for JoinModel {
    /// The shipped model. Its feature list is checked against
    /// [`FEATURE_NAMES`] by a test, so a stale file cannot ship.
    fn default() -> Self {
        serde_json::from_str(SHIPPED_MODEL).expect("join_model.json is valid (checked by tests)")
    }
}
