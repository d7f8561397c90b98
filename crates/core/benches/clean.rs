//! `clean`: raw scraped text -> Article (title, dateline, boilerplate).

mod common;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use storyline_core::{clean, PipelineConfig};

fn bench(c: &mut Criterion) {
    let cfg = PipelineConfig::default();
    let mut g = c.benchmark_group("clean");
    for (name, raws) in common::corpora() {
        g.throughput(Throughput::Elements(raws.len() as u64));
        g.bench_with_input(BenchmarkId::from_parameter(&name), &raws, |b, raws| {
            b.iter(|| raws.iter().map(|r| clean::clean(r, &cfg.clean).text.len()).sum::<usize>())
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
