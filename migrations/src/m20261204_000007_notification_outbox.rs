//! The notification outbox: one row per message to deliver to a webhook, so
//! that a restart loses no delivery and several processes on one database
//! deliver each message once. A row is claimed by one process at a time,
//! and a failed delivery waits for its next try in the table, not in memory.
//!
//! The webhook URL itself is a secret kept in the config: a row names it by
//! its SHA-256 (`url_key`), and only a process whose config has the URL can
//! deliver it.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(NotificationOutbox::Table)
                    .col(ColumnDef::new(NotificationOutbox::Id).big_integer().not_null().auto_increment().primary_key())
                    .col(ColumnDef::new(NotificationOutbox::UrlKey).string().not_null())
                    .col(ColumnDef::new(NotificationOutbox::Task).string().not_null())
                    .col(ColumnDef::new(NotificationOutbox::RunId).uuid().not_null())
                    .col(ColumnDef::new(NotificationOutbox::Event).string().not_null())
                    .col(ColumnDef::new(NotificationOutbox::Count).big_integer().not_null())
                    .col(ColumnDef::new(NotificationOutbox::Digest).boolean().not_null())
                    .col(ColumnDef::new(NotificationOutbox::Run).text().not_null())
                    .col(ColumnDef::new(NotificationOutbox::State).string().not_null())
                    .col(ColumnDef::new(NotificationOutbox::Attempts).integer().not_null().default(0))
                    .col(ColumnDef::new(NotificationOutbox::DueAt).big_integer().not_null())
                    .col(ColumnDef::new(NotificationOutbox::WindowUntil).big_integer())
                    .col(ColumnDef::new(NotificationOutbox::LastError).text())
                    .col(ColumnDef::new(NotificationOutbox::CreatedAt).big_integer().not_null())
                    .col(ColumnDef::new(NotificationOutbox::DoneAt).big_integer())
                    .to_owned(),
            )
            .await?;
        // Partial indexes, the same SQL on both databases, small because only
        // undelivered messages are in them.
        let db = manager.get_connection();
        // What a URL's lane claims next, and when it should look again.
        db.execute_unprepared(
            "CREATE INDEX notification_outbox_due ON notification_outbox (url_key, due_at, id) \
             WHERE state IN ('collecting', 'queued', 'sending')",
        )
        .await?;
        // Whether an end falls in a storm's window: the latest window of a
        // task's event at a URL.
        db.execute_unprepared(
            "CREATE INDEX notification_outbox_windows ON notification_outbox (url_key, task, event, window_until) \
             WHERE window_until IS NOT NULL",
        )
        .await?;
        // What the clean-up deletes: messages delivered or given up.
        db.execute_unprepared(
            "CREATE INDEX notification_outbox_done ON notification_outbox (done_at) WHERE done_at IS NOT NULL",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(NotificationOutbox::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum NotificationOutbox {
    Table,
    Id,
    /// SHA-256 of the webhook URL, in hex: the URL is a secret.
    UrlKey,
    Task,
    /// The run told of (for a digest, the latest of the runs it counts).
    RunId,
    /// `failure`, `recovery`, `success` or `cancelled`.
    Event,
    /// How many ends the message stands for.
    Count,
    /// Whether the message counts further ends of a storm ("N more failures").
    Digest,
    /// The run as the message shows it (JSON), chosen when it was queued.
    Run,
    /// `collecting` (a digest still counting), `queued`, `sending` (claimed),
    /// `sent` or `given_up`.
    State,
    /// Deliveries tried so far.
    Attempts,
    /// Microseconds on the database's clock: when the message may be tried
    /// (next), or when a claim's lease runs out.
    DueAt,
    /// Until when further ends of this task's event at this URL are counted
    /// into a digest instead of told at once.
    WindowUntil,
    /// Why the last try failed (without the URL).
    LastError,
    CreatedAt,
    /// When it was delivered or given up.
    DoneAt,
}
