//! `dedup`: signatures (per article, parallel in the CLI) and the online
//! index (`DedupIndex::observe`, one article at a time in arrival order).
//! Issue target: >= 20,000 articles/s.

mod common;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use storyline_core::dedup::{self, DedupIndex, DocMeta};
use storyline_core::{Article, PipelineConfig};

fn bench(c: &mut Criterion) {
    let cfg = PipelineConfig::default();
    let mut g = c.benchmark_group("dedup");
    for (name, raws) in common::corpora() {
        let prepared = common::prepared(&raws, &cfg);
        let arts: Vec<&Article> = prepared.iter().map(|p| &p.article).collect();
        let order = common::arrival_order(&arts);
        g.throughput(Throughput::Elements(arts.len() as u64));
        g.bench_with_input(BenchmarkId::new("signature", &name), &arts, |b, arts| {
            b.iter(|| arts.iter().map(|a| dedup::signature(a, &cfg.dedup).size_bytes()).sum::<usize>())
        });
        let sigs: Vec<_> = arts.iter().map(|a| dedup::signature(a, &cfg.dedup)).collect();
        g.bench_function(BenchmarkId::new("observe", &name), |b| {
            b.iter(|| {
                let mut index = DedupIndex::new(&cfg.dedup);
                let mut dups = 0usize;
                for &i in &order {
                    let a = arts[i];
                    if index.observe(&a.id, &sigs[i], &DocMeta::of(a)).is_some() {
                        dups += 1;
                    }
                }
                dups
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
