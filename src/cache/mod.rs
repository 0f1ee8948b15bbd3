//! The shared mapping cache: each provider's mapping is loaded once and shared by every worker — or,
//! for the workshop, loaded the ways that go wrong.
//!
//! [`MappingCache`] is one facade over four interchangeable stores, chosen per batch ([`CacheMode`]):
//! `dashmap` (single-flight over a sharded map, the default), `mutex` (one lock held across the load),
//! `check-then-insert` (duplicate loads) and `go-racy` (a simulated Go map that crashes on overlapping
//! access). Switching the mode or resetting starts from an empty cache and zeroed statistics.
//!
//! Shared by all modes: failed loads are not cached; an optional time to live evicts expired entries
//! (exactly once each, and a reload is single-flight again in `dashmap` mode); statistics are atomics
//! read by [`MappingCache::snapshot`] without blocking (see [`stats`]); a lookup made from inside a
//! loader is refused (see [`Loader`]).

mod check_then_insert;
mod dashmap;
mod go_racy;
mod mutex;
pub mod race;
pub mod single_flight;
mod stats;
mod sync;

use crate::mapping::{MappingError, ProviderMapping};
use serde::{Deserialize, Serialize};
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, Ordering::Relaxed};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use web_time::Instant;

use race::{Phase, Queued, RaceGate};
pub use stats::{
    CacheSnapshot, EntrySnapshot, EntryState, FatalError, ThreadSnapshot, THREAD_SLOTS,
};
use stats::{KeyStats, Stats, ThreadCounters};
pub use sync::SHARDS;

/// Loads one provider's mapping.
///
/// A loader must not run rayon work (`join`, `par_iter`, `scope`): while it waits for that work, the
/// thread steals other tasks, one of which can ask the cache for the key being loaded — the thread
/// then waits for itself (single flight) or re-locks the map it holds (mutex). The cache guards
/// against it: a lookup made on a thread that is inside a loader is refused with an error (counted as
/// `refused`) instead of deadlocking.
pub type Loader = dyn Fn(&str) -> Result<ProviderMapping, MappingError> + Send + Sync;

/// How the cache is built: one interface, four behaviours for the workshop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CacheMode {
    #[default]
    Dashmap,
    Mutex,
    CheckThenInsert,
    GoRacy,
}

impl CacheMode {
    pub const ALL: [CacheMode; 4] = [
        CacheMode::Dashmap,
        CacheMode::Mutex,
        CacheMode::CheckThenInsert,
        CacheMode::GoRacy,
    ];

    /// Stable id, used by the page and the batch option `cacheMode`.
    pub fn id(self) -> &'static str {
        match self {
            CacheMode::Dashmap => "dashmap",
            CacheMode::Mutex => "mutex",
            CacheMode::CheckThenInsert => "check-then-insert",
            CacheMode::GoRacy => "go-racy",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        CacheMode::ALL.into_iter().find(|m| m.id() == id)
    }

    pub fn title(self) -> &'static str {
        match self {
            CacheMode::Dashmap => "DashMap with single-flight loads",
            CacheMode::Mutex => "Mutex<HashMap>, locked during the load",
            CacheMode::CheckThenInsert => "Check, then insert",
            CacheMode::GoRacy => "Go map without a lock (simulated)",
        }
    }

    /// What the mode does and what an audience should see in the cache panel.
    pub fn explanation(self) -> &'static str {
        match self {
            CacheMode::Dashmap => {
                "A sharded concurrent map. The first worker that asks for a provider loads it; workers \
                 that ask for the same provider meanwhile wait for that one load instead of starting \
                 their own (single flight). Lookups of different providers never queue behind each \
                 other. Watch: loads equal the number of providers, duplicate loads stay at 0, a few \
                 waits appear while a cold cache fills, and everything after that is a hit."
            }
            CacheMode::Mutex => {
                "One lock around a plain HashMap, held while a provider loads. It is correct: every \
                 provider is still loaded once. But every lookup, even a hit for another provider, \
                 queues behind whoever holds the lock. Watch: waits and wait time climb with the \
                 number of workers, loads stay at one per provider, and in the timeline workers idle \
                 while one of them loads."
            }
            CacheMode::CheckThenInsert => {
                "A thread-safe map used in two steps: look the provider up and, if it is missing, \
                 load it and insert it. Each step is safe; the pair is not. Two workers that miss the \
                 same provider at the same moment both load it. Watch: on a cold cache with several \
                 workers and the same provider in many examples, duplicate loads rise above 0 and an \
                 entry shows more than one load. Nothing crashes: it is wasted work, and the last \
                 insert wins. With one worker there are no duplicates."
            }
            CacheMode::GoRacy => {
                "What a Go program does with a plain map shared between goroutines. Like Go's runtime, \
                 the map raises a 'writing' flag around every write and checks it on every read and \
                 write; a loaded mapping is written type by type, as a caching mapper filling a map \
                 would. When two workers overlap, the batch dies with Go's message, 'fatal error: \
                 concurrent map writes' or 'concurrent map read and map write', naming both workers, \
                 and the remaining examples are cancelled. On a cold cache with two workers it usually \
                 crashes at once; with one worker it never does. Only the detection is simulated: the \
                 storage underneath is safe."
            }
        }
    }
}

