//! The executions under way in this process, each under its claim (a run
//! and an attempt): how to signal its cancel, and how to stop it when its
//! deadline passes, its claim is lost, or the process shuts down. Two
//! executions of one run (the first one stalled and was taken back) are two
//! entries; stopping the stale one leaves the other alone.

use super::run::Claim;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::watch;
use tokio::task::AbortHandle;
use types::RunId;

struct Entry {
    cancel: watch::Sender<bool>,
    abort: AbortHandle,
}

/// Shared by the executors, the heartbeat, the rescuer, the listener and the engine.
#[derive(Clone, Default)]
pub struct RunningRuns(Arc<Mutex<HashMap<Claim, Entry>>>);

impl RunningRuns {
    fn with<T>(&self, f: impl FnOnce(&mut HashMap<Claim, Entry>) -> T) -> T {
        let mut map = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        f(&mut map)
    }

    pub fn insert(&self, claim: Claim, cancel: watch::Sender<bool>, abort: AbortHandle) {
        self.with(|map| map.insert(claim, Entry { cancel, abort }));
    }

    pub fn remove(&self, claim: Claim) {
        self.with(|map| map.remove(&claim));
    }

    /// Tells the run's task that a cancel was asked; false when it is not running here.
    pub fn signal_cancel(&self, run: RunId) -> bool {
        self.with(|map| {
            let mut found = false;
            for (claim, entry) in map.iter() {
                if claim.run == run {
                    entry.cancel.send_replace(true);
                    found = true;
                }
            }
            found
        })
    }

    /// Stops the execution under `claim` at once (its claim was lost);
    /// false when it had already ended.
    pub fn abort(&self, claim: Claim) -> bool {
        self.with(|map| map.remove(&claim).map(|entry| entry.abort.abort())).is_some()
    }

    /// Stops every execution (shutdown after the grace period).
    pub fn abort_all(&self) {
        self.with(|map| {
            for (_, entry) in map.drain() {
                entry.abort.abort();
            }
        });
    }

    pub fn claims(&self) -> Vec<Claim> {
        self.with(|map| map.keys().copied().collect())
    }

    pub fn len(&self) -> usize {
        self.with(|map| map.len())
    }
}
