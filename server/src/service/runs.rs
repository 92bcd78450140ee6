//! Runs: a task's history, batch status for polling, every field of one run,
//! recent runs across tasks with keyset paging, cancelling, and waiting.

use super::audit::Entry;
use super::filters::{page_limit, typed_time};
use super::{Service, ServiceError, require};
use crate::engine::CancelOutcome;
use crate::engine::store::read;
use crate::engine::store::search::{self, RunQuery};
use std::time::Duration;
use types::{AuditAction, MAX_POLL_IDS, Origin, Principal, Role, Run, RunDetail, RunFilter, RunId, RunList, RunState};
use uuid::Uuid;

/// How often [`Service::wait`] looks at the run.
const WAIT_POLL: Duration = Duration::from_millis(100);

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
        Ok(read::history(self.engine.db(), path, task.info.history_limit).await?)
    }

    pub async fn run(&self, principal: &Principal, id: RunId) -> Result<Run, ServiceError> {
        require(principal, Role::Viewer)?;
        self.find_run(id).await
    }

    pub(super) async fn find_run(&self, id: RunId) -> Result<Run, ServiceError> {
        read::run(self.engine.db(), id).await?.ok_or_else(|| ServiceError::not_found(format_args!("run {id}")))
    }

    /// Every field of one run, with its attempts and log.
    pub async fn run_detail(&self, principal: &Principal, id: RunId) -> Result<RunDetail, ServiceError> {
        require(principal, Role::Viewer)?;
        let db = self.engine.db();
        let (run, log) =
            read::run_with_log(db, id).await?.ok_or_else(|| ServiceError::not_found(format_args!("run {id}")))?;
        // Only runs of tasks that retry keep attempt rows.
        let attempts = if run.max_attempts > 1 { read::attempts(db, id).await? } else { Vec::new() };
        Ok(RunDetail { run, attempts, log })
    }

    /// The runs with these ids (unknown ids are left out): one request per
    /// poll, however many runs a page is watching.
    pub async fn runs_by_ids(&self, principal: &Principal, ids: &[RunId]) -> Result<Vec<Run>, ServiceError> {
        require(principal, Role::Viewer)?;
        if ids.len() > MAX_POLL_IDS {
            return Err(ServiceError::Unprocessable(format!(
                "Ask for at most {MAX_POLL_IDS} runs at once, not {}; split the ids into several requests.",
                ids.len()
            )));
        }
        Ok(read::runs_by_ids(self.engine.db(), ids).await?)
    }

    /// Recent runs across tasks, newest first, filtered, a page at a time.
    pub async fn list_runs(&self, principal: &Principal, filter: &RunFilter) -> Result<RunList, ServiceError> {
        require(principal, Role::Viewer)?;
        let query = run_query(filter)?;
        let (runs, next) = search::list_runs(self.engine.db(), &query, self.config.search.timeout.0).await?;
        let next_before = next.map(|(created_at, id)| RunCursor { created_at, id }.to_string());
        Ok(RunList { runs, next_before })
    }

    /// Cancels a pending run, or asks a running one to stop (it ends as
    /// `cancelled` once its task stops, or after the cancel grace period).
    pub async fn cancel(&self, principal: &Principal, id: RunId) -> Result<Run, ServiceError> {
        require(principal, Role::Operator)?;
        let run = self.find_run(id).await?;
        let cancelled = self.cancel_found(principal, run).await?;
        let detail = serde_json::json!({ "task": cancelled.task, "state": cancelled.state });
        self.record(principal, AuditAction::Cancel, Entry::on(id).detail(detail)).await;
        Ok(cancelled)
    }

    /// Cancels `run` (found already; the caller checked the role), unrecorded.
    pub(super) async fn cancel_found(&self, principal: &Principal, run: Run) -> Result<Run, ServiceError> {
        let id = run.id;
        if run.origin == Origin::External {
            return self.cancel_external(run, principal).await;
        }
        let message = format!("Cancelled by {} before it started.", principal.name);
        let outcome = self.engine.cancel(id, &message).await?;
        match outcome {
            CancelOutcome::Cancelled | CancelOutcome::Requested => match self.find_run(id).await {
                // It ended and left a full history at once: answer with what
                // the cancel did (a running run was asked to stop, as it was).
                Err(ServiceError::NotFound(_)) if outcome == CancelOutcome::Cancelled => {
                    Ok(Run { state: RunState::Cancelled, ..run })
                }
                Err(ServiceError::NotFound(_)) => Ok(run),
                found => found,
            },
            CancelOutcome::TooLate => Err(ServiceError::Conflict(format!(
                "Run {id} has already ended ({}); only pending and running runs can be cancelled.",
                self.find_run(id).await.map_or(RunState::Failure, |run| run.state)
            ))),
        }
    }

    /// Waits until run `id` ends, calling `progress` with the run whenever it
    /// changes. It reads the run every 100 ms, so it sees runs that other
    /// processes execute as well as its own.
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
            tokio::time::sleep(WAIT_POLL).await;
        }
    }

    /// Whether the database answers (for `/healthz`).
    pub async fn database_answers(&self) -> bool {
        read::ping(self.engine.db()).await.is_ok()
    }

    /// How many runs wait to be claimed (for `/metrics`).
    pub async fn queue_depth(&self, principal: &Principal) -> Result<u64, ServiceError> {
        require(principal, Role::Viewer)?;
        Ok(read::queue_depth(self.engine.db()).await?)
    }
}

/// The store's query for a filter: limits checked, times and cursor read.
pub(super) fn run_query(filter: &RunFilter) -> Result<RunQuery, ServiceError> {
    filter.check().map_err(ServiceError::BadRequest)?;
    let limit = page_limit(filter.limit)?;
    let non_empty = |text: &Option<String>| text.clone().filter(|text| !text.trim().is_empty());
    let before = match non_empty(&filter.before) {
        Some(text) => Some(
            RunCursor::parse(&text)
                .ok_or_else(|| ServiceError::BadRequest("before is not a cursor from a previous page.".to_owned()))?,
        ),
        None => None,
    };
    Ok(RunQuery {
        state: filter.state,
        task: non_empty(&filter.task),
        user: non_empty(&filter.user),
        started_by: non_empty(&filter.started_by),
        run_as: non_empty(&filter.run_as),
        origin: filter.origin,
        not_origin: None,
        since: typed_time("since", non_empty(&filter.since))?,
        until: typed_time("until", non_empty(&filter.until))?,
        arguments: filter.arguments.clone(),
        text: non_empty(&filter.text),
        before: before.map(|cursor| (cursor.created_at, cursor.id)),
        limit,
    })
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
