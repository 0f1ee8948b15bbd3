//! The cache under load, natively: many threads, many keys, over a million lookups, with the test
//! keeping its own books (lookups per thread, loader calls) and comparing them with the cache's
//! counters. Then the negative controls (no race where none can happen) and the forced races, made
//! deterministic with barriers and the race gate rather than timing.

use hclconv::cache::race::{Phase, RaceGate};
use hclconv::cache::{CacheMode, CacheSnapshot, MappingCache};
use hclconv::mapping::{MappingError, ProviderMapping, TypeMapping};
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Barrier, Mutex};
use std::time::{Duration, Instant};

const KEYS: usize = 500;
/// Every 50th key has no mapping: its loads fail, and failures are not cached.
fn fails(key: usize) -> bool {
    key % 50 == 0
}
const GOOD_KEYS: u64 = (KEYS - KEYS / 50) as u64;

fn key_names() -> Vec<String> {
    (0..KEYS).map(|i| format!("p{i}")).collect()
}

fn mapping(provider: &str) -> ProviderMapping {
    let mut mapping = ProviderMapping {
        provider: provider.into(),
        package: provider.into(),
        ..Default::default()
    };
    for i in 0..3 {
        mapping.resources.insert(
            format!("{provider}_t{i}"),
            TypeMapping {
                token: format!("{provider}:index/t{i}:T{i}"),
                ..Default::default()
            },
        );
    }
    mapping
}

/// A cache whose loader counts its calls.
fn counting_cache(mode: CacheMode, calls: &Arc<AtomicU64>) -> MappingCache {
    let calls = Arc::clone(calls);
    MappingCache::with_mode(
        Box::new(move |p: &str| {
            calls.fetch_add(1, Relaxed);
            let index: usize = p.trim_start_matches('p').parse().unwrap_or(1);
            if fails(index) {
                return Err(MappingError::UnknownProvider(p.into()));
            }
            Ok(mapping(p))
        }),
        mode,
    )
}

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("pool")
}

/// xorshift: a different, reproducible key sequence per thread.
struct Keys(u64);

impl Keys {
    fn next(&mut self) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % KEYS as u64) as usize
    }
}

struct Books {
    /// Lookups made by each pool thread, counted by the test.
    lookups: Vec<u64>,
    ok: u64,
    calls: u64,
    snapshot: CacheSnapshot,
}

/// `per_thread` lookups on each of `threads` pool threads; `serialise` wraps every lookup in a lock.
fn hammer(
    cache: &MappingCache,
    calls: &AtomicU64,
    threads: usize,
    per_thread: u64,
    serialise: bool,
) -> Books {
    let names = key_names();
    let pool = pool(threads);
    let lock = Mutex::new(());
    let ok = AtomicU64::new(0);
    let lookups: Vec<u64> = pool.broadcast(|ctx| {
        let mut keys = Keys(0x9E37_79B9_7F4A_7C15 ^ ((ctx.index() as u64 + 1) * 0x2545_F491));
        let (mut mine, mut fine) = (0, 0);
        for _ in 0..per_thread {
            let key = &names[keys.next()];
            let result = if serialise {
                let _one_at_a_time = lock.lock().unwrap();
                cache.get(key)
            } else {
                cache.get(key)
            };
            mine += 1;
            if let Ok(mapping) = result {
                assert_eq!(&mapping.provider, key);
                fine += 1;
            }
        }
        ok.fetch_add(fine, Relaxed);
        mine
    });
    Books {
        lookups,
        ok: ok.load(Relaxed),
        calls: calls.load(Relaxed),
        snapshot: cache.snapshot(),
    }
}

