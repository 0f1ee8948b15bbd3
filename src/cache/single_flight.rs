//! Single-flight loading over a concurrent map: concurrent first requests for one key cause exactly one
//! load; the others wait for it. This is the core of the `dashmap` mode, written against the
//! [`super::sync`] facade so that `tests/cache_loom.rs` model-checks this very code under `--cfg loom`.
//!
//! A key's entry is either `Ready(value)` or `Loading(flight)`. A lookup that finds no fresh value
//! claims the key by inserting its own flight (an atomic insert-if-absent on the map): the claimant
//! loads, everyone who finds the flight waits on it. The claimant publishes `Ready` (only over its own
//! flight: a reset in between wins) and then completes the flight, which wakes the waiters with the
//! same result. Failed loads remove the flight instead: errors are not cached, the waiters of that load
//! receive the error, and the next lookup loads again. A stale value (time to live) is evicted by
//! identity, so of several threads that find the same stale value exactly one evicts it, and a value
//! that replaced it in the meantime is never evicted by mistake. A loader that unwinds abandons its
//! flight: the entry is removed and the waiters retry instead of waiting forever.

use super::sync::{Arc, Condvar, Map, Mutex};
use std::sync::PoisonError;

/// Values compared by identity: an eviction or a publication only touches the entry it saw.
pub trait Identity {
    fn same(&self, other: &Self) -> bool;
}

impl<T: ?Sized> Identity for std::sync::Arc<T> {
    fn same(&self, other: &Self) -> bool {
        std::sync::Arc::ptr_eq(self, other)
    }
}

/// How one lookup was served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum How {
    /// A fresh value was there at the first look.
    Hit,
    /// This lookup ran the loader.
    Loaded,
    /// This lookup blocked until another thread's load finished.
    Waited,
    /// A miss at the first look, but another thread's value was there (or its load had just
    /// finished) by the time this lookup came to claim the key: served without loading or blocking.
    Shared,
}

/// Observation points, for statistics and the test-only race rendezvous. All have empty defaults.
pub trait Hooks<V> {
    /// Held while this lookup blocks on another thread's load.
    type Wait;
    /// Once per lookup that found no fresh value, before it tries to claim the key.
    fn missed(&self) {}
    /// This lookup claimed the key and is about to call the loader.
    fn loading(&self) {}
    /// This lookup is about to block on another thread's load; the token is dropped when it is done.
    fn waiting(&self) -> Self::Wait;
    /// This lookup evicted a stale value.
    fn evicted(&self, _value: &V) {}
}

/// Hooks that observe nothing.
pub struct NoHooks;

impl<V> Hooks<V> for NoHooks {
    type Wait = ();
    fn waiting(&self) {}
}

enum State<V, E> {
    Pending,
    Done(Result<V, E>),
    /// The loader unwound: waiters retry.
    Abandoned,
}

struct Flight<V, E> {
    state: Mutex<State<V, E>>,
    finished: Condvar,
}

impl<V: Clone, E: Clone> Flight<V, E> {
    fn new() -> Self {
        Flight {
            state: Mutex::new(State::Pending),
            finished: Condvar::new(),
        }
    }

    /// `None` while pending; `Some(None)` when abandoned.
    fn outcome(&self) -> Option<Option<Result<V, E>>> {
        let state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        match &*state {
            State::Pending => None,
            State::Done(result) => Some(Some(result.clone())),
            State::Abandoned => Some(None),
        }
    }

    /// Blocks until the load finishes; `None` when it was abandoned.
    fn wait(&self) -> Option<Result<V, E>> {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            match &*state {
                State::Pending => {
                    state = self
                        .finished
                        .wait(state)
                        .unwrap_or_else(PoisonError::into_inner);
                }
                State::Done(result) => return Some(result.clone()),
                State::Abandoned => return None,
            }
        }
    }

    fn finish(&self, outcome: State<V, E>) {
        *self.state.lock().unwrap_or_else(PoisonError::into_inner) = outcome;
        self.finished.notify_all();
    }
}

enum Entry<V, E> {
    Ready(V),
    Loading(Arc<Flight<V, E>>),
}

impl<V: Clone, E> Clone for Entry<V, E> {
    fn clone(&self) -> Self {
        match self {
            Entry::Ready(v) => Entry::Ready(v.clone()),
            Entry::Loading(f) => Entry::Loading(Arc::clone(f)),
        }
    }
}

impl<V: Identity, E> Entry<V, E> {
    fn is_flight(&self, flight: &Arc<Flight<V, E>>) -> bool {
        matches!(self, Entry::Loading(f) if Arc::ptr_eq(f, flight))
    }

    fn is_value(&self, value: &V) -> bool {
        matches!(self, Entry::Ready(v) if v.same(value))
    }
}

