//! cluster: which event is this article about, and which story does the
//! event continue?
//!
//! Online, one article at a time in arrival order (Miranda et al. 2018 in
//! spirit): each article becomes [`DocFeatures`] (TF-IDF terms, entity-like
//! names, numbers, dates), candidate events come from an inverted index over
//! the article's most telling terms (never a scan of all events), and a
//! learned logistic [`JoinModel`] decides join-or-open against the best
//! candidate. A newly opened event is linked to the story of an earlier
//! event when they share distinctive actors and subject.
//!
//! The clusterer keeps state (document frequencies, event centroids, the
//! inverted index) because the decision for an article depends on what came
//! before it; everything per-article is in the pure [`features`] function.

mod background;
mod config;
mod features;
mod hashing;
mod model;
mod online;
mod train;

#[cfg(test)]
mod tests;

pub use config::{ClusterConfig, DEFAULT_ACTIVE_DAYS, DEFAULT_STORY_FOLD_DAYS};
pub use features::{features, text_features, DocFeatures};
pub use model::{JoinModel, Logistic, FEATURE_NAMES};
pub use online::{Assignment, Clusterer};
pub use train::{train_join_model, TrainOptions, TrainingDoc, TrainingReport};
