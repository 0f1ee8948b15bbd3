//! Parallel conversion of many examples with rayon. Each result records which pool thread converted it
//! and when, on one clock shared by all threads.

use crate::{
    convert, Conversion, Diagnostic, Example, Language, MappingCache, Severity, SourceSpan,
};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

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
    let one = |example: &Example| {
        if let Some(latch) = &latch {
            latch.arrive();
        }
        let result = if control.cancelled.load(Ordering::Relaxed) {
            cancelled(example, clock())
        } else {
            let start_ms = clock();
            let conversion = convert(example, options.language, cache);
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
    }
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
