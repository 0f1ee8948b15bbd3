//! The wasm API in a real browser (headless Chromium via wasm-bindgen-test-runner): conversion on the
//! calling thread, a batch spawned on a two-thread pool, the cache snapshot, one batch per cache mode
//! (races forced with the test-only `raceLatch`), and snapshots polled while a batch runs.
#![cfg(target_arch = "wasm32")]

use hclconv::wasm::{
    cache_modes, cache_snapshot, convert_batch_sync, reset_cache, set_cache_mode, set_cache_ttl,
    start_batch, BatchHandle,
};
use js_sys::{Array, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_dedicated_worker);

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(callback: &js_sys::Function, ms: i32) -> JsValue;
}

thread_local! {
    /// The pool can be started once per page; every test awaits the same start.
    static POOL: Promise = wasm_bindgen_rayon::init_thread_pool(2);
}

async fn pool() {
    JsFuture::from(POOL.with(Promise::clone)).await.unwrap();
}

fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

fn example(id: &str, text: &str) -> JsValue {
    let files = Object::new();
    Reflect::set(&files, &"main.tf".into(), &text.into()).unwrap();
    let example = Object::new();
    Reflect::set(&example, &"id".into(), &id.into()).unwrap();
    Reflect::set(&example, &"files".into(), &files).unwrap();
    example.into()
}

fn request(examples: &[JsValue], latch: Option<u32>) -> JsValue {
    let list = Array::new();
    for e in examples {
        list.push(e);
    }
    let request = Object::new();
    Reflect::set(&request, &"examples".into(), &list).unwrap();
    Reflect::set(&request, &"language".into(), &"typescript".into()).unwrap();
    if let Some(latch) = latch {
        Reflect::set(&request, &"latch".into(), &latch.into()).unwrap();
    }
    request.into()
}

const S3: &str = "resource \"aws_s3_bucket\" \"site\" {\n  bucket = \"my-site\"\n}\n";
const PET: &str = "resource \"random_pet\" \"p\" {}\noutput \"name\" {\n  value = \"pet-${random_pet.p.id}\"\n}\n";
const BAD: &str = "resource \"aws_s3_bucket\" \"b\" {\n  bucket = {{oops}}\n}\n";

fn results(result: &JsValue) -> Vec<JsValue> {
    Array::from(&get(result, "results")).iter().collect()
}

fn output_text(result: &JsValue) -> String {
    get(&get(result, "output"), "text")
        .as_string()
        .unwrap_or_default()
}

#[wasm_bindgen_test]
fn converts_on_the_calling_thread_and_isolates_bad_input() {
    let result = convert_batch_sync(request(
        &[example("s3", S3), example("bad", BAD), example("pet", PET)],
        None,
    ))
    .unwrap();
    let results = results(&result);
    assert_eq!(results.len(), 3);
    assert!(output_text(&results[0]).contains("new aws.s3.Bucket(\"site\""));
    assert!(output_text(&results[2]).contains("pulumi.interpolate`pet-${p.id}`"));
    let diagnostics = Array::from(&get(&results[1], "diagnostics"));
    let first = diagnostics.get(0);
    assert_eq!(
        get(&first, "code").as_string().as_deref(),
        Some("syntax-error")
    );
    assert_eq!(get(&first, "line").as_f64(), Some(2.0));
    assert!(get(&first, "column").as_f64().unwrap_or(0.0) > 1.0);
    assert!(get(&results[0], "worker").is_null());
}

#[wasm_bindgen_test]
fn rejects_a_malformed_request_with_an_error_not_a_trap() {
    assert!(convert_batch_sync(JsValue::from_str("not a request")).is_err());
}

