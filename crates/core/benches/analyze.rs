//! `analyze`: entities, times, quotes, amounts of one cleaned article
//! (the per-article part; cross-article alias folding is in cluster.rs).
//! Issue 5 target: >= 3,000 articles/s on 2 cores, i.e. >= 1,500/s on one.

mod common;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use storyline_core::{analyze, clean, PipelineConfig};

fn bench(c: &mut Criterion) {
    let cfg = PipelineConfig::default();
    let mut g = c.benchmark_group("analyze");
    for (name, raws) in common::corpora() {
        let articles: Vec<_> = raws.iter().map(|r| clean::clean(r, &cfg.clean)).collect();
        g.throughput(Throughput::Elements(articles.len() as u64));
        g.bench_with_input(BenchmarkId::new("one_thread", &name), &articles, |b, arts| {
            b.iter(|| arts.iter().map(|a| analyze::analyze_article(a, &cfg.analyze).entities.len()).sum::<usize>())
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);
