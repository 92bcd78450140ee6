//! Delivering the outbox's messages: a URL's lane claims the message due
//! first (PostgreSQL skips rows another process holds), and records how its
//! try ended, with the audit entry, only while its claim still holds.

use super::{Event, WAITING};
use crate::clock::micros;
use crate::db::{Backend, Db, now_micros_sql, placeholders, statement};
use crate::engine::store::audit::{NewAuditEvent, append_rows};
use crate::engine::store::error::{StoreError, unreadable};
use sea_orm::{ConnectionTrait, FromQueryResult, TransactionTrait, Value};
use std::time::Duration;
use types::RunId;
use uuid::Uuid;

/// A message claimed for delivery by this process.
#[derive(Clone, Debug, PartialEq)]
pub struct Claimed {
    pub id: i64,
    pub task: String,
    pub run_id: RunId,
    pub event: Event,
    pub count: u64,
    pub digest: bool,
    pub run: String,
    /// This try's number (the first is 1); it fences what the try records.
    pub attempt: i32,
}

/// A claimed row as the statement returns it.
#[derive(FromQueryResult)]
struct ClaimedRow {
    id: i64,
    task: String,
    run_id: Uuid,
    event: String,
    count: i64,
    digest: bool,
    run: String,
    attempts: i32,
}

/// Claims the message for `url_key` that is due first, for `lease`.
pub async fn claim(db: &Db, url_key: &str, lease: Duration) -> Result<Option<Claimed>, StoreError> {
    let lock = match db.backend {
        Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    let now = now_micros_sql(db.backend);
    let sql = format!(
        "UPDATE notification_outbox SET state = 'sending', attempts = attempts + 1, due_at = {now} + $2 \
         WHERE id IN (SELECT id FROM notification_outbox WHERE url_key = $1 AND state IN {WAITING} \
         AND due_at <= {now} ORDER BY due_at, id LIMIT 1{lock}) \
         RETURNING id, task, run_id, event, count, digest, run, attempts"
    );
    let values = vec![url_key.into(), micros(lease).into()];
    let Some(row) = db.write.query_one_raw(statement(db.backend, &sql, values)).await? else {
        return Ok(None);
    };
    let row = ClaimedRow::from_query_result(&row, "")?;
    let event =
        Event::parse(&row.event).ok_or_else(|| unreadable("notification_outbox", row.id, "event", &row.event))?;
    Ok(Some(Claimed {
        id: row.id,
        task: row.task,
        run_id: RunId(row.run_id),
        event,
        count: u64::try_from(row.count).unwrap_or(1),
        digest: row.digest,
        run: row.run,
        attempt: row.attempts,
    }))
}

/// How long until a message for `url_key` is due (zero when one is);
/// `None` when none waits.
pub async fn next_due(db: &Db, url_key: &str) -> Result<Option<Duration>, StoreError> {
    let sql = format!(
        "SELECT MIN(due_at) - {now} AS wait FROM notification_outbox WHERE url_key = $1 AND state IN {WAITING}",
        now = now_micros_sql(db.backend)
    );
    let Some(row) = db.read.query_one_raw(statement(db.backend, &sql, vec![url_key.into()])).await? else {
        return Ok(None);
    };
    let wait: Option<i64> = row.try_get("", "wait")?;
    Ok(wait.map(|micros| Duration::from_micros(u64::try_from(micros).unwrap_or(0))))
}

/// How a claimed message's try ended.
pub enum Settled<'a> {
    Sent {
        audit: &'a NewAuditEvent,
    },
    /// Tried again after `wait`.
    Later {
        wait: Duration,
        error: &'a str,
    },
    GivenUp {
        error: &'a str,
        audit: &'a NewAuditEvent,
    },
}

/// Records how the try of `claimed` ended, with its audit entry, unless
/// its claim was lost meanwhile (then another try owns the message);
/// whether it was recorded.
pub async fn settle(db: &Db, claimed: &Claimed, settled: Settled<'_>) -> Result<bool, StoreError> {
    let now = now_micros_sql(db.backend);
    let fence = "WHERE id = $1 AND attempts = $2 AND state = 'sending'";
    let mut values: Vec<Value> = vec![claimed.id.into(), claimed.attempt.into()];
    let (sql, audit) = match settled {
        Settled::Sent { audit } => {
            (format!("UPDATE notification_outbox SET state = 'sent', done_at = {now} {fence}"), Some(audit))
        }
        Settled::Later { wait, error } => {
            values.extend([micros(wait).into(), error.into()]);
            let set = format!("state = 'queued', due_at = {now} + $3, last_error = $4");
            (format!("UPDATE notification_outbox SET {set} {fence}"), None)
        }
        Settled::GivenUp { error, audit } => {
            values.push(error.into());
            let set = format!("state = 'given_up', done_at = {now}, last_error = $3");
            (format!("UPDATE notification_outbox SET {set} {fence}"), Some(audit))
        }
    };
    let transaction = db.write.begin().await?;
    let done = transaction.execute_raw(statement(db.backend, &sql, values)).await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    if let Some(audit) = audit {
        append_rows(db, &transaction, std::slice::from_ref(audit)).await?;
    }
    transaction.commit().await?;
    Ok(true)
}

/// Deletes messages delivered or given up more than `keep` ago, and those
/// still waiting after `keep` for a URL no longer among `known_keys` (no
/// process that has them in its config would deliver them); how many went.
pub async fn delete_old(db: &Db, keep: Duration, known_keys: &[String]) -> Result<u64, StoreError> {
    let now = now_micros_sql(db.backend);
    let done = format!("DELETE FROM notification_outbox WHERE done_at < {now} - $1");
    let mut deleted =
        db.write.execute_raw(statement(db.backend, &done, vec![micros(keep).into()])).await?.rows_affected();
    if !known_keys.is_empty() {
        let orphans = format!(
            "DELETE FROM notification_outbox WHERE state IN {WAITING} AND created_at < {now} - $1 \
             AND url_key NOT IN ({})",
            placeholders(2, known_keys.len())
        );
        let mut values: Vec<Value> = vec![micros(keep).into()];
        values.extend(known_keys.iter().map(|key| Value::from(key.as_str())));
        deleted += db.write.execute_raw(statement(db.backend, &orphans, values)).await?.rows_affected();
    }
    Ok(deleted)
}
