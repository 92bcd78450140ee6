//! Runs: a task's history, batch status for polling, every field of one run,
//! recent runs across tasks with keyset paging, cancelling, and waiting.

use super::{Service, ServiceError, convert, require};
use crate::db::entities::{run_attempts, run_logs, runs};
use crate::engine::CancelOutcome;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::time::Duration;
use types::{Origin, Principal, Role, Run, RunDetail, RunFilter, RunId, RunList};
use uuid::Uuid;

/// At most this many ids in one batch status request.
pub const MAX_IDS: usize = 200;
/// Pages of the runs list hold at most this many runs.
pub const MAX_PAGE: u32 = 200;
const DEFAULT_PAGE: u32 = 50;

/// Where a page of the runs list ends: `<created_at µs>_<id>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunCursor {
    pub created_at: i64,
    pub id: Uuid,
}

impl RunCursor {
    pub fn parse(text: &str) -> Option<RunCursor> {
        let (created_at, id) = text.split_once('_')?;
        Some(RunCursor { created_at: created_at.parse().ok()?, id: id.parse().ok()? })
    }
}

impl std::fmt::Display for RunCursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}_{}", self.created_at, self.id.simple())
    }
}

impl Service {
    /// The task's history, newest first, at most its history limit.
    pub async fn history(&self, principal: &Principal, path: &str) -> Result<Vec<Run>, ServiceError> {
        require(principal, Role::Viewer)?;
        let task = self.catalog_task(path)?;
        let rows = runs::Entity::find()
            .filter(runs::Column::Task.eq(path))
            .order_by_desc(runs::Column::CreatedAt)
            .order_by_desc(runs::Column::Id)
            .limit(u64::from(task.info.history_limit))
            .all(&self.engine.db().read)
            .await?;
        Ok(rows.into_iter().map(convert::run).collect())
    }

    pub async fn run(&self, principal: &Principal, id: RunId) -> Result<Run, ServiceError> {
        require(principal, Role::Viewer)?;
        Ok(convert::run(self.run_row(id).await?))
    }

    pub(super) async fn run_row(&self, id: RunId) -> Result<runs::Model, ServiceError> {
        runs::Entity::find_by_id(id.0)
            .one(&self.engine.db().read)
            .await?
            .ok_or_else(|| ServiceError::not_found(format_args!("run {id}")))
    }

    /// Every field of one run, with its attempts and log.
    pub async fn run_detail(&self, principal: &Principal, id: RunId) -> Result<RunDetail, ServiceError> {
        require(principal, Role::Viewer)?;
        let run = self.run_row(id).await?;
        let db = &self.engine.db().read;
        // Only runs of tasks that retry keep attempt rows.
        let attempts = if run.max_attempts > 1 {
            run_attempts::Entity::find()
                .filter(run_attempts::Column::RunId.eq(id.0))
                .order_by_asc(run_attempts::Column::Attempt)
                .all(db)
                .await?
        } else {
            Vec::new()
        };
        let log = run_logs::Entity::find()
            .filter(run_logs::Column::RunId.eq(id.0))
            .order_by_asc(run_logs::Column::Id)
            .all(db)
            .await?;
        Ok(RunDetail {
            run: convert::run(run),
            attempts: attempts.into_iter().map(convert::attempt).collect(),
            log: log.into_iter().map(convert::log_line).collect(),
        })
    }

    /// The runs with these ids (unknown ids are left out): one request per
    /// poll, however many runs a page is watching.
    pub async fn runs_by_ids(&self, principal: &Principal, ids: &[RunId]) -> Result<Vec<Run>, ServiceError> {
        require(principal, Role::Viewer)?;
        if ids.len() > MAX_IDS {
            return Err(ServiceError::BadRequest(format!("Ask for at most {MAX_IDS} runs at once.")));
        }
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows = runs::Entity::find()
            .filter(runs::Column::Id.is_in(ids.iter().map(|id| id.0)))
            .all(&self.engine.db().read)
            .await?;
        Ok(rows.into_iter().map(convert::run).collect())
    }

