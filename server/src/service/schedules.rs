//! Schedules: list them, pause and resume them, and run one now.

use super::audit::Entry;
use super::{Service, ServiceError, require};
use crate::clock::now_micros;
use crate::engine::cron::Cron;
use crate::engine::new_run;
use crate::engine::store::{self, StoredSchedule};
use types::{Actor, AuditAction, Origin, Principal, Role, Run, Schedule};

impl Service {
    pub async fn schedules(&self, principal: &Principal) -> Result<Vec<Schedule>, ServiceError> {
        require(principal, Role::Viewer)?;
        let stored = store::list_schedules(self.engine.db()).await?;
        Ok(stored.iter().map(StoredSchedule::to_schedule).collect())
    }

    /// Pauses (`true`) or resumes (`false`) a schedule. A resumed schedule
    /// fires at its next tick from now, not for the ticks it missed.
    pub async fn set_schedule_paused(
        &self,
        principal: &Principal,
        name: &str,
        paused: bool,
    ) -> Result<Schedule, ServiceError> {
        require(principal, Role::Operator)?;
        let schedule = self.find_schedule(name).await?;
        let next = Cron::parse(&schedule.cron).ok().and_then(|cron| cron.next_after(now_micros()));
        store::set_paused(self.engine.db(), name, paused, next).await?;
        let action = if paused { AuditAction::SchedulePause } else { AuditAction::ScheduleResume };
        self.record(principal, action, Entry::on(name)).await;
        Ok(self.find_schedule(name).await?.to_schedule())
    }

    /// Starts the schedule's task now, with its arguments. It runs as the
    /// schedule's `run_as` user when one is set (which takes a role that may
    /// start tasks as another user, `impersonate_roles`), else as the caller.
    pub async fn run_schedule_now(&self, principal: &Principal, name: &str) -> Result<Run, ServiceError> {
        require(principal, Role::Operator)?;
        let schedule = self.find_schedule(name).await?;
        let task = self.catalog_task(&schedule.task)?;
        let configured_as = self
            .config
            .schedules
            .iter()
            .find(|configured| configured.name == name)
            .and_then(|configured| configured.run_as.clone());
        let run_as = match configured_as {
            Some(user) if user != principal.name && !self.config.impersonate_roles.contains(&principal.role) => {
                return Err(ServiceError::Forbidden(format!(
                    "Schedule {name:?} runs as {user}; the {} role may not start tasks as another user.",
                    principal.role
                )));
            }
            Some(user) => user,
            None => principal.name.clone(),
        };
        let started_by = Actor { kind: principal.kind, name: principal.name.clone() };
        let run = new_run(task, schedule.arguments.clone(), started_by, Some(run_as), Origin::Schedule, None);
        let shown = run.to_run();
        let id = run.id;
        self.engine.start(run, None).await?;
        store::record_run_now(self.engine.db(), name, id).await?;
        let entry = Entry { as_user: shown.run_as.clone().filter(|user| *user != principal.name), ..Entry::on(name) };
        let detail = serde_json::json!({ "run": id, "task": shown.task });
        self.record(principal, AuditAction::ScheduleRunNow, entry.detail(detail)).await;
        Ok(shown)
    }

    async fn find_schedule(&self, name: &str) -> Result<StoredSchedule, ServiceError> {
        store::find_schedule(self.engine.db(), name)
            .await?
            .ok_or_else(|| ServiceError::not_found(format_args!("schedule {name:?}")))
    }
}
