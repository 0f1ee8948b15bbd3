//! Cache statistics and the serialisable snapshot the page polls.
//!
//! Counters live per thread, in a fixed array of cache-line-aligned atomics indexed by the rayon thread
//! index (one more slot for "outside the pool"), so threads do not contend on shared counters; the
//! totals are sums taken at snapshot time. Per-key statistics hang off the cache entries (so a hit
//! bumps its key's counter without a second lookup) and are listed, in first-use order, in a registry
//! that [`Stats::snapshot`] reads with `try_read`. Nothing in a snapshot blocks.

use dashmap::DashMap;
use serde::Serialize;
use std::sync::atomic::{
    fence, AtomicBool, AtomicI64, AtomicU64, AtomicU8, Ordering::Relaxed, Ordering::SeqCst,
};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

/// Pool threads with their own counter slot; higher indices share the "other" slot.
pub const THREAD_SLOTS: usize = 64;

/// One thread's counters, on their own cache lines.
#[derive(Debug, Default)]
#[repr(align(128))]
pub(crate) struct ThreadCounters {
    pub hits: AtomicU64,
    pub misses: AtomicU64,
    pub loads: AtomicU64,
    pub duplicate_loads: AtomicU64,
    pub failures: AtomicU64,
    pub waits: AtomicU64,
    pub wait_ns: AtomicU64,
    pub evictions: AtomicU64,
    pub refused: AtomicU64,
}

impl ThreadCounters {
    fn all(&self) -> [&AtomicU64; 9] {
        [
            &self.hits,
            &self.misses,
            &self.loads,
            &self.duplicate_loads,
            &self.failures,
            &self.waits,
            &self.wait_ns,
            &self.evictions,
            &self.refused,
        ]
    }

    fn read(&self) -> [u64; 9] {
        self.all().map(|c| c.load(Relaxed))
    }
}

/// The counter slot of the calling thread: its rayon index, or the "other" slot.
pub(crate) fn thread_slot() -> usize {
    rayon::current_thread_index()
        .filter(|&i| i < THREAD_SLOTS)
        .unwrap_or(THREAD_SLOTS)
}

/// The thread a slot stands for (`None`: outside the pool, or beyond [`THREAD_SLOTS`]).
pub(crate) fn slot_thread(slot: usize) -> Option<usize> {
    (slot < THREAD_SLOTS).then_some(slot)
}

/// One key's statistics. Survives eviction and reload; cleared by reset.
#[derive(Debug)]
pub(crate) struct KeyStats {
    key: String,
    state: AtomicU8,
    /// Slot of the thread that ran the latest load (see [`thread_slot`]); -1 before any load.
    loaded_by: AtomicI64,
    load_ns: AtomicU64,
    pub hits: AtomicU64,
    /// Loader calls that returned a mapping (duplicates included).
    pub loads: AtomicU64,
}

impl KeyStats {
    fn new(key: &str) -> Self {
        KeyStats {
            key: key.to_string(),
            state: AtomicU8::new(EntryState::Loading as u8),
            loaded_by: AtomicI64::new(-1),
            load_ns: AtomicU64::new(0),
            hits: AtomicU64::new(0),
            loads: AtomicU64::new(0),
        }
    }

    pub fn set_state(&self, state: EntryState) {
        self.state.store(state as u8, Relaxed);
    }

    pub fn loading(&self, slot: usize) {
        self.set_state(EntryState::Loading);
        self.loaded_by
            .store(i64::try_from(slot).unwrap_or(-1), Relaxed);
    }

    pub fn loaded(&self, ok: bool, load_ns: u64) {
        self.load_ns.store(load_ns, Relaxed);
        if ok {
            self.loads.fetch_add(1, Relaxed);
        }
        self.set_state(if ok {
            EntryState::Ready
        } else {
            EntryState::Failed
        });
    }

    fn snapshot(&self) -> EntrySnapshot {
        let loaded_by = self.loaded_by.load(Relaxed);
        EntrySnapshot {
            key: self.key.clone(),
            loaded_by: usize::try_from(loaded_by).ok().and_then(slot_thread),
            load_ms: self.load_ns.load(Relaxed) as f64 / 1e6,
            hits: self.hits.load(Relaxed),
            loads: self.loads.load(Relaxed),
            state: EntryState::from_u8(self.state.load(Relaxed)),
        }
    }
}

