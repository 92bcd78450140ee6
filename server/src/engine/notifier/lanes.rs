//! One lane per webhook URL, so that a dead webhook delays only itself.
//! A lane claims its URL's messages as they fall due and delivers at most
//! [`IN_FLIGHT_PER_URL`] at once; a failed try goes back to the outbox with
//! its next time, freeing its slot, so a URL in backoff holds nothing.
//! Between messages a lane sleeps until the next one is due, until the
//! intake wakes it, or for [`POLL`] (messages queued by other processes,
//! claims whose process died).

use super::delivery::Delivery;
use super::rules::Target;
use crate::engine::store::notifications;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, Semaphore};
use tokio::task::JoinHandle;

/// Deliveries to one URL at once, per process.
pub const IN_FLIGHT_PER_URL: usize = 2;
/// The longest a lane sleeps without looking at the outbox.
const POLL: Duration = Duration::from_secs(2);
/// The pause after a message that looked due could not be claimed (another
/// process holds it), or after the database failed.
const SHORT: Duration = Duration::from_millis(200);

/// One URL's lane.
struct Lane {
    target: Arc<Target>,
    wake: Notify,
    slots: Arc<Semaphore>,
}

/// Every URL's lane, by the URL's key.
pub struct Lanes {
    by_key: HashMap<String, Arc<Lane>>,
}

impl Lanes {
    pub fn new(targets: &[Arc<Target>]) -> Lanes {
        let by_key = targets
            .iter()
            .map(|target| {
                let lane = Lane {
                    target: Arc::clone(target),
                    wake: Notify::new(),
                    slots: Arc::new(Semaphore::new(IN_FLIGHT_PER_URL)),
                };
                (target.key.clone(), Arc::new(lane))
            })
            .collect();
        Lanes { by_key }
    }

    /// Makes the lane of `key` look at the outbox now.
    pub fn wake(&self, key: &str) {
        if let Some(lane) = self.by_key.get(key) {
            lane.wake.notify_one();
        }
    }

    /// Starts every lane; each claim holds its message for `lease`.
    pub fn spawn(&self, delivery: &Arc<Delivery>, lease: Duration) -> Vec<JoinHandle<()>> {
        self.by_key.values().map(|lane| tokio::spawn(run(Arc::clone(lane), Arc::clone(delivery), lease))).collect()
    }
}

async fn run(lane: Arc<Lane>, delivery: Arc<Delivery>, lease: Duration) {
    let db = delivery.db.clone();
    let key = lane.target.key.as_str();
    loop {
        let Ok(slot) = Arc::clone(&lane.slots).acquire_owned().await else { return };
        let wait = match notifications::next_due(&db, key).await {
            Ok(Some(wait)) if wait.is_zero() => match notifications::claim(&db, key, lease).await {
                Ok(Some(claimed)) => {
                    let (lane, delivery) = (Arc::clone(&lane), Arc::clone(&delivery));
                    tokio::spawn(async move {
                        delivery.deliver(&lane.target, claimed).await;
                        drop(slot);
                        lane.wake.notify_one();
                    });
                    continue;
                }
                Ok(None) => SHORT,
                Err(error) => {
                    tracing::warn!(%error, to = %lane.target.host, "cannot claim a notification");
                    SHORT
                }
            },
            Ok(Some(wait)) => wait.min(POLL),
            Ok(None) => POLL,
            Err(error) => {
                tracing::warn!(%error, to = %lane.target.host, "cannot read the notification outbox");
                POLL
            }
        };
        drop(slot);
        tokio::select! {
            () = lane.wake.notified() => {}
            () = tokio::time::sleep(wait) => {}
        }
    }
}
