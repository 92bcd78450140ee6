//! Starts taken at once. When this process runs a started run's task, has a
//! free slot for it, and its queue holds nothing older, the run is inserted
//! already claimed (running, attempt 1, under this worker's lease on the
//! database's clock) and handed straight to its pool. That saves a claim
//! statement and a wake-up per run. From there on the run is like any
//! claimed run: heartbeat, rescue when this process dies, fenced outcome.
//!
//! "Nothing older" is what the claim loop saw last: a claim that came back
//! short, with no wake-up since (see [`Shared::wake_workers`]). A run
//! started while the queue holds claimable runs joins the queue behind them.
//!
//! Each pool has a gate. A start holds it open from taking a slot until the
//! execution is spawned (or the insert failed). Shutdown closes it, waiting
//! for those starts, before it waits for the executions.

use super::Shared;
use super::run::{Claim, ClaimedRun, NewRun};
use super::worker::Pool;
use crate::clock::now_micros;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, PoisonError, Weak};
use tokio::sync::{OwnedRwLockReadGuard, OwnedSemaphorePermit};
use types::{RunId, RunState};

/// The pools that may take starts at once.
#[derive(Default)]
pub(super) struct Intake {
    pools: Mutex<Vec<Weak<Pool>>>,
}

impl Intake {
    /// Lets `pools` take starts from now on.
    pub(super) fn register(&self, pools: impl IntoIterator<Item = Weak<Pool>>) {
        let mut registered = self.pools.lock().unwrap_or_else(PoisonError::into_inner);
        registered.retain(|pool| pool.strong_count() > 0);
        registered.extend(pools);
    }

    /// Splits `runs` into those taken now (each with its slot, marked
    /// running and started now) and those left for the queue.
    pub(super) fn take<'a>(&self, engine: &Shared, runs: &'a [NewRun]) -> Taken<'a> {
        let mut taken = Taken { runs: Vec::new(), slots: Vec::new(), queued: Vec::with_capacity(runs.len()) };
        let pools: Vec<Arc<Pool>> = {
            let registered = self.pools.lock().unwrap_or_else(PoisonError::into_inner);
            registered.iter().filter_map(Weak::upgrade).collect()
        };
        let wakes = engine.wakes.load(Ordering::SeqCst);
        let mut open: Vec<Arc<Pool>> =
            pools.into_iter().filter(|pool| pool.drained_at.load(Ordering::SeqCst) == wakes).collect();
        let now = now_micros();
        for run in runs {
            let pool = open.iter().position(|pool| pool.paths.contains(&run.task));
            let slot = match pool {
                Some(index) if run.state == RunState::Pending => {
                    let slot = Slot::take(&open[index]);
                    if slot.is_none() {
                        // Full (or closing): the batch's later starts queue behind this one.
                        open.swap_remove(index);
                    }
                    slot
                }
                _ => None,
            };
            match slot {
                Some(slot) => {
                    taken.runs.push(NewRun { state: RunState::Running, started_at: Some(now), ..run.clone() });
                    taken.slots.push(slot);
                }
                None => taken.queued.push(run),
            }
        }
        taken
    }
}

/// A batch of starts split by [`Intake::take`].
pub(super) struct Taken<'a> {
    /// The runs taken, marked running.
    pub runs: Vec<NewRun>,
    /// Their slots, in the same order.
    slots: Vec<Slot>,
    /// The runs left for the queue.
    pub queued: Vec<&'a NewRun>,
}

impl Taken<'_> {
    /// Every run of the batch, the taken ones first.
    pub(super) fn all(&self) -> impl Iterator<Item = &NewRun> {
        self.runs.iter().chain(self.queued.iter().copied())
    }

    /// Hands the taken runs, now committed, to their pools.
    pub(super) fn execute(self) {
        for (run, slot) in self.runs.into_iter().zip(self.slots) {
            slot.execute(claimed(run));
        }
    }
}

/// A slot taken in a pool for a start, with the pool's gate held open. A
/// slot dropped unused (the insert failed) is given back to the claim loop.
struct Slot {
    pool: Arc<Pool>,
    permit: Option<OwnedSemaphorePermit>,
    _gate: OwnedRwLockReadGuard<bool>,
}

impl Slot {
    fn take(pool: &Arc<Pool>) -> Option<Slot> {
        let gate = Arc::clone(&pool.gate).try_read_owned().ok().filter(|open| **open)?;
        let permit = Arc::clone(&pool.slots).try_acquire_owned().ok()?;
        Some(Slot { pool: Arc::clone(pool), permit: Some(permit), _gate: gate })
    }

    fn execute(mut self, run: ClaimedRun) {
        if let Some(permit) = self.permit.take() {
            tokio::spawn(Arc::clone(&self.pool.executor).execute(run, permit));
        }
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        if let Some(permit) = self.permit.take() {
            drop(permit);
            self.pool.executor.slot_freed.notify_one();
        }
    }
}

/// A taken run as its execution receives it (what a claim would return).
fn claimed(run: NewRun) -> ClaimedRun {
    ClaimedRun {
        claim: Claim { run: RunId(run.id.0), attempt: 1 },
        task: run.task,
        arguments: Ok(run.arguments),
        started_by: run.started_by,
        run_as: run.run_as,
        max_attempts: run.max_attempts,
        run_after: run.created_at,
        started_at: run.started_at,
        cancel_requested: false,
    }
}
