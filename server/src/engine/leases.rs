//! Keeping leases alive and taking back the runs of lost workers.
//!
//! The heartbeat renews the claim of every execution under way here, passes
//! on cancels asked from other processes, and stops an execution at once
//! when its claim is gone (a rescuer took the run back while this process
//! stalled: running it on would run it twice). The rescuer, in every
//! process with workers, re-queues or fails runs whose lease expired.

use super::Shared;
use super::lifecycle;
use super::run::Claim;
use super::store::{self, StoreError};
use crate::clock::now_micros;
use std::collections::HashSet;
use std::sync::Arc;
use tokio::sync::watch;
use types::RunId;

pub async fn heartbeat_loop(engine: Arc<Shared>, mut stop: watch::Receiver<bool>) {
    let lease = engine.settings.lease;
    loop {
        tokio::select! {
            () = tokio::time::sleep(lease / 3) => {}
            _ = stop.changed() => return,
        }
        let held = engine.running.claims();
        match store::heartbeat(&engine.db, &engine.worker_id, &held, lease).await {
            Ok(renewed) => {
                let kept: HashSet<Claim> = renewed.iter().map(|renewed| renewed.claim).collect();
                for renewed in renewed.iter().filter(|renewed| renewed.cancel_requested) {
                    engine.running.signal_cancel(renewed.claim.run);
                }
                for lost in held.into_iter().filter(|claim| !kept.contains(claim)) {
                    if engine.running.abort(lost) {
                        tracing::warn!(run = %lost.run, attempt = lost.attempt, "lost the claim of a run; stopped it here");
                    }
                }
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
pub async fn rescue_once(engine: &Arc<Shared>) -> Result<usize, StoreError> {
    let lost = store::lost_runs(&engine.db).await?;
    if lost.is_empty() {
        return Ok(0);
    }
    let elsewhere = |task: &str| engine.catalog.get(task).is_some_and(|task| task.is_celery());
    let rescued = store::rescue(&engine.db, &lost, elsewhere, now_micros()).await?;
    for ended in &rescued {
        let Some(run) = lost.iter().find(|run| RunId(run.id) == ended.id) else { continue };
        tracing::warn!(run = %run.id, task = %run.task, worker = ?run.lease_owner, state = %ended.state, "rescued a run of a lost worker");
        // This process may be the one that stalled: its execution is stale now.
        let stale = Claim { run: ended.id, attempt: u32::try_from(run.attempt).unwrap_or(0) };
        engine.running.abort(stale);
    }
    lifecycle::runs_ended(engine, &rescued);
    Ok(rescued.len())
}
