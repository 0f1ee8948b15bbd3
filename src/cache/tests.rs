//! Unit tests of the cache facade and each mode on one or a few threads. The multi-threaded stress
//! tests, the forced races and the model test are in `tests/cache_*.rs`.

use super::*;
use std::sync::atomic::AtomicUsize;
use std::sync::{Barrier, OnceLock, Weak};

fn mapping(p: &str) -> ProviderMapping {
    let mut mapping = ProviderMapping {
        provider: p.into(),
        package: p.into(),
        ..Default::default()
    };
    for i in 0..3 {
        mapping.resources.insert(
            format!("{p}_t{i}"),
            crate::mapping::TypeMapping {
                token: format!("{p}:index/t{i}:T{i}"),
                ..Default::default()
            },
        );
    }
    mapping
}

fn counting_cache(mode: CacheMode, calls: Arc<AtomicUsize>) -> MappingCache {
    MappingCache::with_mode(
        Box::new(move |p: &str| {
            calls.fetch_add(1, Relaxed);
            if p == "broken" {
                return Err(MappingError::UnknownProvider(p.into()));
            }
            Ok(mapping(p))
        }),
        mode,
    )
}

#[test]
fn mode_ids_round_trip_and_every_mode_is_explained() {
    let ids: Vec<_> = CacheMode::ALL.iter().map(|m| m.id()).collect();
    assert_eq!(ids, ["dashmap", "mutex", "check-then-insert", "go-racy"]);
    for mode in CacheMode::ALL {
        assert_eq!(CacheMode::from_id(mode.id()), Some(mode));
        assert!(!mode.title().is_empty());
        assert!(mode.explanation().len() > 100, "{}", mode.id());
    }
    assert_eq!(CacheMode::from_id("hashmap"), None);
    assert_eq!(CacheMode::default(), CacheMode::Dashmap);
    assert_eq!(MappingCache::builtin().mode(), CacheMode::Dashmap);
}

#[test]
fn every_mode_loads_once_and_counts_hits_per_key_and_thread() {
    for mode in CacheMode::ALL {
        let calls = Arc::new(AtomicUsize::new(0));
        let cache = counting_cache(mode, Arc::clone(&calls));
        for _ in 0..5 {
            assert_eq!(
                cache.get("aws").map(|m| m.provider.clone()),
                Ok("aws".into())
            );
        }
        let snap = cache.snapshot();
        assert_eq!(snap.mode, mode.id());
        assert_eq!(calls.load(Relaxed), 1, "{}", mode.id());
        assert_eq!(
            (snap.loads, snap.hits, snap.misses, snap.duplicate_loads),
            (1, 4, 1, 0),
            "{}",
            mode.id()
        );
        assert_eq!((snap.waits, snap.evictions, snap.fatal), (0, 0, None));
        assert_eq!(snap.entries.len(), 1);
        let entry = &snap.entries[0];
        assert_eq!((entry.key.as_str(), entry.hits, entry.loads), ("aws", 4, 1));
        assert_eq!((entry.state, entry.loaded_by), (EntryState::Ready, None));
        // The test thread is outside any pool: one slot, "thread: null".
        assert_eq!(snap.threads.len(), 1);
        assert_eq!(
            (
                snap.threads[0].thread,
                snap.threads[0].hits,
                snap.threads[0].misses
            ),
            (None, 4, 1)
        );
        assert!(!snap.partial);
    }
}

#[test]
fn errors_are_not_cached_in_any_mode() {
    for mode in CacheMode::ALL {
        let calls = Arc::new(AtomicUsize::new(0));
        let cache = counting_cache(mode, Arc::clone(&calls));
        assert!(cache.get("broken").is_err());
        assert!(cache.get("broken").is_err());
        assert_eq!(calls.load(Relaxed), 2, "{}", mode.id());
        let snap = cache.snapshot();
        assert_eq!((snap.failures, snap.loads, snap.misses), (2, 0, 2));
        assert_eq!(snap.entries[0].state, EntryState::Failed);
    }
}