/// Everything the cache counts, shared by all modes.
pub(crate) struct Stats {
    threads: Box<[ThreadCounters]>,
    other: ThreadCounters,
    keys: DashMap<String, Arc<KeyStats>>,
    /// Keys in first-use order, for snapshots: read with `try_read`, written once per new key.
    order: RwLock<Vec<Arc<KeyStats>>>,
    has_fatal: AtomicBool,
    fatal: Mutex<Option<FatalError>>,
    snapshots: AtomicU64,
}

impl Stats {
    pub fn new() -> Self {
        Stats {
            threads: (0..THREAD_SLOTS)
                .map(|_| ThreadCounters::default())
                .collect(),
            other: ThreadCounters::default(),
            keys: DashMap::with_shard_amount(super::sync::SHARDS),
            order: RwLock::new(Vec::new()),
            has_fatal: AtomicBool::new(false),
            fatal: Mutex::new(None),
            snapshots: AtomicU64::new(0),
        }
    }

    pub fn slot(&self, slot: usize) -> &ThreadCounters {
        self.threads.get(slot).unwrap_or(&self.other)
    }

    /// The statistics of `key`, created on first use.
    pub fn key(&self, key: &str) -> Arc<KeyStats> {
        if let Some(stats) = self.keys.get(key) {
            return Arc::clone(&stats);
        }
        let mut created = None;
        let stats = self
            .keys
            .entry(key.to_string())
            .or_insert_with(|| {
                let stats = Arc::new(KeyStats::new(key));
                created = Some(Arc::clone(&stats));
                stats
            })
            .clone();
        if let Some(new) = created {
            self.order
                .write()
                .unwrap_or_else(PoisonError::into_inner)
                .push(new);
        }
        stats
    }

    /// Records a simulated crash; the first one wins. Returns whether this call recorded it.
    pub fn record_fatal(&self, fatal: FatalError) -> bool {
        let mut slot = self.fatal.lock().unwrap_or_else(PoisonError::into_inner);
        if slot.is_some() {
            return false;
        }
        *slot = Some(fatal);
        self.has_fatal.store(true, Relaxed);
        true
    }

    pub fn has_fatal(&self) -> bool {
        self.has_fatal.load(Relaxed)
    }

