//! The browser binding: the only file that knows about wasm. Exposes the thread pool, batch conversion
//! (blocking on the calling thread, or spawned on the pool with a completion flag), cache snapshots and
//! the cache's workshop modes.
//!
//! Cache contract (JS):
//! - `cacheModes()` → `[{id, title, explanation}]`, ids `"dashmap" | "mutex" | "check-then-insert" |
//!   "go-racy"`.
//! - `setCacheMode(id)` switches and empties the cache; throws an `Error` for an unknown id.
//! - `resetCache()` empties it (statistics and a simulated crash included).
//! - `setCacheTtl(ms | null)`: entries expire `ms` after their load (0: at once); `null`: never.
//! - `cacheSnapshot()` → `{mode, hits, misses, loads, duplicateLoads, failures, waits, waitMs, evictions,
//!   refused, ttlMs, fatal: null | {message, threads: [a, b]}, entries: [{key, loadedBy, loadMs, hits,
//!   loads, state}], threads: [{thread, hits, misses, loads, duplicateLoads, failures, waits, waitMs,
//!   evictions, refused}], partial}`; never blocks, so the worker can poll it while a batch runs.
//! - Batch requests accept `cacheMode?` (switch first, when different) and the test-only `raceLatch?`
//!   and `snapshotLockstep?`; batch results carry `fatal` (null, or the go-racy crash that stopped it).

use crate::batch::{convert_batch, BatchControl, BatchOptions, BatchResult, Schedule};
use crate::cache::CacheMode;
use crate::{Example, MappingCache};
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicI32, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use wasm_bindgen::prelude::*;
// Keep the crate linked so its `initThreadPool` export is part of this module.
use wasm_bindgen_rayon as _;
// `initThreadPool` is exported by wasm-bindgen-rayon itself (linked in through the dependency).

/// Batches started with `startBatch` and not finished yet.
static RUNNING: AtomicUsize = AtomicUsize::new(0);

fn cache() -> &'static MappingCache {
    static CACHE: OnceLock<MappingCache> = OnceLock::new();
    CACHE.get_or_init(MappingCache::builtin)
}

/// Milliseconds since the Unix epoch on the clock every worker shares:
/// `performance.timeOrigin + performance.now()` (each worker's `now()` has its own origin).
fn shared_clock() -> f64 {
    thread_local! {
        static PERFORMANCE: Option<web_sys_free::Performance> = web_sys_free::Performance::of_global();
    }
    PERFORMANCE.with(|p| p.as_ref().map_or_else(js_sys::Date::now, |p| p.epoch_now()))
}

/// `performance` without web-sys: two property reads through js-sys.
mod web_sys_free {
    use wasm_bindgen::{JsCast, JsValue};

    pub struct Performance {
        object: JsValue,
        now: js_sys::Function,
        time_origin: f64,
    }

    impl Performance {
        pub fn of_global() -> Option<Self> {
            let object = js_sys::Reflect::get(&js_sys::global(), &"performance".into()).ok()?;
            let now = js_sys::Reflect::get(&object, &"now".into())
                .ok()?
                .dyn_into::<js_sys::Function>()
                .ok()?;
            let time_origin = js_sys::Reflect::get(&object, &"timeOrigin".into())
                .ok()?
                .as_f64()?;
            Some(Performance {
                object,
                now,
                time_origin,
            })
        }

