//! Reading runs: one run, a task's history, batch status, the list across
//! tasks (keyset paging), attempts, log lines, and the queue's depth.

use super::convert;
use super::error::StoreError;
use crate::db::entities::{run_attempts, run_logs, runs};
use crate::db::{Db, statement};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use types::{Attempt, LogLine, Run, RunId, RunState};
use uuid::Uuid;

/// Run `id`, if it exists.
pub async fn run(db: &Db, id: RunId) -> Result<Option<Run>, StoreError> {
    runs::Entity::find_by_id(id.0).one(&db.read).await?.map(convert::run).transpose()
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
pub async fn history(db: &Db, task: &str, limit: u32) -> Result<Vec<Run>, StoreError> {
    let rows = runs::Entity::find()
        .filter(runs::Column::Task.eq(task))
        .order_by_desc(runs::Column::CreatedAt)
        .order_by_desc(runs::Column::Id)
        .limit(u64::from(limit))
        .all(&db.read)
        .await?;
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

/// What the list of runs across tasks is filtered by.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunQuery {
    pub state: Option<RunState>,
    pub task: Option<String>,
    /// Runs started by, or run as, this user.
    pub user: Option<String>,
    /// Only runs older than this `(created_at, id)`.
    pub before: Option<(i64, Uuid)>,
    pub limit: u32,
}

/// A page of runs across tasks, newest first, and whether more are older.
pub async fn list_runs(db: &Db, query: &RunQuery) -> Result<(Vec<Run>, Option<(i64, Uuid)>), StoreError> {
    let mut select = runs::Entity::find();
    if let Some(state) = query.state {
        select = select.filter(runs::Column::State.eq(state.as_str()));
    }
    if let Some(task) = &query.task {
        select = select.filter(runs::Column::Task.eq(task.as_str()));
    }
    if let Some(user) = &query.user {
        select = select.filter(
            Condition::any()
                .add(runs::Column::StartedByName.eq(user.as_str()))
                .add(runs::Column::RunAs.eq(user.as_str())),
        );
    }
    if let Some((created_at, id)) = query.before {
        select = select.filter(
            Condition::any()
                .add(runs::Column::CreatedAt.lt(created_at))
                .add(Condition::all().add(runs::Column::CreatedAt.eq(created_at)).add(runs::Column::Id.lt(id))),
        );
    }
    let limit = query.limit as usize;
    let mut rows = select
        .order_by_desc(runs::Column::CreatedAt)
        .order_by_desc(runs::Column::Id)
        .limit(u64::from(query.limit) + 1)
        .all(&db.read)
        .await?;
    let more = rows.len() > limit;
    rows.truncate(limit);
    let next = if more { rows.last().map(|last| (last.created_at, last.id)) } else { None };
    Ok((rows.into_iter().map(convert::run).collect::<Result<_, _>>()?, next))
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

/// The log lines of run `id`, in the order they were written.
pub async fn log_lines(db: &Db, id: RunId) -> Result<Vec<LogLine>, StoreError> {
    let rows = run_logs::Entity::find()
        .filter(run_logs::Column::RunId.eq(id.0))
        .order_by_asc(run_logs::Column::Id)
        .all(&db.read)
        .await?;
    Ok(rows.into_iter().map(convert::log_line).collect())
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
