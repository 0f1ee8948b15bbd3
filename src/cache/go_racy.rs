//! `go-racy` mode: what a Go program does with a plain `map` shared by goroutines, crash included.
//!
//! Go's runtime does not lock maps; it detects misuse. Every write sets a `hashWriting` flag for its
//! duration and checks it first (set already: `fatal error: concurrent map writes`); every read checks
//! it (`fatal error: concurrent map read and map write`). This store does the same with an atomic flag
//! that also carries the writer's thread, so the crash names both threads. The code is written the
//! way such Go code is — check, load, write — and a loaded mapping is written type by type, as a
//! caching mapper filling its map would, so a write window lasts as long as populating the map does
//! and a stampede on two cores overlaps for real.
//!
//! Only the detection is "racy": the storage underneath is a concurrent map, so there is no undefined
//! behaviour, and after the simulated crash (the first one is recorded) lookups still work while the
//! batch cancels its remaining examples.

use super::race::Phase;
use super::stats::KeyStats;
use super::sync::SHARDS;
use super::{stamp, Ctx, Store};
use crate::mapping::{MappingError, ProviderMapping, TypeMapping};
use dashmap::DashMap;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;

pub const CONCURRENT_WRITES: &str = "fatal error: concurrent map writes";
pub const READ_DURING_WRITE: &str = "fatal error: concurrent map read and map write";

struct Entry {
    mapping: Arc<ProviderMapping>,
    stamp: u64,
    stats: Arc<KeyStats>,
}

enum Value {
    /// A provider, once all its types are in.
    Provider(Arc<Entry>),
    /// One type of a provider (keyed `provider/resource/type` or `provider/data/type`).
    Type(#[allow(dead_code)] TypeMapping),
}

pub(crate) struct GoRacyStore {
    storage: DashMap<String, Value>,
    /// Go's `hashWriting` flag: 0 when no write is in progress, else the writer's [`writer_tag`].
    pub(super) writing: AtomicUsize,
}

/// A nonzero tag unique to the calling thread, carrying its counter slot in the low byte (for the
/// crash report). Unique even among threads outside the pool, which share one counter slot.
pub(super) fn writer_tag(slot: usize) -> usize {
    static NEXT: AtomicUsize = AtomicUsize::new(1);
    thread_local! {
        static ID: usize = NEXT.fetch_add(1, SeqCst);
    }
    (ID.with(|id| *id) << 8) | (slot & 0xFF)
}

fn tag_slot(tag: usize) -> usize {
    tag & 0xFF
}

impl Default for GoRacyStore {
    fn default() -> Self {
        GoRacyStore {
            storage: DashMap::with_shard_amount(SHARDS),
            writing: AtomicUsize::new(0),
        }
    }
}

impl GoRacyStore {
    /// `mapaccess`: a read checks that no write is in progress.
    fn read(&self, cx: &Ctx<'_>, key: &str) -> Option<Arc<Entry>> {
        // (A thread never reads inside its own write, so a raised flag is always another thread's.)
        let writer = self.writing.load(SeqCst);
        if writer != 0 {
            cx.crash(READ_DURING_WRITE, tag_slot(writer));
        }
        match self.storage.get(key).as_deref() {
            Some(Value::Provider(entry)) => Some(Arc::clone(entry)),
            _ => None,
        }
    }

    /// `mapassign` / `mapdelete`: the flag is set for the duration of `op`; finding it set already,
    /// on the way in or out, is a concurrent write.
    fn write<R>(&self, cx: &Ctx<'_>, op: impl FnOnce(&DashMap<String, Value>) -> R) -> R {
        let me = writer_tag(cx.slot);
        let writer = self.writing.swap(me, SeqCst);
        if writer != 0 {
            cx.crash(CONCURRENT_WRITES, tag_slot(writer));
        }
        cx.meet(Phase::Write);
        let result = op(&self.storage);
        let writer = self.writing.swap(0, SeqCst);
        if writer != 0 && writer != me {
            cx.crash(CONCURRENT_WRITES, tag_slot(writer));
        }
        result
    }
}

impl Store for GoRacyStore {
    fn get(&self, cx: &Ctx<'_>) -> Result<Arc<ProviderMapping>, MappingError> {
        // if v, ok := m[provider]; ok { return v }
        if let Some(entry) = self.read(cx, cx.key) {
            if cx.fresh(entry.stamp) {
                cx.hit(&entry.stats);
                return Ok(Arc::clone(&entry.mapping));
            }
            // delete(m, provider)
            let removed = self.write(cx, |m| {
                m.remove_if(
                    cx.key,
                    |_, v| matches!(v, Value::Provider(e) if Arc::ptr_eq(e, &entry)),
                )
                .is_some()
            });
            if removed {
                cx.evicted(&entry.stats);
            }
        }
        cx.miss();
        cx.meet(Phase::Miss);
        let stats = cx.stats.key(cx.key);
        let loaded = cx.load(&stats);
        let Ok(mapping) = loaded else {
            cx.loaded(false, false);
            return loaded.map(Arc::new);
        };
        let mapping = Arc::new(mapping);
        // for name, t := range mapping.Resources { m[provider+"/resource/"+name] = t } (and data
        // sources): one write per type, each copying the value in with the flag set.
        let types = [
            ("resource", &mapping.resources),
            ("data", &mapping.data_sources),
        ];
        for (kind, table) in types {
            for (name, type_mapping) in table {
                let key = format!("{}/{kind}/{name}", cx.key);
                self.write(cx, |m| m.insert(key, Value::Type(type_mapping.clone())));
            }
        }
        // m[provider] = mapping
        let entry = Arc::new(Entry {
            mapping: Arc::clone(&mapping),
            stamp: stamp(),
            stats,
        });
        let previous = self.write(cx, |m| m.insert(cx.key.to_string(), Value::Provider(entry)));
        cx.loaded(true, matches!(previous, Some(Value::Provider(_))));
        Ok(mapping)
    }

    fn clear(&self) {
        self.storage.clear();
        self.writing.store(0, SeqCst);
    }
}
