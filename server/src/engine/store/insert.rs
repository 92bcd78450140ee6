//! Inserting runs, many in one transaction when many are started at once.

use super::batch::{self, Column, Kind};
use super::{notify_work, statement};
use crate::db::Db;
use crate::db::entities::runs;
use sea_orm::{ConnectionTrait, DbErr, TransactionTrait};
use serde::Serialize;

/// A run about to be inserted (also what it looks like once inserted).
pub type NewRun = runs::Model;

/// Rows per statement: bounds the size of one JSON parameter.
const CHUNK: usize = 2000;

const COLUMNS: [Column; 24] = [
    ("id", Kind::Uuid),
    ("task", Kind::Text),
    ("arguments", Kind::Text),
    ("state", Kind::Text),
    ("result", Kind::Text),
    ("error_kind", Kind::Text),
    ("error_message", Kind::Text),
    ("started_by_kind", Kind::Text),
    ("started_by_name", Kind::Text),
    ("run_as", Kind::Text),
    ("origin", Kind::Text),
    ("rerun_of", Kind::Uuid),
    ("attempt", Kind::Int),
    ("max_attempts", Kind::Int),
    ("progress_fraction", Kind::Double),
    ("progress_message", Kind::Text),
    ("created_at", Kind::BigInt),
    ("started_at", Kind::BigInt),
    ("finished_at", Kind::BigInt),
    ("run_after", Kind::BigInt),
    ("lease_owner", Kind::Text),
    ("lease_expires_at", Kind::BigInt),
    ("cancel_requested", Kind::Bool),
    ("track_fingerprint", Kind::Text),
];

/// A run as the batch carries it.
#[derive(Serialize)]
struct Row<'a> {
    id: String,
    task: &'a str,
    arguments: &'a str,
    state: &'a str,
    result: Option<&'a str>,
    error_kind: Option<&'a str>,
    error_message: Option<&'a str>,
    started_by_kind: &'a str,
    started_by_name: &'a str,
    run_as: Option<&'a str>,
    origin: &'a str,
    rerun_of: Option<String>,
    attempt: i32,
    max_attempts: i32,
    progress_fraction: Option<f64>,
    progress_message: Option<&'a str>,
    created_at: i64,
    started_at: Option<i64>,
    finished_at: Option<i64>,
    run_after: i64,
    lease_owner: Option<&'a str>,
    lease_expires_at: Option<i64>,
    cancel_requested: bool,
    track_fingerprint: Option<&'a str>,
}

impl<'a> From<&'a runs::Model> for Row<'a> {
    fn from(run: &'a runs::Model) -> Row<'a> {
        Row {
            id: batch::uuid(run.id),
            task: &run.task,
            arguments: &run.arguments,
            state: &run.state,
            result: run.result.as_deref(),
            error_kind: run.error_kind.as_deref(),
            error_message: run.error_message.as_deref(),
            started_by_kind: &run.started_by_kind,
            started_by_name: &run.started_by_name,
            run_as: run.run_as.as_deref(),
            origin: &run.origin,
            rerun_of: run.rerun_of.map(batch::uuid),
            attempt: run.attempt,
            max_attempts: run.max_attempts,
            progress_fraction: run.progress_fraction,
            progress_message: run.progress_message.as_deref(),
            created_at: run.created_at,
            started_at: run.started_at,
            finished_at: run.finished_at,
            run_after: run.run_after,
            lease_owner: run.lease_owner.as_deref(),
            lease_expires_at: run.lease_expires_at,
            cancel_requested: run.cancel_requested,
            track_fingerprint: run.track_fingerprint.as_deref(),
        }
    }
}

/// Inserts `rows` in one transaction and wakes the workers of every process.
pub async fn insert_runs(db: &Db, rows: &[NewRun]) -> Result<(), DbErr> {
    if rows.is_empty() {
        return Ok(());
    }
    let transaction = db.write.begin().await?;
    insert_rows(db, &transaction, rows).await?;
    notify_work(db, &transaction).await?;
    transaction.commit().await
}

/// The INSERTs alone, inside the caller's transaction.
pub async fn insert_rows(db: &Db, connection: &impl ConnectionTrait, rows: &[NewRun]) -> Result<(), DbErr> {
    let sql = format!(
        "INSERT INTO runs ({}) {}",
        batch::names(&COLUMNS),
        batch::select_rows(db.backend, &COLUMNS, 1, "")
    );
    for chunk in rows.chunks(CHUNK) {
        let payload: Vec<Row<'_>> = chunk.iter().map(Row::from).collect();
        let json = serde_json::to_string(&payload).map_err(|error| DbErr::Custom(error.to_string()))?;
        connection.execute_raw(statement(db.backend, &sql, vec![json.into()])).await?;
    }
    Ok(())
}
