//! Executes one claimed run: builds its context, runs the task on its own
//! tokio task (so a panic is caught and never takes the worker down), stops
//! it at its timeout or after a cancel's grace period, and hands the
//! settlement to the finisher.

use super::catalog::Runner;
use super::command::run_command;
use super::context::{ContextParts, TaskContext};
use super::outcome::{AttemptFacts, Outcome, settle};
use super::store::Settlement;
use super::task::{TaskError, TaskResult};
use super::worker::Pool;
use crate::clock::now_micros;
use crate::db::entities::runs;
use futures::future::BoxFuture;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, watch};
use tokio::task::JoinHandle;
use types::{Actor, ActorKind, RunId};

/// Runs `run` to its end and sends the settlement to the finisher. The
/// permit is the slot in the pool's concurrency that the run holds.
pub async fn execute(pool: Arc<Pool>, run: runs::Model, permit: OwnedSemaphorePermit) {
    let started_at = now_micros();
    let shared = &pool.engine;
    let task = shared.catalog.get(&run.task).cloned();
    let (cancel_sender, cancel) = watch::channel(run.cancel_requested);
    let arguments = serde_json::from_str(&run.arguments).unwrap_or(serde_json::Value::Null);
    let context = TaskContext::new(
        ContextParts {
            run_id: RunId(run.id),
            task: run.task.clone(),
            arguments: arguments.clone(),
            started_by: Actor {
                kind: ActorKind::parse(&run.started_by_kind).unwrap_or(ActorKind::Cli),
                name: run.started_by_name.clone(),
            },
            run_as: run.run_as.clone(),
            attempt: u32::try_from(run.attempt).unwrap_or(1),
        },
        cancel.clone(),
        Arc::clone(&shared.reporter),
    );
    let (future, timeout, retry_backoff): (BoxFuture<'static, TaskResult>, _, _) = match task {
        Some(task) => {
            let future: BoxFuture<'static, TaskResult> = match &task.runner {
                Runner::Function(function) => function(context.clone(), arguments),
                Runner::Command(spec) => {
                    let (spec, context) = (Arc::clone(spec), context.clone());
                    Box::pin(async move { run_command(&spec, context).await })
                }
                Runner::External => crash("external", "runs of external tasks are reported, not run here"),
            };
            (future, task.timeout, task.retry_backoff)
        }
        None => (crash("unknown_task", "this server does not know the task"), None, Duration::from_secs(1)),
    };

    let mut handle = tokio::spawn(future);
    shared.running.insert(run.id, cancel_sender, handle.abort_handle());
    let outcome = wait_for(&mut handle, timeout, cancel.clone(), shared.settings.cancel_grace).await;
    shared.running.remove(run.id);
    drop(permit);
    pool.slot_freed.notify_one();

    // `None`: stopped by shutdown or because the lease was lost; the run is
    // re-queued or rescued elsewhere, so nothing is recorded here.
    let Some(outcome) = outcome else { return };
    let settlement: Settlement = settle(
        outcome,
        &AttemptFacts {
            run: &run,
            worker: &shared.worker_id,
            cancel_requested: *cancel.borrow(),
            retry_backoff,
            started_at,
            now: now_micros(),
            progress: context.last_progress(),
        },
    );
    if pool.finished.send(settlement).await.is_err() {
        tracing::error!(run = %run.id, "the finisher stopped; the run will be rescued when its lease expires");
    }
}

fn crash(kind: &'static str, message: &'static str) -> BoxFuture<'static, TaskResult> {
    Box::pin(async move { Err(TaskError::crash(kind, message)) })
}

/// Waits for the task, its timeout, or a cancel's deadline, whichever comes first.
async fn wait_for(
    handle: &mut JoinHandle<TaskResult>,
    timeout: Option<Duration>,
    mut cancel: watch::Receiver<bool>,
    cancel_grace: Duration,
) -> Option<Outcome> {
    let time_limit = async {
        match timeout {
            Some(limit) => tokio::time::sleep(limit).await,
            None => std::future::pending().await,
        }
    };
    let cancel_deadline = async {
        if cancel.wait_for(|cancelled| *cancelled).await.is_err() {
            std::future::pending::<()>().await;
        }
        tokio::time::sleep(cancel_grace).await;
    };
    tokio::select! {
        joined = &mut *handle => match joined {
            Ok(result) => Some(Outcome::Returned(result)),
            Err(error) if error.is_panic() => Some(Outcome::Panicked(panic_text(error.into_panic()))),
            Err(_) => None,
        },
        () = time_limit => {
            handle.abort();
            timeout.map(Outcome::TimedOut)
        }
        () = cancel_deadline => {
            handle.abort();
            Some(Outcome::ForcedCancel)
        }
    }
}

/// The text a panic was raised with.
fn panic_text(payload: Box<dyn std::any::Any + Send>) -> String {
    match payload.downcast::<String>() {
        Ok(text) => *text,
        Err(payload) => match payload.downcast::<&'static str>() {
            Ok(text) => (*text).to_owned(),
            Err(_) => "the task panicked".to_owned(),
        },
    }
}
