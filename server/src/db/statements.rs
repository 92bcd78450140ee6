//! Generic statement helpers for both databases: SQL written once with
//! `$1`-style placeholders (SQLite gets `?1`), lists of placeholders, rows
//! ready to insert, and the database's own clock.

use super::Backend;
use sea_orm::{ActiveModelTrait, DbBackend, IntoActiveModel, Statement, Value};

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

/// `$first, $first+1, ...`: placeholders for a list of `count` values.
pub fn placeholders(first: usize, count: usize) -> String {
    (first..first + count).map(|index| format!("${index}")).collect::<Vec<_>>().join(", ")
}

/// A model with every column set, for an INSERT.
pub fn insertable<A: ActiveModelTrait, M: IntoActiveModel<A>>(model: M) -> A {
    model.into_active_model().reset_all()
}

/// The database server's clock in microseconds since the Unix epoch, as SQL.
/// Leases are measured on it, so that hosts whose clocks disagree still agree
/// on when a lease has run out.
pub fn now_micros_sql(backend: Backend) -> &'static str {
    match backend {
        Backend::Postgres => "(EXTRACT(EPOCH FROM clock_timestamp()) * 1000000)::bigint",
        // SQLite's clock has whole milliseconds; rounded up, so that a run
        // made (with the same host's microseconds) in this millisecond is
        // already due. Leases last seconds: a millisecond more is nothing.
        Backend::Sqlite => "(CAST(unixepoch('subsec') * 1000000 AS INTEGER) + 999)",
    }
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
