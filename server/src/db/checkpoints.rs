//! SQLite's WAL checkpoints, off the commit path. By default the connection
//! whose commit takes the write-ahead log past 1,000 pages copies it back
//! into the database file there and then, fsync included: every few hundred
//! starts, one start (and every start queued behind the single writer) waited
//! milliseconds for it. Here the writer checkpoints itself only past
//! [`WRITER_FALLBACK_PAGES`] (a safety net), and a connection of its own
//! runs a passive checkpoint every [`INTERVAL`] instead, beside the writer,
//! which it never blocks.

use sqlx::SqlitePool;
use std::time::Duration;

/// WAL pages (of 4 KiB) after which the writer checkpoints itself all the
/// same, should the background checkpoints fall behind.
pub const WRITER_FALLBACK_PAGES: u32 = 10_000;

/// How often the background connection checkpoints.
pub const INTERVAL: Duration = Duration::from_millis(200);

/// Checkpoints through `pool` (one connection that may write) every
/// [`INTERVAL`] until the pool is closed.
pub fn spawn(pool: SqlitePool) {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(INTERVAL);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            if pool.is_closed() {
                return;
            }
            if let Err(error) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)").execute(&pool).await {
                if pool.is_closed() {
                    return;
                }
                tracing::debug!(%error, "a WAL checkpoint failed; the next one will try again");
            }
        }
    });
}