#[wasm_bindgen_test]
async fn a_batch_on_the_pool_uses_two_workers_and_fills_the_cache() {
    pool().await;
    set_cache_mode("dashmap").unwrap();
    reset_cache();
    let examples: Vec<JsValue> = (0..8)
        .map(|i| example(&format!("e{i}"), if i % 2 == 0 { S3 } else { PET }))
        .collect();
    let handle = start_batch(request(&examples, Some(2))).unwrap();
    assert_eq!(handle.total(), 8);
    // Poll for completion; the assertions below do not depend on timing.
    while !handle.done() {
        let tick = Promise::new(&mut |resolve, _| {
            set_timeout(&resolve, 5);
        });
        JsFuture::from(tick).await.unwrap();
    }
    assert_eq!(handle.completed(), 8);
    let result = handle.take().unwrap();
    assert!(handle.take().is_err(), "a result is taken once");
    let results = results(&result);
    let mut workers: Vec<i64> = results
        .iter()
        .filter_map(|r| get(r, "worker").as_f64().map(|w| w as i64))
        .collect();
    workers.sort_unstable();
    workers.dedup();
    assert_eq!(workers.len(), 2, "workers: {workers:?}");
    for (i, r) in results.iter().enumerate() {
        let expected = if i % 2 == 0 {
            "new aws.s3.Bucket("
        } else {
            "new random.RandomPet("
        };
        assert!(output_text(r).contains(expected));
        assert!(get(r, "endMs").as_f64() >= get(r, "startMs").as_f64());
    }
    let snapshot = cache_snapshot().unwrap();
    let entries: Vec<String> = Array::from(&get(&snapshot, "entries"))
        .iter()
        .filter_map(|e| get(&e, "key").as_string())
        .collect();
    let mut sorted = entries.clone();
    sorted.sort();
    assert_eq!(sorted, vec!["aws".to_string(), "random".to_string()]);
    assert_eq!(get(&snapshot, "loads").as_f64(), Some(2.0));
    assert_eq!(get(&snapshot, "duplicateLoads").as_f64(), Some(0.0));
}

/// The pool (two threads allocating through the thread-caching allocator at once) produces exactly
/// what the calling thread produces alone, over a few hundred examples: a canary for allocator bugs.
#[wasm_bindgen_test]
async fn pool_and_calling_thread_agree_on_a_large_batch() {
    pool().await;
    set_cache_mode("dashmap").unwrap();
    let sources = [
        S3,
        PET,
        BAD,
        include_str!("fixtures/aws_static_site/main.tf"),
    ];
    let examples: Vec<JsValue> = (0..300)
        .map(|i| example(&format!("e{i}"), sources[i % sources.len()]))
        .collect();
    let sync = convert_batch_sync(request(&examples, None)).unwrap();
    let handle = start_batch(request(&examples, Some(2))).unwrap();
    while !handle.done() {
        let tick = Promise::new(&mut |resolve, _| {
            set_timeout(&resolve, 5);
        });
        JsFuture::from(tick).await.unwrap();
    }
    let pooled = handle.take().unwrap();
    let (sync, pooled) = (results(&sync), results(&pooled));
    assert_eq!(sync.len(), 300);
    for (a, b) in sync.iter().zip(&pooled) {
        assert_eq!(output_text(a), output_text(b));
        let codes = |r: &JsValue| -> Vec<String> {
            Array::from(&get(r, "diagnostics"))
                .iter()
                .filter_map(|d| get(&d, "code").as_string())
                .collect()
        };
        assert_eq!(codes(a), codes(b));
    }
}

/// A macrotask tick: lets the event loop run between polls (not a timing assumption).
async fn tick() {
    let tick = Promise::new(&mut |resolve, _| {
        set_timeout(&resolve, 0);
    });
    JsFuture::from(tick).await.unwrap();
}

async fn finish(handle: &BatchHandle) -> JsValue {
    while !handle.done() {
        tick().await;
    }
    handle.take().unwrap()
}

fn with(request: JsValue, key: &str, value: impl Into<JsValue>) -> JsValue {
    Reflect::set(&request, &key.into(), &value.into()).unwrap();
    request
}

fn num(value: &JsValue, key: &str) -> f64 {
    get(value, key).as_f64().unwrap_or(f64::NAN)
}

/// Six examples that all need the `aws` mapping first: on a cold cache, the two threads' first
/// lookups are for the same key.
fn aws_examples() -> Vec<JsValue> {
    (0..6).map(|i| example(&format!("s3-{i}"), S3)).collect()
}

