//! The search bench: fills a fresh database with N finished runs across
//! many tasks (arguments `{"customer": i % 5000, "region": …, "order": i}`),
//! then times searches through the service layer, the way
//! `GET /api/v1/runs` makes them, and prints p50 and p99 of each:
//!
//! - a rare argument value (`arguments.customer=…`: 1 run in 5,000 matches;
//!   indexed on SQLite as `search.indexed_arguments = ["customer"]` would);
//! - an argument value narrowed by task;
//! - a state across all tasks (newest 50);
//! - text in the result or error that no run holds (the worst case: every
//!   row is read);
//! - a time range of one hour.
//!
//! `cargo run --release -p task-starter --bin bench-search -- --runs 1000000`
//! (`--database sqlite` or `postgres`; `--postgres URL` names the server, and
//! a database `bench_search` is made afresh on it).

use std::time::Instant;
use task_starter::clock::now_micros;
use task_starter::config::{Config, ConfigSource};
use task_starter::db::Db;
use task_starter::engine::NewRun;
use task_starter::engine::store::insert_runs;
use task_starter::runtime::{Runtime, catalog};
use types::{Actor, ActorKind, ArgumentMatch, Principal, Role, RunFilter, RunId, RunState};

const TASKS: usize = 200;
/// The filter of the i-th search of a case.
type FilterOf = Box<dyn Fn(usize) -> RunFilter>;
const CUSTOMERS: usize = 5000;
const BATCH: usize = 5000;

struct Options {
    databases: Vec<String>,
    runs: usize,
    queries: usize,
    postgres: String,
}

fn options() -> Result<Options, String> {
    let mut options = Options {
        databases: vec!["sqlite".to_owned(), "postgres".to_owned()],
        runs: 1_000_000,
        queries: 100,
        postgres: "postgres://postgres@127.0.0.1:5432".to_owned(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--database" => options.databases = value()?.split(',').map(str::to_owned).collect(),
            "--runs" => options.runs = value()?.parse().map_err(|_| "--runs takes a number")?,
            "--queries" => options.queries = value()?.parse().map_err(|_| "--queries takes a number")?,
            "--postgres" => value()?.trim_end_matches('/').clone_into(&mut options.postgres),
            other => return Err(format!("unknown option {other}; see the top of server/src/bin/bench_search.rs")),
        }
    }
    Ok(options)
}

/// A fresh database's URL: a new SQLite file, or `bench_search` made anew.
async fn fresh_url(database: &str, options: &Options) -> Result<String, String> {
    if database == "sqlite" {
        let path = std::env::temp_dir().join("task-starter-bench-search.db");
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        return Ok(format!("sqlite://{}", path.display()));
    }
    let admin =
        sqlx::PgPool::connect(&format!("{}/postgres", options.postgres)).await.map_err(|error| error.to_string())?;
    sqlx::query("DROP DATABASE IF EXISTS bench_search WITH (FORCE)")
        .execute(&admin)
        .await
        .map_err(|error| error.to_string())?;
    sqlx::query("CREATE DATABASE bench_search").execute(&admin).await.map_err(|error| error.to_string())?;
    Ok(format!("{}/bench_search", options.postgres))
}

/// `runs` finished runs, oldest first, one second apart, in batches.
async fn fill(db: &Db, runs: usize) -> Result<(), String> {
    let actor = Actor { kind: ActorKind::Token, name: "crm-sync".to_owned() };
    let first = now_micros() - i64::try_from(runs).unwrap_or(i64::MAX) * 1_000_000;
    let regions = ["eu", "us", "apac"];
    let mut index = 0;
    while index < runs {
        let batch: Vec<NewRun> = (index..(index + BATCH).min(runs))
            .map(|order| {
                let at = first + i64::try_from(order).unwrap_or(0) * 1_000_000;
                let arguments = serde_json::json!({
                    "customer": order % CUSTOMERS,
                    "region": regions[order % regions.len()],
                    "order": order,
                });
                let mut run = NewRun::pending(
                    &format!("bench.search.t{}", order % TASKS),
                    arguments,
                    actor.clone(),
                    types::Origin::Api,
                    1,
                );
                run.id = RunId(uuid::Uuid::now_v7());
                run.state = if order % 10 == 0 { RunState::Failure } else { RunState::Success };
                run.created_at = at;
                run.started_at = Some(at);
                run.finished_at = Some(at + 1000);
                run
            })
            .collect();
        insert_runs(db, &batch, &[]).await.map_err(|error| error.to_string())?;
        index += batch.len();
    }
    Ok(())
}

