//! The context a task receives: who started the run and as whom, its
//! arguments, a way to report progress and log lines, and the cancel signal.

use super::run::Claim;
use crate::db::text::storable;
use crate::outbound::OutboundPolicy;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};
use tokio::sync::watch;
use types::{Actor, RunId};

/// Progress is written at most this often while a task runs; the last
/// report is always saved when the run ends.
const PROGRESS_INTERVAL: Duration = Duration::from_millis(200);
/// A run keeps at most this many log lines.
const MAX_LOG_LINES: u32 = 1000;
/// Longer log lines are cut to this many bytes.
pub const MAX_LOG_LINE_BYTES: usize = 8 * 1024;
/// Longer progress messages are cut to this many bytes.
pub const MAX_PROGRESS_BYTES: usize = 1024;
/// Longer log levels are cut to this many bytes.
const MAX_LEVEL_BYTES: usize = 16;

/// A progress report: fraction from 0.0 to 1.0, and a message.
pub type ProgressReport = (Option<f64>, Option<String>);

/// Where progress and log lines go; the engine writes them to the database
/// while the execution still holds its claim.
#[async_trait::async_trait]
pub trait RunReporter: Send + Sync {
    async fn progress(&self, claim: Claim, fraction: Option<f64>, message: Option<String>);
    async fn log(&self, claim: Claim, level: &str, message: String);
    /// Records that the run was handed to another system to execute.
    async fn hand_off(&self, claim: Claim);
    /// Whether an earlier execution handed the run off already.
    async fn handed_off(&self, claim: Claim) -> bool;
}

/// Everything a running task can know and do about its run.
#[derive(Clone)]
pub struct TaskContext {
    inner: Arc<Inner>,
}

struct Inner {
    claim: Claim,
    task: String,
    arguments: serde_json::Value,
    started_by: Actor,
    run_as: Option<String>,
    cancel: watch::Receiver<bool>,
    reporter: Arc<dyn RunReporter>,
    outbound: OutboundPolicy,
    last_progress: Mutex<Option<ProgressReport>>,
    last_progress_write: Mutex<Option<Instant>>,
    log_lines: AtomicU32,
}

/// The parts of a claimed run that a context is made from.
pub struct ContextParts {
    pub claim: Claim,
    /// Where the task's HTTP calls may go.
    pub outbound: OutboundPolicy,
    pub task: String,
    pub arguments: serde_json::Value,
    pub started_by: Actor,
    pub run_as: Option<String>,
}

impl TaskContext {
    pub fn new(parts: ContextParts, cancel: watch::Receiver<bool>, reporter: Arc<dyn RunReporter>) -> TaskContext {
        let ContextParts { claim, outbound, task, arguments, started_by, run_as } = parts;
        TaskContext {
            inner: Arc::new(Inner {
                claim,
                outbound,
                task,
                arguments,
                started_by,
                run_as,
                cancel,
                reporter,
                last_progress: Mutex::new(None),
                last_progress_write: Mutex::new(None),
                log_lines: AtomicU32::new(0),
            }),
        }
    }

    pub fn run_id(&self) -> RunId {
        self.inner.claim.run
    }

    /// The dotted path of the task being run.
    pub fn task(&self) -> &str {
        &self.inner.task
    }

    /// The run's arguments as JSON (the task function also gets them typed).
    pub fn arguments(&self) -> &serde_json::Value {
        &self.inner.arguments
    }

    /// The user, token, schedule or command line that started the run.
    pub fn started_by(&self) -> &Actor {
        &self.inner.started_by
    }

    /// The user the run runs as (the starter, or the impersonation user).
    pub fn run_as(&self) -> Option<&str> {
        self.inner.run_as.as_deref()
    }

    /// Where this server lets tasks' HTTP calls go: make clients with
    /// [`OutboundPolicy::client`].
    pub fn outbound(&self) -> OutboundPolicy {
        self.inner.outbound
    }

    /// 1 for the first attempt, 2 for the first retry, ...
    pub fn attempt(&self) -> u32 {
        self.inner.claim.attempt
    }

    /// Reports how far the task is; `fraction` runs from 0.0 to 1.0.
    pub async fn progress(&self, fraction: Option<f64>, message: impl Into<String>) {
        let fraction = fraction.filter(|value| value.is_finite()).map(|value| value.clamp(0.0, 1.0));
        let message = Some(storable(message, MAX_PROGRESS_BYTES)).filter(|text| !text.is_empty());
        *lock(&self.inner.last_progress) = Some((fraction, message.clone()));
        let due = {
            let mut last_write = lock(&self.inner.last_progress_write);
            let due = last_write.is_none_or(|at| at.elapsed() >= PROGRESS_INTERVAL);
            if due {
                *last_write = Some(Instant::now());
            }
            due
        };
        if due {
            self.inner.reporter.progress(self.inner.claim, fraction, message).await;
        }
    }

    /// The last progress the task reported, saved with the run's outcome.
    pub(crate) fn last_progress(&self) -> Option<ProgressReport> {
        lock(&self.inner.last_progress).clone()
    }

    /// Writes a line to the run's log (shown in View info).
    pub async fn log(&self, message: impl Into<String>) {
        self.log_at("info", message).await;
    }

    /// Writes a line at a level of your choosing (`info`, `warn`, `error`, `stderr`...).
    pub async fn log_at(&self, level: &str, message: impl Into<String>) {
        let written = self.inner.log_lines.fetch_add(1, Ordering::Relaxed);
        if written < MAX_LOG_LINES {
            let level = storable(level, MAX_LEVEL_BYTES);
            self.inner.reporter.log(self.inner.claim, &level, storable(message, MAX_LOG_LINE_BYTES)).await;
        } else if written == MAX_LOG_LINES {
            let notice = format!("The log is full ({MAX_LOG_LINES} lines); later lines are not kept.");
            self.inner.reporter.log(self.inner.claim, "warn", notice).await;
        }
    }

    /// Records that the run now executes elsewhere (its message is on a
    /// Celery broker), so that whoever follows it after a restart does not
    /// send it again.
    pub async fn hand_off(&self) {
        self.inner.reporter.hand_off(self.inner.claim).await;
    }

    /// Whether an earlier execution of this run handed it off already.
    pub async fn handed_off(&self) -> bool {
        self.inner.reporter.handed_off(self.inner.claim).await
    }

    /// Whether someone asked to cancel this run. Check it between steps.
    pub fn is_cancelled(&self) -> bool {
        *self.inner.cancel.borrow()
    }

    /// Resolves once someone asks to cancel this run: `select!` on it beside
    /// long waits. The run is stopped anyway after the cancel grace period.
    pub async fn cancelled(&self) {
        let mut cancel = self.inner.cancel.clone();
        // An error means the engine dropped the sender: nobody can cancel any more.
        if cancel.wait_for(|cancelled| *cancelled).await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
