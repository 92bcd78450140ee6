//! The connection to the one database, SQLite or PostgreSQL, and its schema.
//!
//! SQLite allows one writer at a time, so writes go through a pool of one
//! connection (waiting in line instead of sleeping in SQLite's busy handler)
//! while reads use a pool of their own, and a third connection checkpoints
//! the write-ahead log beside them (`checkpoints`). PostgreSQL uses one pool
//! for everything.

mod checkpoints;
pub mod entities;
mod errors;
mod memory;
mod priority;
mod search_pool;
mod statements;
pub mod text;

pub use errors::{is_interrupted, is_transient};
pub use search_pool::{Search, SearchPool, SearchPoolError};
pub use statements::{insertable, now_micros_sql, placeholders, statement};

use migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, SqlxPostgresConnector, SqlxSqliteConnector};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Connections for searches unless the config says otherwise (`search.connections`).
pub const SEARCH_CONNECTIONS: u32 = 2;

/// Which database the URL names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Why the database could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("the database URL must start with sqlite: or postgres:, not {0:?}")]
    UnknownScheme(String),
    #[error("cannot open {url}: {source}")]
    Open { url: String, source: sqlx::Error },
    #[error("cannot migrate the schema: {0}")]
    Migrate(#[from] DbErr),
}

/// Pools to the database.
#[derive(Clone, Debug)]
pub struct Db {
    /// For statements that write (on SQLite, one connection).
    pub write: DatabaseConnection,
    /// For statements that only read.
    pub read: DatabaseConnection,
    pub backend: Backend,
    /// For searches that may read many rows (see `search_pool`).
    pub search: Arc<SearchPool>,
    /// Whether text searches can be narrowed by an index (SQLite's FTS5
    /// always; PostgreSQL's `pg_trgm` when it could be made).
    text_index: Arc<AtomicBool>,
    postgres: Option<PgPool>,
    /// SQLite: the connection that checkpoints the WAL (see `checkpoints`).
    checkpointer: Option<SqlitePool>,
}

/// A pool of SQLite connections. sqlx pings every connection it hands out
/// unless told not to; a SQLite connection is a file opened in this process
/// and cannot be lost in between, and each ping is a round trip to the
/// connection's thread: a run's info made 8.3 futex calls without this and
/// 5.6 with it (`perf stat -e syscalls:sys_enter_futex` under `bench --http`).
/// PostgreSQL keeps the ping: after a restart it finds the dead connections
/// before a request does.
fn sqlite_pool() -> SqlitePoolOptions {
    SqlitePoolOptions::new().test_before_acquire(false)
}

impl Db {
    /// Opens the database at `url` (creating a SQLite file when missing).
    /// `connections` bounds the pool of readers (and of everything on PostgreSQL);
    /// searches get [`SEARCH_CONNECTIONS`] of their own.
    pub async fn connect(url: &str, connections: u32) -> Result<Db, ConnectError> {
        Db::connect_with(url, connections, SEARCH_CONNECTIONS).await
    }

