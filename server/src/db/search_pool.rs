//! The connections searches run on: a few of their own, so that a search
//! that reads many rows never holds a connection the engine needs to claim
//! and finish runs, and each with a deadline that stops a search (and a
//! search whose request went away) inside the database: PostgreSQL by
//! `SET LOCAL statement_timeout`, SQLite by a progress handler.
//!
//! SQLite: one single-connection pool per slot, each connection checking
//! its slot's deadline every few thousand instructions, on a thread at the
//! lowest CPU priority (`priority`). PostgreSQL: one
//! small pool; the timeout is set per transaction, and parallel workers are
//! off, so that one search takes one core of the database at most.

use super::Backend;
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr, SqlxPostgresConnector, SqlxSqliteConnector,
    TransactionTrait,
};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

/// How many virtual machine instructions SQLite runs between looks at the deadline.
const SQLITE_CHECK_EVERY: i32 = 4000;

/// Why a search could not run.
#[derive(Debug, thiserror::Error)]
pub enum SearchPoolError {
    /// Every search connection stayed busy until the deadline.
    #[error("every search connection is busy")]
    Busy,
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// One search connection and, on SQLite, the deadline its progress handler reads.
struct Slot {
    connection: DatabaseConnection,
    /// Microseconds since [`epoch`] after which the running statement is
    /// interrupted; 0 for none.
    deadline: Arc<AtomicU64>,
}

/// The search connections.
pub struct SearchPool {
    backend: Backend,
    slots: Mutex<Vec<Slot>>,
    free: Semaphore,
}

impl std::fmt::Debug for SearchPool {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_struct("SearchPool").field("backend", &self.backend).finish_non_exhaustive()
    }
}

/// A search under way: a read transaction on a search connection, given
/// back when dropped.
pub struct Search<'a> {
    transaction: DatabaseTransaction,
    _lease: Lease<'a>,
}

impl std::ops::Deref for Search<'_> {
    type Target = DatabaseTransaction;

    fn deref(&self) -> &DatabaseTransaction {
        &self.transaction
    }
}

/// A slot taken from the pool, given back when dropped (also when the
/// search's future is dropped half-way).
struct Lease<'a> {
    slot: Option<Slot>,
    pool: &'a SearchPool,
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        // The deadline stays set: a statement still running after its
        // request went away stops at it.
        if let Some(slot) = self.slot.take()
            && let Ok(mut slots) = self.pool.slots.lock()
        {
            slots.push(slot);
            self.pool.free.add_permits(1);
        }
    }
}

impl SearchPool {
    /// `size` read-only SQLite connections, each with its deadline.
    pub async fn sqlite(options: &SqliteConnectOptions, size: u32) -> Result<SearchPool, sqlx::Error> {
        let mut slots = Vec::new();
        for _ in 0..size.max(1) {
            let deadline = Arc::new(AtomicU64::new(0));
            let watched = Arc::clone(&deadline);
            let pool = SqlitePoolOptions::new()
                .max_connections(1)
                .test_before_acquire(false)
                .acquire_timeout(Duration::from_secs(30))
                .after_connect(move |connection, _| {
                    let watched = Arc::clone(&watched);
                    Box::pin(async move {
                        connection.lock_handle().await?.set_progress_handler(SQLITE_CHECK_EVERY, move || {
                            // On the connection's own thread: searches yield the CPU to the engine.
                            super::priority::lower_this_thread();
                            let deadline = watched.load(Ordering::Relaxed);
                            deadline == 0 || elapsed_micros() < deadline
                        });
                        Ok(())
                    })
                })
                .connect_with(options.clone().read_only(true))
                .await?;
            slots.push(Slot { connection: SqlxSqliteConnector::from_sqlx_sqlite_pool(pool), deadline });
        }
        Ok(SearchPool::of(Backend::Sqlite, slots))
    }

    /// A PostgreSQL pool of `size` connections.
    pub fn postgres(options: &PgConnectOptions, size: u32) -> SearchPool {
        let size = size.max(1);
        let pool = PgPoolOptions::new()
            .max_connections(size)
            .acquire_timeout(Duration::from_secs(30))
            .connect_lazy_with(options.clone());
        let connection = SqlxPostgresConnector::from_sqlx_postgres_pool(pool);
        let slots =
            (0..size).map(|_| Slot { connection: connection.clone(), deadline: Arc::new(AtomicU64::new(0)) }).collect();
        SearchPool::of(Backend::Postgres, slots)
    }

    fn of(backend: Backend, slots: Vec<Slot>) -> SearchPool {
        let free = Semaphore::new(slots.len());
        SearchPool { backend, slots: Mutex::new(slots), free }
    }

    /// A read transaction on a search connection whose statements stop after
    /// `timeout`; waits for a free connection no longer than that.
    pub async fn begin(&self, timeout: Duration) -> Result<Search<'_>, SearchPoolError> {
        let started = Instant::now();
        let permit = tokio::time::timeout(timeout, self.free.acquire())
            .await
            .map_err(|_| SearchPoolError::Busy)?
            .map_err(|_| SearchPoolError::Busy)?;
        permit.forget();
        let slot = self.slots.lock().ok().and_then(|mut slots| slots.pop());
        let Some(slot) = slot else {
            self.free.add_permits(1);
            return Err(SearchPoolError::Busy);
        };
        let left = timeout.saturating_sub(started.elapsed()).max(Duration::from_millis(1));
        slot.deadline.store(elapsed_micros() + u64::try_from(left.as_micros()).unwrap_or(u64::MAX), Ordering::Relaxed);
        let connection = slot.connection.clone();
        let lease = Lease { slot: Some(slot), pool: self };
        let search = Search { transaction: connection.begin().await?, _lease: lease };
        if self.backend == Backend::Postgres {
            let millis = left.as_millis().max(1);
            search
                .transaction
                .execute_unprepared(&format!(
                    "SET LOCAL statement_timeout = {millis}; SET LOCAL max_parallel_workers_per_gather = 0"
                ))
                .await?;
        }
        Ok(search)
    }
}

/// Microseconds since the first look, on the monotonic clock.
fn elapsed_micros() -> u64 {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    u64::try_from(EPOCH.get_or_init(Instant::now).elapsed().as_micros()).unwrap_or(u64::MAX).max(1)
}
