//! Cache counters and the serialisable snapshot the page polls.

use serde::Serialize;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

#[derive(Debug, Default)]
pub(super) struct Counters {
    pub hits: AtomicU64,
    pub misses: AtomicU64,
    pub loads: AtomicU64,
    pub duplicate_loads: AtomicU64,
    pub failures: AtomicU64,
    pub waits: AtomicU64,
    pub wait_ns: AtomicU64,
}

impl Counters {
    pub fn snapshot(&self, mode: &'static str) -> CacheSnapshot {
        CacheSnapshot {
            mode,
            hits: self.hits.load(Relaxed),
            misses: self.misses.load(Relaxed),
            loads: self.loads.load(Relaxed),
            duplicate_loads: self.duplicate_loads.load(Relaxed),
            failures: self.failures.load(Relaxed),
            waits: self.waits.load(Relaxed),
            wait_ms: self.wait_ns.load(Relaxed) as f64 / 1e6,
            entries: Vec::new(),
            partial: false,
        }
    }

    pub fn reset(&self) {
        for counter in [
            &self.hits,
            &self.misses,
            &self.loads,
            &self.duplicate_loads,
            &self.failures,
            &self.waits,
            &self.wait_ns,
        ] {
            counter.store(0, Relaxed);
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EntryState {
    Loading = 0,
    Ready = 1,
    Failed = 2,
}

impl EntryState {
    pub(super) fn from_u8(value: u8) -> Self {
        match value {
            1 => EntryState::Ready,
            2 => EntryState::Failed,
            _ => EntryState::Loading,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EntrySnapshot {
    pub key: String,
    /// Rayon thread index of the worker that loaded it (`None`: outside the pool).
    pub loaded_by: Option<usize>,
    pub load_ms: f64,
    pub hits: u64,
    pub state: EntryState,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CacheSnapshot {
    pub mode: &'static str,
    pub hits: u64,
    pub misses: u64,
    pub loads: u64,
    pub duplicate_loads: u64,
    pub failures: u64,
    pub waits: u64,
    pub wait_ms: f64,
    pub entries: Vec<EntrySnapshot>,
    /// Entries could not be read without blocking this time; counters are still exact.
    pub partial: bool,
}
