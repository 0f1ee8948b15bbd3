//! `dashmap` mode: single-flight loads over a sharded map (see [`super::single_flight`]). Concurrent
//! first requests for a provider cause exactly one load; the others wait for it. Lookups of different
//! keys only share a shard lock for the instant of a map access.

use super::race::Phase;
use super::single_flight::{Hooks, How, SingleFlight};
use super::stats::KeyStats;
use super::{stamp, Ctx, Store, Waiting};
use crate::mapping::{MappingError, ProviderMapping};
use std::sync::Arc;

/// What a ready entry holds.
pub(crate) struct Loaded {
    mapping: Arc<ProviderMapping>,
    stamp: u64,
    stats: Arc<KeyStats>,
}

#[derive(Default)]
pub(crate) struct DashmapStore {
    flights: SingleFlight<Arc<Loaded>, MappingError>,
}

/// Statistics and the race rendezvous, at the single-flight observation points.
struct Observe<'a, 'b> {
    cx: &'a Ctx<'b>,
}

impl<'a> Hooks<Arc<Loaded>> for Observe<'a, '_> {
    type Wait = Waiting<'a>;

    fn missed(&self) {
        self.cx.miss();
        self.cx.meet(Phase::Miss);
    }

    fn loading(&self) {
        self.cx.meet(Phase::Load);
    }

    fn waiting(&self) -> Waiting<'a> {
        self.cx.wait(Phase::Load)
    }

    fn evicted(&self, value: &Arc<Loaded>) {
        self.cx.evicted(&value.stats);
    }
}

impl Store for DashmapStore {
    fn get(&self, cx: &Ctx<'_>) -> Result<Arc<ProviderMapping>, MappingError> {
        let hit = self.flights.peek(cx.key, |loaded| {
            cx.fresh(loaded.stamp).then(|| {
                cx.hit(&loaded.stats);
                Arc::clone(&loaded.mapping)
            })
        });
        if let Some(mapping) = hit {
            return Ok(mapping);
        }
        let (result, how) = self.flights.get(
            cx.key,
            |loaded| cx.fresh(loaded.stamp),
            &Observe { cx },
            || {
                let stats = cx.stats.key(cx.key);
                cx.load(&stats).map(|mapping| {
                    Arc::new(Loaded {
                        mapping: Arc::new(mapping),
                        stamp: stamp(),
                        stats,
                    })
                })
            },
        );
        match (how, &result) {
            (How::Hit, Ok(loaded)) => cx.hit(&loaded.stats),
            (How::Loaded, _) => cx.loaded(result.is_ok(), false),
            _ => {}
        }
        result.map(|loaded| Arc::clone(&loaded.mapping))
    }

    fn clear(&self) {
        self.flights.clear();
    }
}
