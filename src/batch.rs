//! Parallel conversion of many examples with rayon. Each result records which pool thread converted it
//! and when, on one clock shared by all threads.
//!
//! The batch chooses the cache mode (`cache_mode`), and ends early when the cache reports a simulated
//! crash (`go-racy` mode): the examples in flight then fail with the crash message, the remaining ones
//! are cancelled, and the result carries the crash in `fatal`.

use crate::cache::race::RaceGate;
use crate::cache::{CacheMode, FatalError};
use crate::{
    convert, Conversion, Diagnostic, Example, Language, MappingCache, Severity, SourceSpan,
};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

/// Where the batch runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Schedule {
    /// `par_iter` on the current rayon pool.
    #[default]
    Pool,
    /// One example after another on the calling thread, without touching rayon: the path for a page
    /// without cross-origin isolation, where no pool can start.
    CurrentThread,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchOptions {
    #[serde(default)]
    pub language: Language,
    /// Test-only rendezvous: the first example each pool thread picks up waits until this many distinct
    /// threads have started one, so tests can rely on several workers taking part without sleeping.
    /// Ignored when the pool has fewer threads.
    #[serde(default)]
    pub latch: Option<usize>,
    /// Switch the cache to this mode before the batch (which empties it) when it is in another one.
    #[serde(default)]
    pub cache_mode: Option<CacheMode>,
    /// Test-only race rendezvous: the first `n` threads to reach a mode's critical window (a miss,
    /// a load, a write of `go-racy`) meet there, so the mode's race happens deterministically — see
    /// `cache::race`. Ignored unless 1 < n <= pool threads and n <= examples, on the pool.
    #[serde(default)]
    pub race_latch: Option<usize>,
    /// Test-only: examples run one at a time, and each starts only once a cache snapshot was taken
    /// after the previous one finished, so an observer polling `snapshot()` sees every step. Stalls
    /// until someone polls; honoured on the pool only (the calling thread could not poll).
    #[serde(default)]
    pub snapshot_lockstep: bool,
    /// Test-only: the pool thread that picks up the example with this id traps (a wasm
    /// `unreachable`), so the page's worker-crash recovery is tested against a real crash. Only in
    /// the wasm build, only on the pool; ignored natively.
    #[serde(default)]
    pub crash_on: Option<String>,
    #[serde(skip)]
    pub schedule: Schedule,
}

