//! PostgreSQL `LISTEN`: wakes this process's claim loop when another process
//! starts runs, and passes on cancels of runs executing here. SQLite needs
//! none: its single process is woken in memory.

use super::Shared;
use super::store::{CANCEL_CHANNEL, WORK_CHANNEL};
use sqlx::postgres::PgListener;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinHandle;

/// Starts listening when the database is PostgreSQL.
pub fn spawn(engine: &Arc<Shared>) -> Option<JoinHandle<()>> {
    let pool = engine.db.postgres_pool()?.clone();
    let engine = Arc::clone(engine);
    Some(tokio::spawn(async move {
        loop {
            if let Err(error) = listen(&engine, &pool).await {
                tracing::warn!(%error, "lost the PostgreSQL notifications; polling until they are back");
            }
            // Whatever was notified meanwhile is found by the claim loop.
            engine.wake_workers();
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }))
}

async fn listen(engine: &Shared, pool: &sqlx::PgPool) -> Result<(), sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen_all([WORK_CHANNEL, CANCEL_CHANNEL]).await?;
    loop {
        let notification = listener.recv().await?;
        if notification.channel() == WORK_CHANNEL {
            engine.wake_workers();
        } else if let Ok(id) = notification.payload().parse() {
            engine.running.signal_cancel(types::RunId(id));
        }
    }
}
