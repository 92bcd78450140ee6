//! The Celery runner: executes a claimed run of a declared Celery task by
//! publishing its message (the run id is the Celery task id) and following
//! the task to its end through the [`Tracker`]. It holds the run's claim
//! the whole time, as any runner does, so a lost process's runs are taken
//! back by the lease rescue, and the engine settles them on its one fenced
//! path. A run handed off once is never sent again: the process that takes
//! it back follows it.

use super::backend::{ResultBackend, TaskState};
use super::broker::Broker;
use super::declared::{CeleryTask, Starter};
use super::error::CeleryError;
use super::events::{TaskEvent, TaskEventKind};
use super::pidbox::Signal;
use super::tracker::{Observation, Tracker};
use crate::config::CeleryConfig;
use crate::engine::context::TaskContext;
use crate::engine::task::{TaskError, TaskResult};
use std::collections::HashSet;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// Every broker and backend round trip is bounded by this.
const ROUND_TRIP: Duration = Duration::from_secs(5);
/// How often workers are asked to send events, when `enable_events` is on.
const ENABLE_EVENTS_EVERY: Duration = Duration::from_secs(5);
/// Events held for the tracker before the feed waits.
const EVENT_BACKLOG: usize = 10_000;
/// Foreign tasks held for recording before more are dropped.
const FOREIGN_BACKLOG: usize = 10_000;
/// What the runs page shows of a run on the broker that no worker began.
const QUEUED: &str = "Queued on Celery, waiting for a worker";
/// How often the workers are asked which tasks they have (sooner while
/// none has answered).
const REGISTERED_EVERY: Duration = Duration::from_secs(30);
const REGISTERED_RETRY: Duration = Duration::from_secs(3);
/// How long they get to answer.
const REGISTERED_WITHIN: Duration = Duration::from_secs(2);
/// The longest pause between two tries of an unavailable broker.
const MAX_BROKER_PAUSE: Duration = Duration::from_secs(5);

/// The Celery cluster of this process: its broker, backend and tracker.
pub struct CeleryRunner {
    broker: Broker,
    backend: Arc<ResultBackend>,
    tracker: Arc<Tracker>,
    broker_wait: Duration,
    /// Runs followed at once by this process.
    pub max_in_flight: usize,
    /// The task names the workers that answered last have; `None` until
    /// some answered.
    registered: Arc<RwLock<Option<HashSet<String>>>>,
    loops: Vec<JoinHandle<()>>,
}

impl Drop for CeleryRunner {
    fn drop(&mut self) {
        for task in &self.loops {
            task.abort();
        }
    }
}

impl CeleryRunner {
    /// Connects lazily to the configured broker and backend and starts
    /// following: backend reads, events (when `track_foreign` or
    /// `enable_events` asks for them), and the periodic `enable_events`.
    /// Returns the runner and, with `track_foreign`, the channel of tasks
    /// that other code sent.
    pub fn start(
        config: &CeleryConfig,
        name: &str,
    ) -> Result<(Arc<CeleryRunner>, Option<mpsc::Receiver<TaskEvent>>), CeleryError> {
        let (Some(broker_url), Some(backend_url)) = (&config.broker_url, &config.result_backend) else {
            return Err(CeleryError::InvalidUrl("[celery] needs broker_url and result_backend".to_owned()));
        };
        let broker = Broker::named(broker_url, &config.key_prefix, ROUND_TRIP, name)?;
        let backend = Arc::new(ResultBackend::new(backend_url, &config.key_prefix, ROUND_TRIP)?);
        let tracker = Arc::new(Tracker::default());
        let mut loops =
            vec![tokio::spawn(Arc::clone(&tracker).poll_loop(Arc::clone(&backend), config.poll_interval.0))];
        let (foreign_sender, foreign) = if config.track_foreign {
            let (sender, receiver) = mpsc::channel(FOREIGN_BACKLOG);
            (Some(sender), Some(receiver))
        } else {
            (None, None)
        };
        loops.push(tokio::spawn(Arc::clone(&tracker).event_loop(broker.events(EVENT_BACKLOG), foreign_sender)));
        if config.enable_events {
            let broker = broker.clone();
            loops.push(tokio::spawn(async move {
                loop {
                    if let Err(error) = broker.enable_events().await {
                        tracing::debug!(%error, "could not ask the Celery workers to send events");
                    }
                    tokio::time::sleep(ENABLE_EVENTS_EVERY).await;
                }
            }));
        }
        let registered = Arc::new(RwLock::new(None));
        loops.push(tokio::spawn(ask_registered(broker.clone(), Arc::clone(&registered))));
        let runner = CeleryRunner {
            registered,
            broker,
            backend,
            tracker,
            broker_wait: config.broker_wait.0,
            max_in_flight: config.max_in_flight,
            loops,
        };
        Ok((Arc::new(runner), foreign))
    }

    /// Whether the workers that answered lately lack the task `name`
    /// (false while none answered: then nobody knows).
    pub fn lacks(&self, name: &str) -> bool {
        let registered = self.registered.read().unwrap_or_else(PoisonError::into_inner);
        registered.as_ref().is_some_and(|names| !names.contains(name))
    }