/// The cache's counters agree with the test's own books, in total, per thread and per key.
fn assert_books_balance(books: &Books, label: &str) {
    let s = &books.snapshot;
    let lookups: u64 = books.lookups.iter().sum();
    assert_eq!(
        s.hits + s.misses,
        lookups,
        "{label}: every lookup is a hit or a miss"
    );
    assert_eq!(s.refused, 0, "{label}");
    assert_eq!(
        s.loads + s.duplicate_loads + s.failures,
        books.calls,
        "{label}: every loader call is a load, a duplicate or a failure"
    );
    assert!(s.loads >= GOOD_KEYS, "{label}: every good key was loaded");
    for (thread, &mine) in books.lookups.iter().enumerate() {
        let counted = s.threads.iter().find(|t| t.thread == Some(thread));
        assert_eq!(
            counted.map(|t| t.hits + t.misses),
            Some(mine),
            "{label}: lookups of thread {thread}"
        );
    }
    assert_eq!(
        s.threads.iter().map(|t| t.loads).sum::<u64>(),
        s.loads,
        "{label}: per-thread loads add up"
    );
    assert_eq!(
        s.entries.iter().map(|e| e.hits).sum::<u64>(),
        s.hits,
        "{label}: per-key hits add up"
    );
    assert_eq!(
        s.entries.iter().map(|e| e.loads).sum::<u64>(),
        s.loads + s.duplicate_loads,
        "{label}: per-key loads add up"
    );
    assert_eq!(s.entries.len(), KEYS, "{label}: one entry per key");
    assert!(!s.partial && s.fatal.is_none(), "{label}");
    // Failed lookups: each failing key fails every time it is not served by a concurrent failure.
    assert!(books.ok <= lookups && books.ok >= s.hits, "{label}");
}

#[test]
fn dashmap_over_a_million_lookups_per_thread_count_loads_each_key_once() {
    let mut report = Vec::new();
    for threads in [2, 4, 8, 16] {
        let calls = Arc::new(AtomicU64::new(0));
        let cache = counting_cache(CacheMode::Dashmap, &calls);
        let per_thread = 1_000_000 / threads as u64;
        let started = Instant::now();
        let books = hammer(&cache, &calls, threads, per_thread, false);
        let elapsed = started.elapsed();
        let label = format!("dashmap, {threads} threads");
        assert_books_balance(&books, &label);
        let s = &books.snapshot;
        assert_eq!(s.loads, GOOD_KEYS, "{label}: loads = distinct keys");
        assert_eq!(s.duplicate_loads, 0, "{label}");
        assert!(s.entries.iter().all(|e| e.loads <= 1), "{label}");
        report.push(format!(
            "{threads:>2} threads: {} lookups in {elapsed:.2?}, {} loads, {} failures, {} waits",
            books.lookups.iter().sum::<u64>(),
            s.loads,
            s.failures,
            s.waits
        ));
    }
    println!("{}", report.join("\n"));
}

#[test]
fn mutex_and_check_then_insert_keep_their_books_too() {
    for threads in [2, 4] {
        for mode in [CacheMode::Mutex, CacheMode::CheckThenInsert] {
            let calls = Arc::new(AtomicU64::new(0));
            let cache = counting_cache(mode, &calls);
            let books = hammer(&cache, &calls, threads, 100_000, false);
            let label = format!("{}, {threads} threads", mode.id());
            assert_books_balance(&books, &label);
            if mode == CacheMode::Mutex {
                assert_eq!(books.snapshot.loads, GOOD_KEYS, "{label}");
                assert_eq!(books.snapshot.duplicate_loads, 0, "{label}");
            } else {
                // Every insert after the first of its key is a duplicate.
                assert_eq!(books.snapshot.loads, GOOD_KEYS, "{label}");
            }
        }
    }
}

#[test]
fn a_zero_time_to_live_evicts_each_stale_entry_exactly_once_under_contention() {
    let calls = Arc::new(AtomicU64::new(0));
    let cache = counting_cache(CacheMode::Dashmap, &calls);
    cache.set_ttl(Some(Duration::ZERO));
    let books = hammer(&cache, &calls, 4, 25_000, false);
    let s = &books.snapshot;
    assert_eq!(s.hits, 0, "nothing is ever fresh");
    assert_eq!(s.loads + s.failures, books.calls);
    // Every eviction removed a value one load stored, and each key's last value is still there.
    assert_eq!(s.loads - s.evictions, GOOD_KEYS);
    assert_eq!(s.duplicate_loads, 0);
}

