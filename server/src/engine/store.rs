//! The SQL of the engine: the runs table as a queue. Each statement is
//! written once for both databases (`$1` placeholders; SQLite gets `?1`);
//! where they must differ (row locks, notifications) the backend decides.

mod batch;
mod cancel;
mod claim;
mod finish;
mod history;
mod insert;
mod lease;
mod schedules;

pub use cancel::{cancel_pending, flag_cancel, notify_cancel};
pub use claim::claim;
pub use finish::{Settlement, finish};
pub use history::trim_history;
pub use insert::{NewRun, insert_rows, insert_runs};
pub use lease::{LostRun, heartbeat, lost_runs, requeue_owned, rescue};
pub use schedules::{
    due_schedules, find_schedule, fire_tick, list_schedules, next_tick, record_run_now, set_paused, sync_schedules,
};

use crate::db::{Backend, Db};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbBackend, DbErr, IntoActiveModel, Statement, Value};

/// The notification channel that wakes workers when runs become claimable.
pub const WORK_CHANNEL: &str = "task_starter_work";
/// The notification channel whose payload is the id of a run to cancel.
pub const CANCEL_CHANNEL: &str = "task_starter_cancel";

/// The states in which a run has ended.
pub const FINISHED_STATES: &str = "('success', 'failure', 'cancelled')";

/// A statement for `backend`, from SQL written with `$1`-style placeholders.
pub fn statement(backend: Backend, sql: &str, values: Vec<Value>) -> Statement {
    match backend {
        Backend::Postgres => Statement::from_sql_and_values(DbBackend::Postgres, sql, values),
        Backend::Sqlite => Statement::from_sql_and_values(DbBackend::Sqlite, numbered_question_marks(sql), values),
    }
}

/// `$1` as `?1`, leaving other dollar signs (JSON paths such as `'$.id'`) alone.
fn numbered_question_marks(sql: &str) -> String {
    let mut converted = String::with_capacity(sql.len());
    let mut characters = sql.chars().peekable();
    while let Some(character) = characters.next() {
        let placeholder = character == '$' && characters.peek().is_some_and(char::is_ascii_digit);
        converted.push(if placeholder { '?' } else { character });
    }
    converted
}

/// A model with every column set, for an INSERT.
pub fn insertable<A: ActiveModelTrait, M: IntoActiveModel<A>>(model: M) -> A {
    model.into_active_model().reset_all()
}

/// `$first, $first+1, ...`: placeholders for a list of `count` values.
pub fn placeholders(first: usize, count: usize) -> String {
    (first..first + count).map(|index| format!("${index}")).collect::<Vec<_>>().join(", ")
}

/// Wakes the workers of every process (PostgreSQL) once the transaction
/// commits; on SQLite the in-process notify is enough.
pub async fn notify_work(db: &Db, connection: &impl ConnectionTrait) -> Result<(), DbErr> {
    if db.backend == Backend::Postgres {
        connection
            .execute_raw(statement(Backend::Postgres, "SELECT pg_notify($1, '')", vec![WORK_CHANNEL.into()]))
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_gets_numbered_question_marks() {
        let sql = statement(Backend::Sqlite, "SELECT $1, $2", vec![1.into(), 2.into()]);
        assert_eq!(sql.sql, "SELECT ?1, ?2");
        let sql = statement(Backend::Postgres, "SELECT $1", vec![1.into()]);
        assert_eq!(sql.sql, "SELECT $1");
        let sql = statement(Backend::Sqlite, "SELECT value ->> '$.id' FROM json_each($12)", vec![]);
        assert_eq!(sql.sql, "SELECT value ->> '$.id' FROM json_each(?12)");
    }

    #[test]
    fn placeholders_continue_from_the_first_number() {
        assert_eq!(placeholders(3, 3), "$3, $4, $5");
        assert_eq!(placeholders(1, 0), "");
    }
}
