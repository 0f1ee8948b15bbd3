//! The whole of `../shared/corpus` converted natively at 1 and 2 threads (and more when
//! `HCLCONV_BENCH_THREADS=1,2,4`): examples/s, MB/s and the speed-up over one thread, the median of
//! `HCLCONV_BENCH_RUNS` runs (default 5). `cargo bench --bench corpus`; `HCLCONV_BENCH_SMOKE=1`
//! converts 50 examples once, so CI can keep the benchmark from rotting.
//!
//! For scripts/bench-browser.mjs, which compares these times with the page's on the same files:
//! `HCLCONV_BENCH_KIND=snippet` keeps the manifest rows of that kind, `HCLCONV_BENCH_LIMIT=N` the first N
//! of them, `HCLCONV_BENCH_CACHE=warm` times every run on a cache that one untimed batch filled (as the
//! page does), and `HCLCONV_BENCH_JSON=1` ends with one line `json {"examples", "bytes", "seconds":
//! {"1": median, ...}}`.

use hclconv::batch::{BatchControl, BatchOptions, Schedule};
use hclconv::{convert_batch, Example, Language, MappingCache};
use std::path::Path;
use std::time::Instant;

fn corpus_examples(kind: Option<&str>, limit: Option<usize>) -> Vec<Example> {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let Ok(manifest) = std::fs::read_to_string(corpus.join("MANIFEST.tsv")) else {
        eprintln!("../shared/corpus not found");
        return Vec::new();
    };
    manifest
        .lines()
        .skip(1)
        .filter_map(|l| {
            let mut cols = l.split('\t');
            let row_kind = cols.nth(2)?;
            if kind.is_some_and(|k| k != row_kind) {
                return None;
            }
            let path = cols.next()?;
            let text = std::fs::read_to_string(corpus.join(path)).ok()?;
            Some(Example::single(path, "main.tf", text))
        })
        .take(limit.unwrap_or(usize::MAX))
        .collect()
}

fn main() {
    // `cargo bench` passes `--bench`; any other argument is a filter we do not support.
    let smoke = std::env::var_os("HCLCONV_BENCH_SMOKE").is_some();
    let env = |name: &str| std::env::var(name).ok();
    let limit = if smoke {
        Some(50)
    } else {
        env("HCLCONV_BENCH_LIMIT").and_then(|n| n.parse().ok())
    };
    let kind = env("HCLCONV_BENCH_KIND");
    let warm = env("HCLCONV_BENCH_CACHE").as_deref() == Some("warm");
    let json = env("HCLCONV_BENCH_JSON").is_some();
    let examples = corpus_examples(kind.as_deref(), limit);
    if examples.is_empty() {
        return;
    }
    let bytes: usize = examples
        .iter()
        .flat_map(|e| e.files.values())
        .map(String::len)
        .sum();
    let runs: usize = if smoke {
        1
    } else {
        std::env::var("HCLCONV_BENCH_RUNS")
            .ok()
            .and_then(|r| r.parse().ok())
            .unwrap_or(5)
    };
    let threads: Vec<usize> = std::env::var("HCLCONV_BENCH_THREADS")
        .ok()
        .map(|t| t.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1, 2]);
    let language = std::env::var("HCLCONV_BENCH_LANGUAGE")
        .ok()
        .and_then(|l| Language::parse(&l))
        .unwrap_or(Language::Typescript);
    println!(
        "corpus: {} examples, {:.1} MB, {language}, median of {runs} run(s), {} cache",
        examples.len(),
        bytes as f64 / 1e6,
        if warm { "warm" } else { "cold" }
    );
    let mut medians = Vec::new();
    let mut baseline = None;
    for &n in &threads {
        let Ok(pool) = rayon::ThreadPoolBuilder::new().num_threads(n).build() else {
            eprintln!("cannot start {n} threads");
            continue;
        };
        let options = BatchOptions {
            language,
            schedule: Schedule::Pool,
            ..BatchOptions::default()
        };
        let clock = || 0.0;
        let batch = |cache: &MappingCache| {
            let started = Instant::now();
            let result = pool.install(|| {
                convert_batch(&examples, &options, cache, &clock, &BatchControl::default())
            });
            assert_eq!(result.results.len(), examples.len());
            started.elapsed().as_secs_f64()
        };
        let warm_cache = warm.then(|| {
            let cache = MappingCache::builtin();
            batch(&cache);
            cache
        });
        let mut times = Vec::new();
        for _ in 0..runs {
            times.push(match &warm_cache {
                Some(cache) => batch(cache),
                // A cold cache per run: the mapping loads are part of the work, as in a fresh process.
                None => batch(&MappingCache::builtin()),
            });
        }
        times.sort_by(|a, b| a.total_cmp(b));
        let median = times.get(times.len() / 2).copied().unwrap_or(f64::NAN);
        let base = *baseline.get_or_insert(median);
        println!(
            "  {n} thread(s): {:.3} s, {:.0} examples/s, {:.1} MB/s, speed-up {:.2}x",
            median,
            examples.len() as f64 / median,
            bytes as f64 / 1e6 / median,
            base / median
        );
        medians.push((n.to_string(), serde_json::Value::from(median)));
    }
    if json {
        let summary = serde_json::json!({
            "examples": examples.len(),
            "bytes": bytes,
            "seconds": serde_json::Map::from_iter(medians),
        });
        println!("json {summary}");
    }
}