        pub fn epoch_now(&self) -> f64 {
            let now = self
                .now
                .call0(&self.object)
                .ok()
                .and_then(|v| v.as_f64())
                .unwrap_or(0.0);
            self.time_origin + now
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BatchRequest {
    examples: Vec<Example>,
    #[serde(flatten)]
    options: BatchOptions,
}

fn parse_request(request: JsValue) -> Result<BatchRequest, JsValue> {
    serde_wasm_bindgen::from_value(request)
        .map_err(|e| JsValue::from_str(&format!("invalid batch request: {e}")))
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsValue::from_str(&format!("cannot return result: {e}")))
}

#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LanguageInfo {
    id: &'static str,
    name: &'static str,
    main_file: &'static str,
}

/// The languages the converter emits, for the page's picker: `[{id, name, mainFile}]`.
#[wasm_bindgen]
pub fn languages() -> Result<JsValue, JsValue> {
    let list: Vec<LanguageInfo> = crate::Language::ALL
        .iter()
        .map(|l| LanguageInfo {
            id: l.name(),
            name: l.display_name(),
            main_file: l.main_file(),
        })
        .collect();
    to_js(&list)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ParseSummary {
    /// Top-level blocks and attributes of the file's body; 0 when it did not parse.
    items: usize,
    errors: usize,
}

/// Parses one file and returns only counts, for benchmarks that time our parser alone against other
/// parsers (scripts/bench-peers.mjs): `{items, errors}`.
#[wasm_bindgen(js_name = parseFile)]
pub fn parse_file(path: &str, text: &str) -> Result<JsValue, JsValue> {
    let (file, diagnostics) = crate::parse::parse_file(path, text);
    let summary = ParseSummary {
        items: file.body.as_ref().map_or(0, |body| body.len()),
        errors: diagnostics
            .iter()
            .filter(|d| d.severity == crate::Severity::Error)
            .count(),
    };
    to_js(&summary)
}

/// Test-only switches this build honours (the page forwards `crashOn` only when it is listed).
#[wasm_bindgen(js_name = testHooks)]
pub fn test_hooks() -> Vec<String> {
    vec!["crashOn".to_string()]
}

/// Converts a batch on the calling thread, one example after another, without the thread pool.
#[wasm_bindgen(js_name = convertBatchSync)]
pub fn convert_batch_sync(request: JsValue) -> Result<JsValue, JsValue> {
    let mut request = parse_request(request)?;
    request.options.schedule = Schedule::CurrentThread;
    let control = BatchControl::default();
    let result = convert_batch(
        &request.examples,
        &request.options,
        cache(),
        &shared_clock,
        &control,
    );
    to_js(&result)
}

struct BatchShared {
    /// 0 while running, 1 when the result is stored; JS waits on it with `Atomics.waitAsync`.
    done: AtomicI32,
    total: usize,
    control: BatchControl,
    result: Mutex<Option<BatchResult>>,
}

/// A batch running on the pool. The worker that started it stays free to answer other requests.
#[wasm_bindgen]
pub struct BatchHandle {
    shared: Arc<BatchShared>,
}

/// Starts a batch on the thread pool and returns at once.
#[wasm_bindgen(js_name = startBatch)]
pub fn start_batch(request: JsValue) -> Result<BatchHandle, JsValue> {
    let request = parse_request(request)?;
    // Switch (or restart after a crash) now, so that a snapshot taken right after this call already
    // shows the batch's mode, cold.
    cache().prepare_batch(request.options.cache_mode);
    let shared = Arc::new(BatchShared {
        done: AtomicI32::new(0),
        total: request.examples.len(),
        control: BatchControl::default(),
        result: Mutex::new(None),
    });
    let task = Arc::clone(&shared);
    RUNNING.fetch_add(1, Ordering::SeqCst);
    rayon::spawn(move || {
        let mut options = request.options;
        options.schedule = Schedule::Pool;
        let result = convert_batch(
            &request.examples,
            &options,
            cache(),
            &shared_clock,
            &task.control,
        );
        if let Ok(mut slot) = task.result.lock() {
            *slot = Some(result);
        }
        RUNNING.fetch_sub(1, Ordering::SeqCst);
        task.done.store(1, Ordering::Release);
        // SAFETY: the pointer is to a live, aligned i32 inside the shared memory, kept alive by `task`.
        unsafe {
            core::arch::wasm32::memory_atomic_notify(task.done.as_ptr(), u32::MAX);
        }
    });
    Ok(BatchHandle { shared })
}

#[wasm_bindgen]
impl BatchHandle {
    pub fn done(&self) -> bool {
        self.shared.done.load(Ordering::Acquire) == 1
    }

    pub fn completed(&self) -> usize {
        self.shared.control.completed.load(Ordering::Relaxed)
    }

    pub fn total(&self) -> usize {
        self.shared.total
    }

    /// Index of the completion flag in `new Int32Array(memory.buffer)`.
    #[wasm_bindgen(js_name = flagIndex)]
    pub fn flag_index(&self) -> usize {
        self.shared.done.as_ptr() as usize / 4
    }

    /// Examples not started yet are skipped and reported as cancelled.
    pub fn cancel(&self) {
        self.shared.control.cancelled.store(true, Ordering::Relaxed);
    }

    /// The result, once `done()`; throws before that or when taken twice.
    pub fn take(&self) -> Result<JsValue, JsValue> {
        if !self.done() {
            return Err(JsValue::from_str("the batch is still running"));
        }
        let result = self
            .shared
            .result
            .try_lock()
            .ok()
            .and_then(|mut slot| slot.take())
            .ok_or_else(|| JsValue::from_str("the result was already taken"))?;
        to_js(&result)
    }
}

/// Cache counters and entries, read with atomics and try-locks only.
#[wasm_bindgen(js_name = cacheSnapshot)]
pub fn cache_snapshot() -> Result<JsValue, JsValue> {
    to_js(&cache().snapshot())
}

/// Empties the cache; the next batch starts cold.
#[wasm_bindgen(js_name = resetCache)]
pub fn reset_cache() {
    cache().reset();
}

#[derive(Serialize)]
struct ModeInfo {
    id: &'static str,
    title: &'static str,
    explanation: &'static str,
}

/// The cache modes for the page's picker: `[{id, title, explanation}]`.
#[wasm_bindgen(js_name = cacheModes)]
pub fn cache_modes() -> Result<JsValue, JsValue> {
    let modes: Vec<ModeInfo> = CacheMode::ALL
        .iter()
        .map(|m| ModeInfo {
            id: m.id(),
            title: m.title(),
            explanation: m.explanation(),
        })
        .collect();
    to_js(&modes)
}

/// Switches the cache mode and empties the cache (also when the mode does not change). Throws an
/// `Error` for an unknown id, and while a batch started with `startBatch` runs (its statistics would
/// mix two modes).
#[wasm_bindgen(js_name = setCacheMode)]
pub fn set_cache_mode(id: &str) -> Result<(), JsValue> {
    if RUNNING.load(Ordering::SeqCst) > 0 {
        return Err(js_sys::Error::new("cannot switch the cache mode while a batch runs").into());
    }
    let mode = CacheMode::from_id(id).ok_or_else(|| {
        let known: Vec<&str> = CacheMode::ALL.iter().map(|m| m.id()).collect();
        js_sys::Error::new(&format!(
            "unknown cache mode `{id}`: expected one of {}",
            known.join(", ")
        ))
    })?;
    cache().set_mode(mode);
    Ok(())
}

/// Entries expire `ms` milliseconds after their load (`0`: at once, so every lookup reloads and
/// evicts); `null` or `undefined`: never. Throws for a negative or non-finite value.
#[wasm_bindgen(js_name = setCacheTtl)]
pub fn set_cache_ttl(ms: Option<f64>) -> Result<(), JsValue> {
    let ttl = match ms {
        None => None,
        Some(ms) if ms.is_finite() && ms >= 0.0 => {
            Some(std::time::Duration::from_secs_f64(ms / 1e3))
        }
        Some(ms) => {
            return Err(js_sys::Error::new(&format!(
                "invalid time to live {ms}: expected milliseconds >= 0, or null"
            ))
            .into())
        }
    };
    cache().set_ttl(ttl);
    Ok(())
}
