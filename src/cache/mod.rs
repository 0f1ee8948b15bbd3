//! The shared mapping cache: each provider's mapping is loaded once and shared by every worker.
//!
//! Concurrent first requests for one provider cause exactly one load (single flight): the first caller
//! loads while holding the slot's load lock, the others wait on it and then read the stored value.
//! Failed loads are not cached. Every counter is an atomic, so [`MappingCache::snapshot`] never blocks.

mod stats;

use crate::mapping::{MappingError, ProviderMapping};
use dashmap::DashMap;
use std::sync::atomic::{AtomicI64, AtomicU64, AtomicU8, Ordering::Relaxed};
use std::sync::{Arc, Mutex, OnceLock, RwLock, TryLockError};
use web_time::Instant;

use stats::Counters;
pub use stats::{CacheSnapshot, EntrySnapshot, EntryState};

/// Loads one provider's mapping. Must not run rayon work itself: a loader that joins on the pool can
/// steal a task that asks for the same key and wait on its own load lock.
pub type Loader = dyn Fn(&str) -> Result<ProviderMapping, MappingError> + Send + Sync;

/// Shard count set explicitly: dashmap derives it from `available_parallelism`, which fails on wasm32.
const SHARDS: usize = 16;

pub struct MappingCache {
    map: DashMap<String, Arc<Slot>>,
    /// Slots in insertion order, for snapshots: read with `try_read`, written once per new key.
    registry: RwLock<Vec<Arc<Slot>>>,
    loader: Box<Loader>,
    counters: Counters,
}

struct Slot {
    key: String,
    value: OnceLock<Arc<ProviderMapping>>,
    /// Held for the duration of a load: the single-flight gate.
    load_lock: Mutex<()>,
    state: AtomicU8,
    /// Rayon thread index of the loader; -1 when the load ran outside the pool.
    loaded_by: AtomicI64,
    load_ns: AtomicU64,
    hits: AtomicU64,
}

impl MappingCache {
    pub fn new(loader: Box<Loader>) -> Self {
        MappingCache {
            map: DashMap::with_shard_amount(SHARDS),
            registry: RwLock::new(Vec::new()),
            loader,
            counters: Counters::default(),
        }
    }

    /// A cache over the crate's built-in mapping data.
    pub fn builtin() -> Self {
        Self::new(Box::new(crate::mapping::load_builtin))
    }

    /// The mapping of `provider`, loading it on first use.
    pub fn get(&self, provider: &str) -> Result<Arc<ProviderMapping>, MappingError> {
        let slot = self.slot(provider);
        if let Some(value) = slot.value.get() {
            self.counters.hits.fetch_add(1, Relaxed);
            slot.hits.fetch_add(1, Relaxed);
            return Ok(Arc::clone(value));
        }
        self.counters.misses.fetch_add(1, Relaxed);
        let _guard = match slot.load_lock.try_lock() {
            Ok(guard) => guard,
            Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
            Err(TryLockError::WouldBlock) => {
                self.counters.waits.fetch_add(1, Relaxed);
                let started = Instant::now();
                let guard = slot
                    .load_lock
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                self.counters
                    .wait_ns
                    .fetch_add(nanos(started.elapsed()), Relaxed);
                guard
            }
        };
        // Whoever held the lock before us may have loaded it.
        if let Some(value) = slot.value.get() {
            slot.hits.fetch_add(1, Relaxed);
            return Ok(Arc::clone(value));
        }
        slot.state.store(EntryState::Loading as u8, Relaxed);
        slot.loaded_by.store(
            rayon::current_thread_index().map_or(-1, |i| i as i64),
            Relaxed,
        );
        let started = Instant::now();
        let loaded = (self.loader)(provider);
        slot.load_ns.store(nanos(started.elapsed()), Relaxed);
        match loaded {
            Ok(mapping) => {
                let value = Arc::new(mapping);
                // Cannot be set already: we hold the load lock and saw it empty.
                let _ = slot.value.set(Arc::clone(&value));
                slot.state.store(EntryState::Ready as u8, Relaxed);
                self.counters.loads.fetch_add(1, Relaxed);
                Ok(value)
            }
            Err(error) => {
                slot.state.store(EntryState::Failed as u8, Relaxed);
                self.counters.failures.fetch_add(1, Relaxed);
                Err(error)
            }
        }
    }

