//! `mutex` mode: one `Mutex<HashMap>`, held across the load. Correct (one load per key), but every
//! lookup — hits of other keys included — queues behind the holder: the queue shows as waits.

use super::race::Phase;
use super::stats::KeyStats;
use super::{stamp, Ctx, Store};
use crate::mapping::{MappingError, ProviderMapping};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError, TryLockError};

struct Entry {
    mapping: Arc<ProviderMapping>,
    stamp: u64,
    stats: Arc<KeyStats>,
}

#[derive(Default)]
pub(crate) struct MutexStore {
    map: Mutex<HashMap<String, Entry>>,
}

impl Store for MutexStore {
    fn get(&self, cx: &Ctx<'_>) -> Result<Arc<ProviderMapping>, MappingError> {
        let mut map = match self.map.try_lock() {
            Ok(map) => map,
            Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
            Err(TryLockError::WouldBlock) => {
                let _waiting = cx.wait(Phase::Load);
                self.map.lock().unwrap_or_else(PoisonError::into_inner)
            }
        };
        if let Some(entry) = map.get(cx.key) {
            if cx.fresh(entry.stamp) {
                cx.hit(&entry.stats);
                return Ok(Arc::clone(&entry.mapping));
            }
            if let Some(stale) = map.remove(cx.key) {
                cx.evicted(&stale.stats);
            }
        }
        cx.miss();
        // Still holding the lock: the rendezvous makes the others queue behind it.
        cx.meet(Phase::Load);
        let stats = cx.stats.key(cx.key);
        let loaded = cx.load(&stats);
        cx.loaded(loaded.is_ok(), false);
        let mapping = Arc::new(loaded?);
        map.insert(
            cx.key.to_string(),
            Entry {
                mapping: Arc::clone(&mapping),
                stamp: stamp(),
                stats,
            },
        );
        Ok(mapping)
    }

    fn clear(&self) {
        self.map
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }
}