/// Runs the six aws examples on the pool in `mode`, the first two misses meeting in the mode's
/// critical window; returns the batch result and the snapshot after it.
async fn race_batch(mode: &str) -> (JsValue, JsValue) {
    pool().await;
    set_cache_mode(mode).unwrap();
    let request = with(request(&aws_examples(), None), "raceLatch", 2);
    let handle = start_batch(with(request, "cacheMode", mode)).unwrap();
    let result = finish(&handle).await;
    (result, cache_snapshot().unwrap())
}

fn codes(result: &JsValue) -> Vec<String> {
    results(result)
        .iter()
        .filter_map(|r| get(&Array::from(&get(r, "diagnostics")).get(0), "code").as_string())
        .collect()
}

#[wasm_bindgen_test]
fn the_four_cache_modes_are_listed_and_an_unknown_one_is_refused() {
    let modes: Vec<JsValue> = Array::from(&cache_modes().unwrap()).iter().collect();
    let ids: Vec<String> = modes
        .iter()
        .filter_map(|m| get(m, "id").as_string())
        .collect();
    assert_eq!(ids, ["dashmap", "mutex", "check-then-insert", "go-racy"]);
    for m in &modes {
        assert!(get(m, "title").as_string().is_some_and(|t| !t.is_empty()));
        assert!(get(m, "explanation")
            .as_string()
            .is_some_and(|t| t.len() > 100));
    }
    let error = set_cache_mode("hashmap").unwrap_err();
    assert!(error.is_instance_of::<js_sys::Error>());
    assert!(String::from(js_sys::Error::from(error).message()).contains("hashmap"));
    set_cache_mode("mutex").unwrap();
    let snapshot = cache_snapshot().unwrap();
    assert_eq!(get(&snapshot, "mode").as_string().as_deref(), Some("mutex"));
    assert!(get(&snapshot, "fatal").is_null());
    assert_eq!(Array::from(&get(&snapshot, "entries")).length(), 0);
    // A batch request with an unknown mode is refused before anything runs.
    let bad = with(request(&aws_examples(), None), "cacheMode", "hashmap");
    assert!(convert_batch_sync(bad).is_err());
}

#[wasm_bindgen_test]
async fn dashmap_mode_loads_once_while_the_other_worker_waits() {
    let (result, snapshot) = race_batch("dashmap").await;
    assert!(get(&result, "fatal").is_null());
    assert_eq!(
        get(&snapshot, "mode").as_string().as_deref(),
        Some("dashmap")
    );
    assert_eq!(num(&snapshot, "loads"), 1.0);
    assert_eq!(num(&snapshot, "duplicateLoads"), 0.0);
    assert_eq!(num(&snapshot, "misses"), 2.0, "both workers missed");
    assert_eq!(
        num(&snapshot, "waits"),
        1.0,
        "one waited for the other's load"
    );
    assert!(num(&snapshot, "hits") + num(&snapshot, "misses") >= 6.0);
    let threads: Vec<f64> = Array::from(&get(&snapshot, "threads"))
        .iter()
        .filter_map(|t| get(&t, "thread").as_f64())
        .collect();
    assert_eq!(threads.len(), 2, "both pool threads counted: {threads:?}");
    let entry = Array::from(&get(&snapshot, "entries")).get(0);
    assert_eq!(get(&entry, "key").as_string().as_deref(), Some("aws"));
    assert_eq!(get(&entry, "state").as_string().as_deref(), Some("ready"));
    assert!(get(&entry, "loadedBy").as_f64().is_some());
    assert!(codes(&result)
        .iter()
        .all(|c| c != "fatal-error" && c != "cancelled"));
}