    fn slot(&self, provider: &str) -> Arc<Slot> {
        if let Some(slot) = self.map.get(provider) {
            return Arc::clone(&slot);
        }
        let mut inserted = None;
        let slot = self
            .map
            .entry(provider.to_string())
            .or_insert_with(|| {
                let slot = Arc::new(Slot::new(provider));
                inserted = Some(Arc::clone(&slot));
                slot
            })
            .clone();
        if let Some(new) = inserted {
            self.registry
                .write()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push(new);
        }
        slot
    }

    /// Counters and entries, read with atomics and try-locks only: never blocks. When the entry list is
    /// being written at this instant, entries are left out and `partial` is set.
    pub fn snapshot(&self) -> CacheSnapshot {
        let mut snapshot = self.counters.snapshot("dashmap");
        match self.registry.try_read() {
            Ok(slots) => snapshot.entries = slots.iter().map(|s| s.snapshot()).collect(),
            Err(_) => snapshot.partial = true,
        }
        snapshot
    }

    /// Forgets every entry and zeroes the counters (the next batch starts cold).
    pub fn reset(&self) {
        self.map.clear();
        self.registry
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clear();
        self.counters.reset();
    }
}

impl Slot {
    fn new(key: &str) -> Self {
        Slot {
            key: key.to_string(),
            value: OnceLock::new(),
            load_lock: Mutex::new(()),
            state: AtomicU8::new(EntryState::Loading as u8),
            loaded_by: AtomicI64::new(-1),
            load_ns: AtomicU64::new(0),
            hits: AtomicU64::new(0),
        }
    }

    fn snapshot(&self) -> EntrySnapshot {
        let loaded_by = self.loaded_by.load(Relaxed);
        EntrySnapshot {
            key: self.key.clone(),
            loaded_by: usize::try_from(loaded_by).ok(),
            load_ms: self.load_ns.load(Relaxed) as f64 / 1e6,
            hits: self.hits.load(Relaxed),
            state: EntryState::from_u8(self.state.load(Relaxed)),
        }
    }
}

fn nanos(d: std::time::Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;
    use std::sync::Barrier;

    fn counting_cache(calls: Arc<AtomicUsize>) -> MappingCache {
        MappingCache::new(Box::new(move |p: &str| {
            calls.fetch_add(1, Relaxed);
            if p == "broken" {
                return Err(MappingError::UnknownProvider(p.into()));
            }
            Ok(ProviderMapping {
                provider: p.into(),
                package: p.into(),
                ..Default::default()
            })
        }))
    }

    #[test]
    fn loads_once_and_counts_hits() {
        let calls = Arc::new(AtomicUsize::new(0));
        let cache = counting_cache(Arc::clone(&calls));
        for _ in 0..5 {
            assert_eq!(
                cache.get("aws").map(|m| m.provider.clone()),
                Ok("aws".into())
            );
        }
        let snap = cache.snapshot();
        assert_eq!(calls.load(Relaxed), 1);
        assert_eq!((snap.loads, snap.hits, snap.misses), (1, 4, 1));
        assert_eq!(snap.entries.len(), 1);
        assert_eq!(snap.entries[0].hits, 4);
        assert_eq!(snap.entries[0].state, EntryState::Ready);
    }

    #[test]
    fn errors_are_not_cached() {
        let calls = Arc::new(AtomicUsize::new(0));
        let cache = counting_cache(Arc::clone(&calls));
        assert!(cache.get("broken").is_err());
        assert!(cache.get("broken").is_err());
        assert_eq!(calls.load(Relaxed), 2);
        assert_eq!(cache.snapshot().failures, 2);
    }

    #[test]
    fn concurrent_first_requests_load_once() {
        let calls = Arc::new(AtomicUsize::new(0));
        let cache = Arc::new(counting_cache(Arc::clone(&calls)));
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
        assert_eq!(calls.load(Relaxed), 3);
        let snap = cache.snapshot();
        assert_eq!(snap.loads, 3);
        assert_eq!(snap.hits + snap.misses, (threads * 3) as u64);
    }

    #[test]
    fn reset_starts_cold() {
        let calls = Arc::new(AtomicUsize::new(0));
        let cache = counting_cache(Arc::clone(&calls));
        assert!(cache.get("aws").is_ok());
        cache.reset();
        let snap = cache.snapshot();
        assert_eq!((snap.loads, snap.hits, snap.entries.len()), (0, 0, 0));
        assert!(cache.get("aws").is_ok());
        assert_eq!(calls.load(Relaxed), 2);
    }
}
