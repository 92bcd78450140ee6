//! The notification outbox: messages queued for webhooks (here), claimed
//! one at a time per URL and settled (sent, tried again later, given up)
//! with their audit entry in the same transaction (`delivery`). Times are
//! on the database's clock, so that processes whose clocks disagree still
//! agree on what is due.
//!
//! PostgreSQL claims with `FOR UPDATE SKIP LOCKED`, so several processes
//! deliver each message once; a claim is a lease (`due_at` moves to its
//! end), so a message whose process died is tried again when it runs out.
//! Queuing takes one advisory lock, so that two processes never open two
//! digests of one storm; SQLite's single writer does both by itself.

mod delivery;

pub use delivery::{Claimed, Settled, claim, delete_old, next_due, settle};

use super::batch::{self, Column, Kind};
use super::error::{StoreError, unreadable};
use crate::db::{Backend, Db, now_micros_sql, statement};
use sea_orm::{ConnectionTrait, TransactionTrait, Value};
use types::RunId;

/// The states of a message still to deliver, as an SQL list (written out,
/// so that the partial index applies).
const WAITING: &str = "('collecting', 'queued', 'sending')";
/// The advisory lock that queuing holds on PostgreSQL ("notify" in ASCII).
const QUEUE_LOCK: i64 = 0x6e6f_7469_6679;

/// What a message announces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Event {
    Failure,
    /// A success after a failure of the same task.
    Recovery,
    Success,
    Cancelled,
}

impl Event {
    pub fn as_str(self) -> &'static str {
        match self {
            Event::Failure => "failure",
            Event::Recovery => "recovery",
            Event::Success => "success",
            Event::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<Event> {
        [Event::Failure, Event::Recovery, Event::Success, Event::Cancelled]
            .into_iter()
            .find(|event| event.as_str() == text)
    }

    /// Whether a storm of these is counted into a digest. A recovery follows
    /// a failure, so there is no storm of them, and each is news.
    pub fn collapses(self) -> bool {
        self != Event::Recovery
    }
}

/// One end to tell (or, from an overflow, several ends of which this run
/// is the latest).
#[derive(Clone, Debug, PartialEq)]
pub struct Told {
    pub run_id: RunId,
    /// The run as the message shows it, as JSON.
    pub run: String,
    pub count: u64,
}

/// The ends of one task's event to tell one URL, oldest first.
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    pub url_key: String,
    pub task: String,
    pub event: Event,
    pub told: Vec<Told>,
}

/// What the outbox knows of a group when it is queued.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Seen {
    /// The end of the latest window of this task's event at this URL.
    pub window_until: Option<i64>,
    /// Messages waiting for this URL.
    pub waiting: u64,
}

/// A message to queue for a group's URL, task and event.
#[derive(Clone, Debug, PartialEq)]
pub struct NewMessage {
    pub run_id: RunId,
    pub run: String,
    pub count: u64,
    /// A digest keeps counting the storm's further ends until it is due.
    pub digest: bool,
    pub due_at: i64,
    pub window_until: Option<i64>,
}

const COLUMNS: [Column; 11] = [
    ("url_key", Kind::Text),
    ("task", Kind::Text),
    ("run_id", Kind::Uuid),
    ("event", Kind::Text),
    ("count", Kind::BigInt),
    ("digest", Kind::Bool),
    ("run", Kind::Text),
    ("state", Kind::Text),
    ("due_at", Kind::BigInt),
    ("window_until", Kind::BigInt),
    ("created_at", Kind::BigInt),
];

