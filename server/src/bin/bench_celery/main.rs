//! The Celery bench, on Redis and on RabbitMQ, in one sitting:
//!
//! 1. Celery's own rate: `send_task` N times in a row from Python
//!    (`apply_async.py`, the test virtualenv's Celery);
//! 2. ours: N starts through the service (the API's path without HTTP),
//!    32 at once, until every run is on the broker (marked handed off);
//! 3. the tracker beside a worker pool that finishes `tasks.add` as fast as
//!    it can (prefork, 2 processes, task events on): when the last task
//!    is `SUCCESS` in the result backend, and when the last run is
//!    recorded as `success` here.
//!
//! `cargo run --release -p task-starter --bin bench-celery -- --runs 5000`
//! (`--broker redis` or `amqp`; the Celery venv from `.ci/install-test-tools`,
//! or `TASK_STARTER_VENV`). Redis databases 13 and 14 and a queue of its own.

use futures::StreamExt;
use sea_orm::ConnectionTrait;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use task_starter::config::{Config, ConfigDuration, ConfigSource, DeclaredKind, TaskConfig};
use task_starter::db::{Db, statement};
use task_starter::runtime::{Runtime, catalog};
use types::{ActorKind, Origin, Principal, Role, StartRequest};

const BACKEND: &str = "redis://127.0.0.1:6379/14";
const TASK: &str = "bench.add";

fn venv() -> PathBuf {
    std::env::var_os("TASK_STARTER_VENV").map_or_else(
        || PathBuf::from(std::env::var("HOME").unwrap_or_default()).join(".cache/task-starter/venv"),
        PathBuf::from,
    )
}

fn app_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/celery")
}

fn broker_url(broker: &str) -> &'static str {
    if broker == "amqp" { "amqp://guest:guest@127.0.0.1:5672//" } else { "redis://127.0.0.1:6379/13" }
}

/// A Python process of the Celery app with the bench's broker and backend.
fn python_env(command: &mut Command, broker: &str, prefix: &str) {
    command
        .current_dir(app_dir())
        .env("PYTHONPATH", app_dir())
        .env("CELERY_BROKER_URL", broker_url(broker))
        .env("CELERY_RESULT_BACKEND", BACKEND)
        .env("CELERY_KEY_PREFIX", prefix);
}

fn apply_async_rate(broker: &str, runs: usize, prefix: &str) -> Result<f64, String> {
    let queue = format!("bench.apply-async.{}", uuid::Uuid::new_v4().simple());
    let mut command = Command::new(venv().join("bin/python"));
    command.arg(concat!(env!("CARGO_MANIFEST_DIR"), "/src/bin/bench_celery/apply_async.py"));
    command.args([runs.to_string(), queue]);
    python_env(&mut command, broker, prefix);
    let output = command.output().map_err(|error| format!("python: {error}"))?;
    if !output.status.success() {
        return Err(format!("apply_async.py failed: {}", String::from_utf8_lossy(&output.stderr)));
    }
    String::from_utf8_lossy(&output.stdout).trim().parse().map_err(|_| "apply_async.py printed no rate".to_owned())
}

fn worker(broker: &str, queue: &str, prefix: &str) -> Result<Child, String> {
    let mut command = Command::new(venv().join("bin/celery"));
    command
        .args(["-A", "tasks", "worker", "--pool=prefork", "--concurrency=2", "--loglevel=WARNING", "-E"])
        .args(["--without-gossip", "--without-mingle", "--without-heartbeat", "-Q", queue])
        .args(["-n", &format!("{queue}@bench")])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    python_env(&mut command, broker, prefix);
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    command.spawn().map_err(|error| format!("celery worker: {error}"))
}

async fn count(db: &Db, sql: &str) -> Result<usize, String> {
    let row = db.read.query_one_raw(statement(db.backend, sql, Vec::new())).await.map_err(|e| e.to_string())?;
    let count: i64 = row.and_then(|row| row.try_get("", "n").ok()).unwrap_or(0);
    Ok(usize::try_from(count).unwrap_or(0))
}

