//! The pipeline as the commands run it: per-article stages in parallel,
//! then dedup and clustering one article at a time in arrival order.

use std::collections::HashMap;

use storyline_core::analyze::AliasRegistry;
use storyline_core::cluster::{self, Assignment, Clusterer, DocFeatures};
use storyline_core::dedup::{self, DedupIndex, DocMeta, DuplicateMatch, Signature};
use storyline_core::{prepare, Analysis, Article, PipelineConfig, Prepared, RawArticle};

/// An article after the per-article (parallel) stages.
pub struct Processed {
    pub prepared: Prepared,
    pub features: DocFeatures,
    pub signature: Signature,
}

/// Runs the per-article stages on all cores, keeping input order.
pub fn process_all(raws: &[RawArticle], cfg: &PipelineConfig) -> Vec<Processed> {
    // A bug triggered by one article must cost that article only: it is
    // reported like a bad record and the run goes on.
    let one = |raw: &RawArticle| -> Option<Processed> {
        let run = || {
            let prepared = prepare(raw, cfg);
            let features = cluster::text_features(&prepared.article, &prepared.analysis, &cfg.cluster);
            let signature = dedup::signature(&prepared.article, &cfg.dedup);
            Processed { prepared, features, signature }
        };
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)) {
            Ok(p) => Some(p),
            Err(_) => {
                eprintln!("skipped {}: internal error while processing this article (please report it)", raw.origin);
                None
            }
        }
    };
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    if threads == 1 || raws.len() < 64 {
        return raws.iter().filter_map(one).collect();
    }
    let chunk = raws.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> =
            raws.chunks(chunk).map(|part| scope.spawn(move || part.iter().filter_map(one).collect::<Vec<_>>())).collect();
        handles.into_iter().flat_map(|h| h.join().unwrap_or_default()).collect()
    })
}

/// The order articles "arrive" in: by publication date where known (stable
/// for equal dates); an undated article keeps its place after the dated one
/// read before it, as a crawler would have delivered it.
pub fn arrival_order(articles: &[&Article]) -> Vec<usize> {
    let mut last = None;
    let keys: Vec<_> = articles
        .iter()
        .map(|a| {
            if let Some(d) = a.best_date() {
                last = Some(d);
            }
            a.best_date().or(last)
        })
        .collect();
    let mut order: Vec<usize> = (0..articles.len()).collect();
    order.sort_by_key(|&i| keys[i]);
    order
}

/// What the stateful stages decided for one article.
#[derive(Debug, Clone)]
pub struct Decision {
    pub duplicate: Option<DuplicateMatch>,
    pub event: u32,
    pub story: u32,
}

/// Dedup then clustering, one article at a time. A copy takes its
/// original's event and story and does not weigh on the centroids twice.
pub struct Streamer {
    aliases: AliasRegistry,
    dedup: DedupIndex,
    clusterer: Clusterer,
    assigned: HashMap<String, (u32, u32)>,
}

impl Streamer {
    pub fn new(cfg: &PipelineConfig) -> Self {
        Streamer {
            aliases: AliasRegistry::new(&cfg.analyze),
            dedup: DedupIndex::new(&cfg.dedup),
            clusterer: Clusterer::new(cfg.cluster.clone()),
            assigned: HashMap::new(),
        }
    }

    fn meta(article: &Article) -> DocMeta<'_> {
        DocMeta { published: article.best_date(), outlet: article.outlet.as_deref(), wire_credits: &article.wire_credits }
    }

    /// Folds the article's entity names into the aliases seen so far (so
    /// variants across articles share one canonical), completes its
    /// features with those names, then decides duplicate, event and story.
    pub fn decide(&mut self, p: &mut Processed) -> Decision {
        self.aliases.fold_article(&p.prepared.article, &mut p.prepared.analysis);
        p.features.add_entity_names(&p.prepared.analysis);
        let p = &*p;
        let article = &p.prepared.article;
        let duplicate = self.dedup.observe(&article.id, &p.signature, &Self::meta(article));
        let (event, story) = match duplicate.as_ref().and_then(|d| self.assigned.get(&d.original)) {
            Some(&known) => known,
            None => {
                let Assignment { event, story, .. } = self.clusterer.assign(&p.features);
                (event, story)
            }
        };
        self.assigned.insert(article.id.clone(), (event, story));
        Decision { duplicate, event, story }
    }

    /// Re-adds a stored article with its stored decision.
    pub fn restore(&mut self, article: &Article, analysis: &Analysis, features: &DocFeatures, signature: &Signature, d: &Decision) {
        // Stored analyses are folded already; folding a copy again teaches
        // the registry their names.
        self.aliases.fold_article(article, &mut analysis.clone());
        self.dedup.restore(&article.id, signature, &Self::meta(article), d.duplicate.as_ref());
        if d.duplicate.is_none() {
            self.clusterer.restore(features, d.event, d.story);
        }
        self.assigned.insert(article.id.clone(), (d.event, d.story));
    }

}

pub fn event_label(e: u32) -> String {
    format!("e{e}")
}

pub fn story_label(s: u32) -> String {
    format!("s{s}")
}
