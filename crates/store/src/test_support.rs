//! Fixtures shared by the backends' unit tests.

use storyline_core::cluster::DocFeatures;
use storyline_core::dedup::{signature, DedupConfig};
use storyline_core::{Analysis, Article};

use crate::StoredArticle;

/// A minimal stored article of story (and event) `story`.
pub(crate) fn stored(id: &str, text: &str, story: u32) -> StoredArticle {
    let article = Article { id: id.into(), title: format!("T {id}"), text: text.into(), ..Default::default() };
    StoredArticle {
        signature: signature(&article, &DedupConfig::default()),
        article,
        analysis: Analysis::default(),
        features: DocFeatures::default(),
        duplicate: None,
        event: story,
        story,
    }
}