#[test]
fn switching_mode_or_resetting_starts_cold() {
    let calls = Arc::new(AtomicUsize::new(0));
    let cache = counting_cache(CacheMode::Dashmap, Arc::clone(&calls));
    assert!(cache.get("aws").is_ok());
    cache.set_mode(CacheMode::Mutex);
    let snap = cache.snapshot();
    assert_eq!(snap.mode, "mutex");
    assert_eq!((snap.loads, snap.hits, snap.misses), (0, 0, 0));
    assert!(snap.entries.is_empty() && snap.threads.is_empty());
    assert!(cache.get("aws").is_ok());
    assert_eq!(calls.load(Relaxed), 2);
    cache.reset();
    assert!(cache.get("aws").is_ok());
    assert_eq!(calls.load(Relaxed), 3);
    assert_eq!(cache.snapshot().loads, 1);
    // Back to dashmap: its store was emptied too, not just the statistics.
    cache.set_mode(CacheMode::Dashmap);
    assert!(cache.get("aws").is_ok());
    assert_eq!(calls.load(Relaxed), 4);
}

#[test]
fn prepare_batch_switches_only_when_the_mode_differs() {
    let calls = Arc::new(AtomicUsize::new(0));
    let cache = counting_cache(CacheMode::Dashmap, Arc::clone(&calls));
    assert!(cache.get("aws").is_ok());
    cache.prepare_batch(Some(CacheMode::Dashmap));
    cache.prepare_batch(None);
    assert_eq!(cache.snapshot().loads, 1, "same mode: stays warm");
    cache.prepare_batch(Some(CacheMode::GoRacy));
    assert_eq!(cache.snapshot().loads, 0, "another mode: cold");
    assert_eq!(cache.mode(), CacheMode::GoRacy);
}

#[test]
fn a_zero_time_to_live_evicts_every_entry_once_in_every_mode() {
    for mode in CacheMode::ALL {
        let calls = Arc::new(AtomicUsize::new(0));
        let cache = counting_cache(mode, Arc::clone(&calls));
        cache.set_ttl(Some(Duration::ZERO));
        for _ in 0..3 {
            assert!(cache.get("aws").is_ok());
        }
        let snap = cache.snapshot();
        assert_eq!(calls.load(Relaxed), 3, "{}", mode.id());
        assert_eq!(
            (snap.loads, snap.evictions, snap.hits, snap.misses),
            (3, 2, 0, 3),
            "{}",
            mode.id()
        );
        assert_eq!(snap.ttl_ms, Some(0.0));
        assert_eq!(
            (snap.entries[0].loads, snap.entries[0].state),
            (3, EntryState::Ready)
        );

        // A long time to live keeps them.
        cache.set_ttl(Some(Duration::from_secs(3600)));
        cache.reset();
        for _ in 0..3 {
            assert!(cache.get("aws").is_ok());
        }
        let snap = cache.snapshot();
        assert_eq!((snap.loads, snap.evictions, snap.hits), (1, 0, 2));
        cache.set_ttl(None);
        assert_eq!(cache.snapshot().ttl_ms, None);
    }
}

/// A cache whose loader looks up `inner` through the cache itself (what a loader running rayon work
/// ends up doing when work-stealing hands it a conversion task).
fn reentrant_cache(mode: CacheMode) -> (Arc<MappingCache>, Arc<Mutex<Vec<String>>>) {
    let me: Arc<OnceLock<Weak<MappingCache>>> = Arc::new(OnceLock::new());
    let inner_errors = Arc::new(Mutex::new(Vec::new()));
    let (me2, errors2) = (Arc::clone(&me), Arc::clone(&inner_errors));
    let cache = Arc::new(MappingCache::with_mode(
        Box::new(move |p: &str| {
            if p == "outer" {
                let cache = me2.get().and_then(Weak::upgrade);
                if let Some(Err(e)) = cache.map(|c| c.get("inner")) {
                    errors2.lock().unwrap().push(e.to_string());
                }
            }
            Ok(mapping(p))
        }),
        mode,
    ));
    me.set(Arc::downgrade(&cache)).unwrap();
    (cache, inner_errors)
}

