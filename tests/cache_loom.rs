//! Model test of the single-flight code (`src/cache/single_flight.rs`) under loom: every interleaving
//! of the protocol's lock, condition-variable and map operations (within loom's bounds), on the very
//! code the `dashmap` mode runs — `--cfg loom` swaps its sync facade (`src/cache/sync.rs`) for loom's.
//!
//! ```sh
//! RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom cargo test --release --test cache_loom
//! ```
#![cfg(loom)]

use hclconv::cache::single_flight::{Hooks, How, NoHooks, SingleFlight};
use loom::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use loom::sync::Arc;
use loom::thread;

type Value = std::sync::Arc<u32>;
type Flights = SingleFlight<Value, &'static str>;

/// A loader that counts its calls and asserts that no two of them ever run at once.
struct Loader {
    calls: AtomicUsize,
    running: AtomicUsize,
}

impl Loader {
    fn new() -> Self {
        Loader {
            calls: AtomicUsize::new(0),
            running: AtomicUsize::new(0),
        }
    }

    fn load(
        &self,
        result: impl FnOnce(usize) -> Result<u32, &'static str>,
    ) -> Result<Value, &'static str> {
        assert_eq!(
            self.running.fetch_add(1, SeqCst),
            0,
            "two loads of one key at once"
        );
        let call = self.calls.fetch_add(1, SeqCst);
        let value = result(call).map(std::sync::Arc::new);
        self.running.fetch_sub(1, SeqCst);
        value
    }

    fn calls(&self) -> usize {
        self.calls.load(SeqCst)
    }
}

/// Counts evictions and waits.
#[derive(Default)]
struct Count {
    evicted: AtomicUsize,
    waits: AtomicUsize,
}

impl Hooks<Value> for Count {
    type Wait = ();
    fn waiting(&self) {
        self.waits.fetch_add(1, SeqCst);
    }
    fn evicted(&self, _value: &Value) {
        self.evicted.fetch_add(1, SeqCst);
    }
}

#[test]
fn concurrent_first_requests_cause_exactly_one_load() {
    loom::model(|| {
        let flights = Arc::new(Flights::new());
        let loader = Arc::new(Loader::new());
        let count = Arc::new(Count::default());
        let get = {
            let (flights, loader, count) = (flights.clone(), loader.clone(), count.clone());
            move || flights.get("k", |_| true, &*count, || loader.load(|_| Ok(7)))
        };
        let other = thread::spawn(get.clone());
        let here = get();
        let there = other.join().unwrap();

        assert_eq!(loader.calls(), 1);
        assert_eq!(here.0, Ok(std::sync::Arc::new(7)));
        assert_eq!(there.0, Ok(std::sync::Arc::new(7)));
        let hows = [here.1, there.1];
        assert_eq!(
            hows.iter().filter(|h| **h == How::Loaded).count(),
            1,
            "{hows:?}"
        );
        let waited = hows.iter().filter(|h| **h == How::Waited).count();
        assert_eq!(count.waits.load(SeqCst), waited);
        // Both hold the same stored value.
        assert!(std::sync::Arc::ptr_eq(
            here.0.as_ref().unwrap(),
            there.0.as_ref().unwrap()
        ));
        assert!(flights.is_ready("k"));
    });
}

#[test]
fn a_failed_load_reaches_its_waiters_and_is_not_cached() {
    loom::model(|| {
        let flights = Arc::new(Flights::new());
        let loader = Arc::new(Loader::new());
        // The first call fails, later ones succeed.
        let get = {
            let (flights, loader) = (flights.clone(), loader.clone());
            move || {
                flights.get(
                    "k",
                    |_| true,
                    &NoHooks,
                    || loader.load(|call| if call == 0 { Err("broken") } else { Ok(7) }),
                )
            }
        };
        let other = thread::spawn(get.clone());
        let here = get();
        let there = other.join().unwrap();

        // One or two loads, never at once (asserted in the loader); the first one failed.
        let calls = loader.calls();
        assert!(calls == 1 || calls == 2, "{calls}");
        let errors = [&here.0, &there.0].iter().filter(|r| r.is_err()).count();
        assert!(errors >= 1);
        if calls == 1 {
            // The other lookup received the failure of the one load.
            assert_eq!(errors, 2);
            assert!(!flights.is_ready("k"), "an error is not cached");
        } else {
            assert_eq!(errors, 1);
            assert!(flights.is_ready("k"));
        }
        // The next lookup loads again if nothing is stored.
        let (next, how) = get();
        assert_eq!(next, Ok(std::sync::Arc::new(7)));
        assert_eq!(how, if calls == 1 { How::Loaded } else { How::Hit });
    });
}

#[test]
fn a_stale_value_is_evicted_once_and_reloaded_once() {
    loom::model(|| {
        let flights = Arc::new(Flights::new());
        let loader = Arc::new(Loader::new());
        let count = Arc::new(Count::default());
        // Store 0, which the lookups below consider stale.
        let (old, _) = flights.get("k", |_| true, &NoHooks, || Ok(std::sync::Arc::new(0)));
        let get = {
            let (flights, loader, count) = (flights.clone(), loader.clone(), count.clone());
            move || flights.get("k", |v| **v != 0, &*count, || loader.load(|_| Ok(1)))
        };
        let other = thread::spawn(get.clone());
        let here = get();
        let there = other.join().unwrap();

        assert_eq!(count.evicted.load(SeqCst), 1, "exactly one thread evicts");
        assert_eq!(loader.calls(), 1, "and the reload is single-flight");
        assert_eq!(here.0, Ok(std::sync::Arc::new(1)));
        assert_eq!(there.0, Ok(std::sync::Arc::new(1)));
        assert_ne!(old, here.0);
    });
}

#[test]
fn clearing_during_a_load_neither_blocks_nor_loses_the_result() {
    loom::model(|| {
        let flights = Arc::new(Flights::new());
        let loader = Arc::new(Loader::new());
        let other = {
            let (flights, loader) = (flights.clone(), loader.clone());
            thread::spawn(move || flights.get("k", |_| true, &NoHooks, || loader.load(|_| Ok(7))))
        };
        flights.clear();
        let (result, how) = other.join().unwrap();
        assert_eq!((result, how), (Ok(std::sync::Arc::new(7)), How::Loaded));
        // Stored or cleared, depending on the order; a lookup now gets the value either way, loading
        // at most once more.
        let (again, _) = flights.get("k", |_| true, &NoHooks, || loader.load(|_| Ok(7)));
        assert_eq!(again, Ok(std::sync::Arc::new(7)));
        assert!(loader.calls() <= 2);
    });
}

#[test]
fn three_threads_one_load() {
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = Some(2);
    builder.check(|| {
        let flights = Arc::new(Flights::new());
        let loader = Arc::new(Loader::new());
        let get = {
            let (flights, loader) = (flights.clone(), loader.clone());
            move || flights.get("k", |_| true, &NoHooks, || loader.load(|_| Ok(7)))
        };
        let a = thread::spawn(get.clone());
        let b = thread::spawn(get.clone());
        let here = get();
        let results = [here, a.join().unwrap(), b.join().unwrap()];
        assert_eq!(loader.calls(), 1);
        assert_eq!(
            results
                .iter()
                .filter(|(_, how)| *how == How::Loaded)
                .count(),
            1
        );
        assert!(results
            .iter()
            .all(|(r, _)| *r == Ok(std::sync::Arc::new(7))));
    });
}