/// Queues `groups` in one transaction. A group whose storm has a digest
/// still counting is added to it; otherwise `plan` says what to queue from
/// what the outbox has seen and the database's time now.
pub async fn enqueue(
    db: &Db,
    groups: &[Group],
    plan: impl Fn(&Group, Seen, i64) -> Vec<NewMessage>,
) -> Result<(), StoreError> {
    if groups.is_empty() {
        return Ok(());
    }
    let transaction = db.write.begin().await?;
    if db.backend == Backend::Postgres {
        let lock = statement(Backend::Postgres, "SELECT pg_advisory_xact_lock($1)", vec![QUEUE_LOCK.into()]);
        transaction.execute_raw(lock).await?;
    }
    let now = database_now(db, &transaction).await?;
    let mut rows = Vec::new();
    for group in groups {
        if group.event.collapses() && join_digest(db, &transaction, group).await? {
            continue;
        }
        let seen = seen(db, &transaction, group).await?;
        rows.extend(plan(group, seen, now).into_iter().map(|message| row(group, message, now)));
    }
    batch::insert(db.backend, &transaction, "notification_outbox", &COLUMNS, &rows).await?;
    transaction.commit().await?;
    Ok(())
}

fn row(group: &Group, message: NewMessage, now: i64) -> Vec<Value> {
    let state = if message.digest { "collecting" } else { "queued" };
    vec![
        group.url_key.clone().into(),
        group.task.clone().into(),
        message.run_id.0.into(),
        group.event.as_str().into(),
        i64::try_from(message.count).unwrap_or(i64::MAX).into(),
        message.digest.into(),
        message.run.into(),
        state.into(),
        message.due_at.into(),
        message.window_until.into(),
        now.into(),
    ]
}

async fn database_now(db: &Db, connection: &impl ConnectionTrait) -> Result<i64, StoreError> {
    let sql = format!("SELECT {} AS now", now_micros_sql(db.backend));
    let row = connection.query_one_raw(statement(db.backend, &sql, Vec::new())).await?;
    let row = row.ok_or_else(|| unreadable("notification_outbox", "now", "now", "the clock gave no row"))?;
    Ok(row.try_get("", "now")?)
}

/// Adds the group's ends to its storm's digest if one is still counting
/// (every digest has a window: the condition lets the windows' index serve).
async fn join_digest(db: &Db, connection: &impl ConnectionTrait, group: &Group) -> Result<bool, StoreError> {
    let Some(latest) = group.told.last() else { return Ok(true) };
    let count: u64 = group.told.iter().map(|told| told.count).sum();
    let sql = "UPDATE notification_outbox SET count = count + $1, run_id = $2, run = $3 \
               WHERE url_key = $4 AND task = $5 AND event = $6 AND window_until IS NOT NULL \
               AND state = 'collecting'";
    let values = vec![
        i64::try_from(count).unwrap_or(i64::MAX).into(),
        latest.run_id.0.into(),
        latest.run.clone().into(),
        group.url_key.clone().into(),
        group.task.clone().into(),
        group.event.as_str().into(),
    ];
    let done = connection.execute_raw(statement(db.backend, sql, values)).await?;
    Ok(done.rows_affected() > 0)
}

async fn seen(db: &Db, connection: &impl ConnectionTrait, group: &Group) -> Result<Seen, StoreError> {
    let sql = format!(
        "SELECT (SELECT MAX(window_until) FROM notification_outbox \
                 WHERE url_key = $1 AND task = $2 AND event = $3 AND window_until IS NOT NULL) AS window_until, \
                (SELECT COUNT(*) FROM notification_outbox WHERE url_key = $1 AND state IN {WAITING}) AS waiting"
    );
    let values = vec![group.url_key.clone().into(), group.task.clone().into(), group.event.as_str().into()];
    let Some(row) = connection.query_one_raw(statement(db.backend, &sql, values)).await? else {
        return Ok(Seen::default());
    };
    let waiting: i64 = row.try_get("", "waiting")?;
    Ok(Seen { window_until: row.try_get("", "window_until")?, waiting: u64::try_from(waiting).unwrap_or(0) })
}

#[cfg(test)]
mod tests {
    use super::Event;

    #[test]
    fn events_read_back_and_only_recoveries_stand_alone() {
        for event in [Event::Failure, Event::Recovery, Event::Success, Event::Cancelled] {
            assert_eq!(Event::parse(event.as_str()), Some(event));
            assert_eq!(event.collapses(), event != Event::Recovery);
        }
        assert_eq!(Event::parse("storm"), None);
    }
}
