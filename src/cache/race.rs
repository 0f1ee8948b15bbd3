//! TEST-ONLY rendezvous that makes the races of each mode happen on demand (batch option
//! `raceLatch: n`). Without it, whether two threads overlap inside a few microseconds depends on
//! scheduling; with it, the first `n` threads to reach a critical window meet there, so a test can
//! assert duplicates (check-then-insert), a crash (go-racy), a queue (mutex) or their absence
//! (dashmap) without sleeping and without flakiness.
//!
//! Each mode marks its windows with a [`Phase`]:
//! - `Miss`: between "not in the map" and the load (dashmap, check-then-insert, go-racy). The first `n`
//!   lookups that miss wait here until `n` have missed.
//! - `Load`: the loader of a single-flight key (dashmap) or the holder of the map lock (mutex) waits
//!   until `n` threads have arrived, counting those that queue behind it ([`RaceGate::queue`]) — so the
//!   waits are real.
//! - `Write`: inside go-racy's write window, with the writing flag set.
//!
//! Nothing can hang: the gate opens when `n` arrived, when it is released (a simulated crash), or when
//! every task of the batch is either finished or stuck (in the gate or queued behind it) — then no
//! one else can arrive.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;

/// A critical window of a mode (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Miss = 0,
    Load = 1,
    Write = 2,
}

const PHASES: usize = 3;

#[derive(Debug)]
pub struct RaceGate {
    target: usize,
    total: usize,
    phases: [bool; PHASES],
    arrived: [AtomicUsize; PHASES],
    /// Finished tasks plus threads currently stuck in or behind the gate.
    settled: AtomicUsize,
    released: AtomicBool,
}

impl RaceGate {
    /// The first `target` arrivals at each phase meet; `tasks` is how many tasks (examples, or a
    /// test's threads) will call [`RaceGate::task_done`].
    pub fn new(target: usize, tasks: usize) -> Self {
        RaceGate {
            target,
            total: tasks,
            phases: [true; PHASES],
            arrived: Default::default(),
            settled: AtomicUsize::new(0),
            released: AtomicBool::new(false),
        }
    }

    /// Only these phases hold threads (the others pass through).
    pub fn only(mut self, phases: &[Phase]) -> Self {
        self.phases = [false; PHASES];
        for &p in phases {
            if let Some(on) = self.phases.get_mut(p as usize) {
                *on = true;
            }
        }
        self
    }

    fn counter(&self, phase: Phase) -> Option<&AtomicUsize> {
        if self.phases.get(phase as usize) == Some(&true) {
            self.arrived.get(phase as usize)
        } else {
            None
        }
    }

    /// Arrives at `phase` and, if among the first `target`, waits there for the others.
    pub fn meet(&self, phase: Phase) {
        let Some(arrived) = self.counter(phase) else {
            return;
        };
        if arrived.fetch_add(1, SeqCst) >= self.target {
            return;
        }
        self.settled.fetch_add(1, SeqCst);
        while !(arrived.load(SeqCst) >= self.target
            || self.released.load(SeqCst)
            || self.settled.load(SeqCst) >= self.total)
        {
            std::thread::yield_now();
            std::hint::spin_loop();
        }
        self.settled.fetch_sub(1, SeqCst);
    }

    /// Arrives at `phase` without waiting, before blocking on whoever holds the window (a flight or a
    /// lock); hold the token while blocked.
    pub fn queue(self: &Arc<Self>, phase: Phase) -> Queued {
        if let Some(arrived) = self.counter(phase) {
            arrived.fetch_add(1, SeqCst);
        }
        self.settled.fetch_add(1, SeqCst);
        Queued {
            gate: Arc::clone(self),
        }
    }

    /// One task finished.
    pub fn task_done(&self) {
        self.settled.fetch_add(1, SeqCst);
    }

    /// Opens the gate for good (a simulated crash ends the rendezvous).
    pub fn release(&self) {
        self.released.store(true, SeqCst);
    }

    /// Arrivals so far at `phase`.
    pub fn arrivals(&self, phase: Phase) -> usize {
        self.arrived
            .get(phase as usize)
            .map_or(0, |a| a.load(SeqCst))
    }
}

/// A thread blocked behind the gate's holder; counts as settled until dropped.
pub struct Queued {
    gate: Arc<RaceGate>,
}

impl Drop for Queued {
    fn drop(&mut self) {
        self.gate.settled.fetch_sub(1, SeqCst);
    }
}