/// The behaviour behind each mode.
trait Store: Send + Sync {
    fn get(&self, cx: &Ctx<'_>) -> Result<Arc<ProviderMapping>, MappingError>;
    fn clear(&self);
}

/// The race rendezvous currently armed, if any (test-only; see [`race`]).
#[derive(Default)]
struct RaceSlot {
    armed: AtomicBool,
    gate: Mutex<Option<Arc<RaceGate>>>,
}

impl RaceSlot {
    fn get(&self) -> Option<Arc<RaceGate>> {
        if !self.armed.load(Relaxed) {
            return None;
        }
        self.gate
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn set(&self, gate: Option<Arc<RaceGate>>) {
        let mut slot = self.gate.lock().unwrap_or_else(PoisonError::into_inner);
        self.armed.store(gate.is_some(), Relaxed);
        *slot = gate;
    }
}

const NO_TTL: u64 = u64::MAX;

pub struct MappingCache {
    loader: Box<Loader>,
    mode: AtomicU8,
    dashmap: dashmap::DashmapStore,
    mutex: mutex::MutexStore,
    check_then_insert: check_then_insert::CheckThenInsertStore,
    go_racy: go_racy::GoRacyStore,
    stats: Stats,
    ttl_ns: AtomicU64,
    race: RaceSlot,
}

impl MappingCache {
    /// A cache in `dashmap` mode over `loader`.
    pub fn new(loader: Box<Loader>) -> Self {
        MappingCache {
            loader,
            mode: AtomicU8::new(0),
            dashmap: dashmap::DashmapStore::default(),
            mutex: mutex::MutexStore::default(),
            check_then_insert: check_then_insert::CheckThenInsertStore::default(),
            go_racy: go_racy::GoRacyStore::default(),
            stats: Stats::new(),
            ttl_ns: AtomicU64::new(NO_TTL),
            race: RaceSlot::default(),
        }
    }

    /// A cache over the crate's built-in mapping data.
    pub fn builtin() -> Self {
        Self::new(Box::new(crate::mapping::load_builtin))
    }

    /// A cache in the given mode.
    pub fn with_mode(loader: Box<Loader>, mode: CacheMode) -> Self {
        let cache = Self::new(loader);
        cache.set_mode(mode);
        cache
    }

    /// The mapping of `provider`, loading it on first use (how depends on the mode).
    pub fn get(&self, provider: &str) -> Result<Arc<ProviderMapping>, MappingError> {
        let slot = stats::thread_slot();
        let counters = self.stats.slot(slot);
        if IN_LOADER.with(Cell::get) {
            counters.refused.fetch_add(1, Relaxed);
            return Err(refusal(provider));
        }
        let cx = Ctx {
            key: provider,
            slot,
            stats: &self.stats,
            counters,
            loader: &*self.loader,
            ttl: self.ttl(),
            race: &self.race,
        };
        self.store(self.mode()).get(&cx)
    }

    fn store(&self, mode: CacheMode) -> &dyn Store {
        match mode {
            CacheMode::Dashmap => &self.dashmap,
            CacheMode::Mutex => &self.mutex,
            CacheMode::CheckThenInsert => &self.check_then_insert,
            CacheMode::GoRacy => &self.go_racy,
        }
    }