/// Progress and cancellation shared between a running batch and its owner.
#[derive(Debug, Default)]
pub struct BatchControl {
    pub completed: AtomicUsize,
    pub cancelled: AtomicBool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExampleResult {
    pub id: String,
    /// Rayon thread index of the worker that converted it; `None` outside a pool.
    pub worker: Option<usize>,
    pub start_ms: f64,
    pub end_ms: f64,
    pub duration_ms: f64,
    #[serde(flatten)]
    pub conversion: Conversion,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchResult {
    /// Threads available to the batch.
    pub threads: usize,
    pub total_ms: f64,
    /// In request order.
    pub results: Vec<ExampleResult>,
    /// The simulated crash that ended the batch (`go-racy` mode), if any.
    pub fatal: Option<FatalError>,
}

/// Converts every example. `clock` returns milliseconds on an epoch shared by all threads (on wasm,
/// `performance.timeOrigin + performance.now()`, since each worker's `now()` has its own origin).
pub fn convert_batch(
    examples: &[Example],
    options: &BatchOptions,
    cache: &MappingCache,
    clock: &(dyn Fn() -> f64 + Sync),
    control: &BatchControl,
) -> BatchResult {
    let started = clock();
    cache.prepare_batch(options.cache_mode);
    let threads = match options.schedule {
        Schedule::Pool => rayon::current_num_threads(),
        Schedule::CurrentThread => 1,
    };
    let latch = options
        .latch
        .filter(|&n| {
            n > 1 && n <= threads && n <= examples.len() && options.schedule == Schedule::Pool
        })
        .map(Latch::new);
    let race = options
        .race_latch
        .filter(|&n| {
            n > 1 && n <= threads && n <= examples.len() && options.schedule == Schedule::Pool
        })
        .map(|n| Arc::new(RaceGate::new(n, examples.len())));
    let _armed = race.as_ref().map(|gate| cache.arm_race(Arc::clone(gate)));
    let lockstep = (options.snapshot_lockstep && options.schedule == Schedule::Pool)
        .then(|| Lockstep::new(cache));
    let stop = || control.cancelled.load(Ordering::Relaxed) || cache.has_fatal();
    let one = |example: &Example| {
        if let Some(latch) = &latch {
            latch.arrive();
        }
        let turn = lockstep.as_ref().map(|l| l.begin(cache, &stop));
        if options.schedule == Schedule::Pool && options.crash_on.as_deref() == Some(&example.id) {
            crash_for_test();
        }
        let result = if stop() {
            cancelled(example, clock())
        } else {
            let start_ms = clock();
            let mut conversion = convert(example, options.language, cache);
            if let Some(fatal) = cache.fatal() {
                crashed(&mut conversion, &fatal);
            }
            let end_ms = clock();
            ExampleResult {
                id: example.id.clone(),
                worker: rayon::current_thread_index(),
                start_ms,
                end_ms,
                duration_ms: end_ms - start_ms,
                conversion,
            }
        };
        if let (Some(lockstep), Some(turn)) = (&lockstep, turn) {
            lockstep.end(cache, turn);
        }
        if let Some(gate) = &race {
            gate.task_done();
        }
        control.completed.fetch_add(1, Ordering::Relaxed);
        result
    };
    let results = match options.schedule {
        Schedule::Pool => examples.par_iter().map(one).collect(),
        Schedule::CurrentThread => examples.iter().map(one).collect(),
    };
    BatchResult {
        threads,
        total_ms: clock() - started,
        results,
        fatal: cache.fatal(),
    }
}

/// An example that was running when the simulated Go program crashed: like the rest of that
/// program's work, its output is lost.
fn crashed(conversion: &mut Conversion, fatal: &FatalError) {
    let thread =
        |t: Option<usize>| t.map_or_else(|| "outside the pool".to_string(), |t| t.to_string());
    conversion.output.text.clear();
    conversion.output.project.clear();
    conversion.diagnostics.insert(
        0,
        Diagnostic {
            severity: Severity::Error,
            code: "fatal-error",
            message: format!(
                "{} (threads {} and {}): the batch was stopped",
                fatal.message,
                thread(fatal.threads[0]),
                thread(fatal.threads[1])
            ),
            span: SourceSpan::default(),
        },
    );
}

/// Test-only lockstep (see [`BatchOptions::snapshot_lockstep`]): turn `t` starts when `t` examples
/// have finished and a snapshot was taken since the last one finished.
struct Lockstep {
    next: AtomicUsize,
    finished: AtomicUsize,
    /// `snapshots_taken()` when the last example finished (or the batch started).
    epoch: AtomicU64,
}

impl Lockstep {
    fn new(cache: &MappingCache) -> Self {
        Lockstep {
            next: AtomicUsize::new(0),
            finished: AtomicUsize::new(0),
            epoch: AtomicU64::new(cache.snapshots_taken()),
        }
    }

    fn begin(&self, cache: &MappingCache, stop: &dyn Fn() -> bool) -> usize {
        let turn = self.next.fetch_add(1, Ordering::SeqCst);
        while !stop()
            && !(self.finished.load(Ordering::SeqCst) == turn
                && cache.snapshots_taken() > self.epoch.load(Ordering::SeqCst))
        {
            std::thread::yield_now();
            std::hint::spin_loop();
        }
        turn
    }

    fn end(&self, cache: &MappingCache, turn: usize) {
        self.epoch.store(cache.snapshots_taken(), Ordering::SeqCst);
        self.finished.store(turn + 1, Ordering::SeqCst);
    }
}

/// The test-only crash of `crash_on`: a real trap in the wasm build, nothing natively.
fn crash_for_test() {
    #[cfg(target_arch = "wasm32")]
    core::arch::wasm32::unreachable();
}

fn cancelled(example: &Example, now: f64) -> ExampleResult {
    ExampleResult {
        id: example.id.clone(),
        worker: rayon::current_thread_index(),
        start_ms: now,
        end_ms: now,
        duration_ms: 0.0,
        conversion: Conversion {
            output: crate::EmittedProgram {
                language: Language::default(),
                path: Language::default().main_file().to_string(),
                text: String::new(),
                project: Vec::new(),
            },
            diagnostics: vec![Diagnostic {
                severity: Severity::Info,
                code: "cancelled",
                message: "the batch was stopped before this example was converted".into(),
                span: SourceSpan::default(),
            }],
        },
    }
}

/// Distinct pool threads that have arrived; each thread's first arrival waits for `target` of them.
struct Latch {
    target: usize,
    arrived: std::sync::Mutex<Vec<usize>>,
    count: AtomicUsize,
}

impl Latch {
    fn new(target: usize) -> Self {
        Latch {
            target,
            arrived: std::sync::Mutex::new(Vec::new()),
            count: AtomicUsize::new(0),
        }
    }

    fn arrive(&self) {
        let Some(me) = rayon::current_thread_index() else {
            return;
        };
        {
            let mut arrived = self
                .arrived
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if arrived.contains(&me) {
                return;
            }
            arrived.push(me);
            self.count.store(arrived.len(), Ordering::Release);
        }
        // Blocking here (not yielding to rayon) leaves the rest of the work to the other threads,
        // which is exactly what makes them arrive.
        while self.count.load(Ordering::Acquire) < self.target {
            std::thread::yield_now();
            std::hint::spin_loop();
        }
    }
}
