//! Recording how attempts ended, many runs in one statement: each run either
//! ends (success, failure, cancelled) or goes back to pending for a retry.
//! Only a run still held by this worker's lease is changed, so a run that
//! was rescued elsewhere is never recorded twice.

use super::batch::{self, Column, Kind};
use super::notify_work;
use crate::db::entities::run_attempts;
use crate::db::{Backend, Db};
use sea_orm::{ConnectionTrait, DbErr, TransactionTrait, Value};
use uuid::Uuid;

/// What an attempt's end does to its run.
#[derive(Clone, Debug, PartialEq)]
pub struct Settlement {
    pub run_id: Uuid,
    pub task: String,
    /// `pending` for a retry, or the final state.
    pub state: &'static str,
    pub result: Option<String>,
    pub error_kind: Option<String>,
    pub error_message: Option<String>,
    /// `None` when the run goes back to pending.
    pub finished_at: Option<i64>,
    /// When a retry may be claimed.
    pub run_after: i64,
    pub progress_fraction: Option<f64>,
    pub progress_message: Option<String>,
    /// The attempt row to keep, for tasks that retry.
    pub attempt: Option<run_attempts::Model>,
}

/// The runs that `finish` changed: `(id, task, state)`.
pub type Finished = Vec<(Uuid, String, String)>;

const SETTLEMENT: [Column; 9] = [
    ("id", Kind::Uuid),
    ("state", Kind::Text),
    ("result", Kind::Text),
    ("error_kind", Kind::Text),
    ("error_message", Kind::Text),
    ("finished_at", Kind::BigInt),
    ("run_after", Kind::BigInt),
    ("progress_fraction", Kind::Double),
    ("progress_message", Kind::Text),
];

const ATTEMPT: [Column; 8] = [
    ("run_id", Kind::Uuid),
    ("attempt", Kind::Int),
    ("worker", Kind::Text),
    ("state", Kind::Text),
    ("error_kind", Kind::Text),
    ("error_message", Kind::Text),
    ("started_at", Kind::BigInt),
    ("finished_at", Kind::BigInt),
];

/// Records `settlements` for runs held by `owner`, in one transaction.
pub async fn finish(db: &Db, owner: &str, settlements: &[Settlement]) -> Result<Finished, DbErr> {
    if settlements.is_empty() {
        return Ok(Vec::new());
    }
    let transaction = db.write.begin().await?;
    let finished = update_runs(db.backend, &transaction, owner, settlements).await?;
    let attempts: Vec<Vec<Value>> = settlements
        .iter()
        .filter(|settlement| finished.iter().any(|(id, _, _)| *id == settlement.run_id))
        .filter_map(|settlement| settlement.attempt.as_ref())
        .map(|attempt| {
            vec![
                attempt.run_id.into(),
                attempt.attempt.into(),
                attempt.worker.clone().into(),
                attempt.state.clone().into(),
                attempt.error_kind.clone().into(),
                attempt.error_message.clone().into(),
                attempt.started_at.into(),
                attempt.finished_at.into(),
            ]
        })
        .collect();
    let columns = batch::names(&ATTEMPT);
    for insert in batch::statements(db.backend, &ATTEMPT, &attempts, "", &[], |source, _| {
        format!("INSERT INTO run_attempts ({columns}) {source}")
    })? {
        transaction.execute_raw(insert).await?;
    }
    if finished.iter().any(|(_, _, state)| state == "pending") {
        notify_work(db, &transaction).await?;
    }
    transaction.commit().await?;
    Ok(finished)
}

async fn update_runs(
    backend: Backend,
    connection: &impl ConnectionTrait,
    owner: &str,
    settlements: &[Settlement],
) -> Result<Finished, DbErr> {
    let rows: Vec<Vec<Value>> = settlements
        .iter()
        .map(|settlement| {
            vec![
                settlement.run_id.into(),
                settlement.state.into(),
                settlement.result.clone().into(),
                settlement.error_kind.clone().into(),
                settlement.error_message.clone().into(),
                settlement.finished_at.into(),
                settlement.run_after.into(),
                settlement.progress_fraction.into(),
                settlement.progress_message.clone().into(),
            ]
        })
        .collect();
    let assignments = "state = d_state, result = d_result, error_kind = d_error_kind, \
        error_message = d_error_message, finished_at = d_finished_at, run_after = d_run_after, \
        lease_owner = NULL, lease_expires_at = NULL, \
        progress_fraction = COALESCE(d_progress_fraction, progress_fraction), \
        progress_message = COALESCE(d_progress_message, progress_message)";
    let statements = batch::statements(backend, &SETTLEMENT, &rows, "d_", &[owner.into()], |source, owner| {
        let condition = format!("id = d_id AND lease_owner = ${owner} AND state = 'running' RETURNING id, task, state");
        match backend {
            // PostgreSQL joins the batch to the table with a hash join.
            Backend::Postgres => format!("UPDATE runs SET {assignments} FROM ({source}) AS done WHERE {condition}"),
            // SQLite must see the batch as a table of its own, or it scans
            // `runs` for every row of the batch instead of looking ids up.
            Backend::Sqlite => {
                format!(
                    "WITH done AS MATERIALIZED ({source}) UPDATE runs SET {assignments} FROM done WHERE {condition}"
                )
            }
        }
    })?;
    let mut finished = Vec::with_capacity(settlements.len());
    for update in statements {
        for row in connection.query_all_raw(update).await? {
            finished.push((row.try_get("", "id")?, row.try_get("", "task")?, row.try_get("", "state")?));
        }
    }
    Ok(finished)
}