    pub fn mode(&self) -> CacheMode {
        CacheMode::ALL
            .get(usize::from(self.mode.load(Relaxed)))
            .copied()
            .unwrap_or_default()
    }

    /// Switches the mode and resets: the next lookup starts cold. Meant for when no batch runs (a
    /// batch running meanwhile stays memory-safe, but its statistics mix both modes).
    pub fn set_mode(&self, mode: CacheMode) {
        let index = CacheMode::ALL.iter().position(|&m| m == mode).unwrap_or(0);
        self.mode.store(u8::try_from(index).unwrap_or(0), Relaxed);
        self.reset();
    }

    /// Forgets every entry (in every mode's store), zeroes the statistics and clears a simulated
    /// crash: the next batch starts cold.
    pub fn reset(&self) {
        for mode in CacheMode::ALL {
            self.store(mode).clear();
        }
        self.stats.reset();
    }

    /// Entries expire this long after their load (`None`: never). `Some(Duration::ZERO)` expires every
    /// entry at once: each lookup reloads, which makes evictions visible and deterministic.
    pub fn set_ttl(&self, ttl: Option<Duration>) {
        let ns = ttl.map_or(NO_TTL, |d| nanos(d).min(NO_TTL - 1));
        self.ttl_ns.store(ns, Relaxed);
    }

    pub fn ttl(&self) -> Option<Duration> {
        match self.ttl_ns.load(Relaxed) {
            NO_TTL => None,
            ns => Some(Duration::from_nanos(ns)),
        }
    }

    /// Counters, per-thread counters, entries and the simulated crash, read with atomics and
    /// try-locks only: never blocks. Each call is counted (see [`MappingCache::snapshots_taken`]).
    pub fn snapshot(&self) -> CacheSnapshot {
        let ttl_ms = self.ttl().map(|d| d.as_secs_f64() * 1e3);
        self.stats.snapshot(self.mode().id(), ttl_ms)
    }

    /// How many snapshots were taken so far (the test-only batch lockstep waits on it).
    pub fn snapshots_taken(&self) -> u64 {
        self.stats.snapshots_taken()
    }

    /// The simulated crash of `go-racy` mode, once it happened (until the next reset).
    pub fn fatal(&self) -> Option<FatalError> {
        self.stats.fatal()
    }

    pub fn has_fatal(&self) -> bool {
        self.stats.has_fatal()
    }

    /// Before a batch: switch to `mode` when given and different (which resets), and reset after a
    /// simulated crash (a crashed Go program restarts with an empty map).
    pub fn prepare_batch(&self, mode: Option<CacheMode>) {
        match mode {
            Some(mode) if mode != self.mode() => self.set_mode(mode),
            _ if self.has_fatal() => self.reset(),
            _ => {}
        }
    }

    /// TEST-ONLY: arms a race rendezvous until the returned guard is dropped (see [`race`]).
    pub fn arm_race(&self, gate: Arc<RaceGate>) -> RaceArmed<'_> {
        self.race.set(Some(gate));
        RaceArmed { cache: self }
    }
}

/// Disarms the race rendezvous when dropped.
pub struct RaceArmed<'a> {
    cache: &'a MappingCache,
}

impl Drop for RaceArmed<'_> {
    fn drop(&mut self) {
        self.cache.race.set(None);
    }
}

thread_local! {
    /// Set while this thread runs a loader.
    static IN_LOADER: Cell<bool> = const { Cell::new(false) };
}

/// Marks the thread as inside a loader until dropped (restoring what was there, for nesting).
struct LoaderScope {
    previous: bool,
}

impl LoaderScope {
    fn enter() -> Self {
        LoaderScope {
            previous: IN_LOADER.with(|f| f.replace(true)),
        }
    }
}

impl Drop for LoaderScope {
    fn drop(&mut self) {
        IN_LOADER.with(|f| f.set(self.previous));
    }
}