/// p50 and p99 in milliseconds of `count` runs of `search(i)`.
async fn time<F: Future<Output = usize>>(count: usize, mut search: impl FnMut(usize) -> F) -> (f64, f64, usize) {
    // A few searches first, so that a cold cache is not measured.
    for index in 0..count.min(5) {
        search(index + count).await;
    }
    let mut millis = Vec::with_capacity(count);
    let mut found = 0;
    for index in 0..count {
        let started = Instant::now();
        found += search(index).await;
        millis.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    millis.sort_by(f64::total_cmp);
    let at = |per_cent: usize| millis[(millis.len() - 1) * per_cent / 100];
    (at(50), at(99), found / count.max(1))
}

async fn bench(database: &str, options: &Options) -> Result<(), String> {
    let url = fresh_url(database, options).await?;
    let config = Config { database_url: url.as_str().into(), ..Config::default() };
    let catalog =
        catalog(&config, &ConfigSource::BuiltIn, &task_starter::tasks::builtin()).map_err(|error| error.to_string())?;
    let db = Db::connect(&url, 8).await.map_err(|error| error.to_string())?;
    db.migrate().await.map_err(|error| error.to_string())?;
    let filling = Instant::now();
    fill(&db, options.runs).await?;
    println!("{database}: {} runs written in {:.1} s", options.runs, filling.elapsed().as_secs_f64());
    // The path the bench searches most, indexed as `search.indexed_arguments`
    // would (SQLite; PostgreSQL's GIN index needs nothing more).
    let indexing = Instant::now();
    task_starter::engine::store::search::index_arguments(&db, &[vec!["customer".to_owned()]])
        .await
        .map_err(|error| error.to_string())?;
    if database == "sqlite" {
        println!("{database}: index on arguments.customer made in {:.1} s", indexing.elapsed().as_secs_f64());
    }
    // What autovacuum would have done by now on a live server: the planner's statistics.
    if database == "postgres" {
        let pool = sqlx::PgPool::connect(&url).await.map_err(|error| error.to_string())?;
        sqlx::query("ANALYZE runs").execute(&pool).await.map_err(|error| error.to_string())?;
    }
    let runtime = Runtime::over(db, config, catalog);
    let service = &runtime.service;
    let principal = Principal::new(ActorKind::Cli, "bench", Role::Viewer);
    let search = |filter: RunFilter| {
        let principal = principal.clone();
        async move { service.list_runs(&principal, &filter).await.map_or(0, |list| list.runs.len()) }
    };
    let customer =
        |index: usize| ArgumentMatch { path: vec!["customer".to_owned()], value: (index * 37 % CUSTOMERS).into() };
    let hour_ago = task_starter::clock::to_rfc3339(now_micros() - 3_600_000_000);
    let cases: Vec<(&str, FilterOf)> = vec![
        (
            "arguments.customer=<1 in 5,000>",
            Box::new(move |index| RunFilter { arguments: vec![customer(index)], ..RunFilter::default() }),
        ),
        (
            "task + arguments.customer",
            Box::new(move |index| RunFilter {
                task: Some(format!("bench.search.t{}", index * 37 % CUSTOMERS % TASKS)),
                arguments: vec![customer(index)],
                ..RunFilter::default()
            }),
        ),
        (
            "state=failure, newest 50",
            Box::new(|_| RunFilter { state: Some(RunState::Failure), ..RunFilter::default() }),
        ),
        (
            "text nobody has (reads every row)",
            Box::new(|index| RunFilter { text: Some(format!("needle-{index}")), ..RunFilter::default() }),
        ),
        ("since one hour ago", Box::new(move |_| RunFilter { since: Some(hour_ago.clone()), ..RunFilter::default() })),
    ];
    for (name, filter) in &cases {
        let queries = if name.starts_with("text") { options.queries.min(10) } else { options.queries };
        let (p50, p99, found) = time(queries, |index| search(filter(index))).await;
        println!(
            "{database}: {name:<36} p50 {p50:>8.2} ms  p99 {p99:>8.2} ms  ({found} runs a page, {queries} searches)"
        );
    }
    Ok(())
}

#[tokio::main]
async fn main() {
    let options = match options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
    for database in &options.databases {
        if let Err(message) = bench(database, &options).await {
            eprintln!("{database}: {message}");
            std::process::exit(1);
        }
    }
}
