//! The trimmer: keeps each task's history to its limit, after the changes
//! that add to it have committed. A round starts a few milliseconds after
//! its first request, and requests that arrive meanwhile or while a trim
//! runs are merged, so a busy task is trimmed once per round, not once per
//! batch of starts or ends. (Readers never see more than the limit anyway:
//! history queries stop at it.)

use super::Catalog;
use super::store;
use crate::db::Db;
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

/// How long a round waits after its first request, gathering others: on a
/// busy SQLite, a trim per batch took the one writer a fifth of the time
/// (`bench --http --figures start`: 10,106 → 11,142 req/s, medians of 3).
const GATHER: Duration = Duration::from_millis(5);

/// Where trims are asked for.
#[derive(Clone)]
pub struct Trimmer {
    requests: mpsc::UnboundedSender<String>,
}

impl Trimmer {
    pub fn spawn(db: Db, catalog: Arc<Catalog>) -> Trimmer {
        let (requests, queue) = mpsc::unbounded_channel();
        tokio::spawn(run(db, catalog, queue));
        Trimmer { requests }
    }

    /// Trims `task` soon (after whatever is committing now).
    pub fn request(&self, task: &str) {
        let _ = self.requests.send(task.to_owned());
    }
}

async fn run(db: Db, catalog: Arc<Catalog>, mut queue: mpsc::UnboundedReceiver<String>) {
    let mut due = BTreeSet::new();
    let mut received = Vec::new();
    loop {
        if due.is_empty() {
            if queue.recv_many(&mut received, 1024).await == 0 {
                return;
            }
            tokio::time::sleep(GATHER).await;
        } else {
            // Failed trims are tried again after a pause, with whatever came meanwhile.
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        while let Ok(task) = queue.try_recv() {
            received.push(task);
        }
        due.extend(received.drain(..));
        for task in std::mem::take(&mut due) {
            if let Err(error) = store::trim_history(&db, &task, catalog.history_limit(&task)).await {
                tracing::warn!(%task, %error, "could not trim a task's history; trying again");
                due.insert(task);
            }
        }
    }
}
