//! Executes one claimed run: builds its context, runs the task on its own
//! tokio task (so a panic is caught and never takes the worker down), stops
//! it at its timeout or after a cancel's grace period, and hands the
//! settlement to the finisher.

use super::Shared;
use super::catalog::Runner;
use super::command::run_command;
use super::context::{ContextParts, TaskContext};
use super::outcome::{AttemptFacts, Outcome, settle};
use super::run::ClaimedRun;
use super::store::Settlement;
use super::task::{TaskError, TaskResult};
use crate::clock::now_micros;
use futures::future::BoxFuture;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, OwnedSemaphorePermit, mpsc, watch};
use tokio::task::JoinHandle;

/// What every execution of one worker pool hands its results to.
pub struct Executor {
    pub engine: Arc<Shared>,
    /// Settlements on their way to the database.
    pub finished: mpsc::Sender<Settlement>,
    /// Notified whenever an execution ends, so that the claim loop takes another.
    pub slot_freed: Notify,
}

impl Executor {
    /// Runs `run` to its end and sends the settlement to the finisher. The
    /// permit is the slot in the pool's concurrency that the run holds.
    pub async fn execute(self: Arc<Self>, run: ClaimedRun, permit: OwnedSemaphorePermit) {
        let started_at = now_micros();
        let shared = &self.engine;
        let claim = run.claim;
        let (cancel_sender, cancel) = watch::channel(run.cancel_requested);
        let context = TaskContext::new(
            ContextParts {
                claim,
                outbound: shared.settings.outbound,
                task: run.task.clone(),
                arguments: run.arguments.clone().unwrap_or_default(),
                started_by: run.started_by.clone(),
                run_as: run.run_as.clone(),
            },
            cancel.clone(),
            Arc::clone(&shared.reporter),
        );
        let (future, timeout, retry_backoff) = task_future(shared, &run, &context);

        let mut handle = tokio::spawn(future);
        shared.running.insert(claim, cancel_sender, handle.abort_handle());
        let outcome = wait_for(&mut handle, timeout, cancel.clone(), shared.settings.cancel_grace).await;
        shared.running.remove(claim);
        drop(permit);
        self.slot_freed.notify_one();

        // `None`: stopped by shutdown or because the claim was lost; the run is
        // re-queued or rescued, so nothing is recorded here.
        let Some(outcome) = outcome else { return };
        let settlement = settle(
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
        if self.finished.send(settlement).await.is_err() {
            tracing::error!(run = %claim.run, "the finisher stopped; the run will be rescued when its lease expires");
        }
    }
}

/// The task's future for `run`, its timeout and its retry backoff.
fn task_future(
    shared: &Shared,
    run: &ClaimedRun,
    context: &TaskContext,
) -> (BoxFuture<'static, TaskResult>, Option<Duration>, Duration) {
    let default_backoff = Duration::from_secs(1);
    let arguments = match &run.arguments {
        Ok(arguments) => arguments.clone(),
        Err(detail) => {
            let message = format!("The run's stored arguments cannot be read: {detail}");
            return (crash("unreadable_arguments", message), None, default_backoff);
        }
    };
    let Some(task) = shared.catalog.get(&run.task) else {
        return (crash("unknown_task", "this server does not know the task".to_owned()), None, default_backoff);
    };
    let future: BoxFuture<'static, TaskResult> = match &task.runner {
        Runner::Function(function) => function(context.clone(), arguments),
        Runner::Command(spec) => {
            let (spec, context) = (Arc::clone(spec), context.clone());
            Box::pin(async move { run_command(&spec, context).await })
        }
        Runner::External => crash("external", "runs of external tasks are reported, not run here".to_owned()),
        // The Celery worker holds the time limit: a task queued long is not late.
        Runner::Celery(celery) => {
            let Some(runner) = shared.celery.get().cloned() else {
                return (crash("celery", "this server has no [celery] broker".to_owned()), None, default_backoff);
            };
            let (celery, context) = (Arc::clone(celery), context.clone());
            let future: BoxFuture<'static, TaskResult> = Box::pin(async move { runner.run(&celery, context).await });
            return (future, None, task.retry_backoff);
        }
    };
    (future, task.timeout, task.retry_backoff)
}

fn crash(kind: &'static str, message: String) -> BoxFuture<'static, TaskResult> {
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
