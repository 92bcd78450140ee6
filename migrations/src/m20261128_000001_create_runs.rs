//! Runs (the queue and the history at once), their attempts and their log lines.
//!
//! Times are microseconds since the Unix epoch in `BIGINT` columns, so that
//! both databases compare and sort them the same way.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_table(runs_table()).await?;
        manager.create_table(attempts_table()).await?;
        manager.create_table(logs_table()).await?;

        manager
            .create_index(
                Index::create()
                    .name("runs_task_history")
                    .table(Runs::Table)
                    .col((Runs::Task, IndexOrder::Desc))
                    .col((Runs::CreatedAt, IndexOrder::Desc))
                    .col((Runs::Id, IndexOrder::Desc))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("runs_recent")
                    .table(Runs::Table)
                    .col((Runs::CreatedAt, IndexOrder::Desc))
                    .col((Runs::Id, IndexOrder::Desc))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("run_logs_by_run")
                    .table(RunLogs::Table)
                    .col(RunLogs::RunId)
                    .col(RunLogs::Id)
                    .to_owned(),
            )
            .await?;
        // Partial indexes: the same SQL on SQLite and PostgreSQL. They stay
        // small because only unfinished runs are in them.
        let db = manager.get_connection();
        db.execute_unprepared(
            "CREATE INDEX runs_pending_to_claim ON runs (run_after, created_at) WHERE state = 'pending'",
        )
        .await?;
        // Running runs: by owner for heartbeats; the rescuer scans them all.
        db.execute_unprepared("CREATE INDEX runs_running_by_owner ON runs (lease_owner) WHERE state = 'running'")
            .await?;
        // What the history cap deletes: the finished runs of a task, oldest first.
        db.execute_unprepared(
            "CREATE INDEX runs_finished_by_task ON runs (task, created_at, id) \
             WHERE state IN ('success', 'failure', 'cancelled')",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [RunLogs::Table.into_iden(), RunAttempts::Table.into_iden(), Runs::Table.into_iden()] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

fn runs_table() -> TableCreateStatement {
    Table::create()
        .table(Runs::Table)
        .col(ColumnDef::new(Runs::Id).uuid().not_null().primary_key())
        .col(ColumnDef::new(Runs::Task).string().not_null())
        .col(ColumnDef::new(Runs::Arguments).text().not_null())
        .col(ColumnDef::new(Runs::State).string().not_null())
        .col(ColumnDef::new(Runs::Result).text())
        .col(ColumnDef::new(Runs::ErrorKind).string())
        .col(ColumnDef::new(Runs::ErrorMessage).text())
        .col(ColumnDef::new(Runs::StartedByKind).string().not_null())
        .col(ColumnDef::new(Runs::StartedByName).string().not_null())
        .col(ColumnDef::new(Runs::RunAs).string())
        .col(ColumnDef::new(Runs::Origin).string().not_null())
        .col(ColumnDef::new(Runs::RerunOf).uuid())
        .col(ColumnDef::new(Runs::Attempt).integer().not_null().default(0))
        .col(ColumnDef::new(Runs::MaxAttempts).integer().not_null().default(1))
        .col(ColumnDef::new(Runs::ProgressFraction).double())
        .col(ColumnDef::new(Runs::ProgressMessage).text())
        .col(ColumnDef::new(Runs::CreatedAt).big_integer().not_null())
        .col(ColumnDef::new(Runs::StartedAt).big_integer())
        .col(ColumnDef::new(Runs::FinishedAt).big_integer())
        .col(ColumnDef::new(Runs::RunAfter).big_integer().not_null())
        .col(ColumnDef::new(Runs::LeaseOwner).string())
        .col(ColumnDef::new(Runs::LeaseExpiresAt).big_integer())
        .col(ColumnDef::new(Runs::CancelRequested).boolean().not_null().default(false))
        .col(ColumnDef::new(Runs::TrackFingerprint).string())
        .to_owned()
}

fn attempts_table() -> TableCreateStatement {
    Table::create()
        .table(RunAttempts::Table)
        .col(ColumnDef::new(RunAttempts::RunId).uuid().not_null())
        .col(ColumnDef::new(RunAttempts::Attempt).integer().not_null())
        .col(ColumnDef::new(RunAttempts::Worker).string().not_null())
        .col(ColumnDef::new(RunAttempts::State).string().not_null())
        .col(ColumnDef::new(RunAttempts::ErrorKind).string())
        .col(ColumnDef::new(RunAttempts::ErrorMessage).text())
        .col(ColumnDef::new(RunAttempts::StartedAt).big_integer().not_null())
        .col(ColumnDef::new(RunAttempts::FinishedAt).big_integer().not_null())
        .primary_key(Index::create().col(RunAttempts::RunId).col(RunAttempts::Attempt))
        .foreign_key(
            ForeignKey::create()
                .from(RunAttempts::Table, RunAttempts::RunId)
                .to(Runs::Table, Runs::Id)
                .on_delete(ForeignKeyAction::Cascade),
        )
        .to_owned()
}

fn logs_table() -> TableCreateStatement {
    Table::create()
        .table(RunLogs::Table)
        .col(ColumnDef::new(RunLogs::Id).big_integer().not_null().auto_increment().primary_key())
        .col(ColumnDef::new(RunLogs::RunId).uuid().not_null())
        .col(ColumnDef::new(RunLogs::At).big_integer().not_null())
        .col(ColumnDef::new(RunLogs::Level).string().not_null())
        .col(ColumnDef::new(RunLogs::Message).text().not_null())
        .foreign_key(
            ForeignKey::create()
                .from(RunLogs::Table, RunLogs::RunId)
                .to(Runs::Table, Runs::Id)
                .on_delete(ForeignKeyAction::Cascade),
        )
        .to_owned()
}

#[derive(DeriveIden)]
enum Runs {
    Table,
    Id,
    Task,
    Arguments,
    State,
    Result,
    ErrorKind,
    ErrorMessage,
    StartedByKind,
    StartedByName,
    RunAs,
    Origin,
    RerunOf,
    Attempt,
    MaxAttempts,
    ProgressFraction,
    ProgressMessage,
    CreatedAt,
    StartedAt,
    FinishedAt,
    RunAfter,
    LeaseOwner,
    LeaseExpiresAt,
    CancelRequested,
    /// For runs started elsewhere: a hash of the registering request, so that
    /// a retried request is recognised and a different one under the same id refused.
    TrackFingerprint,
}

#[derive(DeriveIden)]
enum RunAttempts {
    Table,
    RunId,
    Attempt,
    Worker,
    State,
    ErrorKind,
    ErrorMessage,
    StartedAt,
    FinishedAt,
}

#[derive(DeriveIden)]
enum RunLogs {
    Table,
    Id,
    RunId,
    At,
    Level,
    Message,
}
