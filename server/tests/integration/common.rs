//! The test harness: `on_both_databases!` runs a test on SQLite and on
//! PostgreSQL, each with a fresh database made by the real migrations.

pub mod celery;
pub mod http;
pub mod proxy;
pub mod tasks;
pub mod webhooks;

use sqlx::{Connection, Executor};
use std::time::Duration;
use task_starter::config::{Config, ConfigDuration, ConfigSource, DeclaredKind, TaskConfig, WorkerConfig};
use task_starter::db::Db;
use task_starter::engine::WorkerPool;
use task_starter::runtime::{Runtime, catalog};
use types::{ActorKind, Principal, Role, Run, RunId};

/// Runs an async test body on both databases:
/// `on_both_databases!(name, |database| async move { ... });`
#[macro_export]
macro_rules! on_both_databases {
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                ($body)($crate::common::Database::Sqlite).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                ($body)($crate::common::Database::Postgres).await;
            }
        }
    };
}

/// Runs an async test body on PostgreSQL only: for what only several
/// processes sharing one server can show.
#[macro_export]
macro_rules! on_postgres {
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                ($body)($crate::common::Database::Postgres).await;
            }
        }
    };
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Database {
    Sqlite,
    Postgres,
}

/// The PostgreSQL server the tests make their databases on.
pub fn postgres_admin_url() -> String {
    std::env::var("TEST_DATABASE_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

/// A fresh, migrated database, removed when dropped.
pub struct TestDb {
    pub db: Db,
    pub url: String,
    _folder: Option<tempfile::TempDir>,
    postgres_name: Option<String>,
}

impl TestDb {
    pub async fn new(database: Database) -> TestDb {
        let (url, folder, postgres_name) = match database {
            Database::Sqlite => {
                let folder = tempfile::tempdir().expect("a temporary folder");
                (format!("sqlite://{}/test.db", folder.path().display()), Some(folder), None)
            }
            Database::Postgres => {
                let admin = postgres_admin_url();
                let name = format!("ts_test_{}", uuid::Uuid::new_v4().simple());
                let mut connection = sqlx::PgConnection::connect(&admin).await.unwrap_or_else(|error| {
                    panic!(
                        "PostgreSQL is not reachable at {admin} ({error}). Start it \
                         (pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) \
                         or point TEST_DATABASE_URL at one."
                    )
                });
                let create = format!("CREATE DATABASE {name}");
                connection
                    .execute(sqlx::raw_sql(sqlx::AssertSqlSafe(create)))
                    .await
                    .unwrap_or_else(|error| panic!("cannot create a test database on {admin}: {error}"));
                let base = &admin[..=admin.rfind('/').expect("a database URL ends with /DATABASE")];
                (format!("{base}{name}"), None, Some(name))
            }
        };
        let db = Db::connect(&url, 8).await.expect("the test database opens");
        db.migrate().await.expect("the migrations apply");
        TestDb { db, url, _folder: folder, postgres_name }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some(name) = self.postgres_name.take() else {
            return;
        };
        let admin = postgres_admin_url();
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
            runtime.block_on(async move {
                if let Ok(mut connection) = sqlx::PgConnection::connect(&admin).await {
                    let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                    let _ = connection.execute(sqlx::raw_sql(sqlx::AssertSqlSafe(drop))).await;
                }
            });
        });
        let _ = dropped.join();
    }
}

/// A config for tests: fast leases, short graces, the test tasks known.
pub fn test_config() -> Config {
    let external = TaskConfig {
        kind: Some(DeclaredKind::External),
        arguments_schema: Some(serde_json::json!({"type": "object", "properties": {"source": {"type": "string"}}})),
        history: Some(3),
        ..TaskConfig::default()
    };
    Config {
        impersonate_user: Some("batch".to_owned()),
        worker: WorkerConfig {
            concurrency: 16,
            poll_interval: ConfigDuration::millis(200),
            lease: ConfigDuration::secs(2),
            rescue_interval: ConfigDuration::millis(200),
            cancel_grace: ConfigDuration::millis(500),
            shutdown_grace: ConfigDuration::millis(300),
            ..WorkerConfig::default()
        },
        tasks: [("tests.external".to_owned(), external)].into(),
        ..Config::default()
    }
}

/// The test config plus a schedule `nightly` of `examples.tasks.dummy_task`.
pub fn config_with_nightly_schedule() -> Config {
    let mut config = test_config();
    config.schedules.push(task_starter::config::ScheduleConfig {
        name: "nightly".to_owned(),
        task: "examples.tasks.dummy_task".to_owned(),
        cron: "0 3 * * *".to_owned(),
        arguments: serde_json::json!({}),
        run_as: None,
        paused: false,
    });
    config
}

/// The built-in and test tasks under `config`, over `db` (migrated).
pub fn runtime(db: Db, config: Config) -> Runtime {
    let registry = task_starter::tasks::builtin().merge(tasks::registry());
    let catalog = catalog(&config, &ConfigSource::BuiltIn, &registry).expect("the test config fits the tasks");
    Runtime::over(db, config, catalog)
}

