//! The task engine: runs are rows and the database is the queue. It knows
//! nothing of HTTP or of the console; the service layer drives it.
//!
//! - `registry`, `catalog`: which tasks exist and how they run;
//! - `starter`: inserts started runs, grouping concurrent starts;
//! - `worker`, `executor`, `finisher`: claim, run and record runs;
//! - `leases`, `listener`: heartbeats, rescue of dead workers' runs, wake-ups;
//! - `scheduler`: cron schedules, each tick fired once;
//! - `store`: the SQL behind all of it.

pub mod catalog;
pub mod command;
pub mod context;
pub mod cron;
pub mod outcome;
pub mod registry;
pub mod schema;
pub mod store;
pub mod task;

mod executor;
mod finisher;
mod leases;
mod listener;
mod reporter;
mod running;
mod scheduler;
mod starter;
mod trimmer;
mod worker;

pub use catalog::{Catalog, CatalogTask};
pub use context::TaskContext;
pub use registry::{TaskDefinition, TaskRegistry};
pub use scheduler::Scheduler;
pub use task::{TaskError, TaskFailure};
pub use worker::WorkerPool;

use crate::clock::now_micros;
use crate::config::{ScheduleConfig, WorkerConfig};
use crate::db::Db;
use crate::db::entities::runs;
use crate::metrics::Metrics;
use running::RunningRuns;
use sea_orm::DbErr;
use starter::Starter;
use std::collections::HashMap;
use std::sync::Arc;
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
}

impl From<&WorkerConfig> for EngineSettings {
    fn from(config: &WorkerConfig) -> EngineSettings {
        EngineSettings {
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
    running: RunningRuns,
    reporter: Arc<dyn context::RunReporter>,
    starter: Starter,
    trimmer: trimmer::Trimmer,
    finished_runs: broadcast::Sender<Uuid>,
    schedule_run_as: HashMap<String, String>,
}

impl Shared {
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
        let shared = Arc::new_cyclic(|weak| Shared {
            reporter: Arc::new(reporter::DbReporter { db: db.clone() }),
            trimmer,
            db,
            catalog,
            settings,
            metrics,
            worker_id: worker_id(),
            work: Notify::new(),
            running: RunningRuns::default(),
            starter: Starter::spawn(weak.clone()),
            finished_runs: broadcast::channel(4096).0,
            schedule_run_as: schedules
                .iter()
                .filter_map(|schedule| Some((schedule.name.clone(), schedule.run_as.clone()?)))
                .collect(),
        });
        Engine { shared }
    }

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

    /// Inserts a started run (grouped with concurrent starts) and wakes the workers.
    pub async fn start(&self, run: runs::Model) -> Result<(), DbErr> {
        self.shared.starter.start(run).await
    }

    /// Inserts many runs in one transaction (a bulk start).
    pub async fn start_many(&self, runs: &[runs::Model]) -> Result<(), DbErr> {
        starter::insert(&self.shared, runs).await
    }

    /// Ids of runs as they finish in this process (for waiting without polling).
    pub fn finished_runs(&self) -> broadcast::Receiver<Uuid> {
        self.shared.finished_runs.subscribe()
    }

    /// Cancels a pending run, or asks a running one to stop.
    pub async fn cancel(&self, id: RunId, message: &str) -> Result<CancelOutcome, DbErr> {
        let db = &self.shared.db;
        if store::cancel_pending(db, id.0, now_micros(), message).await? {
            if let Some(task) = runs_task(db, id.0).await? {
                self.request_trim(&task);
                self.shared.metrics.run_finished(&task, "cancelled");
            }
            let _ = self.shared.finished_runs.send(id.0);
            return Ok(CancelOutcome::Cancelled);
        }
        if store::flag_cancel(db, id.0).await? {
            if !self.shared.running.signal_cancel(id.0) {
                store::notify_cancel(db, id.0).await?;
            }
            return Ok(CancelOutcome::Requested);
        }
        Ok(CancelOutcome::TooLate)
    }

    /// Trims `task`'s history to its limit soon.
    pub fn request_trim(&self, task: &str) {
        self.shared.trimmer.request(task);
    }

    /// Starts this process's worker pool.
    pub fn spawn_workers(&self) -> WorkerPool {
        WorkerPool::spawn(Arc::clone(&self.shared))
    }

    /// Makes the schedules table match `schedules` and starts the scheduler.
    pub async fn spawn_scheduler(&self, schedules: &[ScheduleConfig]) -> Result<Scheduler, DbErr> {
        store::sync_schedules(&self.shared.db, schedules, now_micros()).await?;
        Ok(Scheduler::spawn(self.clone()))
    }

    /// Fires due schedule ticks now (what the scheduler does each second).
    pub async fn fire_due_schedules(&self) -> Result<usize, DbErr> {
        scheduler::fire_due(&self.shared).await
    }

    /// Takes back runs whose lease expired now (what every worker pool does
    /// every `rescue_interval`).
    pub async fn rescue_lost_runs(&self) -> Result<usize, DbErr> {
        leases::rescue_once(&self.shared).await
    }
}

async fn runs_task(db: &Db, id: Uuid) -> Result<Option<String>, DbErr> {
    use sea_orm::EntityTrait;
    Ok(runs::Entity::find_by_id(id).one(&db.read).await?.map(|run| run.task))
}

/// A new pending run of `task`.
pub fn new_run(
    task: &CatalogTask,
    arguments: serde_json::Value,
    started_by: Actor,
    run_as: Option<String>,
    origin: Origin,
    rerun_of: Option<RunId>,
) -> runs::Model {
    let now = now_micros();
    runs::Model {
        id: Uuid::now_v7(),
        task: task.info.path.clone(),
        arguments: arguments.to_string(),
        state: "pending".to_owned(),
        result: None,
        error_kind: None,
        error_message: None,
        started_by_kind: started_by.kind.as_str().to_owned(),
        started_by_name: started_by.name,
        run_as,
        origin: origin.as_str().to_owned(),
        rerun_of: rerun_of.map(|id| id.0),
        attempt: 0,
        max_attempts: i32::try_from(task.info.max_attempts).unwrap_or(1),
        progress_fraction: None,
        progress_message: None,
        created_at: now,
        started_at: None,
        finished_at: None,
        run_after: now,
        lease_owner: None,
        lease_expires_at: None,
        cancel_requested: false,
        track_fingerprint: None,
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