// ---- Negative controls: no race where none can happen. ----

#[test]
fn check_then_insert_on_one_thread_never_loads_twice() {
    let calls = Arc::new(AtomicU64::new(0));
    let cache = counting_cache(CacheMode::CheckThenInsert, &calls);
    let books = hammer(&cache, &calls, 1, 200_000, false);
    assert_books_balance(&books, "check-then-insert, 1 thread");
    assert_eq!(books.snapshot.duplicate_loads, 0);
    assert_eq!(books.snapshot.loads, GOOD_KEYS);
    assert_eq!(books.snapshot.waits, 0);
}

#[test]
fn go_racy_with_serialised_access_reports_nothing() {
    let calls = Arc::new(AtomicU64::new(0));
    let cache = counting_cache(CacheMode::GoRacy, &calls);
    let books = hammer(&cache, &calls, 4, 50_000, true);
    assert_books_balance(&books, "go-racy, serialised");
    assert_eq!(books.snapshot.fatal, None);
    assert_eq!(books.snapshot.duplicate_loads, 0);
}

#[test]
fn go_racy_with_concurrent_reads_only_reports_nothing() {
    let calls = Arc::new(AtomicU64::new(0));
    let cache = counting_cache(CacheMode::GoRacy, &calls);
    let names: Vec<String> = key_names()
        .into_iter()
        .enumerate()
        .filter(|(i, _)| !fails(*i))
        .map(|(_, k)| k)
        .collect();
    for key in &names {
        assert!(cache.get(key).is_ok());
    }
    // Only the good keys, already loaded: every lookup is a read, as Go allows concurrently.
    let pool = pool(4);
    pool.broadcast(|ctx| {
        for i in 0..25_000 {
            let key = &names[(i * 7 + ctx.index() * 131) % names.len()];
            assert!(cache.get(key).is_ok());
        }
    });
    let s = cache.snapshot();
    assert_eq!(s.fatal, None);
    assert_eq!(s.loads, GOOD_KEYS);
    assert_eq!(s.hits, 100_000);
}

// ---- Forced races: deterministic, no sleeps. ----

/// Runs `work(thread index)` on each of 2 pool threads with a race gate of 2 armed; each thread's
/// work is one task of the gate.
fn race_on_two_threads(cache: &MappingCache, gate: RaceGate, work: impl Fn(usize) + Sync) {
    let gate = Arc::new(gate);
    let _armed = cache.arm_race(Arc::clone(&gate));
    pool(2).broadcast(|ctx| {
        work(ctx.index());
        gate.task_done();
    });
}

#[test]
fn check_then_insert_two_threads_inside_the_loader_load_twice() {
    let barrier = Arc::new(Barrier::new(2));
    let calls = Arc::new(AtomicU64::new(0));
    let (b, c) = (Arc::clone(&barrier), Arc::clone(&calls));
    let cache = MappingCache::with_mode(
        Box::new(move |p: &str| {
            c.fetch_add(1, Relaxed);
            // Both threads are loading at once: both checked before either inserted.
            b.wait();
            Ok(mapping(p))
        }),
        CacheMode::CheckThenInsert,
    );
    pool(2).broadcast(|_| assert!(cache.get("aws").is_ok()));
    let s = cache.snapshot();
    assert_eq!(calls.load(Relaxed), 2);
    assert_eq!((s.misses, s.loads, s.duplicate_loads), (2, 1, 1));
    assert_eq!(s.entries[0].loads, 2);
    let loaders: BTreeSet<_> = s
        .threads
        .iter()
        .filter(|t| t.loads + t.duplicate_loads == 1)
        .map(|t| t.thread)
        .collect();
    assert_eq!(loaders, BTreeSet::from([Some(0), Some(1)]));
}