#[wasm_bindgen_test]
async fn mutex_mode_makes_the_other_worker_queue() {
    let (result, snapshot) = race_batch("mutex").await;
    assert!(get(&result, "fatal").is_null());
    assert_eq!(get(&snapshot, "mode").as_string().as_deref(), Some("mutex"));
    assert_eq!(num(&snapshot, "loads"), 1.0);
    assert_eq!(num(&snapshot, "duplicateLoads"), 0.0);
    assert!(num(&snapshot, "waits") >= 1.0);
    assert!(num(&snapshot, "waitMs") >= 0.0);
}

#[wasm_bindgen_test]
async fn check_then_insert_mode_loads_twice() {
    let (result, snapshot) = race_batch("check-then-insert").await;
    assert!(get(&result, "fatal").is_null());
    assert_eq!(num(&snapshot, "loads"), 1.0);
    assert_eq!(num(&snapshot, "duplicateLoads"), 1.0);
    let entry = Array::from(&get(&snapshot, "entries")).get(0);
    assert_eq!(num(&entry, "loads"), 2.0);
    // The conversions themselves are fine: duplicates are wasted work, not wrong output.
    assert!(results(&result)
        .iter()
        .all(|r| output_text(r).contains("new aws.s3.Bucket(")));

    // The negative control: one thread cannot race with itself.
    set_cache_mode("check-then-insert").unwrap();
    convert_batch_sync(request(&aws_examples(), None)).unwrap();
    let snapshot = cache_snapshot().unwrap();
    assert_eq!(
        (num(&snapshot, "loads"), num(&snapshot, "duplicateLoads")),
        (1.0, 0.0)
    );
}

#[wasm_bindgen_test]
async fn go_racy_mode_crashes_the_batch_like_go() {
    let (result, snapshot) = race_batch("go-racy").await;
    let fatal = get(&result, "fatal");
    assert_eq!(
        get(&fatal, "message").as_string().as_deref(),
        Some("fatal error: concurrent map writes")
    );
    let mut threads: Vec<f64> = Array::from(&get(&fatal, "threads"))
        .iter()
        .filter_map(|t| t.as_f64())
        .collect();
    threads.sort_by(f64::total_cmp);
    assert_eq!(threads, [0.0, 1.0]);
    assert_eq!(
        get(&get(&snapshot, "fatal"), "message").as_string(),
        get(&fatal, "message").as_string()
    );
    // The two examples in flight died with the program; the other four never started.
    let codes = codes(&result);
    assert_eq!(
        codes.iter().filter(|c| *c == "fatal-error").count(),
        2,
        "{codes:?}"
    );
    assert_eq!(
        codes.iter().filter(|c| *c == "cancelled").count(),
        4,
        "{codes:?}"
    );

    // The next batch starts a fresh "process": cold, no crash.
    let handle = start_batch(request(&[example("one", S3)], None)).unwrap();
    let result = finish(&handle).await;
    assert!(get(&result, "fatal").is_null());
    let snapshot = cache_snapshot().unwrap();
    assert!(get(&snapshot, "fatal").is_null());
    assert_eq!(num(&snapshot, "loads"), 1.0);
}

