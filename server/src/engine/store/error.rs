//! What can go wrong in the store: the database failed or refused a
//! statement, or a stored value cannot be read back.

use crate::db::is_transient;
use sea_orm::DbErr;

/// A failed store operation.
#[derive(Clone, Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] DbErr),
    /// A row holds a value this server cannot read (written by hand, or by
    /// another version).
    #[error("{table} row {key}: the stored {column} cannot be read: {detail}")]
    Unreadable { table: &'static str, key: String, column: &'static str, detail: String },
    /// A search was stopped at its deadline.
    #[error("the search did not finish within {} s", .0.as_secs_f64())]
    SearchTooSlow(std::time::Duration),
    /// Every search connection stayed busy until the search's deadline.
    #[error("every search connection is busy")]
    SearchBusy,
}

impl StoreError {
    /// Whether the database is away for now (worth trying again later).
    pub fn is_transient(&self) -> bool {
        matches!(self, StoreError::Database(error) if is_transient(error))
    }

    /// Whether the database stopped the statement on purpose: a statement
    /// timeout (PostgreSQL `57014`) or an interrupt (SQLite `9`).
    pub fn is_interrupted(&self) -> bool {
        matches!(self, StoreError::Database(error) if crate::db::is_interrupted(error))
    }

    /// The kind recorded on a run that this error stopped.
    pub fn kind(&self) -> &'static str {
        match self {
            StoreError::Database(_) => "database",
            StoreError::Unreadable { .. } => "unreadable",
            StoreError::SearchTooSlow(_) => "search_too_slow",
            StoreError::SearchBusy => "search_busy",
        }
    }
}

/// A value of `column` in row `key` of `table` that cannot be read.
pub fn unreadable(table: &'static str, key: impl ToString, column: &'static str, detail: impl ToString) -> StoreError {
    StoreError::Unreadable { table, key: key.to_string(), column, detail: detail.to_string() }
}
