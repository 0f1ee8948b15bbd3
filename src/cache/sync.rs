//! The synchronisation primitives of the single-flight code ([`super::single_flight`]), swappable for
//! loom's.
//!
//! Normal builds get `std::sync` and a [`Map`] over DashMap. Under `--cfg loom` (the model test,
//! `tests/cache_loom.rs`) they resolve to loom's instrumented `Mutex`, `Condvar` and `Arc`, and [`Map`]
//! becomes a loom `Mutex<HashMap>`, so the model checker sees (and permutes) every step of the protocol:
//! the single-flight code itself is what is checked, not a copy of it. DashMap's own locks are not
//! loom-aware, hence the map swap; the protocol only uses the closure-scoped operations below, which
//! never hand a map guard back to the caller, on either side of the swap.

#[cfg(loom)]
pub(crate) use loom::sync::{Arc, Condvar, Mutex};
#[cfg(not(loom))]
pub(crate) use std::sync::{Arc, Condvar, Mutex};

/// The shard count of every DashMap in the cache. Set explicitly: dashmap derives it from
/// `available_parallelism`, which fails on wasm32.
pub const SHARDS: usize = 16;

/// A concurrent map from `String` keys, reduced to the operations the single-flight protocol needs.
pub(crate) struct Map<V> {
    #[cfg(not(loom))]
    inner: dashmap::DashMap<String, V>,
    #[cfg(loom)]
    inner: Mutex<std::collections::HashMap<String, V>>,
}

#[cfg(not(loom))]
impl<V: Clone> Map<V> {
    pub fn new() -> Self {
        Map {
            inner: dashmap::DashMap::with_shard_amount(SHARDS),
        }
    }

    pub fn get_cloned(&self, key: &str) -> Option<V> {
        self.inner.get(key).map(|v| v.value().clone())
    }

    /// `f` applied to the value at `key`, without cloning it.
    pub fn read<R>(&self, key: &str, f: impl FnOnce(&V) -> R) -> Option<R> {
        self.inner.get(key).map(|v| f(v.value()))
    }

    /// The value at `key`, inserting `make()` when there is none; `true` when this call inserted.
    pub fn get_or_insert_with(&self, key: &str, make: impl FnOnce() -> V) -> (V, bool) {
        let mut inserted = false;
        let value = self
            .inner
            .entry(key.to_string())
            .or_insert_with(|| {
                inserted = true;
                make()
            })
            .value()
            .clone();
        (value, inserted)
    }

    /// Removes the value at `key` when `pred` accepts it; `true` when removed.
    pub fn remove_if(&self, key: &str, pred: impl FnOnce(&V) -> bool) -> bool {
        self.inner.remove_if(key, |_, v| pred(v)).is_some()
    }

    /// Replaces the value at `key` by `new` when `pred` accepts the current one; `true` when replaced.
    pub fn replace_if(&self, key: &str, pred: impl FnOnce(&V) -> bool, new: V) -> bool {
        match self.inner.get_mut(key) {
            Some(mut current) if pred(current.value()) => {
                *current.value_mut() = new;
                true
            }
            _ => false,
        }
    }

    pub fn clear(&self) {
        self.inner.clear();
    }

    pub fn len(&self) -> usize {
        self.inner.len()
    }
}

#[cfg(loom)]
impl<V: Clone> Map<V> {
    pub fn new() -> Self {
        Map {
            inner: Mutex::new(std::collections::HashMap::new()),
        }
    }

    fn with<R>(&self, f: impl FnOnce(&mut std::collections::HashMap<String, V>) -> R) -> R {
        let mut guard = self
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut guard)
    }

    pub fn get_cloned(&self, key: &str) -> Option<V> {
        self.with(|m| m.get(key).cloned())
    }

    pub fn read<R>(&self, key: &str, f: impl FnOnce(&V) -> R) -> Option<R> {
        self.with(|m| m.get(key).map(f))
    }

    pub fn get_or_insert_with(&self, key: &str, make: impl FnOnce() -> V) -> (V, bool) {
        self.with(|m| match m.get(key) {
            Some(v) => (v.clone(), false),
            None => {
                let v = make();
                m.insert(key.to_string(), v.clone());
                (v, true)
            }
        })
    }

    pub fn remove_if(&self, key: &str, pred: impl FnOnce(&V) -> bool) -> bool {
        self.with(|m| {
            if m.get(key).is_some_and(pred) {
                m.remove(key);
                true
            } else {
                false
            }
        })
    }

    pub fn replace_if(&self, key: &str, pred: impl FnOnce(&V) -> bool, new: V) -> bool {
        self.with(|m| match m.get_mut(key) {
            Some(current) if pred(current) => {
                *current = new;
                true
            }
            _ => false,
        })
    }

    pub fn clear(&self) {
        self.with(|m| m.clear());
    }

    pub fn len(&self) -> usize {
        self.with(|m| m.len())
    }
}
