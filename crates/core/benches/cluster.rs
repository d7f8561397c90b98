//! `cluster`: per-article features (`text_features`, parallel in the CLI)
//! and the online clusterer (`Clusterer::assign`, one article at a time in
//! arrival order, with the shipped join model). Issue 3 target for the
//! clustering step alone: >= 10,000 articles/s.

mod common;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use storyline_core::cluster::{self, Clusterer};
use storyline_core::PipelineConfig;

fn bench(c: &mut Criterion) {
    let cfg = PipelineConfig::default();
    let mut g = c.benchmark_group("cluster");
    for (name, raws) in common::corpora() {
        let mut prepared = common::prepared(&raws, &cfg);
        g.throughput(Throughput::Elements(prepared.len() as u64));
        g.bench_with_input(BenchmarkId::new("text_features", &name), &prepared, |b, ps| {
            b.iter(|| {
                ps.iter()
                    .map(|p| cluster::text_features(&p.article, &p.analysis, &cfg.cluster).terms.len())
                    .sum::<usize>()
            })
        });
        let feats = common::cluster_features(&mut prepared, &cfg);
        g.bench_with_input(BenchmarkId::new("assign", &name), &feats, |b, feats| {
            b.iter(|| {
                let mut c = Clusterer::new(cfg.cluster.clone());
                for f in feats {
                    c.assign(f);
                }
                c.event_count()
            })
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
