//! Reading runs: one run, a task's history, batch status, attempts, log
//! lines, and the queue's depth (searching across tasks is `search`).

use super::convert;
use super::error::StoreError;
use crate::clock::to_rfc3339;
use crate::db::entities::{run_attempts, runs};
use crate::db::{Backend, Db, statement};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect};
use types::{Attempt, LogLine, Run, RunId, RunState};
use uuid::Uuid;

/// Run `id`, if it exists.
pub async fn run(db: &Db, id: RunId) -> Result<Option<Run>, StoreError> {
    // Without the `LIMIT ?` that `one()` binds (see `history`).
    let find = statement(db.backend, "SELECT * FROM runs WHERE id = $1", vec![id.0.into()]);
    runs::Model::find_by_statement(find).one(&db.read).await?.map(convert::run).transpose()
}

/// The hash of the request that registered run `id` elsewhere: `None` when
/// there is no such run, `Some(None)` when it was started here.
pub async fn track_fingerprint(db: &Db, id: RunId) -> Result<Option<Option<String>>, StoreError> {
    let found = runs::Entity::find_by_id(id.0)
        .select_only()
        .column(runs::Column::TrackFingerprint)
        .into_tuple::<Option<String>>()
        .one(&db.read)
        .await?;
    Ok(found)
}

/// The newest `limit` runs of `task`, newest first.
///
/// The limit is written into the statement, not bound: SQLite's planner
/// reads a bound `LIMIT` while planning, so it prepares such a statement
/// again at every execution (a third of this read's time). A task's limit
/// rarely changes, so each stays one cached statement.
pub async fn history(db: &Db, task: &str, limit: u32) -> Result<Vec<Run>, StoreError> {
    let sql = format!("SELECT * FROM runs WHERE task = $1 ORDER BY created_at DESC, id DESC LIMIT {limit}");
    let rows = runs::Model::find_by_statement(statement(db.backend, &sql, vec![task.into()])).all(&db.read).await?;
    rows.into_iter().map(convert::run).collect()
}

/// The runs with these ids that exist.
pub async fn runs_by_ids(db: &Db, ids: &[RunId]) -> Result<Vec<Run>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = runs::Entity::find().filter(runs::Column::Id.is_in(ids.iter().map(|id| id.0))).all(&db.read).await?;
    rows.into_iter().map(convert::run).collect()
}

/// Which of `ids` name runs that exist.
pub async fn existing_ids(db: &Db, ids: &[RunId]) -> Result<Vec<RunId>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let found: Vec<Uuid> = runs::Entity::find()
        .select_only()
        .column(runs::Column::Id)
        .filter(runs::Column::Id.is_in(ids.iter().map(|id| id.0)))
        .into_tuple()
        .all(&db.read)
        .await?;
    Ok(found.into_iter().map(RunId).collect())
}

/// The state of the run of `task` that ended last before `(created_at, id)`
/// (by creation), if any is kept.
pub async fn previous_end(db: &Db, task: &str, created_at: i64, id: Uuid) -> Result<Option<RunState>, StoreError> {
    let sql = format!(
        "SELECT state FROM runs WHERE task = $1 AND state IN {finished} \
         AND (created_at < $2 OR (created_at = $2 AND id < $3)) ORDER BY created_at DESC, id DESC LIMIT 1",
        finished = super::finished_states_sql()
    );
    let row =
        db.read.query_one_raw(statement(db.backend, &sql, vec![task.into(), created_at.into(), id.into()])).await?;
    let Some(row) = row else { return Ok(None) };
    let text: String = row.try_get("", "state")?;
    convert::state("runs", id, &text).map(Some)
}

/// The attempts of run `id`, first to last.
pub async fn attempts(db: &Db, id: RunId) -> Result<Vec<Attempt>, StoreError> {
    let rows = run_attempts::Entity::find()
        .filter(run_attempts::Column::RunId.eq(id.0))
        .order_by_asc(run_attempts::Column::Attempt)
        .all(&db.read)
        .await?;
    rows.into_iter().map(convert::attempt).collect()
}

/// Run `id` with its log lines, in one statement (the log gathered into a
/// JSON list by the database): what a run's info page asks for.
pub async fn run_with_log(db: &Db, id: RunId) -> Result<Option<(Run, Vec<LogLine>)>, StoreError> {
    let log = match db.backend {
        Backend::Sqlite => {
            "(SELECT json_group_array(json_array(at, level, message)) FROM \
             (SELECT at, level, message FROM run_logs WHERE run_id = runs.id ORDER BY id))"
        }
        Backend::Postgres => {
            "(SELECT json_agg(json_build_array(at, level, message) ORDER BY id)::text \
             FROM run_logs WHERE run_id = runs.id)"
        }
    };
    let sql = format!("SELECT runs.*, {log} AS log_lines FROM runs WHERE id = $1");
    let Some(row) = db.read.query_one_raw(statement(db.backend, &sql, vec![id.0.into()])).await? else {
        return Ok(None);
    };
    let lines: Option<String> = row.try_get("", "log_lines")?;
    let run = convert::run(runs::Model::from_query_result(&row, "")?)?;
    let lines: Vec<(i64, String, String)> = match lines {
        Some(text) => {
            serde_json::from_str(&text).map_err(|error| super::error::unreadable("run_logs", id, "log", error))?
        }
        None => Vec::new(),
    };
    let log = lines.into_iter().map(|(at, level, message)| LogLine { at: to_rfc3339(at), level, message }).collect();
    Ok(Some((run, log)))
}

/// How many runs wait to be claimed.
pub async fn queue_depth(db: &Db) -> Result<u64, StoreError> {
    let sql = format!("SELECT COUNT(*) AS depth FROM runs WHERE state = '{}'", RunState::Pending.as_str());
    let row = db.read.query_one_raw(statement(db.backend, &sql, Vec::new())).await?;
    let depth = row.map(|row| row.try_get::<i64>("", "depth")).transpose()?.unwrap_or(0);
    Ok(u64::try_from(depth).unwrap_or(0))
}

/// Whether the database answers.
pub async fn ping(db: &Db) -> Result<(), StoreError> {
    db.read.query_one_raw(statement(db.backend, "SELECT 1", Vec::new())).await?;
    Ok(())
}
