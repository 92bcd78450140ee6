//! The task engine: runs are rows and the database is the queue. It knows
//! nothing of HTTP, of accounts or of the console; the service layer drives
//! it through [`Engine`].
//!
//! - `registry`, `catalog`, `schema`: which tasks exist, how they run, and
//!   what their arguments look like;
//! - `run`: a run at each step of its life (new, claimed, its claim, ended);
//! - `starter`, `scheduler`: put runs in the queue (grouped starts; cron);
//! - `intake`: hands a start straight to a free worker of this process;
//! - `worker`, `executor`, `outcome`, `finisher`: claim, run and record runs;
//! - `leases`, `listener`, `running`: heartbeats, rescue of lost runs,
//!   wake-ups, and the executions under way here;
//! - `lifecycle`: the bookkeeping that every start and every end goes through;
//! - `foreign`: runs of declared Celery tasks that other code sent;
//! - `notifier`: webhooks told of failures (and, as configured, other ends);
//! - `store`: every statement on runs, attempts, log lines and schedules;
//! - `celery`: the wire side of the Celery runner (protocol, brokers, events,
//!   result backend, remote control); no SQL in there.

pub mod catalog;
pub mod celery;
pub mod command;
pub mod context;
pub mod cron;
pub mod outcome;
pub mod registry;
pub mod run;
pub mod schema;
pub mod store;
pub mod task;

mod bulk;
mod executor;
mod finisher;
mod foreign;
mod intake;
mod leases;
mod lifecycle;
mod listener;
mod notifier;
mod reporter;
mod running;
mod scheduler;
mod starter;
mod trimmer;
mod worker;

pub use catalog::{Catalog, CatalogTask};
pub use context::TaskContext;
pub use registry::{TaskDefinition, TaskRegistry};
pub use run::{Claim, ClaimedRun, Ended, NewRun};
pub use scheduler::Scheduler;
pub use starter::StartError;
pub use store::{NewAuditEvent, StoreError};
pub use task::{TaskError, TaskFailure};
pub use worker::WorkerPool;

use crate::clock::now_micros;
use crate::config::{CeleryConfig, Config, ScheduleConfig, WorkerConfig};
use crate::db::Db;
use crate::metrics::Metrics;
use crate::outbound::OutboundPolicy;
use running::RunningRuns;
use starter::Starter;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::sync::{Notify, broadcast};
use types::{Actor, Origin, RunId};
use uuid::Uuid;

/// The engine's settings, from the config's `[worker]` section.
#[derive(Clone, Debug)]
pub struct EngineSettings {
    pub concurrency: usize,
    pub claim_batch: usize,
    pub poll_interval: Duration,
    pub lease: Duration,
    pub rescue_interval: Duration,
    pub shutdown_grace: Duration,
    pub cancel_grace: Duration,
    /// Where tasks' HTTP calls may go.
    pub outbound: OutboundPolicy,
}

impl From<&WorkerConfig> for EngineSettings {
    fn from(config: &WorkerConfig) -> EngineSettings {
        EngineSettings {
            outbound: OutboundPolicy::default(),
            concurrency: config.concurrency.max(1),
            claim_batch: config.claim_batch.max(1),
            poll_interval: config.poll_interval.0,
            lease: config.lease.0,
            rescue_interval: config.rescue_interval.0,
            shutdown_grace: config.shutdown_grace.0,
            cancel_grace: config.cancel_grace.0,
        }
    }
}

/// What became of a cancel request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CancelOutcome {
    /// The run was pending and is now cancelled.
    Cancelled,
    /// The run is running; its task has been asked to stop.
    Requested,
    /// The run has already finished (or does not exist).
    TooLate,
}

/// What the engine's parts share.
pub struct Shared {
    pub db: Db,
    pub catalog: Arc<Catalog>,
    pub settings: EngineSettings,
    pub metrics: Arc<Metrics>,
    /// This process's name in leases: host, process id and a random part.
    pub worker_id: String,
    /// Wakes the claim loop: runs may be claimable.
    work: Notify,
    /// How many times the claim loop was woken (see `intake`).
    wakes: AtomicU64,
    /// The pools that take starts at once.
    intake: intake::Intake,
    running: RunningRuns,
    reporter: Arc<dyn context::RunReporter>,
    starter: Starter,
    trimmer: trimmer::Trimmer,
    finished_runs: broadcast::Sender<Uuid>,
    /// The notifier, told of every end recorded here once it is spawned.
    notifier: OnceLock<notifier::Notifier>,
    /// The Celery runner, once [`Engine::spawn_celery`] started it.
    celery: OnceLock<Arc<celery::CeleryRunner>>,
    schedule_run_as: HashMap<String, String>,
}