async fn wait_for(db: &Db, sql: &str, wanted: usize) -> Result<Instant, String> {
    let deadline = Instant::now() + Duration::from_mins(10);
    while count(db, sql).await? < wanted {
        if Instant::now() > deadline {
            return Err(format!("gave up waiting for {wanted}: {sql}"));
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    Ok(Instant::now())
}

async fn bench(broker: &str, runs: usize) -> Result<(), String> {
    let unique = uuid::Uuid::new_v4().simple().to_string();
    let prefix = format!("bench-{}:", &unique[..8]);
    let queue = format!("bench.{}", &unique[..8]);
    let apply_async = apply_async_rate(broker, runs, &prefix)?;

    let file = std::env::temp_dir().join(format!("task-starter-bench-celery-{}.db", &unique[..8]));
    let url = format!("sqlite://{}", file.display());
    let mut config = Config { database_url: url.as_str().into(), ..Config::default() };
    config.celery.broker_url = Some(broker_url(broker).to_owned());
    config.celery.result_backend = Some(BACKEND.to_owned());
    config.celery.default_queue.clone_from(&queue);
    config.celery.key_prefix.clone_from(&prefix);
    config.celery.poll_interval = ConfigDuration::millis(100);
    config.api.starts_per_minute = 0;
    let task = TaskConfig {
        kind: Some(DeclaredKind::Celery),
        celery_name: Some("tasks.add".to_owned()),
        positional: vec!["a".to_owned(), "b".to_owned()],
        history: Some(u32::try_from(runs).unwrap_or(u32::MAX)),
        ..TaskConfig::default()
    };
    config.tasks.insert(TASK.to_owned(), task);
    let db = Db::connect(&url, 8).await.map_err(|error| error.to_string())?;
    db.migrate().await.map_err(|error| error.to_string())?;
    let catalog =
        catalog(&config, &ConfigSource::BuiltIn, &task_starter::tasks::builtin()).map_err(|e| e.to_string())?;
    let runtime = Runtime::over(db.clone(), config.clone(), catalog);
    runtime.engine.spawn_celery(&config.celery).map_err(|error| error.to_string())?;
    let workers = runtime.engine.spawn_workers();
    let principal = Principal::new(ActorKind::Token, "bench", Role::Operator);

    let started = Instant::now();
    let service = &runtime.service;
    let starts = futures::stream::iter(0..runs)
        .map(|number| {
            let request =
                StartRequest { arguments: serde_json::json!({"a": number, "b": 1}), ..StartRequest::default() };
            service.start(&principal, TASK, request, Origin::Api)
        })
        .buffer_unordered(32)
        .collect::<Vec<_>>()
        .await;
    if let Some(Err(error)) = starts.iter().find(|start| start.is_err()) {
        return Err(format!("a start failed: {error}"));
    }
    let sent = wait_for(&db, "SELECT COUNT(*) AS n FROM run_handoffs", runs).await?;
    let ours = secs_rate(runs, sent - started);
    println!(
        "{broker}: apply_async {apply_async:.0} tasks/s (one thread); starts until on the broker {ours:.0} runs/s ({:.2}x)",
        ours / apply_async
    );

    let mut pool = worker(broker, &queue, &prefix)?;
    let working = Instant::now();
    let backend = task_starter::engine::celery::ResultBackend::new(BACKEND, &prefix, Duration::from_secs(5))
        .map_err(|error| error.to_string())?;
    let ids: Vec<String> = run_ids(&db).await?;
    let done_on_cluster = loop {
        let states = backend.states(&ids).await.map_err(|error| error.to_string())?;
        if states.iter().all(|state| matches!(state, task_starter::engine::celery::TaskState::Success { .. })) {
            break Instant::now();
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let recorded = wait_for(&db, "SELECT COUNT(*) AS n FROM runs WHERE state = 'success'", runs).await?;
    println!(
        "{broker}: the worker pool finished {runs} in {:.2} s ({:.0} tasks/s); all recorded here {:.0} ms after the last",
        (done_on_cluster - working).as_secs_f64(),
        secs_rate(runs, done_on_cluster - working),
        recorded.saturating_duration_since(done_on_cluster).as_secs_f64() * 1000.0,
    );
    let _ = Command::new("kill").args(["-KILL", "--", &format!("-{}", pool.id())]).status();
    let _ = pool.wait();
    workers.shutdown().await;
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
    }
    Ok(())
}

async fn run_ids(db: &Db) -> Result<Vec<String>, String> {
    let rows = db
        .read
        .query_all_raw(statement(db.backend, "SELECT id FROM runs", Vec::new()))
        .await
        .map_err(|e| e.to_string())?;
    rows.iter()
        .map(|row| row.try_get::<uuid::Uuid>("", "id").map(|id| id.to_string()).map_err(|e| e.to_string()))
        .collect()
}

#[allow(clippy::cast_precision_loss)]
fn secs_rate(count: usize, took: Duration) -> f64 {
    count as f64 / took.as_secs_f64().max(1e-9)
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let mut runs = 5_000;
    let mut brokers = vec!["redis".to_owned(), "amqp".to_owned()];
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        match (flag.as_str(), args.next()) {
            ("--runs", Some(value)) if value.parse::<usize>().is_ok() => runs = value.parse().unwrap_or(runs),
            ("--broker", Some(value)) => brokers = value.split(',').map(str::to_owned).collect(),
            _ => {
                eprintln!("usage: bench-celery [--runs N] [--broker redis,amqp]");
                return std::process::ExitCode::from(2);
            }
        }
    }
    for broker in &brokers {
        if let Err(error) = bench(broker, runs).await {
            eprintln!("{broker}: {error}");
            return std::process::ExitCode::FAILURE;
        }
    }
    std::process::ExitCode::SUCCESS
}
