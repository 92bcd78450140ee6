//! The runs executing in this process: how to signal each one's cancel, and
//! how to stop it when its deadline passes or the process shuts down.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::watch;
use tokio::task::AbortHandle;
use uuid::Uuid;

struct Entry {
    cancel: watch::Sender<bool>,
    abort: AbortHandle,
}

/// Shared by the executors, the heartbeat, the listener and the service.
#[derive(Clone, Default)]
pub struct RunningRuns(Arc<Mutex<HashMap<Uuid, Entry>>>);

impl RunningRuns {
    fn with<T>(&self, f: impl FnOnce(&mut HashMap<Uuid, Entry>) -> T) -> T {
        let mut map = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        f(&mut map)
    }

    pub fn insert(&self, id: Uuid, cancel: watch::Sender<bool>, abort: AbortHandle) {
        self.with(|map| map.insert(id, Entry { cancel, abort }));
    }

    pub fn remove(&self, id: Uuid) {
        self.with(|map| map.remove(&id));
    }

    /// Tells the run's task that a cancel was asked; false when it is not running here.
    pub fn signal_cancel(&self, id: Uuid) -> bool {
        self.with(|map| map.get(&id).map(|entry| entry.cancel.send_replace(true))).is_some()
    }

    /// Stops the run's task at once (its lease was lost).
    pub fn abort(&self, id: Uuid) {
        self.with(|map| {
            if let Some(entry) = map.remove(&id) {
                entry.abort.abort();
            }
        });
    }

    /// Stops every task (shutdown after the grace period).
    pub fn abort_all(&self) {
        self.with(|map| {
            for (_, entry) in map.drain() {
                entry.abort.abort();
            }
        });
    }

    pub fn ids(&self) -> Vec<Uuid> {
        self.with(|map| map.keys().copied().collect())
    }

    pub fn len(&self) -> usize {
        self.with(|map| map.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
