//! Benchmarks of the engine through the service layer, on SQLite and
//! PostgreSQL, one line per figure:
//!
//! - start per call: N concurrent `Service::start` calls of a no-op task,
//!   until every run is `success` (history kept and trimmed as usual);
//! - bulk start: one `Service::start_many` of N runs, then drain;
//! - start → running: latency from the start call to the task body (SQLite,
//!   one process) or to the claim by a worker in another process (PostgreSQL);
//! - on PostgreSQL, graphile-worker's figures beside ours when it is
//!   installed (`.ci/install-peers`; see `peer`).
//!
//! `cargo run --release -p task-starter --bin bench -- --runs 20000 --repeat 3`
//!
//! With `--http`, the HTTP figures instead (see `http`; needs `wrk`), then
//! Flower's beside them when it is installed and they include `run` or
//! `history` (see `flower`):
//! `cargo run --release -p task-starter --bin bench -- --http --database sqlite`
//! (`--figures middleware,run,history,ids,start,healthz,login` for some;
//! without `--http`, `--figures per-call,bulk,peer,latency`).
//! With `--memory`, the resident memory of a `serve` process after 20,000
//! and 1,000,000 runs started through its API instead (see `memory`; needs
//! `wrk` and the `task-starter` binary beside this one). With
//! `--sign-in-memory`, that process's memory around 100 wrong passwords
//! sent at once (see `sign_in`).
//! A flame graph of one figure: build `--profile profiling` and run it under
//! `perf record -g`.

#![warn(clippy::too_many_lines)]

mod databases;
mod flower;
mod http;
mod memory;
mod peer;
mod sign_in;

use databases::{drop_database, fresh_database};
use schemars::JsonSchema;
use serde::Deserialize;
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use task_starter::config::{ApiConfig, Config, ConfigDuration, ConfigSource, TaskConfig, WorkerConfig};
use task_starter::db::Db;
use task_starter::runtime::{Runtime, catalog};
use task_starter::{TaskContext, TaskDefinition, TaskError, TaskRegistry};
use tokio::sync::mpsc;
use types::{ActorKind, Origin, Principal, Role, StartRequest};

#[derive(Deserialize, JsonSchema)]
struct Nothing {}

/// Where `bench.stamp` reports when its body starts.
static STAMPS: OnceLock<mpsc::UnboundedSender<Instant>> = OnceLock::new();

#[allow(clippy::unused_async)]
async fn noop(_context: TaskContext, _arguments: Nothing) -> Result<(), TaskError> {
    Ok(())
}

#[allow(clippy::unused_async)]
async fn stamp(_context: TaskContext, _arguments: Nothing) -> Result<(), TaskError> {
    if let Some(stamps) = STAMPS.get() {
        let _ = stamps.send(Instant::now());
    }
    Ok(())
}

fn registry() -> TaskRegistry {
    TaskRegistry::new()
        .register(TaskDefinition::new("bench.noop", "Does nothing.", noop))
        .register(TaskDefinition::new("bench.stamp", "Notes when it starts.", stamp))
        .register(TaskDefinition::new("bench.probe", "Does nothing, for the latency across processes.", noop))
}

#[derive(Clone)]
struct Options {
    databases: Vec<String>,
    runs: usize,
    repeat: usize,
    samples: usize,
    postgres: String,
    worker_for: Option<String>,
    concurrency: usize,
    claim_batch: usize,
    http: Option<http::Load>,
    /// `--memory`: the run counts after which `serve`'s memory is read.
    memory: Option<Vec<u64>>,
    /// `--sign-in-memory`: `serve`'s memory around a burst of wrong passwords.
    sign_in_memory: bool,
    peers: std::path::PathBuf,
    /// `--figures`: the figures to measure by key; all when empty.
    figures: Vec<String>,
}

