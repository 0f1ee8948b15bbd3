//! The cache modes seen through a batch, natively: the mode option, the forced races of `raceLatch`,
//! go-racy's crash ending the batch, and snapshots polled while a batch runs (lockstep).

use hclconv::batch::BatchControl;
use hclconv::cache::CacheMode;
use hclconv::{convert_batch, BatchOptions, BatchResult, Example, MappingCache};
use std::sync::atomic::Ordering;
use std::sync::{Arc, OnceLock};
use std::time::Instant;

fn clock() -> f64 {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    EPOCH.get_or_init(Instant::now).elapsed().as_secs_f64() * 1e3
}

const S3: &str = "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"x\"\n}\n";
const PET: &str = "resource \"random_pet\" \"p\" {}\n";

/// Examples that all need `aws` first.
fn aws(n: usize) -> Vec<Example> {
    (0..n)
        .map(|i| Example::single(format!("s3-{i}"), "main.tf", S3))
        .collect()
}

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("pool")
}

fn run(cache: &MappingCache, examples: &[Example], options: &BatchOptions) -> BatchResult {
    let control = BatchControl::default();
    pool(2).install(|| convert_batch(examples, options, cache, &clock, &control))
}

fn raced(mode: CacheMode) -> BatchOptions {
    BatchOptions {
        cache_mode: Some(mode),
        race_latch: Some(2),
        ..Default::default()
    }
}

fn first_codes(result: &BatchResult) -> Vec<&str> {
    result
        .results
        .iter()
        .filter_map(|r| r.conversion.diagnostics.first().map(|d| d.code))
        .collect()
}

#[test]
fn the_mode_option_switches_and_empties_the_cache_only_when_it_differs() {
    let cache = MappingCache::builtin();
    let options = |mode| BatchOptions {
        cache_mode: Some(mode),
        ..Default::default()
    };
    run(&cache, &aws(4), &options(CacheMode::Dashmap));
    let first = cache.snapshot();
    assert_eq!(first.loads, 1);
    run(&cache, &aws(4), &options(CacheMode::Dashmap));
    let warm = cache.snapshot();
    assert_eq!(
        (warm.loads, warm.misses, warm.hits),
        (1, first.misses, first.hits + 4),
        "same mode: stays warm"
    );
    run(&cache, &aws(4), &options(CacheMode::Mutex));
    let cold = cache.snapshot();
    assert_eq!(cold.mode, "mutex");
    assert_eq!(
        (cold.loads, cold.misses, cold.hits),
        (1, 1, 3),
        "a new mode starts cold"
    );
}

#[test]
fn race_latch_forces_each_mode_to_show_its_behaviour() {
    let cache = MappingCache::builtin();

    let result = run(&cache, &aws(6), &raced(CacheMode::Dashmap));
    let s = cache.snapshot();
    assert!(result.fatal.is_none());
    assert_eq!(
        (s.misses, s.loads, s.duplicate_loads, s.waits),
        (2, 1, 0, 1),
        "dashmap"
    );

    run(&cache, &aws(6), &raced(CacheMode::Mutex));
    let s = cache.snapshot();
    assert_eq!((s.loads, s.duplicate_loads), (1, 0), "mutex");
    assert!(s.waits >= 1, "mutex: the other worker queued");

    run(&cache, &aws(6), &raced(CacheMode::CheckThenInsert));
    let s = cache.snapshot();
    assert_eq!(
        (s.misses, s.loads, s.duplicate_loads),
        (2, 1, 1),
        "check-then-insert"
    );

    let result = run(&cache, &aws(6), &raced(CacheMode::GoRacy));
    let fatal = result.fatal.clone().expect("go-racy crashes");
    assert_eq!(fatal.message, "fatal error: concurrent map writes");
    let mut threads = fatal.threads;
    threads.sort();
    assert_eq!(threads, [Some(0), Some(1)]);
    assert_eq!(cache.snapshot().fatal, Some(fatal));
    let codes = first_codes(&result);
    assert_eq!(
        codes.iter().filter(|c| **c == "fatal-error").count(),
        2,
        "{codes:?}"
    );
    assert_eq!(
        codes.iter().filter(|c| **c == "cancelled").count(),
        4,
        "{codes:?}"
    );
    let crashed = result
        .results
        .iter()
        .find(|r| {
            r.conversion
                .diagnostics
                .first()
                .is_some_and(|d| d.code == "fatal-error")
        })
        .expect("a crashed example");
    assert!(crashed.conversion.output.text.is_empty());
    assert!(crashed.conversion.diagnostics[0]
        .message
        .starts_with("fatal error: concurrent map writes (threads "));

    // The next batch is a fresh "process".
    let result = run(&cache, &aws(1), &BatchOptions::default());
    assert!(result.fatal.is_none());
    assert_eq!(cache.snapshot().loads, 1);
}

#[test]
fn go_racy_on_one_thread_never_crashes() {
    let cache =
        MappingCache::with_mode(Box::new(hclconv::mapping::load_builtin), CacheMode::GoRacy);
    let control = BatchControl::default();
    let examples: Vec<Example> = (0..20)
        .map(|i| {
            Example::single(
                format!("e{i}"),
                "main.tf",
                if i % 2 == 0 { S3 } else { PET },
            )
        })
        .collect();
    let result = pool(1).install(|| {
        convert_batch(
            &examples,
            &BatchOptions::default(),
            &cache,
            &clock,
            &control,
        )
    });
    assert!(result.fatal.is_none());
    assert!(result
        .results
        .iter()
        .all(|r| r.conversion.output.text.contains("new ")));
}

#[test]
fn an_observer_sees_every_step_of_a_lockstep_batch() {
    let cache = Arc::new(MappingCache::builtin());
    let examples: Vec<Example> = (0..5)
        .map(|i| {
            Example::single(
                format!("e{i}"),
                "main.tf",
                if i % 2 == 0 { S3 } else { PET },
            )
        })
        .collect();
    let control = Arc::new(BatchControl::default());
    let batch = {
        let (cache, control) = (Arc::clone(&cache), Arc::clone(&control));
        std::thread::spawn(move || {
            let options = BatchOptions {
                snapshot_lockstep: true,
                ..Default::default()
            };
            pool(2).install(|| convert_batch(&examples, &options, &cache, &clock, &control))
        })
    };
    let mut seen = Vec::new();
    while !batch.is_finished() {
        let s = cache.snapshot();
        if control.completed.load(Ordering::SeqCst) < 5 {
            seen.push(s.hits + s.misses);
        }
        std::thread::yield_now();
    }
    let result = batch.join().expect("batch");
    let total = cache.snapshot();
    let total = total.hits + total.misses;
    assert!(seen.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");
    seen.dedup();
    // The states after 0, 1, 2, 3 and 4 finished examples, each before the last one ended.
    assert!(
        seen.iter().filter(|&&l| l < total).count() >= 5,
        "{seen:?} / {total}"
    );
    assert_eq!(result.results.len(), 5);
}