/// The error of a refused re-entrant lookup. (`MappingError` has no variant for it yet; this is the
/// one place to change when it gets one.)
fn refusal(provider: &str) -> MappingError {
    MappingError::Refused {
        provider: provider.to_string(),
        reason: "looked up from inside a loader on the same thread. A loader must not run rayon \
                 work: while it waits, the thread can steal a task that needs the key being loaded \
                 and would then wait for itself"
            .to_string(),
    }
}

/// One lookup's context, handed to the mode's store.
pub(crate) struct Ctx<'a> {
    pub key: &'a str,
    /// The counter slot of this thread (see [`stats::thread_slot`]).
    pub slot: usize,
    pub stats: &'a Stats,
    pub counters: &'a ThreadCounters,
    loader: &'a Loader,
    ttl: Option<Duration>,
    race: &'a RaceSlot,
}

/// Nanoseconds since the Unix epoch: the load time of an entry, for its time to live. A wall clock,
/// because `Instant`s from different wasm workers have different origins.
pub(crate) fn stamp() -> u64 {
    web_time::SystemTime::now()
        .duration_since(web_time::SystemTime::UNIX_EPOCH)
        .map_or(0, nanos)
}

fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

impl Ctx<'_> {
    /// Whether an entry stamped `stamp` is still within its time to live.
    pub fn fresh(&self, stamp: u64) -> bool {
        match self.ttl {
            None => true,
            Some(ttl) => elapsed_since(stamp) < ttl,
        }
    }

    /// Calls the loader for this key, recording who loaded it and how long it took.
    pub fn load(&self, key: &KeyStats) -> Result<ProviderMapping, MappingError> {
        key.loading(self.slot);
        let started = Instant::now();
        let result = {
            let _scope = LoaderScope::enter();
            (self.loader)(self.key)
        };
        key.loaded(result.is_ok(), nanos(started.elapsed()));
        result
    }

    pub fn hit(&self, key: &KeyStats) {
        self.counters.hits.fetch_add(1, Relaxed);
        key.hits.fetch_add(1, Relaxed);
    }

    pub fn miss(&self) {
        self.counters.misses.fetch_add(1, Relaxed);
    }

    /// A loader call ended: stored (`duplicate`: over another thread's value) or failed.
    pub fn loaded(&self, ok: bool, duplicate: bool) {
        let counter = match (ok, duplicate) {
            (false, _) => &self.counters.failures,
            (true, false) => &self.counters.loads,
            (true, true) => &self.counters.duplicate_loads,
        };
        counter.fetch_add(1, Relaxed);
    }

    pub fn evicted(&self, key: &KeyStats) {
        self.counters.evictions.fetch_add(1, Relaxed);
        key.set_state(EntryState::Evicted);
    }

    /// Counts a wait and times it until the returned value is dropped; arrives at `phase` of the race
    /// rendezvous as one queued behind the holder.
    pub fn wait(&self, phase: Phase) -> Waiting<'_> {
        self.counters.waits.fetch_add(1, Relaxed);
        let gate = self.race.get();
        Waiting {
            counters: self.counters,
            started: Instant::now(),
            _queued: gate.map(|g| RaceGate::queue(&g, phase)),
        }
    }

    /// Test-only rendezvous: waits at `phase` when a race gate is armed.
    pub fn meet(&self, phase: Phase) {
        if let Some(gate) = self.race.get() {
            gate.meet(phase);
        }
    }

    /// Records a simulated crash (first one wins) and opens the race rendezvous.
    pub fn crash(&self, message: &str, holder_slot: usize) {
        self.stats.record_fatal(FatalError {
            message: message.to_string(),
            threads: [
                stats::slot_thread(self.slot),
                stats::slot_thread(holder_slot),
            ],
        });
        if let Some(gate) = self.race.get() {
            gate.release();
        }
    }
}

/// Time since `stamp` (zero when the clock went backwards).
fn elapsed_since(stamp: u64) -> Duration {
    Duration::from_nanos(self::stamp().saturating_sub(stamp))
}

/// A running wait (see [`Ctx::wait`]).
pub(crate) struct Waiting<'a> {
    counters: &'a ThreadCounters,
    started: Instant,
    _queued: Option<Queued>,
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.counters
            .wait_ns
            .fetch_add(nanos(self.started.elapsed()), Relaxed);
    }
}

#[cfg(test)]
mod tests;
