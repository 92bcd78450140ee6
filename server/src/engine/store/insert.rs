//! Inserting runs, many in one transaction when many are started at once.

use super::{history, insertable, notify_work};
use crate::db::{Backend, Db};
use crate::db::entities::runs;
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, TransactionTrait};
use std::collections::BTreeMap;

/// A run about to be inserted (also what it looks like once inserted).
pub type NewRun = runs::Model;

/// Inserts `rows` in one transaction, wakes the workers, and trims the
/// history of each task touched to its limit.
pub async fn insert_runs(db: &Db, rows: &[NewRun], history_limit: impl Fn(&str) -> u32) -> Result<(), DbErr> {
    if rows.is_empty() {
        return Ok(());
    }
    let transaction = db.write.begin().await?;
    insert_rows(&transaction, rows).await?;
    notify_work(db, &transaction).await?;
    let limits: BTreeMap<&str, u32> = rows.iter().map(|row| (row.task.as_str(), history_limit(&row.task))).collect();
    if db.backend == Backend::Sqlite {
        for (task, limit) in &limits {
            history::trim_in(db.backend, &transaction, task, *limit).await?;
        }
    }
    transaction.commit().await?;
    if db.backend == Backend::Postgres {
        for (task, limit) in &limits {
            history::trim_history(db, task, *limit).await?;
        }
    }
    Ok(())
}

/// The INSERTs alone, inside the caller's transaction.
pub async fn insert_rows(connection: &impl ConnectionTrait, rows: &[NewRun]) -> Result<(), DbErr> {
    // SQLite allows 32766 bound values; a run has 24 columns.
    for chunk in rows.chunks(500) {
        let models = chunk.iter().cloned().map(insertable::<runs::ActiveModel, _>);
        runs::Entity::insert_many(models).exec_without_returning(connection).await?;
    }
    Ok(())
}