impl Shared {
    /// Wakes the claim loop: runs may be claimable. Until a claim comes back
    /// short again, no start is taken at once, so none overtakes them.
    fn wake_workers(&self) {
        self.wakes.fetch_add(1, Ordering::SeqCst);
        self.work.notify_one();
    }

    fn schedule_run_as(&self, schedule: &str) -> Option<String> {
        self.schedule_run_as.get(schedule).cloned()
    }
}

/// A handle to the engine; cheap to clone.
#[derive(Clone)]
pub struct Engine {
    shared: Arc<Shared>,
}

impl Engine {
    /// Makes an engine over `db`; nothing runs until [`Engine::spawn_workers`]
    /// or [`Engine::spawn_scheduler`] (the starter runs at once).
    pub fn new(
        db: Db,
        catalog: Arc<Catalog>,
        settings: EngineSettings,
        schedules: &[ScheduleConfig],
        metrics: Arc<Metrics>,
    ) -> Engine {
        let trimmer = trimmer::Trimmer::spawn(db.clone(), Arc::clone(&catalog));
        let worker_id = worker_id();
        let shared = Arc::new_cyclic(|weak| Shared {
            reporter: Arc::new(reporter::DbReporter { db: db.clone(), owner: worker_id.clone() }),
            trimmer,
            db,
            catalog,
            settings,
            metrics,
            worker_id,
            work: Notify::new(),
            wakes: AtomicU64::new(0),
            intake: intake::Intake::default(),
            running: RunningRuns::default(),
            starter: Starter::spawn(weak.clone()),
            finished_runs: broadcast::channel(4096).0,
            notifier: OnceLock::new(),
            celery: OnceLock::new(),
            schedule_run_as: schedules
                .iter()
                .filter_map(|schedule| Some((schedule.name.clone(), schedule.run_as.clone()?)))
                .collect(),
        });
        Engine { shared }
    }

    /// Starts telling the webhooks of `config.notifications` about the runs
    /// that end here, and delivering what the outbox holds for them (once;
    /// later calls change nothing).
    pub fn spawn_notifier(&self, config: &Config) -> Result<(), crate::outbound::OutboundError> {
        if !config.notifications.any() || self.shared.notifier.get().is_some() {
            return Ok(());
        }
        let notifier = notifier::Notifier::spawn(self.shared.db.clone(), config)?;
        let _ = self.shared.notifier.set(notifier);
        Ok(())
    }

    /// Starts the Celery runner of `config.celery` (once; later calls change
    /// nothing), and with `track_foreign` the recording of the declared
    /// tasks that other code sends. Call it before [`Engine::spawn_workers`].
    pub fn spawn_celery(&self, config: &CeleryConfig) -> Result<(), celery::CeleryError> {
        if !config.is_on() || self.shared.celery.get().is_some() {
            return Ok(());
        }
        let name = format!("task-starter {}", self.shared.worker_id);
        let (runner, foreign) = celery::CeleryRunner::start(config, &name)?;
        let _ = self.shared.celery.set(runner);
        if let Some(foreign) = foreign {
            tokio::spawn(foreign::record_loop(Arc::clone(&self.shared), foreign));
        }
        Ok(())
    }

    /// `task` as the API shows it now: a Celery task that no answering
    /// worker has is flagged.
    pub fn task_info(&self, task: &CatalogTask) -> types::Task {
        let mut info = task.info.clone();
        if let (catalog::Runner::Celery(celery), Some(runner)) = (&task.runner, self.shared.celery.get()) {
            info.no_worker = runner.lacks(&celery.name);
        }
        info
    }

    /// Queues the notifications of the runs that ended here and stops
    /// delivering (after the workers have stopped, so that their last ends
    /// are queued too).
    pub async fn stop_notifier(&self) {
        if let Some(notifier) = self.shared.notifier.get() {
            notifier.stop().await;
        }
    }

    /// The database, for the store's reads.
    pub fn db(&self) -> &Db {
        &self.shared.db
    }