fn options() -> Result<Options, String> {
    let mut options = Options {
        databases: vec!["sqlite".to_owned(), "postgres".to_owned()],
        runs: 20_000,
        repeat: 3,
        samples: 1000,
        postgres: std::env::var("TEST_DATABASE_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned()),
        worker_for: None,
        concurrency: 1024,
        claim_batch: 512,
        http: None,
        memory: None,
        sign_in_memory: false,
        peers: std::path::PathBuf::from("target/peers"),
        figures: Vec::new(),
    };
    let mut load = http::Load { only: Vec::new(), seconds: 8, connections: 32, threads: 2 };
    let mut wants_http = false;
    let mut checkpoints = vec![20_000, 1_000_000];
    let mut wants_memory = false;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--database" => options.databases = value()?.split(',').map(str::to_owned).collect(),
            "--runs" => options.runs = value()?.parse().map_err(|_| "--runs takes a number")?,
            "--repeat" => {
                options.repeat = value()?.parse().map_err(|_| "--repeat takes a number")?;
            }
            "--samples" => {
                options.samples = value()?.parse().map_err(|_| "--samples takes a number")?;
            }
            "--postgres" => options.postgres = value()?,
            "--worker-for" => options.worker_for = Some(value()?),
            "--concurrency" => {
                options.concurrency = value()?.parse().map_err(|_| "--concurrency takes a number")?;
            }
            "--claim-batch" => {
                options.claim_batch = value()?.parse().map_err(|_| "--claim-batch takes a number")?;
            }
            "--http" => wants_http = true,
            "--memory" => wants_memory = true,
            "--sign-in-memory" => options.sign_in_memory = true,
            "--checkpoints" => {
                checkpoints = value()?
                    .split(',')
                    .map(|count| count.trim().parse().map_err(|_| "--checkpoints takes numbers: 20000,1000000"))
                    .collect::<Result<_, _>>()?;
            }
            "--seconds" => load.seconds = value()?.parse().map_err(|_| "--seconds takes a number")?,
            "--connections" => {
                load.connections = value()?.parse().map_err(|_| "--connections takes a number")?;
            }
            "--peers" => options.peers = value()?.into(),
            "--figures" => options.figures = value()?.split(',').map(str::to_owned).collect(),
            other => {
                return Err(format!("unknown option {other}; see the top of server/src/bin/bench/main.rs"));
            }
        }
    }
    options.memory = wants_memory.then_some(checkpoints);
    load.only.clone_from(&options.figures);
    options.http = wants_http.then_some(load);
    Ok(options)
}

fn config(url: &str, options: &Options) -> Config {
    // The latency samples are read back after the fact: keep them all.
    let keep_all = TaskConfig { history: Some(1_000_000), ..TaskConfig::default() };
    Config {
        database_url: url.into(),
        database_connections: 16,
        worker: WorkerConfig {
            concurrency: options.concurrency,
            claim_batch: options.claim_batch,
            poll_interval: ConfigDuration::secs(1),
            ..WorkerConfig::default()
        },
        tasks: [("bench.stamp".to_owned(), keep_all.clone()), ("bench.probe".to_owned(), keep_all)].into(),
        // One principal starts every run here: no start budget.
        api: ApiConfig { starts_per_minute: 0, ..ApiConfig::default() },
        ..Config::default()
    }
}

async fn open(url: &str, options: &Options) -> Result<Runtime, String> {
    let config = config(url, options);
    let catalog = catalog(&config, &ConfigSource::BuiltIn, &registry()).map_err(|error| error.to_string())?;
    let db = Db::connect(url, config.database_connections).await.map_err(|error| error.to_string())?;
    db.migrate().await.map_err(|error| error.to_string())?;
    Ok(Runtime::over(db, config, catalog))
}

pub(crate) fn bench_principal() -> Principal {
    Principal::new(ActorKind::Cli, "bench", Role::Admin)
}

pub(crate) fn request() -> StartRequest {
    StartRequest { arguments: serde_json::json!({}), ..StartRequest::default() }
}

/// Waits until `count` runs have finished in this process.
async fn drain(finished: &mut tokio::sync::broadcast::Receiver<uuid::Uuid>, count: usize) {
    let mut seen = 0;
    while seen < count {
        match finished.recv().await {
            Ok(_) => seen += 1,
            Err(tokio::sync::broadcast::error::RecvError::Lagged(skipped)) => {
                seen += usize::try_from(skipped).unwrap_or(0);
            }
            Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
        }
    }
}

/// N concurrent start calls (from 256 callers) until all have succeeded; runs/s.
async fn start_per_call(runtime: &Runtime, runs: usize) -> Result<f64, String> {
    let workers = runtime.engine.spawn_workers();
    let mut finished = runtime.engine.finished_runs();
    let began = Instant::now();
    let callers = 256.min(runs.max(1));
    let mut handles = Vec::new();
    for caller in 0..callers {
        let service = runtime.service.clone();
        let share = runs / callers + usize::from(caller < runs % callers);
        handles.push(tokio::spawn(async move {
            let principal = bench_principal();
            for _ in 0..share {
                service
                    .start(&principal, "bench.noop", request(), Origin::Api)
                    .await
                    .map_err(|error| error.to_string())?;
            }
            Ok::<(), String>(())
        }));
    }
    for handle in handles {
        handle.await.map_err(|error| error.to_string())??;
    }
    drain(&mut finished, runs).await;
    let elapsed = began.elapsed();
    workers.shutdown().await;
    Ok(per_second(runs, elapsed))
}