/// A running Task Starter on a test database.
pub struct TestApp {
    pub runtime: Runtime,
    pub workers: Option<WorkerPool>,
    pub test_db: TestDb,
}

impl TestApp {
    /// The built-in and test tasks, the test config, and a worker pool.
    pub async fn new(database: Database) -> TestApp {
        TestApp::with_config(database, test_config(), true).await
    }

    pub async fn with_config(database: Database, config: Config, workers: bool) -> TestApp {
        let test_db = TestDb::new(database).await;
        TestApp::on(test_db, config, workers)
    }

    /// Another Task Starter on the same database (a second process, as far
    /// as the database can tell).
    pub fn on(test_db: TestDb, config: Config, workers: bool) -> TestApp {
        let runtime = runtime(test_db.db.clone(), config);
        let workers = workers.then(|| runtime.engine.spawn_workers());
        TestApp { runtime, workers, test_db }
    }

    /// Another runtime on the same database, as a second process would be.
    pub fn second(&self, config: Config, workers: bool) -> (Runtime, Option<WorkerPool>) {
        let runtime = runtime(self.test_db.db.clone(), config);
        let workers = workers.then(|| runtime.engine.spawn_workers());
        (runtime, workers)
    }

    /// How many runs of `task` the database holds.
    pub async fn count_runs(&self, task: &str) -> usize {
        let filter = types::RunFilter { task: Some(task.to_owned()), limit: Some(200), ..Default::default() };
        self.service().list_runs(&admin(), &filter).await.expect("runs are listed").runs.len()
    }

    /// The whole HTTP application over this runtime.
    pub fn router(&self) -> axum::Router {
        task_starter::web::router(&self.runtime)
    }

    /// A new API token with `role`; returns its secret.
    pub async fn token(&self, role: Role) -> String {
        let (_, secret) = self.service().accounts().create_token(role.as_str(), role, "tests").await.expect("a token");
        secret
    }

    /// Waits (up to 30 s) until `task` has exactly `expected` runs stored:
    /// the history cap trims right after runs end, not in the same instant.
    pub async fn expect_count(&self, task: &str, expected: usize) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            let count = self.count_runs(task).await;
            if count == expected {
                return;
            }
            assert!(tokio::time::Instant::now() < deadline, "{task} kept {count} runs, not {expected}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    pub fn service(&self) -> &task_starter::service::Service {
        &self.runtime.service
    }

    /// Waits (up to 30 s) until run `id` has ended.
    pub async fn finished(&self, id: RunId) -> Run {
        self.until(id, |run| run.state.is_finished()).await
    }

    /// The `task-starter` binary with `args`, as another process on this
    /// app's database: a one-second lease, rescues every 200 ms, warnings
    /// only, output discarded, killed when dropped.
    pub fn process(&self, args: &[&str]) -> tokio::process::Command {
        let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_task-starter"));
        command
            .args(args)
            .env("TASK_STARTER_DATABASE_URL", &self.test_db.url)
            .env("TASK_STARTER_WORKER_LEASE", "1s")
            .env("TASK_STARTER_WORKER_RESCUE_INTERVAL", "200ms")
            .env("TASK_STARTER_LOG", "warn")
            .stdout(std::process::Stdio::null())
            .kill_on_drop(true);
        command
    }

    /// Waits (up to 30 s) until run `id` is recorded: a run that other code
    /// started is recorded when its first event arrives, not when it is sent.
    pub async fn recorded(&self, id: RunId) -> Run {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            match self.service().run(&admin(), id).await {
                Ok(run) => return run,
                Err(task_starter::service::ServiceError::NotFound(_)) => {
                    assert!(tokio::time::Instant::now() < deadline, "run {id} was never recorded");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                Err(error) => panic!("run {id} could not be read: {error}"),
            }
        }
    }

    /// Waits (up to 30 s) until run `id` satisfies `condition`.
    pub async fn until(&self, id: RunId, condition: impl Fn(&Run) -> bool) -> Run {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            let run = self.service().run(&admin(), id).await.expect("the run exists");
            if condition(&run) {
                return run;
            }
            assert!(tokio::time::Instant::now() < deadline, "run {id} never got there; last seen: {run:?}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Stops the worker pool gracefully.
    pub async fn stop_workers(&mut self) {
        if let Some(workers) = self.workers.take() {
            workers.shutdown().await;
        }
    }
}

pub fn principal(name: &str, role: Role) -> Principal {
    Principal::new(ActorKind::User, name, role)
}

pub fn admin() -> Principal {
    principal("ada", Role::Admin)
}

pub fn operator() -> Principal {
    principal("otto", Role::Operator)
}

pub fn viewer() -> Principal {
    principal("vera", Role::Viewer)
}

/// `StartRequest` with these arguments, as the caller.
pub fn args(arguments: serde_json::Value) -> types::StartRequest {
    types::StartRequest { arguments, ..types::StartRequest::default() }
}