    pub fn catalog(&self) -> &Arc<Catalog> {
        &self.shared.catalog
    }

    pub fn metrics(&self) -> &Arc<Metrics> {
        &self.shared.metrics
    }

    pub fn worker_id(&self) -> &str {
        &self.shared.worker_id
    }

    /// Inserts a started run and its audit entry (grouped with concurrent
    /// starts) and wakes the workers.
    pub async fn start(&self, run: NewRun, audit: Option<NewAuditEvent>) -> Result<(), StartError> {
        self.shared.starter.start(run, audit).await
    }

    /// Inserts many runs and their audit entries in one transaction (a bulk start).
    pub async fn start_many(&self, runs: &[NewRun], audit: &[NewAuditEvent]) -> Result<(), StoreError> {
        starter::insert(&self.shared, runs, audit).await
    }

    /// Records a run that another system started (in its own transaction, so
    /// that an id already in use fails only this registration).
    pub async fn track(&self, run: &NewRun) -> Result<(), StoreError> {
        store::insert_runs(&self.shared.db, std::slice::from_ref(run), &[]).await?;
        lifecycle::runs_started(&self.shared, [run]);
        if run.state.is_finished() {
            let ended = Ended { id: run.id, task: run.task.clone(), state: run.state, run_after: run.created_at };
            lifecycle::runs_ended(&self.shared, &[ended]);
        }
        Ok(())
    }

    /// Applies an external run's report if the run is still in state `from`;
    /// false when it changed meanwhile.
    pub async fn report(&self, id: RunId, from: types::RunState, report: &store::Report) -> Result<bool, StoreError> {
        let Some(ended) = store::apply_report(&self.shared.db, id, from, report, now_micros()).await? else {
            return Ok(false);
        };
        if report.state.is_finished() {
            lifecycle::runs_ended(&self.shared, &[ended]);
        }
        Ok(true)
    }

    /// Ids of runs as they end in this process (for waiting without polling).
    pub fn finished_runs(&self) -> broadcast::Receiver<Uuid> {
        self.shared.finished_runs.subscribe()
    }

    /// Cancels a pending run, or asks a running one to stop.
    pub async fn cancel(&self, id: RunId, message: &str) -> Result<CancelOutcome, StoreError> {
        let db = &self.shared.db;
        if let Some(ended) = store::cancel_pending(db, id, now_micros(), message).await? {
            lifecycle::runs_ended(&self.shared, &[ended]);
            return Ok(CancelOutcome::Cancelled);
        }
        if store::flag_cancel(db, id).await? {
            if !self.shared.running.signal_cancel(id) {
                store::notify_cancel(db, id).await?;
            }
            return Ok(CancelOutcome::Requested);
        }
        Ok(CancelOutcome::TooLate)
    }

    /// Starts this process's worker pool.
    pub fn spawn_workers(&self) -> WorkerPool {
        WorkerPool::spawn(Arc::clone(&self.shared))
    }

    /// Makes the schedules table match `schedules` and starts the scheduler.
    pub async fn spawn_scheduler(&self, schedules: &[ScheduleConfig]) -> Result<Scheduler, StoreError> {
        store::sync_schedules(&self.shared.db, schedules, now_micros()).await?;
        Ok(Scheduler::spawn(self.clone()))
    }

    /// Fires due schedule ticks now (what the scheduler does each second).
    pub async fn fire_due_schedules(&self) -> Result<usize, StoreError> {
        scheduler::fire_due(&self.shared).await
    }

    /// Takes back runs whose lease expired now (what every worker pool does
    /// every `rescue_interval`).
    pub async fn rescue_lost_runs(&self) -> Result<usize, StoreError> {
        leases::rescue_once(&self.shared).await
    }
}

/// A new pending run of `task`.
pub fn new_run(
    task: &CatalogTask,
    arguments: serde_json::Value,
    started_by: Actor,
    run_as: Option<String>,
    origin: Origin,
    rerun_of: Option<RunId>,
) -> NewRun {
    NewRun {
        run_as,
        rerun_of,
        ..NewRun::pending(&task.info.path, arguments, started_by, origin, task.info.max_attempts)
    }
}

fn worker_id() -> String {
    let host = std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "host".to_owned());
    let random = Uuid::new_v4().simple().to_string();
    format!("{host}:{}:{}", std::process::id(), &random[..8])
}
