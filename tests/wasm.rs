//! The wasm API in a real browser (headless Chromium via wasm-bindgen-test-runner): conversion on the
//! calling thread, a batch spawned on a two-thread pool, and the cache snapshot.
#![cfg(target_arch = "wasm32")]

use hclconv::wasm::{cache_snapshot, convert_batch_sync, reset_cache, start_batch};
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