#[test]
fn a_lookup_from_inside_a_loader_is_refused_in_every_mode() {
    for mode in CacheMode::ALL {
        let (cache, errors) = reentrant_cache(mode);
        // Without the guard, mutex mode would re-lock its own mutex here and dashmap would load
        // "inner" from inside "outer"'s load.
        assert!(cache.get("outer").is_ok(), "{}", mode.id());
        let errors = errors.lock().unwrap().clone();
        assert_eq!(errors.len(), 1, "{}", mode.id());
        assert!(errors[0].contains("refused"), "{}", errors[0]);
        let snap = cache.snapshot();
        assert_eq!((snap.refused, snap.loads), (1, 1), "{}", mode.id());
        assert!(snap.entries.iter().all(|e| e.key != "inner"));
        // Outside a loader the same lookup works.
        assert!(cache.get("inner").is_ok());
    }
}

/// A loader that runs rayon work. While it waits for its subtasks, work-stealing can run a task on
/// the loading thread that needs the key being loaded; rayon always runs the first half of a `join`
/// on the calling thread, which stands for that task here. Without the guard, dashmap mode would wait
/// for its own load and mutex mode would re-lock the mutex it holds: both hang. With it, that lookup
/// is refused, the subtasks run, and the load completes.
#[test]
fn a_loader_running_rayon_work_is_refused_the_lookup_that_would_deadlock() {
    use rayon::prelude::*;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    for mode in CacheMode::ALL {
        let me: Arc<OnceLock<Weak<MappingCache>>> = Arc::new(OnceLock::new());
        let outcome = Arc::new(Mutex::new(None));
        let (me2, outcome2) = (Arc::clone(&me), Arc::clone(&outcome));
        let cache = Arc::new(MappingCache::with_mode(
            Box::new(move |p: &str| {
                if let Some(cache) = me2.get().and_then(Weak::upgrade) {
                    let (inline, sum) = rayon::join(
                        || cache.get(p).map(|_| ()),
                        || (0..1000u64).into_par_iter().sum::<u64>(),
                    );
                    *outcome2.lock().unwrap() = Some((inline, sum));
                }
                Ok(mapping(p))
            }),
            mode,
        ));
        me.set(Arc::downgrade(&cache)).unwrap();
        assert!(pool.install(|| cache.get("aws")).is_ok(), "{}", mode.id());
        let (inline, sum) = outcome.lock().unwrap().take().unwrap();
        assert!(
            inline.is_err_and(|e| e.to_string().contains("refused")),
            "{}",
            mode.id()
        );
        assert_eq!(sum, 499_500);
        let snap = cache.snapshot();
        assert_eq!((snap.refused, snap.loads), (1, 1), "{}", mode.id());
        assert_eq!(snap.threads.iter().map(|t| t.refused).sum::<u64>(), 1);
    }
}

#[test]
fn concurrent_first_requests_load_once_in_single_flight_modes() {
    for mode in [CacheMode::Dashmap, CacheMode::Mutex] {
        let calls = Arc::new(AtomicUsize::new(0));
        let cache = Arc::new(counting_cache(mode, Arc::clone(&calls)));
        let threads = 8;
        let barrier = Arc::new(Barrier::new(threads));
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let cache = Arc::clone(&cache);
                let barrier = Arc::clone(&barrier);
                std::thread::spawn(move || {
                    barrier.wait();
                    for key in ["aws", "google", "random"] {
                        assert!(cache.get(key).is_ok());
                    }
                })
            })
            .collect();
        for handle in handles {
            assert!(handle.join().is_ok());
        }
        assert_eq!(calls.load(Relaxed), 3, "{}", mode.id());
        let snap = cache.snapshot();
        assert_eq!((snap.loads, snap.duplicate_loads), (3, 0));
        assert_eq!(snap.hits + snap.misses, (threads * 3) as u64);
    }
}

