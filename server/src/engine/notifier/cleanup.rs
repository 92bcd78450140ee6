//! The outbox's clean-up: messages delivered or given up are kept
//! `notifications.keep` (like their audit records), then deleted, at start
//! and every hour after.

use crate::db::Db;
use crate::engine::store::notifications;
use std::time::Duration;

const EVERY: Duration = Duration::from_hours(1);

/// Deletes old messages now and every hour; `known_keys` are the URLs this
/// process delivers to (messages for others are left to their processes
/// until they are `keep` old).
pub async fn run(db: Db, keep: Duration, known_keys: Vec<String>) {
    loop {
        match notifications::delete_old(&db, keep, &known_keys).await {
            Ok(0) => {}
            Ok(deleted) => tracing::info!(deleted, "deleted old notifications from the outbox"),
            Err(error) => tracing::warn!(%error, "could not clean the notification outbox"),
        }
        tokio::time::sleep(EVERY).await;
    }
}
