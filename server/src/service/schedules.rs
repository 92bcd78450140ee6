//! Schedules: list them, pause and resume them, and run one now.

use super::{Service, ServiceError, convert, require};
use crate::clock::now_micros;
use crate::engine::cron::Cron;
use crate::engine::{new_run, store};
use types::{Actor, Origin, Principal, Role, Run, Schedule};

impl Service {
    pub async fn schedules(&self, principal: &Principal) -> Result<Vec<Schedule>, ServiceError> {
        require(principal, Role::Viewer)?;
        let rows = store::list_schedules(self.engine.db()).await?;
        Ok(rows.into_iter().map(convert::schedule).collect())
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
        let schedule = self.schedule_row(name).await?;
        let next = Cron::parse(&schedule.cron).ok().and_then(|cron| cron.next_after(now_micros()));
        store::set_paused(self.engine.db(), name, paused, next).await?;
        Ok(convert::schedule(self.schedule_row(name).await?))
    }

    /// Starts the schedule's task now, with its arguments, as the caller.
    pub async fn run_schedule_now(&self, principal: &Principal, name: &str) -> Result<Run, ServiceError> {
        require(principal, Role::Operator)?;
        let schedule = self.schedule_row(name).await?;
        let task = self.catalog_task(&schedule.task)?;
        let arguments = serde_json::from_str(&schedule.arguments).unwrap_or_default();
        let run_as = self
            .config
            .schedules
            .iter()
            .find(|configured| configured.name == name)
            .and_then(|configured| configured.run_as.clone())
            .or_else(|| Some(principal.name.clone()));
        let started_by = Actor { kind: principal.kind, name: principal.name.clone() };
        let row = new_run(task, arguments, started_by, run_as, Origin::Schedule, None);
        self.engine.start(row.clone()).await?;
        store::record_run_now(self.engine.db(), name, row.id).await?;
        Ok(convert::run(row))
    }

    async fn schedule_row(&self, name: &str) -> Result<crate::db::entities::schedules::Model, ServiceError> {
        store::find_schedule(self.engine.db(), name)
            .await?
            .ok_or_else(|| ServiceError::not_found(format_args!("schedule {name:?}")))
    }
}