#[test]
fn per_thread_counters_follow_the_rayon_thread_index() {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    let cache = counting_cache(CacheMode::Dashmap, Arc::new(AtomicUsize::new(0)));
    assert!(cache.get("aws").is_ok());
    pool.broadcast(|ctx| {
        for _ in 0..=ctx.index() * 10 {
            assert!(cache.get("aws").is_ok());
        }
    });
    let snap = cache.snapshot();
    let by_thread: Vec<_> = snap.threads.iter().map(|t| (t.thread, t.hits)).collect();
    assert_eq!(by_thread, [(Some(0), 1), (Some(1), 11), (None, 0)]);
    assert_eq!(snap.hits, 12);
}

#[test]
fn a_snapshot_does_not_wait_for_the_entry_list() {
    let cache = counting_cache(CacheMode::Dashmap, Arc::new(AtomicUsize::new(0)));
    assert!(cache.get("aws").is_ok());
    {
        let _held = cache.stats.hold_order_lock();
        let snap = cache.snapshot();
        assert!(snap.partial);
        assert!(snap.entries.is_empty());
        assert_eq!(
            (snap.loads, snap.misses),
            (1, 1),
            "counters are still there"
        );
    }
    let snap = cache.snapshot();
    assert!(!snap.partial);
    assert_eq!(snap.entries.len(), 1);
    assert_eq!(cache.snapshots_taken(), 2);
}

/// Raises go-racy's writing flag as pool thread `slot` starting a write would.
fn pretend_writer(cache: &MappingCache, slot: usize) {
    let other_thread = (1 << 30) << 8;
    cache
        .go_racy
        .writing
        .store(other_thread | slot, std::sync::atomic::Ordering::SeqCst);
}

#[test]
fn go_racy_detects_a_read_during_a_write_like_go() {
    let cache = counting_cache(CacheMode::GoRacy, Arc::new(AtomicUsize::new(0)));
    assert!(cache.get("aws").is_ok());
    assert!(cache.fatal().is_none());
    // Pool thread 3 is in the middle of a write.
    pretend_writer(&cache, 3);
    assert!(cache.get("aws").is_ok(), "the storage stays usable");
    let fatal = cache.fatal().unwrap();
    assert_eq!(
        fatal.message,
        "fatal error: concurrent map read and map write"
    );
    assert_eq!(fatal.threads, [None, Some(3)]);
    assert_eq!(cache.snapshot().fatal, Some(fatal.clone()));
    // The first crash is the one kept.
    assert!(cache.get("google").is_ok());
    assert_eq!(cache.fatal(), Some(fatal));
    // A crashed "Go program" restarts cold.
    cache.prepare_batch(None);
    assert!(cache.fatal().is_none());
    assert_eq!(cache.snapshot().loads, 0);
}

#[test]
fn go_racy_detects_a_write_during_a_write() {
    let cache = counting_cache(CacheMode::GoRacy, Arc::new(AtomicUsize::new(0)));
    pretend_writer(&cache, 1);
    // A miss: the read already trips over the writer.
    assert!(cache.get("aws").is_ok());
    assert_eq!(
        cache.fatal().map(|f| f.message),
        Some("fatal error: concurrent map read and map write".into())
    );
    cache.reset();
    // Past the read, the write finds the flag set: set it from inside the loader (another thread
    // starting a write while this one loads).
    let store = Arc::new(OnceLock::<Weak<MappingCache>>::new());
    let store2 = Arc::clone(&store);
    let cache = Arc::new(MappingCache::with_mode(
        Box::new(move |p: &str| {
            if let Some(cache) = store2.get().and_then(Weak::upgrade) {
                pretend_writer(&cache, 5);
            }
            Ok(mapping(p))
        }),
        CacheMode::GoRacy,
    ));
    store.set(Arc::downgrade(&cache)).unwrap();
    assert!(cache.get("aws").is_ok());
    let fatal = cache.fatal().unwrap();
    assert_eq!(fatal.message, "fatal error: concurrent map writes");
    assert_eq!(fatal.threads, [None, Some(5)]);
}
