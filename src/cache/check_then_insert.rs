//! `check-then-insert` mode: a thread-safe map used in two steps, `get` and then, on a miss, load and
//! `insert`. Each step is safe; the pair is not atomic, so threads that miss the same key at the same
//! moment all load it. The insert that finds a value already there counts a duplicate load (and, as
//! such code does, overwrites it).

use super::race::Phase;
use super::stats::KeyStats;
use super::sync::SHARDS;
use super::{stamp, Ctx, Store};
use crate::mapping::{MappingError, ProviderMapping};
use dashmap::DashMap;
use std::sync::Arc;

struct Entry {
    mapping: Arc<ProviderMapping>,
    stamp: u64,
    stats: Arc<KeyStats>,
}

pub(crate) struct CheckThenInsertStore {
    map: DashMap<String, Arc<Entry>>,
}

impl Default for CheckThenInsertStore {
    fn default() -> Self {
        CheckThenInsertStore {
            map: DashMap::with_shard_amount(SHARDS),
        }
    }
}

impl Store for CheckThenInsertStore {
    fn get(&self, cx: &Ctx<'_>) -> Result<Arc<ProviderMapping>, MappingError> {
        // Step 1: check.
        let found = self.map.get(cx.key).map(|e| Arc::clone(e.value()));
        if let Some(entry) = found {
            if cx.fresh(entry.stamp) {
                cx.hit(&entry.stats);
                return Ok(Arc::clone(&entry.mapping));
            }
            if self
                .map
                .remove_if(cx.key, |_, e| Arc::ptr_eq(e, &entry))
                .is_some()
            {
                cx.evicted(&entry.stats);
            }
        }
        cx.miss();
        // The gap between the two steps, where other threads miss the same key too.
        cx.meet(Phase::Miss);
        let stats = cx.stats.key(cx.key);
        let loaded = cx.load(&stats);
        let Ok(mapping) = loaded else {
            cx.loaded(false, false);
            return loaded.map(Arc::new);
        };
        let mapping = Arc::new(mapping);
        // Step 2: insert.
        let previous = self.map.insert(
            cx.key.to_string(),
            Arc::new(Entry {
                mapping: Arc::clone(&mapping),
                stamp: stamp(),
                stats,
            }),
        );
        cx.loaded(true, previous.is_some());
        Ok(mapping)
    }

    fn clear(&self) {
        self.map.clear();
    }
}
