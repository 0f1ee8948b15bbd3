//! Lookups per second per cache mode, on a rayon pool of 1 and 2 threads.
//!
//! `warm`: every key loaded, so the numbers are the cost of a hit and how it scales (the mutex
//! serialises them; the others only share cache lines). `cold`: from an empty cache, every thread
//! looks every key up a few times, loads included (check-then-insert and go-racy do duplicate loads;
//! go-racy records its simulated crash and carries on, which does not change the work done).
//!
//! `cargo bench --bench cache` (add `-- --quick` for a short run).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use hclconv::cache::{CacheMode, MappingCache};
use hclconv::mapping::{MappingError, ProviderMapping, TypeMapping};
use std::hint::black_box;
use std::time::Duration;

const KEYS: usize = 64;
const WARM_LOOKUPS_PER_THREAD: usize = 50_000;
const COLD_ROUNDS: usize = 8;

fn loader(provider: &str) -> Result<ProviderMapping, MappingError> {
    let mut mapping = ProviderMapping {
        provider: provider.to_string(),
        package: provider.to_string(),
        ..Default::default()
    };
    for i in 0..8 {
        mapping.resources.insert(
            format!("{provider}_type{i}"),
            TypeMapping {
                token: format!("{provider}:index/type{i}:Type{i}"),
                ..Default::default()
            },
        );
    }
    Ok(mapping)
}

fn keys() -> Vec<String> {
    (0..KEYS).map(|i| format!("p{i}")).collect()
}

fn pool(threads: usize) -> rayon::ThreadPool {
    match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
        Ok(pool) => pool,
        Err(e) => panic!("thread pool: {e}"),
    }
}

fn lookups(c: &mut Criterion) {
    let keys = keys();
    let mut warm = c.benchmark_group("warm");
    warm.measurement_time(Duration::from_secs(3))
        .warm_up_time(Duration::from_secs(1))
        .sample_size(20);
    for mode in CacheMode::ALL {
        for threads in [1, 2] {
            let pool = pool(threads);
            let cache = MappingCache::with_mode(Box::new(loader), mode);
            for key in &keys {
                let _ = cache.get(key);
            }
            warm.throughput(Throughput::Elements(
                (WARM_LOOKUPS_PER_THREAD * threads) as u64,
            ));
            warm.bench_function(BenchmarkId::new(mode.id(), threads), |b| {
                b.iter(|| {
                    pool.broadcast(|ctx| {
                        let mut i = ctx.index() * 31;
                        for _ in 0..WARM_LOOKUPS_PER_THREAD {
                            i = (i + 7) % KEYS;
                            if let Some(key) = keys.get(i) {
                                let _ = black_box(cache.get(key));
                            }
                        }
                    })
                })
            });
            assert!(!cache.has_fatal(), "{}: reads alone never crash", mode.id());
        }
    }
    warm.finish();

    let mut cold = c.benchmark_group("cold");
    cold.measurement_time(Duration::from_secs(3))
        .warm_up_time(Duration::from_secs(1))
        .sample_size(20);
    for mode in CacheMode::ALL {
        for threads in [1, 2] {
            let pool = pool(threads);
            let cache = MappingCache::with_mode(Box::new(loader), mode);
            cold.throughput(Throughput::Elements((KEYS * COLD_ROUNDS * threads) as u64));
            cold.bench_function(BenchmarkId::new(mode.id(), threads), |b| {
                b.iter(|| {
                    cache.reset();
                    pool.broadcast(|_| {
                        for _ in 0..COLD_ROUNDS {
                            for key in &keys {
                                let _ = black_box(cache.get(key));
                            }
                        }
                    })
                })
            });
        }
    }
    cold.finish();
}

criterion_group!(benches, lookups);
criterion_main!(benches);
