//! Presets: named sets of arguments per task, shared by everyone who can
//! see the task; and recent arguments: the last distinct argument sets of
//! each task, kept when the runs that used them are trimmed from the history.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Presets::Table)
                    .col(ColumnDef::new(Presets::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(Presets::Task).string().not_null())
                    .col(ColumnDef::new(Presets::Name).string().not_null())
                    .col(ColumnDef::new(Presets::Arguments).text().not_null())
                    .col(ColumnDef::new(Presets::CreatedBy).string().not_null())
                    .col(ColumnDef::new(Presets::CreatedAt).big_integer().not_null())
                    .col(ColumnDef::new(Presets::UpdatedAt).big_integer().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("presets_by_task_and_name")
                    .table(Presets::Table)
                    .col(Presets::Task)
                    .col(Presets::Name)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RecentArguments::Table)
                    .col(ColumnDef::new(RecentArguments::Task).string().not_null())
                    .col(ColumnDef::new(RecentArguments::Fingerprint).string().not_null())
                    .col(ColumnDef::new(RecentArguments::Arguments).text().not_null())
                    .col(ColumnDef::new(RecentArguments::UsedAt).big_integer().not_null())
                    .primary_key(Index::create().col(RecentArguments::Task).col(RecentArguments::Fingerprint))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("recent_arguments_newest")
                    .table(RecentArguments::Table)
                    .col(RecentArguments::Task)
                    .col((RecentArguments::UsedAt, IndexOrder::Desc))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(RecentArguments::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Presets::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum Presets {
    Table,
    Id,
    Task,
    Name,
    Arguments,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum RecentArguments {
    Table,
    Task,
    /// A hash of the arguments' canonical JSON: one row per distinct set.
    Fingerprint,
    Arguments,
    UsedAt,
}
