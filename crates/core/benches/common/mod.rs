//! The benchmark corpus: the real development articles in
//! `../shared/data/events/` (ECB+ dev, 772 articles, ~310 words each; GVA
//! dev, 5,258 crawled local news reports), read at run time relative to
//! `CARGO_MANIFEST_DIR`, so the numbers are on real news text with the
//! default (real) configs. `STORYLINE_BENCH_CORPUS=path.jsonl` overrides
//! the corpus (e.g. a file from `bench/cluster/gen_corpus.py`).

#![allow(dead_code)]

use std::path::PathBuf;

use storyline_core::analyze::AliasRegistry;
use storyline_core::cluster::{self, DocFeatures};
use storyline_core::{prepare, Article, PipelineConfig, Prepared, RawArticle};

pub fn shared_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
}

/// Reads a JSONL file of `{id, title, text, date, source}` articles.
pub fn read_jsonl(path: &PathBuf) -> Vec<RawArticle> {
    let data = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    data.lines()
        .filter(|l| !l.trim().is_empty())
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .map(|v| {
            let s = |k: &str| v.get(k).and_then(|x| x.as_str()).filter(|x| !x.is_empty()).map(str::to_string);
            RawArticle {
                id: s("id").unwrap_or_default(),
                title: s("title"),
                text: s("text").unwrap_or_default(),
                date: s("date"),
                source: s("source"),
                ..Default::default()
            }
        })
        .collect()
}

/// The corpora a benchmark runs on: the one `STORYLINE_BENCH_CORPUS` names,
/// else ecbplus-dev and gva-dev.
pub fn corpora() -> Vec<(String, Vec<RawArticle>)> {
    if std::env::var_os("STORYLINE_BENCH_CORPUS").is_some() {
        return vec![corpus("ecbplus-dev")];
    }
    ["ecbplus-dev", "gva-dev"].into_iter().map(corpus).collect()
}

/// The corpus named by `STORYLINE_BENCH_CORPUS`, else `ecbplus-dev` (or the
/// given dev file name).
pub fn corpus(default_name: &str) -> (String, Vec<RawArticle>) {
    if let Ok(p) = std::env::var("STORYLINE_BENCH_CORPUS") {
        let path = PathBuf::from(&p);
        let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or(p);
        return (name, read_jsonl(&path));
    }
    let path = shared_dir().join("data/events").join(format!("{default_name}.jsonl"));
    (default_name.to_string(), read_jsonl(&path))
}

pub fn prepared(raws: &[RawArticle], cfg: &PipelineConfig) -> Vec<Prepared> {
    raws.iter().map(|r| prepare(r, cfg)).collect()
}

/// Arrival order: by publication date where known (stable), as the CLI does.
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

/// Complete clustering features in arrival order, with aliases folded
/// across articles as the CLI's streamer does before clustering.
pub fn cluster_features(prepared: &mut [Prepared], cfg: &PipelineConfig) -> Vec<DocFeatures> {
    let order = {
        let arts: Vec<&Article> = prepared.iter().map(|p| &p.article).collect();
        arrival_order(&arts)
    };
    let mut aliases = AliasRegistry::new(&cfg.analyze);
    let mut out = Vec::with_capacity(prepared.len());
    for i in order {
        let p = &mut prepared[i];
        let mut f = cluster::text_features(&p.article, &p.analysis, &cfg.cluster);
        aliases.fold_article(&p.article, &mut p.analysis);
        f.add_entity_names(&p.analysis);
        out.push(f);
    }
    out
}
