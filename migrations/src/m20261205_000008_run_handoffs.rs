//! Runs handed to another system to execute (a Celery broker took the
//! task's message). The mark outlives the process that handed the run
//! over, so the process that follows the run after a restart or a lost
//! lease follows it instead of sending it a second time. Rows go with
//! their run.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(RunHandoffs::Table)
                    .col(ColumnDef::new(RunHandoffs::RunId).uuid().not_null().primary_key())
                    .col(ColumnDef::new(RunHandoffs::HandedAt).big_integer().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .from(RunHandoffs::Table, RunHandoffs::RunId)
                            .to(Runs::Table, Runs::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(RunHandoffs::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum RunHandoffs {
    Table,
    RunId,
    HandedAt,
}

#[derive(DeriveIden)]
enum Runs {
    Table,
    Id,
}