#[test]
fn check_then_insert_race_gate_shows_the_duplicate() {
    let calls = Arc::new(AtomicU64::new(0));
    let cache = counting_cache(CacheMode::CheckThenInsert, &calls);
    race_on_two_threads(&cache, RaceGate::new(2, 2), |_| {
        assert!(cache.get("p1").is_ok());
    });
    let s = cache.snapshot();
    assert_eq!((s.misses, s.loads, s.duplicate_loads), (2, 1, 1));
}

#[test]
fn dashmap_stampede_loads_once_and_the_other_thread_waits() {
    let calls = Arc::new(AtomicU64::new(0));
    let cache = counting_cache(CacheMode::Dashmap, &calls);
    race_on_two_threads(&cache, RaceGate::new(2, 2), |_| {
        assert!(cache.get("p1").is_ok());
    });
    let s = cache.snapshot();
    assert_eq!(calls.load(Relaxed), 1);
    assert_eq!(
        (s.misses, s.loads, s.duplicate_loads, s.waits),
        (2, 1, 0, 1)
    );
}

#[test]
fn mutex_holder_makes_the_other_thread_queue() {
    let calls = Arc::new(AtomicU64::new(0));
    let cache = counting_cache(CacheMode::Mutex, &calls);
    race_on_two_threads(&cache, RaceGate::new(2, 2), |thread| {
        // Different keys: the lock is for the whole map.
        assert!(cache.get(if thread == 0 { "p1" } else { "p2" }).is_ok());
    });
    let s = cache.snapshot();
    assert_eq!((s.loads, s.duplicate_loads), (2, 0));
    assert!(s.waits >= 1, "waits: {}", s.waits);
    assert_eq!(s.threads.iter().map(|t| t.waits).sum::<u64>(), s.waits);
}

#[test]
fn go_racy_overlapping_writers_crash_with_concurrent_map_writes() {
    let calls = Arc::new(AtomicU64::new(0));
    let cache = counting_cache(CacheMode::GoRacy, &calls);
    race_on_two_threads(&cache, RaceGate::new(2, 2), |thread| {
        // Different keys: one Go map, one writing flag.
        assert!(cache.get(if thread == 0 { "p1" } else { "p2" }).is_ok());
    });
    let fatal = cache.fatal().expect("the overlap is detected");
    assert_eq!(fatal.message, "fatal error: concurrent map writes");
    let threads: BTreeSet<_> = fatal.threads.into_iter().collect();
    assert_eq!(threads, BTreeSet::from([Some(0), Some(1)]));
    assert_eq!(cache.snapshot().fatal, Some(fatal));
}

#[test]
fn go_racy_reader_during_a_write_crashes_with_concurrent_read_and_write() {
    let calls = Arc::new(AtomicU64::new(0));
    let cache = counting_cache(CacheMode::GoRacy, &calls);
    assert!(cache.get("p2").is_ok());
    let reads = AtomicU64::new(0);
    race_on_two_threads(
        &cache,
        RaceGate::new(2, 2).only(&[Phase::Write]),
        |thread| {
            if thread == 0 {
                // Loads p1, then holds the writing flag in its first write until the crash.
                assert!(cache.get("p1").is_ok());
            } else {
                // Reads a loaded key until one read lands inside that write.
                while !cache.has_fatal() {
                    assert!(cache.get("p2").is_ok());
                    reads.fetch_add(1, Relaxed);
                }
            }
        },
    );
    let fatal = cache.fatal().expect("the overlap is detected");
    assert_eq!(
        fatal.message,
        "fatal error: concurrent map read and map write"
    );
    assert_eq!(fatal.threads, [Some(1), Some(0)]);
    assert!(reads.load(Relaxed) >= 1);
}
