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
    /// Arrivals per phase, waiting or queued.
    arrived: [AtomicUsize; PHASES],
    /// Arrivals per phase that wait in the gate (all but the one that completes the rendezvous).
    /// They stay stuck exactly while `arrived < target` and the gate is not released.
    waiting: [AtomicUsize; PHASES],
    /// Threads that blocked behind a holder (see [`RaceGate::queue`]), and those done with it: two
    /// counters rather than one, so that every counter only grows (see [`RaceGate::settled`]).
    queued: AtomicUsize,
    unqueued: AtomicUsize,
    /// Tasks finished.
    done: AtomicUsize,
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
            waiting: Default::default(),
            queued: AtomicUsize::new(0),
            unqueued: AtomicUsize::new(0),
            done: AtomicUsize::new(0),
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

    fn enabled(&self, phase: Phase) -> bool {
        self.phases.get(phase as usize) == Some(&true)
    }

    fn arrived_at(&self, phase: usize) -> usize {
        self.arrived.get(phase).map_or(0, |a| a.load(SeqCst))
    }

    /// Every counter, in one read.
    fn collect(&self) -> [usize; 2 * PHASES + 3] {
        let mut all = [0; 2 * PHASES + 3];
        let counters = self.arrived.iter().chain(&self.waiting).chain([
            &self.queued,
            &self.unqueued,
            &self.done,
        ]);
        for (value, counter) in all.iter_mut().zip(counters) {
            *value = counter.load(SeqCst);
        }
        all
    }

    /// Tasks that are finished or stuck (waiting in the gate, or queued behind a holder), from a
    /// consistent view of the counters: they only grow, so two equal reads in a row saw values that
    /// all held at one instant. (One read could mix a thread still waiting at an earlier phase with
    /// the same phase already completed and another thread waiting at the next one.)
    fn settled(&self) -> usize {
        let mut view = self.collect();
        loop {
            let again = self.collect();
            if again == view {
                break;
            }
            view = again;
        }
        let (arrived, rest) = view.split_at(PHASES);
        let (waiting, rest) = rest.split_at(PHASES);
        let stuck_in_gate: usize = arrived
            .iter()
            .zip(waiting)
            .filter(|(&a, _)| a < self.target)
            .map(|(_, &w)| w)
            .sum();
        let [queued, unqueued, done] = rest else {
            return 0;
        };
        done + queued.saturating_sub(*unqueued) + stuck_in_gate
    }

    fn open(&self, phase: Phase) -> bool {
        if self.released.load(SeqCst) || self.arrived_at(phase as usize) >= self.target {
            return true;
        }
        if self.settled() >= self.total {
            // Nobody else can arrive: open for good.
            self.release();
            return true;
        }
        false
    }

    /// Arrives at `phase` and, if among the first `target`, waits there for the others.
    pub fn meet(&self, phase: Phase) {
        if !self.enabled(phase) {
            return;
        }
        let (Some(arrived), Some(waiting)) = (
            self.arrived.get(phase as usize),
            self.waiting.get(phase as usize),
        ) else {
            return;
        };
        if arrived.fetch_add(1, SeqCst) + 1 >= self.target {
            return; // completes the rendezvous, or comes after it
        }
        waiting.fetch_add(1, SeqCst);
        while !self.open(phase) {
            std::thread::yield_now();
            std::hint::spin_loop();
        }
    }

    /// Arrives at `phase` without waiting, before blocking on whoever holds the window (a flight or a
    /// lock); hold the token while blocked.
    pub fn queue(self: &Arc<Self>, phase: Phase) -> Queued {
        if self.enabled(phase) {
            if let Some(arrived) = self.arrived.get(phase as usize) {
                arrived.fetch_add(1, SeqCst);
            }
        }
        self.queued.fetch_add(1, SeqCst);
        Queued {
            gate: Arc::clone(self),
        }
    }

    /// One task finished.
    pub fn task_done(&self) {
        self.done.fetch_add(1, SeqCst);
    }

    /// Opens the gate for good (a simulated crash ends the rendezvous).
    pub fn release(&self) {
        self.released.store(true, SeqCst);
    }

    /// Arrivals so far at `phase`.
    pub fn arrivals(&self, phase: Phase) -> usize {
        self.arrived_at(phase as usize)
    }
}

/// A thread blocked behind the gate's holder; counts as stuck until dropped.
pub struct Queued {
    gate: Arc<RaceGate>,
}

impl Drop for Queued {
    fn drop(&mut self) {
        self.gate.unqueued.fetch_add(1, SeqCst);
    }
}
