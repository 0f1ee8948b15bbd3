//! Cold decode of the embedded mapping tables: inflate + parse of one provider's table, as the cache's
//! first request for that provider pays it (`cargo bench --bench mapping`).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use hclconv::mapping::load_embedded;
use std::hint::black_box;

fn decode(c: &mut Criterion) {
    let mut group = c.benchmark_group("mapping_decode");
    for provider in ["aws", "google", "azurerm", "kubernetes", "random"] {
        group.bench_with_input(BenchmarkId::from_parameter(provider), provider, |b, p| {
            b.iter(|| load_embedded(black_box(p)).map(|m| m.resources.len()))
        });
    }
    group.finish();
}

criterion_group!(benches, decode);
criterion_main!(benches);