#[wasm_bindgen_test]
async fn snapshots_show_rising_counters_while_a_batch_runs() {
    pool().await;
    set_cache_mode("dashmap").unwrap();
    let examples: Vec<JsValue> = (0..5)
        .map(|i| example(&format!("e{i}"), if i % 2 == 0 { S3 } else { PET }))
        .collect();
    // Test-only lockstep: each example waits for a snapshot taken after the previous one finished,
    // so this loop sees every step without depending on timing.
    let handle = start_batch(with(request(&examples, None), "snapshotLockstep", true)).unwrap();
    // The lockstep holds the batch until the first snapshot below, so it is still running here.
    assert!(!handle.done());
    assert!(
        set_cache_mode("mutex").is_err(),
        "no switch while a batch runs"
    );
    let mut seen = Vec::new();
    while !handle.done() {
        let snapshot = cache_snapshot().unwrap();
        let lookups = num(&snapshot, "hits") + num(&snapshot, "misses");
        let progress = handle.completed();
        if !handle.done() {
            seen.push((lookups, progress));
        }
        tick().await;
    }
    let result = handle.take().unwrap();
    let last = cache_snapshot().unwrap();
    assert_eq!(get(&last, "mode").as_string().as_deref(), Some("dashmap"));
    let total = num(&last, "hits") + num(&last, "misses");
    let mut distinct: Vec<f64> = seen.iter().map(|(l, _)| *l).collect();
    assert!(distinct.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");
    distinct.dedup();
    // The states after 0, 1, 2, 3 and 4 finished examples, each seen before the batch ended.
    assert!(
        distinct.iter().filter(|&&l| l < total).count() >= 5,
        "{seen:?} / {total}"
    );
    assert_eq!(results(&result).len(), 5);
    assert!(get(&result, "fatal").is_null());
}

#[wasm_bindgen_test]
async fn a_zero_time_to_live_makes_every_lookup_reload() {
    pool().await;
    set_cache_mode("dashmap").unwrap();
    set_cache_ttl(Some(0.0)).unwrap();
    convert_batch_sync(request(&aws_examples(), None)).unwrap();
    let snapshot = cache_snapshot().unwrap();
    set_cache_ttl(None).unwrap();
    assert_eq!(num(&snapshot, "ttlMs"), 0.0);
    assert_eq!(num(&snapshot, "hits"), 0.0);
    assert!(num(&snapshot, "loads") >= 6.0, "one per lookup");
    assert_eq!(num(&snapshot, "evictions"), num(&snapshot, "loads") - 1.0);
    assert!(get(&cache_snapshot().unwrap(), "ttlMs").is_null());
    assert!(set_cache_ttl(Some(-1.0)).is_err());
}

#[path = "support/render.rs"]
mod render;

/// The converter in wasm writes exactly what the native fixture snapshots hold, in every language.
#[wasm_bindgen_test]
fn wasm_output_is_byte_identical_to_the_native_snapshots() {
    use hclconv::{Example, Language, MappingCache};
    use std::collections::BTreeMap;
    let fixtures: &[(&str, &[(&str, &str)], &[(Language, &str)])] = &[
        (
            "expressions",
            &[("main.tf", include_str!("fixtures/expressions/main.tf"))],
            &[
                (
                    Language::Typescript,
                    include_str!("snapshots/expressions.typescript.snap"),
                ),
                (
                    Language::Python,
                    include_str!("snapshots/expressions.python.snap"),
                ),
                (
                    Language::Pcl,
                    include_str!("snapshots/expressions.pcl.snap"),
                ),
            ],
        ),
        (
            "local_module",
            &[
                ("main.tf", include_str!("fixtures/local_module/main.tf")),
                (
                    "modules/network/main.tf",
                    include_str!("fixtures/local_module/modules/network/main.tf"),
                ),
            ],
            &[
                (
                    Language::Typescript,
                    include_str!("snapshots/local_module.typescript.snap"),
                ),
                (
                    Language::Python,
                    include_str!("snapshots/local_module.python.snap"),
                ),
                (
                    Language::Pcl,
                    include_str!("snapshots/local_module.pcl.snap"),
                ),
            ],
        ),
        (
            "count_and_for_each",
            &[(
                "main.tf",
                include_str!("fixtures/count_and_for_each/main.tf"),
            )],
            &[
                (
                    Language::Typescript,
                    include_str!("snapshots/count_and_for_each.typescript.snap"),
                ),
                (
                    Language::Python,
                    include_str!("snapshots/count_and_for_each.python.snap"),
                ),
                (
                    Language::Pcl,
                    include_str!("snapshots/count_and_for_each.pcl.snap"),
                ),
            ],
        ),
    ];
    let cache = MappingCache::builtin();
    for (id, files, expected) in fixtures {
        let example = Example {
            id: id.to_string(),
            files: files
                .iter()
                .map(|(p, t)| (p.to_string(), t.to_string()))
                .collect::<BTreeMap<_, _>>(),
        };
        for (language, snapshot) in *expected {
            let got = render::render(&example, *language, &cache);
            assert_eq!(
                got.trim_end(),
                render::snapshot_body(snapshot).trim_end(),
                "{id} in {language}"
            );
        }
    }
}
