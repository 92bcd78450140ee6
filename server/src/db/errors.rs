//! Telling a database that is away (restarting, unreachable, overloaded)
//! from a statement it refuses. The first is worth trying again; the second
//! will fail the same way every time.

use sea_orm::{DbErr, RuntimeErr};

/// Whether `error` says the database is unavailable for now (a lost
/// connection, a restart, a pool that timed out, a serialization failure)
/// rather than that it refused what was sent.
pub fn is_transient(error: &DbErr) -> bool {
    match error {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Exec(RuntimeErr::SqlxError(error)) | DbErr::Query(RuntimeErr::SqlxError(error)) => {
            sqlx_is_transient(error)
        }
        _ => false,
    }
}

/// Whether the database stopped the statement on purpose: PostgreSQL's
/// `query_canceled` (a statement timeout) or SQLite's `SQLITE_INTERRUPT`
/// (a progress handler that said stop).
pub fn is_interrupted(error: &DbErr) -> bool {
    match error {
        DbErr::Exec(RuntimeErr::SqlxError(error)) | DbErr::Query(RuntimeErr::SqlxError(error)) => {
            matches!(&**error, sqlx::Error::Database(database) if database.code().is_some_and(|code| interrupted_code(&code)))
        }
        _ => false,
    }
}

fn interrupted_code(code: &str) -> bool {
    code == "57014" || code.parse::<u32>().is_ok_and(|code| code & 0xff == 9)
}

fn sqlx_is_transient(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Database(database) => {
            database.code().is_some_and(|code| transient_code(&code) && !interrupted_code(&code))
        }
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::Protocol(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed
        | sqlx::Error::BeginFailed => true,
        _ => false,
    }
}

/// PostgreSQL's SQLSTATE classes for connection trouble (08), rolled-back
/// transactions (40), exhausted resources (53), an operator's intervention
/// such as a restart (57) and system errors (58); SQLite's busy and locked
/// codes (5, 6 and their extended forms).
fn transient_code(code: &str) -> bool {
    const CLASSES: [&str; 5] = ["08", "40", "53", "57", "58"];
    if code.len() == 5 && CLASSES.iter().any(|class| code.starts_with(class)) {
        return true;
    }
    code.parse::<u32>().is_ok_and(|code| matches!(code & 0xff, 5 | 6))
}

#[cfg(test)]
mod tests {
    use super::transient_code;

    #[test]
    fn restarts_and_lost_connections_are_transient_and_bad_data_is_not() {
        assert!(transient_code("57P01"), "admin_shutdown: the server restarts");
        assert!(transient_code("08006"), "connection_failure");
        assert!(transient_code("40001"), "serialization_failure");
        assert!(transient_code("5"), "SQLITE_BUSY");
        assert!(transient_code("517"), "SQLITE_BUSY_SNAPSHOT");
        assert!(!transient_code("22P05"), "untranslatable_character: a NUL in text");
        assert!(!transient_code("23505"), "unique_violation");
        assert!(!transient_code("19"), "SQLITE_CONSTRAINT");
    }

    #[test]
    fn a_statement_stopped_at_its_deadline_is_interrupted_not_transient() {
        assert!(super::interrupted_code("57014"), "query_canceled: statement_timeout");
        assert!(super::interrupted_code("9"), "SQLITE_INTERRUPT");
        assert!(!super::interrupted_code("57P01"), "a restart is not a deadline");
        assert!(!super::interrupted_code("5"));
    }
}
