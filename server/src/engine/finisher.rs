//! The finisher: writes settlements to the database in batches (all that
//! arrived while the previous batch was being written), retrying on errors
//! so that no outcome is lost while the process lives.

use super::Shared;
use super::store::{self, Settlement};
use crate::clock::now_micros;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

/// The most settlements written in one transaction.
const MAX_BATCH: usize = 2048;

pub async fn run(engine: Arc<Shared>, mut settlements: mpsc::Receiver<Settlement>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while settlements.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let mut delay = Duration::from_millis(50);
        loop {
            match store::finish(&engine.db, &engine.worker_id, &batch).await {
                Ok(finished) => {
                    let mut ended = std::collections::BTreeSet::new();
                    for (id, task, state) in &finished {
                        engine.metrics.run_finished(task, state);
                        if state == "pending" {
                            wake_for_retry(&engine, &batch, *id);
                        } else {
                            ended.insert(task.as_str());
                            let _ = engine.finished_runs.send(*id);
                        }
                    }
                    for task in ended {
                        engine.trimmer.request(task);
                    }
                    break;
                }
                Err(error) => {
                    tracing::error!(%error, runs = batch.len(), "could not record finished runs; retrying");
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_secs(5));
                }
            }
        }
        batch.clear();
    }
}

/// Wakes the claim loop when a retried run becomes claimable.
fn wake_for_retry(engine: &Arc<Shared>, batch: &[Settlement], id: uuid::Uuid) {
    let Some(settlement) = batch.iter().find(|settlement| settlement.run_id == id) else {
        return;
    };
    let wait = u64::try_from(settlement.run_after - now_micros()).unwrap_or(0);
    let engine = Arc::clone(engine);
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_micros(wait)).await;
        engine.work.notify_one();
    });
}
