//! Claiming pending runs: one statement marks up to N of them running under
//! this worker's lease and returns them, oldest due first. PostgreSQL skips
//! rows other workers hold (`FOR UPDATE SKIP LOCKED`); SQLite's single
//! writer makes the statement atomic by itself. The lease runs on the
//! database's clock.

use super::convert;
use super::error::StoreError;
use crate::clock::micros;
use crate::db::{Backend, Db, now_micros_sql, placeholders, statement};
use crate::engine::run::{Claim, ClaimedRun};
use sea_orm::{ConnectionTrait, FromQueryResult};
use std::time::Duration;
use types::{Actor, ActorKind, RunId, RunState};
use uuid::Uuid;

/// A claimed row as the statement returns it.
#[derive(FromQueryResult)]
struct Row {
    id: Uuid,
    task: String,
    arguments: String,
    started_by_kind: String,
    started_by_name: String,
    run_as: Option<String>,
    attempt: i32,
    max_attempts: i32,
    run_after: i64,
    started_at: Option<i64>,
    cancel_requested: bool,
}

/// Claims up to `limit` claimable runs of `tasks` for `owner`, each held for
/// `lease` from now; `now` is this host's clock, recorded as `started_at`.
pub async fn claim(
    db: &Db,
    owner: &str,
    tasks: &[String],
    limit: usize,
    now: i64,
    lease: Duration,
) -> Result<Vec<ClaimedRun>, StoreError> {
    if tasks.is_empty() || limit == 0 {
        return Ok(Vec::new());
    }
    let db_now = now_micros_sql(db.backend);
    let due = match db.backend {
        // Each task's oldest due runs, read in order from its own part of
        // `runs_pending_to_claim` (skipping rows other workers hold), then
        // the oldest of them all. A task's part is read only as far as the
        // batch, whatever the planner believes of the backlog.
        Backend::Postgres => format!(
            "SELECT due.id FROM (VALUES {tasks}) AS wanted (task) CROSS JOIN LATERAL \
             (SELECT id, run_after, created_at FROM runs WHERE state = '{pending}' AND task = wanted.task \
             AND run_after <= {db_now} ORDER BY run_after, created_at LIMIT $4 FOR UPDATE SKIP LOCKED) AS due \
             ORDER BY due.run_after, due.created_at LIMIT $4",
            pending = RunState::Pending.as_str(),
            tasks = (0..tasks.len()).map(|index| format!("(${}::text)", index + 5)).collect::<Vec<_>>().join(", "),
        ),
        // SQLite's one writer makes the statement atomic by itself. The
        // limit is cast so that SQLite's planner does not read its bound
        // value (a bare `LIMIT ?` made SQLite prepare the statement again at
        // every claim; see `read::history`).
        Backend::Sqlite => format!(
            "SELECT id FROM runs WHERE state = '{pending}' AND run_after <= {db_now} AND task IN ({tasks}) \
             ORDER BY run_after, created_at LIMIT CAST($4 AS INTEGER)",
            pending = RunState::Pending.as_str(),
            tasks = placeholders(5, tasks.len()),
        ),
    };
    let chosen = match db.backend {
        // An array, so that the runs are looked up by id: as `IN (…)`, the
        // planner joined the batch to a scan of the whole table (4 of a
        // claim's 17 ms at 20,000 runs, and more as the history grows).
        Backend::Postgres => format!("id = ANY(ARRAY({due}))"),
        Backend::Sqlite => format!("id IN ({due})"),
    };
    let sql = format!(
        "UPDATE runs SET state = '{running}', attempt = attempt + 1, lease_owner = $1, \
         lease_expires_at = {db_now} + $2, started_at = COALESCE(started_at, $3) WHERE {chosen} \
         RETURNING id, task, arguments, started_by_kind, started_by_name, run_as, attempt, max_attempts, run_after, \
         started_at, cancel_requested",
        running = RunState::Running.as_str(),
    );
    let mut values =
        vec![owner.into(), micros(lease).into(), now.into(), i64::try_from(limit).unwrap_or(i64::MAX).into()];
    values.extend(tasks.iter().map(|task| task.as_str().into()));
    let rows = db.write.query_all_raw(statement(db.backend, &sql, values)).await?;
    rows.iter().map(|row| Ok(claimed(Row::from_query_result(row, "")?))).collect()
}

/// A claimed run. A column that cannot be read does not stop the claim (the
/// other runs it took would wait for a rescue): the run carries the error
/// instead of its arguments, and its execution ends it as a failure.
fn claimed(row: Row) -> ClaimedRun {
    let kind = convert::actor_kind(row.id, &row.started_by_kind);
    let arguments = match (convert::arguments(row.id, &row.arguments), &kind) {
        (Ok(arguments), Ok(_)) => Ok(arguments),
        (Err(error), _) => Err(error.to_string()),
        (_, Err(error)) => Err(error.to_string()),
    };
    ClaimedRun {
        claim: Claim { run: RunId(row.id), attempt: u32::try_from(row.attempt).unwrap_or(0) },
        task: row.task,
        arguments,
        started_by: Actor { kind: kind.unwrap_or(ActorKind::External), name: row.started_by_name },
        run_as: row.run_as,
        max_attempts: u32::try_from(row.max_attempts).unwrap_or(1),
        run_after: row.run_after,
        started_at: row.started_at,
        cancel_requested: row.cancel_requested,
    }
}
