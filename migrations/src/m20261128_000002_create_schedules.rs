//! Cron schedules. The config declares them; this table keeps what must be
//! shared by every process: paused or not, and the next tick to fire, which a
//! compare-and-set update claims so that each tick fires exactly once.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Schedules::Table)
                    .col(ColumnDef::new(Schedules::Name).string().not_null().primary_key())
                    .col(ColumnDef::new(Schedules::Task).string().not_null())
                    .col(ColumnDef::new(Schedules::Cron).string().not_null())
                    .col(ColumnDef::new(Schedules::Arguments).text().not_null())
                    .col(ColumnDef::new(Schedules::Paused).boolean().not_null().default(false))
                    .col(ColumnDef::new(Schedules::NextFireAt).big_integer())
                    .col(ColumnDef::new(Schedules::LastFiredAt).big_integer())
                    .col(ColumnDef::new(Schedules::LastRunId).uuid())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Schedules::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum Schedules {
    Table,
    Name,
    Task,
    Cron,
    Arguments,
    Paused,
    NextFireAt,
    LastFiredAt,
    LastRunId,
}
