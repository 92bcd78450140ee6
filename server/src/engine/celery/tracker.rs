//! Follows the Celery tasks of the runs under way in this process: reads
//! their states from the result backend in batches, every poll interval and
//! at once after an event about one of them, and passes each change and
//! each event to the run waiting on it. The backend is the truth; events
//! only make it faster and add log lines, so missed events (a disconnect,
//! events turned off) cost time, never a run. Task events about tasks that
//! no run here waits on go to the foreign-run channel.

use super::backend::{ResultBackend, TaskState};
use super::events::{EventFeed, EventStream, TaskEvent, TaskEventKind};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::sync::{Notify, mpsc};

/// Changes queued for one run before the oldest are dropped (the backend
/// is read again anyway).
const WATCH_CAPACITY: usize = 32;
/// The shortest pause between two reads of the backend, however many
/// events come in.
const MIN_POLL_GAP: Duration = Duration::from_millis(50);

/// What a waiting run is told.
#[derive(Clone, Debug, PartialEq)]
pub enum Observation {
    /// The backend records a new state.
    State(TaskState),
    /// A worker sent an event about the task.
    Event(Box<TaskEvent>),
}

struct Watcher {
    sender: mpsc::Sender<Observation>,
    last: TaskState,
}

/// The runs under way here, by Celery task id.
#[derive(Default)]
pub struct Tracker {
    watchers: Mutex<HashMap<String, Watcher>>,
    wake: Notify,
}

/// A run's subscription; dropping it stops following the task.
pub struct Watch {
    id: String,
    tracker: Arc<Tracker>,
    pub receiver: mpsc::Receiver<Observation>,
}

impl Drop for Watch {
    fn drop(&mut self) {
        self.tracker.lock().remove(&self.id);
    }
}

impl Tracker {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Watcher>> {
        self.watchers.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Starts following task `id`; its first state comes with the next read.
    pub fn watch(self: &Arc<Self>, id: String) -> Watch {
        let (sender, receiver) = mpsc::channel(WATCH_CAPACITY);
        self.lock().insert(id.clone(), Watcher { sender, last: TaskState::Pending });
        self.wake.notify_one();
        Watch { id, tracker: Arc::clone(self), receiver }
    }

    /// How many tasks are followed.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Reads the backend for every followed task each `interval` (sooner
    /// when woken), for as long as the process runs.
    pub async fn poll_loop(self: Arc<Self>, backend: Arc<ResultBackend>, interval: Duration) {
        // An outage is told once when it starts and once when it ends.
        let mut failing = false;
        loop {
            tokio::select! {
                () = tokio::time::sleep(interval) => {}
                () = self.wake.notified() => {}
            }
            let ids: Vec<String> = self.lock().keys().cloned().collect();
            if ids.is_empty() {
                continue;
            }
            match backend.states(&ids).await {
                Ok(states) => {
                    if std::mem::take(&mut failing) {
                        tracing::info!("the Celery result backend answers again");
                    }
                    self.deliver(ids.into_iter().zip(states));
                }
                Err(error) if !failing => {
                    failing = true;
                    tracing::warn!(%error, tasks = ids.len(), "cannot read the Celery result backend; trying again");
                }
                Err(_) => {}
            }
            tokio::time::sleep(MIN_POLL_GAP).await;
        }
    }

    /// Passes on the states that changed since a run was last told.
    fn deliver(&self, states: impl IntoIterator<Item = (String, TaskState)>) {
        let mut watchers = self.lock();
        for (id, state) in states {
            let Some(watcher) = watchers.get_mut(&id) else { continue };
            if watcher.last != state && watcher.sender.try_send(Observation::State(state.clone())).is_ok() {
                watcher.last = state;
            }
        }
    }

    /// Hands the workers' task events to the runs they are about, waking
    /// the backend read on each change of state; a `task-received` about a
    /// task no run here follows goes to `foreign`.
    pub async fn event_loop(self: Arc<Self>, mut events: EventStream, foreign: Option<mpsc::Sender<TaskEvent>>) {
        while let Some(feed) = events.recv().await {
            let event = match feed {
                // Events sent while the feed was away are lost: read the backend now.
                EventFeed::Connected => {
                    self.wake.notify_one();
                    continue;
                }
                EventFeed::Task(event) => event,
            };
            let followed = {
                let watchers = self.lock();
                watchers.get(&event.task_id).map(|watcher| watcher.sender.clone())
            };
            match followed {
                Some(sender) => {
                    if event.kind != TaskEventKind::Received {
                        self.wake.notify_one();
                    }
                    let _ = sender.try_send(Observation::Event(event));
                }
                None if event.kind == TaskEventKind::Received => {
                    if let Some(foreign) = &foreign
                        && foreign.try_send(*event).is_err()
                    {
                        tracing::warn!("too many foreign Celery tasks at once; some are not recorded");
                    }
                }
                None => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[tokio::test]
    async fn a_run_is_told_each_change_once_and_forgotten_when_it_stops_watching() {
        let tracker = Arc::new(Tracker::default());
        let mut watch = tracker.watch("a".to_owned());
        let started = TaskState::Started { hostname: Some("w@h".to_owned()), pid: None };
        tracker.deliver([("a".to_owned(), TaskState::Pending), ("b".to_owned(), started.clone())]);
        tracker.deliver([("a".to_owned(), started.clone())]);
        tracker.deliver([("a".to_owned(), started.clone())]);
        let done = TaskState::Success { result: json!(1) };
        tracker.deliver([("a".to_owned(), done.clone())]);
        assert_eq!(watch.receiver.recv().await, Some(Observation::State(started)));
        assert_eq!(watch.receiver.recv().await, Some(Observation::State(done)));
        assert!(watch.receiver.try_recv().is_err(), "pending and repeats are not passed on");
        assert_eq!(tracker.len(), 1);
        drop(watch);
        assert!(tracker.is_empty());
    }
}