    /// [`Db::connect`] with `search_connections` for searches.
    pub async fn connect_with(url: &str, connections: u32, search_connections: u32) -> Result<Db, ConnectError> {
        let open_error = |source| ConnectError::Open { url: redact(url), source };
        if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)
                .map_err(open_error)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
                .pragma("temp_store", "memory");
            let writer = sqlite_pool()
                .max_connections(1)
                .min_connections(1)
                .acquire_timeout(Duration::from_secs(30))
                .connect_with(
                    options.clone().pragma("wal_autocheckpoint", checkpoints::WRITER_FALLBACK_PAGES.to_string()),
                )
                .await
                .map_err(open_error)?;
            let checkpointer = sqlite_pool()
                .max_connections(1)
                .acquire_timeout(Duration::from_secs(30))
                .connect_with(options.clone())
                .await
                .map_err(open_error)?;
            checkpoints::spawn(checkpointer.clone());
            let search = SearchPool::sqlite(&options, search_connections).await.map_err(open_error)?;
            let reader = sqlite_pool()
                .max_connections(connections.max(1))
                .acquire_timeout(Duration::from_secs(30))
                .connect_with(options.read_only(true))
                .await
                .map_err(open_error)?;
            Ok(Db {
                write: SqlxSqliteConnector::from_sqlx_sqlite_pool(writer),
                read: SqlxSqliteConnector::from_sqlx_sqlite_pool(reader),
                backend: Backend::Sqlite,
                search: Arc::new(search),
                text_index: Arc::new(AtomicBool::new(true)),
                postgres: None,
                checkpointer: Some(checkpointer),
            })
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let options = PgConnectOptions::from_str(url).map_err(open_error)?;
            let pool = PgPoolOptions::new()
                .max_connections(connections.max(2))
                .acquire_timeout(Duration::from_secs(30))
                .connect_with(options.clone())
                .await
                .map_err(open_error)?;
            let search = SearchPool::postgres(&options, search_connections);
            let connection = SqlxPostgresConnector::from_sqlx_postgres_pool(pool.clone());
            Ok(Db {
                write: connection.clone(),
                read: connection,
                backend: Backend::Postgres,
                search: Arc::new(search),
                text_index: Arc::new(AtomicBool::new(false)),
                postgres: Some(pool),
                checkpointer: None,
            })
        } else {
            Err(ConnectError::UnknownScheme(redact(url)))
        }
    }

    /// SQLite: asks every idle connection to give its unused page cache
    /// back (see `memory`), for when the process is at rest; how many did.
    /// PostgreSQL keeps its caches in its own processes: nothing to do.
    pub async fn release_memory(&self) -> usize {
        let (Backend::Sqlite, Some(checkpointer)) = (self.backend, &self.checkpointer) else { return 0 };
        let mut shrunk = memory::shrink_idle(checkpointer).await;
        for connection in [&self.write, &self.read] {
            shrunk += memory::shrink_idle(connection.get_sqlite_connection_pool()).await;
        }
        shrunk
    }

    /// Brings the schema up to date with the migrations in `migrations/`,
    /// and on PostgreSQL makes the text index when `pg_trgm` now can be
    /// made (saying so when it cannot).
    pub async fn migrate(&self) -> Result<(), ConnectError> {
        Migrator::up(&self.write, None).await?;
        if self.backend == Backend::Postgres {
            for sql in migrations::POSTGRES_TEXT_INDEX {
                self.write.execute_unprepared(sql).await?;
            }
            let found = self
                .write
                .query_one_raw(sea_orm::Statement::from_string(
                    sea_orm::DbBackend::Postgres,
                    "SELECT 1 AS found FROM pg_indexes WHERE indexname = 'runs_text' AND schemaname = current_schema()",
                ))
                .await?;
            self.text_index.store(found.is_some(), Ordering::Relaxed);
            if found.is_none() {
                tracing::warn!(
                    "PostgreSQL's pg_trgm extension is not available, so searches for text in results and errors \
                     read every row (bounded by search.timeout); a superuser can run CREATE EXTENSION pg_trgm, \
                     and the index is made at the next start"
                );
            }
        }
        Ok(())
    }

    /// Whether text searches can be narrowed by an index.
    pub fn has_text_index(&self) -> bool {
        self.text_index.load(Ordering::Relaxed)
    }

    /// The PostgreSQL pool, for `LISTEN`; `None` on SQLite.
    pub fn postgres_pool(&self) -> Option<&PgPool> {
        self.postgres.as_ref()
    }

    /// Closes every connection (a SQLite file is checkpointed on close).
    pub async fn close(self) {
        if let Some(checkpointer) = &self.checkpointer {
            checkpointer.close().await;
        }
        let _ = self.read.close().await;
        let _ = self.write.close().await;
    }
}

/// The URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_never_appear_in_messages() {
        assert_eq!(redact("postgres://app:s3cret@db:5432/x"), "postgres://app:***@db:5432/x");
        assert_eq!(redact("postgres://app@db/x"), "postgres://app@db/x");
        assert_eq!(redact("sqlite://data.db"), "sqlite://data.db");
    }
}
