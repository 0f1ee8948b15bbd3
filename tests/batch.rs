//! Batch conversion: isolation of bad examples, determinism across thread counts, workers taking part.

use hclconv::batch::BatchControl;
use hclconv::{convert_batch, BatchOptions, Example, MappingCache, Schedule, Severity};
use std::collections::BTreeSet;
use std::sync::atomic::Ordering;
use std::sync::OnceLock;
use std::time::Instant;

fn clock() -> f64 {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    EPOCH.get_or_init(Instant::now).elapsed().as_secs_f64() * 1e3
}

fn examples() -> Vec<Example> {
    let sources = [
        ("s3", "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"x\"\n}\noutput \"arn\" {\n  value = aws_s3_bucket.b.arn\n}\n"),
        ("gcp", "resource \"google_storage_bucket\" \"b\" {\n  name = \"x\"\n  location = \"EU\"\n}\n"),
        ("bad", "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \n"),
        ("pet", "resource \"random_pet\" \"p\" {}\noutput \"name\" {\n  value = \"pet-${random_pet.p.id}\"\n}\n"),
        ("rg", "resource \"azurerm_resource_group\" \"rg\" {\n  name = \"rg\"\n  location = \"westeurope\"\n}\n"),
        ("ns", "resource \"kubernetes_namespace\" \"n\" {\n  metadata {\n    name = \"n\"\n  }\n}\n"),
    ];
    (0..4)
        .flat_map(|round| {
            sources
                .iter()
                .map(move |(id, text)| Example::single(format!("{id}-{round}"), "main.tf", *text))
        })
        .collect()
}

fn run(threads: usize, options: &BatchOptions) -> hclconv::BatchResult {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("pool");
    let cache = MappingCache::builtin();
    let control = BatchControl::default();
    pool.install(|| convert_batch(&examples(), options, &cache, &clock, &control))
}

#[test]
fn a_bad_example_does_not_stop_the_batch() {
    let result = run(2, &BatchOptions::default());
    assert_eq!(result.results.len(), examples().len());
    for r in &result.results {
        let errors: Vec<_> = r
            .conversion
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        if r.id.starts_with("bad") {
            assert_eq!(errors.len(), 1, "{}", r.id);
            assert_eq!((errors[0].span.line, errors[0].code), (2, "syntax-error"));
        } else {
            assert!(errors.is_empty(), "{}: {errors:?}", r.id);
            assert!(r.conversion.output.text.contains("new "), "{}", r.id);
        }
    }
}

#[test]
fn output_is_identical_on_one_and_two_threads() {
    let one = run(1, &BatchOptions::default());
    let two = run(2, &BatchOptions::default());
    let outputs = |r: &hclconv::BatchResult| -> Vec<_> {
        r.results
            .iter()
            .map(|e| (e.id.clone(), e.conversion.clone()))
            .collect()
    };
    assert_eq!(outputs(&one), outputs(&two));
    assert_eq!((one.threads, two.threads), (1, 2));
}

#[test]
fn the_latch_makes_two_workers_take_part() {
    let options = BatchOptions {
        latch: Some(2),
        ..Default::default()
    };
    let result = run(2, &options);
    let workers: BTreeSet<_> = result.results.iter().filter_map(|r| r.worker).collect();
    assert_eq!(workers.len(), 2, "{workers:?}");
}

#[test]
fn current_thread_schedule_runs_outside_the_pool() {
    let options = BatchOptions {
        schedule: Schedule::CurrentThread,
        ..Default::default()
    };
    let cache = MappingCache::builtin();
    let control = BatchControl::default();
    let result = convert_batch(&examples(), &options, &cache, &clock, &control);
    assert!(result.results.iter().all(|r| r.worker.is_none()));
    assert_eq!(control.completed.load(Ordering::Relaxed), examples().len());
    // Five providers, each loaded once, whatever the number of examples.
    assert_eq!(cache.snapshot().loads, 5);
}

#[test]
fn a_cancelled_batch_skips_the_rest() {
    let cache = MappingCache::builtin();
    let control = BatchControl::default();
    control.cancelled.store(true, Ordering::Relaxed);
    let options = BatchOptions {
        schedule: Schedule::CurrentThread,
        ..Default::default()
    };
    let result = convert_batch(&examples(), &options, &cache, &clock, &control);
    assert!(result.results.iter().all(|r| r
        .conversion
        .diagnostics
        .iter()
        .any(|d| d.code == "cancelled")));
}
