//! Keeping leases alive and taking back the runs of dead workers.
//!
//! The heartbeat renews every lease this process holds, passes on cancels
//! asked from other processes, and stops tasks whose lease another worker
//! took back. The rescuer, in every process with workers, re-queues or fails
//! runs whose lease expired.

use super::Shared;
use super::store;
use crate::clock::{micros, now_micros};
use std::collections::HashSet;
use std::sync::Arc;
use tokio::sync::watch;
use uuid::Uuid;

pub async fn heartbeat_loop(engine: Arc<Shared>, mut stop: watch::Receiver<bool>) {
    let lease = engine.settings.lease;
    let mut missing_before: HashSet<Uuid> = HashSet::new();
    loop {
        tokio::select! {
            () = tokio::time::sleep(lease / 3) => {}
            _ = stop.changed() => return,
        }
        let local = engine.running.ids();
        let lease_until = now_micros() + micros(lease);
        match store::heartbeat(&engine.db, &engine.worker_id, lease_until).await {
            Ok(held) => {
                let held_ids: HashSet<Uuid> = held.iter().map(|(id, _)| *id).collect();
                for (id, cancel) in held {
                    if cancel {
                        engine.running.signal_cancel(id);
                    }
                }
                // A run missing twice in a row was taken back by a rescuer:
                // running it on would run it twice.
                let missing: HashSet<Uuid> = local.into_iter().filter(|id| !held_ids.contains(id)).collect();
                for id in missing.intersection(&missing_before) {
                    tracing::warn!(run = %id, "lost the lease of a run; stopping it here");
                    engine.running.abort(*id);
                }
                missing_before = missing;
            }
            Err(error) => tracing::warn!(%error, "could not renew leases"),
        }
    }
}

pub async fn rescue_loop(engine: Arc<Shared>, mut stop: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            () = tokio::time::sleep(engine.settings.rescue_interval) => {}
            _ = stop.changed() => return,
        }
        if let Err(error) = rescue_once(&engine).await {
            tracing::warn!(%error, "could not rescue runs of lost workers");
        }
    }
}

/// Takes back every run whose lease has expired; returns how many.
pub async fn rescue_once(engine: &Shared) -> Result<usize, sea_orm::DbErr> {
    let now = now_micros();
    let lost = store::lost_runs(&engine.db, now).await?;
    if lost.is_empty() {
        return Ok(0);
    }
    let rescued = store::rescue(&engine.db, &lost, now).await?;
    for (run, state) in &rescued {
        tracing::warn!(run = %run.id, task = %run.task, worker = ?run.lease_owner, state, "rescued a run of a lost worker");
        engine.metrics.run_finished(&run.task, state);
        if *state == "pending" {
            engine.work.notify_one();
        } else {
            engine.trimmer.request(&run.task);
            let _ = engine.finished_runs.send(run.id);
        }
    }
    Ok(rescued.len())
}