    pub fn fatal(&self) -> Option<FatalError> {
        if !self.has_fatal() {
            return None;
        }
        self.fatal
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Snapshots taken so far. A caller that made lookups before this call and reads a count that
    /// a later snapshot then exceeds knows that snapshot saw those lookups (the fences pair with
    /// the ones in [`Stats::snapshot`]).
    pub fn snapshots_taken(&self) -> u64 {
        fence(SeqCst);
        self.snapshots.load(SeqCst)
    }

    /// Counters, per-thread counters and entries, read with atomics and try-locks only.
    pub fn snapshot(&self, mode: &'static str, ttl_ms: Option<f64>) -> CacheSnapshot {
        // Counted before reading (see `snapshots_taken`).
        self.snapshots.fetch_add(1, SeqCst);
        fence(SeqCst);
        let mut totals = [0u64; 9];
        let mut threads = Vec::new();
        for (slot, counters) in self.threads.iter().chain([&self.other]).enumerate() {
            let values = counters.read();
            if values.iter().all(|&v| v == 0) {
                continue;
            }
            for (total, value) in totals.iter_mut().zip(values) {
                *total += value;
            }
            let [hits, misses, loads, duplicate_loads, failures, waits, wait_ns, evictions, refused] =
                values;
            threads.push(ThreadSnapshot {
                thread: slot_thread(slot),
                hits,
                misses,
                loads,
                duplicate_loads,
                failures,
                waits,
                wait_ms: wait_ns as f64 / 1e6,
                evictions,
                refused,
            });
        }
        let [hits, misses, loads, duplicate_loads, failures, waits, wait_ns, evictions, refused] =
            totals;
        let mut partial = false;
        let entries = match self.order.try_read() {
            Ok(order) => order.iter().map(|k| k.snapshot()).collect(),
            Err(_) => {
                partial = true;
                Vec::new()
            }
        };
        let fatal = if self.has_fatal() {
            match self.fatal.try_lock() {
                Ok(fatal) => fatal.clone(),
                Err(_) => {
                    partial = true;
                    None
                }
            }
        } else {
            None
        };
        CacheSnapshot {
            mode,
            hits,
            misses,
            loads,
            duplicate_loads,
            failures,
            waits,
            wait_ms: wait_ns as f64 / 1e6,
            evictions,
            refused,
            ttl_ms,
            fatal,
            entries,
            threads,
            partial,
        }
    }

    /// Zeroes every counter and forgets every key and the fatal error.
    pub fn reset(&self) {
        for counters in self.threads.iter().chain([&self.other]) {
            for counter in counters.all() {
                counter.store(0, Relaxed);
            }
        }
        self.keys.clear();
        self.order
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
        *self.fatal.lock().unwrap_or_else(PoisonError::into_inner) = None;
        self.has_fatal.store(false, Relaxed);
    }

    /// Test access: hold the entry list's write lock (as a new key being registered would).
    #[cfg(test)]
    pub fn hold_order_lock(&self) -> std::sync::RwLockWriteGuard<'_, Vec<Arc<KeyStats>>> {
        self.order.write().unwrap_or_else(PoisonError::into_inner)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EntryState {
    Loading = 0,
    Ready = 1,
    Failed = 2,
    /// Expired (time to live) and removed; the next lookup loads it again.
    Evicted = 3,
}

impl EntryState {
    fn from_u8(value: u8) -> Self {
        match value {
            1 => EntryState::Ready,
            2 => EntryState::Failed,
            3 => EntryState::Evicted,
            _ => EntryState::Loading,
        }
    }
}

/// A simulated Go runtime crash (`go-racy` mode): the message Go prints and the two threads involved,
/// the one that detected the overlap first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FatalError {
    pub message: String,
    /// Rayon thread indices (`None`: outside the pool): `[detected by, overlapping with]`.
    pub threads: [Option<usize>; 2],
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EntrySnapshot {
    pub key: String,
    /// Rayon thread index of the worker that ran the latest load (`None`: outside the pool).
    pub loaded_by: Option<usize>,
    pub load_ms: f64,
    pub hits: u64,
    /// Loader calls that returned a mapping for this key (above 1: duplicates or reloads).
    pub loads: u64,
    pub state: EntryState,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreadSnapshot {
    /// Rayon thread index (`None`: outside the pool).
    pub thread: Option<usize>,
    pub hits: u64,
    pub misses: u64,
    pub loads: u64,
    pub duplicate_loads: u64,
    pub failures: u64,
    pub waits: u64,
    pub wait_ms: f64,
    pub evictions: u64,
    pub refused: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CacheSnapshot {
    /// The mode id (`dashmap`, `mutex`, `check-then-insert`, `go-racy`).
    pub mode: &'static str,
    /// Lookups that found a fresh value at once. `hits + misses` = lookups.
    pub hits: u64,
    pub misses: u64,
    /// Loader calls whose mapping was stored (first of their key, or after an eviction).
    pub loads: u64,
    /// Loader calls for a key another thread had loaded meanwhile (check-then-insert, go-racy).
    pub duplicate_loads: u64,
    /// Loader calls that failed (not cached).
    pub failures: u64,
    /// Lookups that blocked on another thread (its load, or the map's lock).
    pub waits: u64,
    pub wait_ms: f64,
    /// Expired entries removed (time to live).
    pub evictions: u64,
    /// Lookups refused because they re-entered the cache from inside a loader.
    pub refused: u64,
    /// The time to live, when set.
    pub ttl_ms: Option<f64>,
    /// The simulated crash of `go-racy` mode, once it happened.
    pub fatal: Option<FatalError>,
    pub entries: Vec<EntrySnapshot>,
    /// Threads that did anything since the last reset.
    pub threads: Vec<ThreadSnapshot>,
    /// Entries (or the fatal error) could not be read without blocking this time; counters are exact.
    pub partial: bool,
}
