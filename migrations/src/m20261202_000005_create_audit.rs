//! The audit log: one row per state-changing action (who, as whom, when,
//! from where, what), appended and never updated; and on PostgreSQL a GIN
//! index on the runs' arguments, for searches by argument values.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AuditEvents::Table)
                    .col(ColumnDef::new(AuditEvents::Id).big_integer().not_null().auto_increment().primary_key())
                    .col(ColumnDef::new(AuditEvents::At).big_integer().not_null())
                    .col(ColumnDef::new(AuditEvents::ActorKind).string().not_null())
                    .col(ColumnDef::new(AuditEvents::ActorName).string().not_null())
                    .col(ColumnDef::new(AuditEvents::AsUser).string())
                    .col(ColumnDef::new(AuditEvents::Action).string().not_null())
                    .col(ColumnDef::new(AuditEvents::Target).string())
                    .col(ColumnDef::new(AuditEvents::Address).string())
                    .col(ColumnDef::new(AuditEvents::UserAgent).string())
                    .col(ColumnDef::new(AuditEvents::Detail).text())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("audit_events_newest")
                    .table(AuditEvents::Table)
                    .col((AuditEvents::At, IndexOrder::Desc))
                    .col((AuditEvents::Id, IndexOrder::Desc))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("audit_events_by_action")
                    .table(AuditEvents::Table)
                    .col(AuditEvents::Action)
                    .col((AuditEvents::At, IndexOrder::Desc))
                    .to_owned(),
            )
            .await?;
        if manager.get_database_backend() == DbBackend::Postgres {
            // `arguments @> '{"customer": 42}'` searches; jsonb_path_ops keeps
            // the index small (it serves containment only, which is all we ask).
            manager
                .get_connection()
                .execute_unprepared("CREATE INDEX runs_arguments ON runs USING gin ((arguments::jsonb) jsonb_path_ops)")
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DbBackend::Postgres {
            manager.get_connection().execute_unprepared("DROP INDEX IF EXISTS runs_arguments").await?;
        }
        manager.drop_table(Table::drop().table(AuditEvents::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum AuditEvents {
    Table,
    Id,
    /// Microseconds since the Unix epoch.
    At,
    ActorKind,
    ActorName,
    /// The user a start ran as, when not the actor.
    AsUser,
    Action,
    /// What was acted on: a run id, a task path, a user's or token's name.
    Target,
    Address,
    UserAgent,
    /// A compact JSON object: the change of a config-like thing, counts.
    Detail,
}