    /// Recent runs across tasks, newest first, filtered, a page at a time.
    pub async fn list_runs(&self, principal: &Principal, filter: &RunFilter) -> Result<RunList, ServiceError> {
        require(principal, Role::Viewer)?;
        let limit = filter.limit.unwrap_or(DEFAULT_PAGE);
        if limit == 0 || limit > MAX_PAGE {
            return Err(ServiceError::BadRequest(format!("limit must be from 1 to {MAX_PAGE}.")));
        }
        let mut query = runs::Entity::find();
        if let Some(state) = filter.state {
            query = query.filter(runs::Column::State.eq(state.as_str()));
        }
        if let Some(task) = filter.task.as_deref().filter(|task| !task.is_empty()) {
            query = query.filter(runs::Column::Task.eq(task));
        }
        if let Some(user) = filter.user.as_deref().filter(|user| !user.is_empty()) {
            query = query
                .filter(Condition::any().add(runs::Column::StartedByName.eq(user)).add(runs::Column::RunAs.eq(user)));
        }
        if let Some(before) = filter.before.as_deref().filter(|before| !before.is_empty()) {
            let cursor = RunCursor::parse(before)
                .ok_or_else(|| ServiceError::BadRequest("before is not a cursor from a previous page.".to_owned()))?;
            query = query.filter(Condition::any().add(runs::Column::CreatedAt.lt(cursor.created_at)).add(
                Condition::all().add(runs::Column::CreatedAt.eq(cursor.created_at)).add(runs::Column::Id.lt(cursor.id)),
            ));
        }
        let mut rows = query
            .order_by_desc(runs::Column::CreatedAt)
            .order_by_desc(runs::Column::Id)
            .limit(u64::from(limit) + 1)
            .all(&self.engine.db().read)
            .await?;
        let more = rows.len() > limit as usize;
        rows.truncate(limit as usize);
        let next_before = more
            .then(|| rows.last().map(|last| RunCursor { created_at: last.created_at, id: last.id }.to_string()))
            .flatten();
        Ok(RunList { runs: rows.into_iter().map(convert::run).collect(), next_before })
    }

    /// Cancels a pending run, or asks a running one to stop (it ends as
    /// `cancelled` once its task stops, or after the cancel grace period).
    pub async fn cancel(&self, principal: &Principal, id: RunId) -> Result<Run, ServiceError> {
        require(principal, Role::Operator)?;
        let run = self.run_row(id).await?;
        if run.origin == Origin::External.as_str() {
            return self.cancel_external(run, principal).await;
        }
        let message = format!("Cancelled by {} before it started.", principal.name);
        match self.engine.cancel(id, &message).await? {
            CancelOutcome::Cancelled | CancelOutcome::Requested => self.run(principal, id).await,
            CancelOutcome::TooLate => Err(ServiceError::Conflict(format!(
                "Run {id} has already ended ({}); only pending and running runs can be cancelled.",
                self.run_row(id).await?.state
            ))),
        }
    }

    /// Waits until run `id` ends, calling `progress` with the run whenever it
    /// changes. Works across processes (it polls).
    pub async fn wait(
        &self,
        principal: &Principal,
        id: RunId,
        mut progress: impl FnMut(&Run),
    ) -> Result<Run, ServiceError> {
        let mut last: Option<Run> = None;
        loop {
            let run = self.run(principal, id).await?;
            if last.as_ref() != Some(&run) {
                progress(&run);
            }
            if run.state.is_finished() {
                return Ok(run);
            }
            last = Some(run);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RunCursor;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let cursor = RunCursor { created_at: 1_795_000_000_000_000, id: uuid::Uuid::now_v7() };
        assert_eq!(RunCursor::parse(&cursor.to_string()), Some(cursor));
        assert_eq!(RunCursor::parse("yesterday"), None);
        assert_eq!(RunCursor::parse("12_notauuid"), None);
    }
}
