//! The cron scheduler: fires each due tick of each running schedule once
//! (across all processes), then sleeps until the next tick, waking at least
//! every second to see pauses and resumes made elsewhere.

use super::cron::Cron;
use super::lifecycle;
use super::store::{self, StoreError, StoredSchedule};
use super::{Engine, Shared, new_run};
use crate::clock::now_micros;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use types::{Actor, ActorKind, Origin};

/// The longest the scheduler sleeps without looking again.
const MAX_SLEEP: Duration = Duration::from_secs(1);

/// A running scheduler; dropping it does not stop it, [`Scheduler::stop`] does.
pub struct Scheduler {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl Scheduler {
    pub(super) fn spawn(engine: Engine) -> Scheduler {
        let (stop, stopped) = watch::channel(false);
        Scheduler { stop, task: tokio::spawn(run(engine.shared, stopped)) }
    }

    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

async fn run(engine: Arc<Shared>, mut stop: watch::Receiver<bool>) {
    loop {
        if let Err(error) = fire_due(&engine).await {
            tracing::warn!(%error, "the scheduler could not fire due schedules");
        }
        let wait = match store::next_tick(&engine.db).await {
            Ok(Some(next)) => Duration::from_micros(u64::try_from(next - now_micros()).unwrap_or(0)).min(MAX_SLEEP),
            Ok(None) | Err(_) => MAX_SLEEP,
        };
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            _ = stop.changed() => return,
        }
    }
}

/// Fires every due tick; returns how many this process fired.
pub async fn fire_due(engine: &Shared) -> Result<usize, StoreError> {
    let now = now_micros();
    let mut fired = 0;
    for schedule in store::due_schedules(&engine.db, now).await? {
        if fire(engine, &schedule, now).await? {
            fired += 1;
        }
    }
    Ok(fired)
}

async fn fire(engine: &Shared, schedule: &StoredSchedule, now: i64) -> Result<bool, StoreError> {
    let (Some(tick), Some(task)) = (schedule.next_fire_at, engine.catalog.get(&schedule.task)) else {
        return Ok(false);
    };
    // Ticks missed while nothing ran fire once, not once each.
    let next = Cron::parse(&schedule.cron).ok().and_then(|cron| cron.next_after(now));
    let run_as = engine.schedule_run_as(&schedule.name);
    let started_by = Actor { kind: ActorKind::Schedule, name: schedule.name.clone() };
    let run = new_run(task, schedule.arguments.clone(), started_by, run_as, Origin::Schedule, None);
    let fired = store::fire_tick(&engine.db, &schedule.name, tick, next, &run).await?;
    if fired {
        lifecycle::runs_started(engine, [&run]);
    }
    Ok(fired)
}