/// Removes the claimant's flight and releases its waiters if the loader unwinds.
struct Claim<'a, V: Clone + Identity, E: Clone> {
    map: &'a Map<Entry<V, E>>,
    key: &'a str,
    flight: Arc<Flight<V, E>>,
    armed: bool,
}

impl<V: Clone + Identity, E: Clone> Drop for Claim<'_, V, E> {
    fn drop(&mut self) {
        if self.armed {
            let flight = &self.flight;
            self.map.remove_if(self.key, |e| e.is_flight(flight));
            flight.finish(State::Abandoned);
        }
    }
}

/// Single-flight cache of `V` by string key; `E` is the loader's error (shared with the waiters).
pub struct SingleFlight<V, E> {
    map: Map<Entry<V, E>>,
}

impl<V: Clone + Identity, E: Clone> Default for SingleFlight<V, E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<V: Clone + Identity, E: Clone> SingleFlight<V, E> {
    pub fn new() -> Self {
        SingleFlight { map: Map::new() }
    }

    /// The fast path of a hit: `hit` applied to the stored value when there is one and `hit` accepts
    /// it (returns `Some`), without cloning the value. Anything else is left to [`SingleFlight::get`].
    pub fn peek<R>(&self, key: &str, hit: impl FnOnce(&V) -> Option<R>) -> Option<R> {
        self.map
            .read(key, |entry| match entry {
                Entry::Ready(value) => hit(value),
                Entry::Loading(_) => None,
            })
            .flatten()
    }

    /// The value for `key`: a fresh stored one, or the result of exactly one concurrent `load`.
    /// `fresh` says whether a stored value is still valid (time to live); a stale one is evicted.
    pub fn get<H: Hooks<V>>(
        &self,
        key: &str,
        fresh: impl Fn(&V) -> bool,
        hooks: &H,
        load: impl FnOnce() -> Result<V, E>,
    ) -> (Result<V, E>, How) {
        let mut missed = false;
        let mut load = Some(load);
        loop {
            if let Some(Entry::Ready(value)) = self.map.get_cloned(key) {
                if fresh(&value) {
                    let how = if missed { How::Shared } else { How::Hit };
                    return (Ok(value), how);
                }
                self.evict(key, &value, hooks);
            }
            if !missed {
                missed = true;
                hooks.missed();
            }
            let flight = Arc::new(Flight::new());
            let (entry, inserted) = self
                .map
                .get_or_insert_with(key, || Entry::Loading(Arc::clone(&flight)));
            if inserted {
                let Some(load) = load.take() else {
                    // Unreachable: a lookup claims at most once, since it returns right after.
                    continue;
                };
                return (self.run(key, flight, hooks, load), How::Loaded);
            }
            match entry {
                Entry::Ready(value) if fresh(&value) => return (Ok(value), How::Shared),
                Entry::Ready(value) => self.evict(key, &value, hooks),
                Entry::Loading(other) => {
                    if let Some(outcome) = other.outcome() {
                        if let Some(result) = outcome {
                            return (result, How::Shared);
                        }
                        continue; // abandoned: claim again
                    }
                    let token = hooks.waiting();
                    let outcome = other.wait();
                    drop(token);
                    if let Some(result) = outcome {
                        return (result, How::Waited);
                    }
                }
            }
        }
    }

    fn run<H: Hooks<V>>(
        &self,
        key: &str,
        flight: Arc<Flight<V, E>>,
        hooks: &H,
        load: impl FnOnce() -> Result<V, E>,
    ) -> Result<V, E> {
        let mut claim = Claim {
            map: &self.map,
            key,
            flight,
            armed: true,
        };
        hooks.loading();
        let result = load();
        let flight = &claim.flight;
        match &result {
            Ok(value) => {
                self.map
                    .replace_if(key, |e| e.is_flight(flight), Entry::Ready(value.clone()));
            }
            Err(_) => {
                self.map.remove_if(key, |e| e.is_flight(flight));
            }
        }
        flight.finish(State::Done(result.clone()));
        claim.armed = false;
        result
    }

    fn evict<H: Hooks<V>>(&self, key: &str, stale: &V, hooks: &H) {
        if self.map.remove_if(key, |e| e.is_value(stale)) {
            hooks.evicted(stale);
        }
    }

    /// Whether a value (fresh or not) is stored for `key`.
    pub fn is_ready(&self, key: &str) -> bool {
        matches!(self.map.get_cloned(key), Some(Entry::Ready(_)))
    }

    /// Entries stored or loading.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Forgets every entry. A load in flight still completes for its waiters but is not stored.
    pub fn clear(&self) {
        self.map.clear();
    }
}
