//! The trimmer: keeps each task's history to its limit, after the changes
//! that add to it have committed. Requests that arrive while a trim runs are
//! merged, so a busy task is trimmed once per round, not once per batch.
//! (Readers never see more than the limit anyway: history queries stop at it.)

use super::Catalog;
use super::store;
use crate::db::Db;
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

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
        } else {
            // Failed trims are tried again after a pause, with whatever came meanwhile.
            tokio::time::sleep(Duration::from_millis(500)).await;
            while let Ok(task) = queue.try_recv() {
                received.push(task);
            }
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