    /// Runs `task` for the context's run: sends it unless an earlier
    /// execution did, then waits for its end; a cancel revokes it.
    pub async fn run(&self, task: &CeleryTask, context: TaskContext) -> TaskResult {
        let id = context.run_id().0;
        let mut watch = self.tracker.watch(id.to_string());
        if context.handed_off().await {
            match self.backend.state(&id.to_string()).await {
                Ok(state) if let Some(outcome) = task.outcome(&state) => return outcome,
                _ => context.log("Following the Celery task sent earlier.").await,
            }
        } else {
            let starter = Starter { user: &context.started_by().name, run_as: context.run_as() };
            let message = task
                .message(id, context.arguments(), &starter)
                .map_err(|message| TaskError::crash("arguments", message))?;
            self.publish(&message, &context).await?;
            context.hand_off().await;
            context.progress(None, QUEUED).await;
            context.log(format!("Sent to the Celery queue {:?}; waiting for a worker.", task.queue)).await;
        }
        let mut revoked = false;
        let mut started = false;
        loop {
            tokio::select! {
                observation = watch.receiver.recv() => match observation {
                    Some(Observation::State(state)) => {
                        if let Some(outcome) = task.outcome(&state) {
                            return ended(outcome, &state, revoked, &context).await;
                        }
                        progress(&state, &mut started, &context).await;
                    }
                    Some(Observation::Event(event)) => logged_event(&event, &mut started, &context).await,
                    None => return Err(TaskError::crash("celery", "stopped following the task")),
                },
                () = context.cancelled(), if !revoked => {
                    revoked = true;
                    match self.broker.revoke(&[id.to_string()], true, Signal::Term).await {
                        Ok(()) => context.log("Asked the Celery workers to revoke the task, and to stop it if it runs.").await,
                        Err(error) => context.log_at("warn", format!("Could not revoke the task: {error}")).await,
                    }
                }
            }
        }
    }

    /// Publishes `message`, waiting for an unavailable broker up to
    /// `broker_wait` (the run's progress says so), unless cancelled.
    async fn publish(&self, message: &super::TaskMessage, context: &TaskContext) -> Result<(), TaskError> {
        let deadline = Instant::now() + self.broker_wait;
        let mut pause = Duration::from_millis(250);
        let mut waiting = false;
        loop {
            let error = match self.broker.publish(message).await {
                Ok(()) => {
                    if waiting {
                        context.log("The broker is back; the task was sent.").await;
                    }
                    return Ok(());
                }
                Err(error) if error.is_transient() => error,
                Err(error) => return Err(TaskError::crash("celery_message", error.to_string())),
            };
            if !waiting {
                waiting = true;
                context.progress(None, "Waiting for the broker").await;
                let wait = self.broker_wait.as_secs();
                context
                    .log_at(
                        "warn",
                        format!("Waiting for the broker ({error}); the run fails if it is away for {wait}s."),
                    )
                    .await;
            }
            if Instant::now() + pause > deadline {
                let message = format!("The broker stayed unavailable for {}s: {error}", self.broker_wait.as_secs());
                return Err(TaskError::crash("broker_unavailable", message));
            }
            tokio::select! {
                () = tokio::time::sleep(pause) => {}
                () = context.cancelled() => {
                    return Err(TaskError::Cancelled("Cancelled while waiting for the broker; it was never sent.".to_owned()));
                }
            }
            pause = (pause * 2).min(MAX_BROKER_PAUSE);
        }
    }
}

/// The run's outcome, with the traceback kept in its log and a word when a
/// revoke came too late to stop it.
async fn ended(outcome: TaskResult, state: &TaskState, revoked: bool, context: &TaskContext) -> TaskResult {
    // The queued note ends with the run, even when no start was seen.
    context.progress(None, "").await;
    if let TaskState::Failure(exception) = state
        && let Some(traceback) = &exception.traceback
        && matches!(outcome, Err(TaskError::Crash { .. }))
    {
        context.log_at("error", traceback.clone()).await;
    }
    if revoked && outcome.is_ok() {
        context.log_at("warn", "The worker could not stop the task (its pool cannot terminate); it finished.").await;
    }
    outcome
}

/// Log lines for the states on the way: started, retrying, custom states.
async fn progress(state: &TaskState, started: &mut bool, context: &TaskContext) {
    match state {
        TaskState::Started { hostname, .. } => started_on(hostname.as_deref(), started, context).await,
        TaskState::Retry(exception) => {
            context.log_at("warn", format!("Retrying after {}.", exception.summary())).await;
        }
        TaskState::Custom { state, .. } => context.progress(None, state.clone()).await,
        _ => {}
    }
}

/// Log lines from the workers' events (when they send them).
async fn logged_event(event: &TaskEvent, started: &mut bool, context: &TaskContext) {
    let worker = event.hostname.as_deref().unwrap_or("a worker");
    match event.kind {
        TaskEventKind::Received => context.log(format!("Received by {worker}.")).await,
        TaskEventKind::Started => started_on(Some(worker), started, context).await,
        TaskEventKind::Retried => {
            let reason = event.exception.as_deref().unwrap_or("an exception");
            context.log_at("warn", format!("Retrying after {reason}.")).await;
        }
        TaskEventKind::Rejected => context.log_at("warn", format!("Rejected by {worker}.")).await,
        _ => {}
    }
}

/// Once: the run's log says where it started, and the queued note goes.
async fn started_on(worker: Option<&str>, started: &mut bool, context: &TaskContext) {
    if !*started {
        *started = true;
        context.progress(None, "").await;
        context.log(format!("Started on {}.", worker.unwrap_or("a worker"))).await;
    }
}

/// Keeps `registered` up to date with what the workers answer.
async fn ask_registered(broker: Broker, registered: Arc<RwLock<Option<HashSet<String>>>>) {
    loop {
        let answered = match broker.registered(REGISTERED_WITHIN).await {
            Ok(workers) if !workers.is_empty() => Some(workers.into_values().flatten().collect()),
            Ok(_) => None,
            Err(error) => {
                tracing::debug!(%error, "could not ask the Celery workers which tasks they have");
                None
            }
        };
        let pause = if answered.is_some() { REGISTERED_EVERY } else { REGISTERED_RETRY };
        *registered.write().unwrap_or_else(PoisonError::into_inner) = answered;
        tokio::time::sleep(pause).await;
    }
}