/// One bulk start of N runs, then drain; runs/s.
async fn bulk_start(runtime: &Runtime, runs: usize) -> Result<f64, String> {
    let workers = runtime.engine.spawn_workers();
    let mut finished = runtime.engine.finished_runs();
    let began = Instant::now();
    let requests = (0..runs).map(|_| request()).collect();
    runtime
        .service
        .start_many(&bench_principal(), "bench.noop", requests, Origin::Api)
        .await
        .map_err(|error| error.to_string())?;
    drain(&mut finished, runs).await;
    let elapsed = began.elapsed();
    workers.shutdown().await;
    Ok(per_second(runs, elapsed))
}

/// Start → task body, in this process: p50 and p99 in ms.
async fn latency_in_process(runtime: &Runtime, samples: usize) -> Result<(f64, f64), String> {
    let (sender, mut stamps) = mpsc::unbounded_channel();
    STAMPS.set(sender).map_err(|_| "stamps were set twice")?;
    let workers = runtime.engine.spawn_workers();
    let mut latencies = Vec::with_capacity(samples);
    for _ in 0..samples {
        let began = Instant::now();
        runtime
            .service
            .start(&bench_principal(), "bench.stamp", request(), Origin::Api)
            .await
            .map_err(|error| error.to_string())?;
        let started = stamps.recv().await.ok_or("the stamp task vanished")?;
        latencies.push(started.duration_since(began));
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    workers.shutdown().await;
    Ok(percentiles(&mut latencies))
}

/// Start here → claimed by a worker in another process (read from the
/// runs' timestamps): p50 and p99 in ms.
async fn latency_across_processes(
    runtime: &Runtime,
    url: &str,
    samples: usize,
    options: &Options,
) -> Result<(f64, f64), String> {
    let mut worker = tokio::process::Command::new(std::env::current_exe().map_err(|error| error.to_string())?)
        .args([
            "--worker-for",
            url,
            "--concurrency",
            &options.concurrency.to_string(),
            "--claim-batch",
            &options.claim_batch.to_string(),
        ])
        .kill_on_drop(true)
        .spawn()
        .map_err(|error| error.to_string())?;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let mut ids = Vec::with_capacity(samples);
    for _ in 0..samples {
        let run = runtime
            .service
            .start(&bench_principal(), "bench.probe", request(), Origin::Api)
            .await
            .map_err(|error| error.to_string())?;
        ids.push(run.id);
        tokio::time::sleep(Duration::from_millis(3)).await;
    }
    let principal = bench_principal();
    let mut latencies = Vec::with_capacity(samples);
    for id in ids {
        let run = runtime.service.wait(&principal, id, |_| {}).await.map_err(|error| error.to_string())?;
        let (Some(created), Some(started)) = (
            task_starter::clock::from_rfc3339(&run.created_at),
            run.started_at.as_deref().and_then(task_starter::clock::from_rfc3339),
        ) else {
            continue;
        };
        latencies.push(Duration::from_micros(u64::try_from(started - created).unwrap_or(0)));
    }
    let _ = worker.start_kill();
    Ok(percentiles(&mut latencies))
}

fn per_second(runs: usize, elapsed: Duration) -> f64 {
    #[allow(clippy::cast_precision_loss)]
    let runs = runs as f64;
    runs / elapsed.as_secs_f64()
}

fn percentiles(latencies: &mut [Duration]) -> (f64, f64) {
    latencies.sort();
    let at = |fraction: f64| {
        #[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let index = ((latencies.len().saturating_sub(1)) as f64 * fraction).round() as usize;
        latencies.get(index).map_or(0.0, |latency| latency.as_secs_f64() * 1000.0)
    };
    (at(0.5), at(0.99))
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(0.0)
}

/// Runs one figure `repeat` times on fresh databases; returns the values.
async fn measure<F, Fut, T>(kind: &str, options: &Options, figure: F) -> Result<Vec<T>, String>
where
    F: Fn(Runtime, String) -> Fut,
    Fut: Future<Output = Result<T, String>>,
{
    let mut values = Vec::new();
    for _ in 0..options.repeat.max(1) {
        let (url, name) = fresh_database(kind, &options.postgres).await?;
        let runtime = open(&url, options).await?;
        let value = figure(runtime.clone(), url.clone()).await;
        runtime.engine.db().clone().close().await;
        drop_database(&options.postgres, name, &url).await;
        values.push(value?);
    }
    Ok(values)
}

async fn bench(options: Options) -> Result<(), String> {
    if let Some(url) = &options.worker_for {
        let runtime = open(url, &options).await?;
        let _workers = runtime.engine.spawn_workers();
        std::future::pending::<()>().await;
    }
    if options.memory.is_some() || options.sign_in_memory {
        return serve_figures(&options).await;
    }
    if let Some(load) = &options.http {
        println!("# wrk -t{} -c{} -d{}s, servers in this process", load.threads, load.connections, load.seconds);
        let scratch = std::env::temp_dir();
        let mut first = None;
        for kind in options.databases.clone() {
            let single = Options { repeat: 1, ..options.clone() };
            let measured = measure(&kind, &single, |runtime, _| {
                let (scratch, kind) = (scratch.clone(), kind.clone());
                async move { http::figures(&runtime, &kind, load, &scratch).await }
            })
            .await?;
            first.get_or_insert(measured);
        }
        let ours = first.and_then(|mut figures| figures.pop()).unwrap_or_default();
        if load.only.is_empty() || load.only.iter().any(|key| key == "run" || key == "history") {
            flower::beside(&options.peers, &ours, options.runs, load, &scratch).await;
        }
        return Ok(());
    }
    engine_figures(&options).await
}

/// The engine's figures (`--figures per-call,bulk,latency,peer` for some).
async fn engine_figures(options: &Options) -> Result<(), String> {
    let runs = options.runs;
    let wants = |key: &str| options.figures.is_empty() || options.figures.iter().any(|figure| figure == key);
    println!("# {} runs per figure, median of {}; {} latency samples", runs, options.repeat, options.samples);
    for kind in options.databases.clone() {
        let mut per_call = f64::NAN;
        let mut bulk = f64::NAN;
        if wants("per-call") {
            let rates =
                measure(&kind, options, |runtime, _| async move { start_per_call(&runtime, runs).await }).await?;
            per_call = median(rates);
            println!("{kind:<8} start per call, until success   {per_call:>9.0} runs/s");
        }
        if wants("bulk") {
            let rates = measure(&kind, options, |runtime, _| async move { bulk_start(&runtime, runs).await }).await?;
            bulk = median(rates);
            println!("{kind:<8} bulk start, then drain          {bulk:>9.0} runs/s");
        }
        if kind == "postgres" && wants("peer") {
            peer::beside_graphile(options, per_call, bulk).await?;
        }
        if !wants("latency") {
            continue;
        }
        let samples = options.samples;
        let single = Options { repeat: 1, ..options.clone() };
        let latency = if kind == "sqlite" {
            measure(&kind, &single, |runtime, _| async move { latency_in_process(&runtime, samples).await }).await?
        } else {
            measure(&kind, &single, |runtime, url| {
                let options = single.clone();
                async move { latency_across_processes(&runtime, &url, samples, &options).await }
            })
            .await?
        };
        let (p50, p99) = latency[0];
        let how =
            if kind == "sqlite" { "start → task body, one process" } else { "start → claim, across processes" };
        println!("{kind:<8} {how:<31}   p50 {p50:.3} ms   p99 {p99:.3} ms");
    }
    Ok(())
}

/// The figures of a real `serve` process (`--memory`, `--sign-in-memory`),
/// on a fresh database of each kind.
async fn serve_figures(options: &Options) -> Result<(), String> {
    let load = http::Load { only: Vec::new(), seconds: 1, connections: 32, threads: 2 };
    if options.memory.is_some() {
        println!("# runs started with wrk -t2 -c32 against serve in its own process");
    }
    for kind in &options.databases {
        let (url, name) = fresh_database(kind, &options.postgres).await?;
        let scratch = std::env::temp_dir();
        let measured = match &options.memory {
            Some(checkpoints) => memory::figures(kind, &url, checkpoints, &load, &scratch).await,
            None => sign_in::figure(kind, &url, &scratch).await,
        };
        drop_database(&options.postgres, name, &url).await;
        measured?;
    }
    Ok(())
}

fn main() -> std::process::ExitCode {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(
            std::env::var("TASK_STARTER_LOG").unwrap_or_else(|_| "error".to_owned()),
        ))
        .with_writer(std::io::stderr)
        .try_init();
    let result = options().and_then(|options| {
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(|error| error.to_string())?
            .block_on(bench(options))
    });
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("bench: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}
