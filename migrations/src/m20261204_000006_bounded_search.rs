//! Searches that an index serves, and runs held for a bulk action.
//!
//! - An index per filter of the runs search that has none yet, newest
//!   first within a value, so that a page of a search reads a page of
//!   index entries. Each costs every insert and every update of a run
//!   (PostgreSQL writes a new entry in every index when a run changes
//!   state), so the ones only some runs need are partial: failed and
//!   cancelled runs (successes are found walking the newest runs), runs
//!   run as someone other than who started them, and runs of origins other
//!   than `api` and `ui`. Searches repeat each condition word for word.
//! - Text in results and error messages: on SQLite an FTS5 table with the
//!   trigram tokenizer (substrings of three characters or more), kept by
//!   triggers; on PostgreSQL a `pg_trgm` GIN index when the extension can
//!   be made (else text searches read every row, and the server says so at
//!   start).
//! - `runs.held_until`: a bulk re-run holds the runs it selected until it
//!   has acted on them, so that the history cap does not delete a selected
//!   run before its turn (µs; a hold ends by itself if its holder dies).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// `(index, column, condition)`: the filters that get an index of their own.
const FILTER_INDEXES: [(&str, &str, &str); 4] = [
    ("runs_unhappy", "state", " WHERE state IN ('failure', 'cancelled')"),
    ("runs_by_starter", "started_by_name", ""),
    ("runs_impersonated", "run_as", " WHERE run_as <> started_by_name"),
    ("runs_by_rare_origin", "origin", " WHERE origin NOT IN ('api', 'ui')"),
];

/// SQLite: the text of finished runs, by the run's rowid, and the triggers
/// that keep it. `run_id` is what searches join on (a rowid can change
/// under `VACUUM`; the id cannot).
const SQLITE_TEXT: [&str; 5] = [
    "CREATE VIRTUAL TABLE runs_text USING fts5(run_id UNINDEXED, body, tokenize = 'trigram')",
    "CREATE TRIGGER runs_text_on_insert AFTER INSERT ON runs \
     WHEN new.result IS NOT NULL OR new.error_message IS NOT NULL BEGIN \
     INSERT OR REPLACE INTO runs_text (rowid, run_id, body) \
     VALUES (new.rowid, new.id, coalesce(new.result, '') || char(10) || coalesce(new.error_message, '')); END",
    "CREATE TRIGGER runs_text_on_update AFTER UPDATE OF result, error_message ON runs \
     WHEN new.result IS NOT old.result OR new.error_message IS NOT old.error_message BEGIN \
     INSERT OR REPLACE INTO runs_text (rowid, run_id, body) \
     VALUES (new.rowid, new.id, coalesce(new.result, '') || char(10) || coalesce(new.error_message, '')); END",
    "CREATE TRIGGER runs_text_on_delete AFTER DELETE ON runs \
     WHEN old.result IS NOT NULL OR old.error_message IS NOT NULL BEGIN \
     DELETE FROM runs_text WHERE rowid = old.rowid; END",
    "INSERT INTO runs_text (rowid, run_id, body) \
     SELECT rowid, id, coalesce(result, '') || char(10) || coalesce(error_message, '') FROM runs \
     WHERE result IS NOT NULL OR error_message IS NOT NULL",
];

/// PostgreSQL: `pg_trgm` when this role may make it, and then the index.
/// Each step in a block of its own, so that a refusal is a notice, not a
/// failed migration. The server runs them again at each start (they do
/// nothing when done), so that the index comes once the extension can.
pub const POSTGRES_TEXT: [&str; 2] = [
    "DO $$ BEGIN CREATE EXTENSION IF NOT EXISTS pg_trgm; \
     EXCEPTION WHEN OTHERS THEN RAISE NOTICE 'pg_trgm is not available: %', SQLERRM; END $$",
    "DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN \
     CREATE INDEX IF NOT EXISTS runs_text ON runs USING gin \
     ((coalesce(result, '') || E'\\n' || coalesce(error_message, '')) gin_trgm_ops); END IF; END $$",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter().table(Runs::Table).add_column(ColumnDef::new(Runs::HeldUntil).big_integer()).to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        for (name, column, condition) in FILTER_INDEXES {
            db.execute_unprepared(&format!(
                "CREATE INDEX {name} ON runs ({column}, created_at DESC, id DESC){condition}"
            ))
            .await?;
        }
        let text: &[&str] = match manager.get_database_backend() {
            DbBackend::Postgres => &POSTGRES_TEXT,
            _ => &SQLITE_TEXT,
        };
        for sql in text {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        if manager.get_database_backend() == DbBackend::Postgres {
            db.execute_unprepared("DROP INDEX IF EXISTS runs_text").await?;
        } else {
            for trigger in ["runs_text_on_insert", "runs_text_on_update", "runs_text_on_delete"] {
                db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {trigger}")).await?;
            }
            db.execute_unprepared("DROP TABLE IF EXISTS runs_text").await?;
        }
        for (name, _, _) in FILTER_INDEXES {
            db.execute_unprepared(&format!("DROP INDEX IF EXISTS {name}")).await?;
        }
        manager.alter_table(Table::alter().table(Runs::Table).drop_column(Runs::HeldUntil).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum Runs {
    Table,
    HeldUntil,
}
