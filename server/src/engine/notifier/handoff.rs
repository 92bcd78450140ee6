//! The hand-off from the engine's bookkeeping to the notifier: a bounded
//! channel that never blocks whoever records an end. When it is full (the
//! outbox cannot keep up, or the database is away), ends are counted per
//! task and state, keeping only the latest: memory stays bounded by the
//! number of tasks, and the count still reaches the webhook as a digest.

use crate::engine::run::Ended;
use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use tokio::sync::mpsc::{self, error::TrySendError};
use types::RunState;

/// Ends counted while the channel was full: per task and state, how many
/// and the latest.
type Overflow = HashMap<(String, RunState), (Ended, u64)>;

/// The sending side, held by the engine.
pub struct Handoff {
    sender: mpsc::Sender<Ended>,
    overflow: Mutex<Overflow>,
}

impl Handoff {
    /// A hand-off that holds up to `capacity` ends before it counts them.
    pub fn new(capacity: usize) -> (Handoff, mpsc::Receiver<Ended>) {
        let (sender, receiver) = mpsc::channel(capacity.max(1));
        (Handoff { sender, overflow: Mutex::new(HashMap::new()) }, receiver)
    }

    /// Hands `ended` over at once, or counts it when the channel is full.
    pub fn tell(&self, ended: Ended) {
        match self.sender.try_send(ended) {
            Ok(()) | Err(TrySendError::Closed(_)) => {}
            Err(TrySendError::Full(ended)) => {
                let mut overflow = self.overflow.lock().unwrap_or_else(PoisonError::into_inner);
                if overflow.is_empty() {
                    tracing::warn!("runs end faster than their notifications are queued: counting them per task");
                }
                let key = (ended.task.clone(), ended.state);
                match overflow.get_mut(&key) {
                    Some((latest, count)) => {
                        *latest = ended;
                        *count += 1;
                    }
                    None => {
                        overflow.insert(key, (ended, 1));
                    }
                }
            }
        }
    }

    /// The ends counted so far (each the latest of its task and state, with
    /// how many it stands for), leaving none.
    pub fn take_overflow(&self) -> Vec<(Ended, u64)> {
        let mut overflow = self.overflow.lock().unwrap_or_else(PoisonError::into_inner);
        std::mem::take(&mut *overflow).into_values().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use types::RunId;

    fn failure(number: u128) -> Ended {
        Ended { id: RunId(uuid::Uuid::from_u128(number)), task: "t".to_owned(), state: RunState::Failure, run_after: 0 }
    }

    #[test]
    fn a_full_channel_counts_ends_and_keeps_the_latest() {
        let (handoff, mut receiver) = Handoff::new(2);
        for number in 1..=5 {
            handoff.tell(failure(number));
        }
        assert_eq!(receiver.try_recv().unwrap(), failure(1));
        assert_eq!(receiver.try_recv().unwrap(), failure(2));
        assert!(receiver.try_recv().is_err());
        assert_eq!(handoff.take_overflow(), [(failure(5), 3)]);
        assert!(handoff.take_overflow().is_empty());
    }
}
