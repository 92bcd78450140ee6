//! The search bench: fills a fresh database with N finished runs (see
//! `fill`), then times searches through the service layer, the way
//! `GET /api/v1/runs` makes them, and prints p50 and p99 of each filter:
//! task, state, user, started by, as whom, origin, a time range, an
//! argument value (`customer`, indexed on SQLite as
//! `search.indexed_arguments = ["customer"]` would), narrowed by task, and
//! text: rare (one run), common (a page at once), and absent. Then the
//! start rate alone and beside 8 searches of every row (see `load`).
//!
//! `cargo run --release -p task-starter --bin bench-search -- --runs 1000000`
//! (`--database sqlite` or `postgres`; `--postgres URL` names the server, and
//! a database `bench_search` is made afresh on it; `--reuse` searches the
//! last run's database again; `--search-connections N`; `--load-seconds 0`
//! skips the start load).

mod fill;
mod load;

use fill::{CUSTOMERS, PEOPLE, TASKS, fill, origin, starter};
use std::time::Instant;
use task_starter::clock::now_micros;
use task_starter::config::{ApiConfig, Config, ConfigSource};
use task_starter::db::Db;
use task_starter::runtime::{Runtime, catalog};
use types::{ActorKind, ArgumentMatch, Principal, Role, RunFilter, RunState};

/// The filter of the i-th search of a case.
type FilterOf = Box<dyn Fn(usize) -> RunFilter>;

struct Options {
    databases: Vec<String>,
    runs: usize,
    queries: usize,
    postgres: String,
    load_seconds: u64,
    search_connections: u32,
    /// Search the database the last run filled instead of filling one anew.
    reuse: bool,
}

fn options() -> Result<Options, String> {
    let mut options = Options {
        databases: vec!["sqlite".to_owned(), "postgres".to_owned()],
        runs: 1_000_000,
        queries: 100,
        postgres: "postgres://postgres@127.0.0.1:5432".to_owned(),
        load_seconds: 5,
        search_connections: task_starter::db::SEARCH_CONNECTIONS,
        reuse: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--database" => options.databases = value()?.split(',').map(str::to_owned).collect(),
            "--runs" => options.runs = value()?.parse().map_err(|_| "--runs takes a number")?,
            "--queries" => options.queries = value()?.parse().map_err(|_| "--queries takes a number")?,
            "--postgres" => value()?.trim_end_matches('/').clone_into(&mut options.postgres),
            "--reuse" => options.reuse = true,
            "--search-connections" => {
                options.search_connections = value()?.parse().map_err(|_| "--search-connections takes a number")?;
            }
            "--load-seconds" => {
                options.load_seconds = value()?.parse().map_err(|_| "--load-seconds takes a number")?;
            }
            other => return Err(format!("unknown option {other}; see the top of server/src/bin/bench_search/main.rs")),
        }
    }
    Ok(options)
}

/// A fresh database's URL: a new SQLite file, or `bench_search` made anew.
async fn fresh_url(database: &str, options: &Options) -> Result<String, String> {
    if options.reuse {
        return Ok(match database {
            "sqlite" => format!("sqlite://{}", std::env::temp_dir().join("task-starter-bench-search.db").display()),
            _ => format!("{}/bench_search", options.postgres),
        });
    }
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

/// p50 and p99 in milliseconds of `count` runs of `search(i)`, and the runs found a search.
async fn time<F: Future<Output = usize>>(count: usize, mut search: impl FnMut(usize) -> F) -> (f64, f64, f64) {
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
    #[allow(clippy::cast_precision_loss)]
    (at(50), at(99), found as f64 / count.max(1) as f64)
}

async fn bench(database: &str, options: &Options) -> Result<(), String> {
    let url = fresh_url(database, options).await?;
    let config = Config { database_url: url.as_str().into(), ..Config::default() };
    let catalog =
        || catalog(&config, &ConfigSource::BuiltIn, &task_starter::tasks::builtin()).map_err(|error| error.to_string());
    let db = Db::connect_with(&url, 8, options.search_connections).await.map_err(|error| error.to_string())?;
    db.migrate().await.map_err(|error| error.to_string())?;
    if !options.reuse {
        let filling = Instant::now();
        fill(&db, options.runs).await?;
        println!("{database}: {} runs written in {:.1} s", options.runs, filling.elapsed().as_secs_f64());
    }
    // The path the bench searches most, indexed as `search.indexed_arguments`
    // would (SQLite; PostgreSQL's GIN index needs nothing more).
    let indexing = Instant::now();
    task_starter::engine::store::search::index_arguments(&db, &[vec!["customer".to_owned()]])
        .await
        .map_err(|error| error.to_string())?;
    if database == "sqlite" {
        println!("{database}: index on arguments.customer made in {:.1} s", indexing.elapsed().as_secs_f64());
    }
    // What autovacuum would have done by now on a live server: the planner's
    // statistics, and the GIN indexes' pending lists merged.
    if database == "postgres" {
        let pool = sqlx::PgPool::connect(&url).await.map_err(|error| error.to_string())?;
        sqlx::query("VACUUM ANALYZE runs").execute(&pool).await.map_err(|error| error.to_string())?;
    }
    // Latencies as they are, however long: a deadline far away here (the
    // load below keeps the default).
    let patient = Config {
        search: task_starter::config::SearchConfig {
            timeout: task_starter::config::ConfigDuration::secs(60),
            ..Default::default()
        },
        ..config.clone()
    };
    let runtime = Runtime::over(db.clone(), patient, catalog()?);
    let service = &runtime.service;
    let principal = Principal::new(ActorKind::Cli, "bench", Role::Viewer);
    let search = |filter: RunFilter| {
        let principal = principal.clone();
        async move {
            match service.list_runs(&principal, &filter).await {
                Ok(list) => list.runs.len(),
                Err(error) => {
                    eprintln!("a search failed: {error} ({filter:?})");
                    0
                }
            }
        }
    };
    let customer =
        |index: usize| ArgumentMatch { path: vec!["customer".to_owned()], value: (index * 37 % CUSTOMERS).into() };
    let hour_ago = task_starter::clock::to_rfc3339(now_micros() - 3_600_000_000);
    let runs = options.runs;
    let cases: Vec<(&str, FilterOf)> = vec![
        (
            "task",
            Box::new(|index| RunFilter {
                task: Some(format!("bench.search.t{}", index * 7 % TASKS)),
                ..RunFilter::default()
            }),
        ),
        ("state=failure", Box::new(|_| RunFilter { state: Some(RunState::Failure), ..RunFilter::default() })),
        (
            "user (started by or as)",
            Box::new(|index| RunFilter { user: Some(starter(index % PEOPLE)), ..RunFilter::default() }),
        ),
        (
            "started_by",
            Box::new(|index| RunFilter { started_by: Some(starter(index % PEOPLE)), ..RunFilter::default() }),
        ),
        ("as=batch (1 in 20)", Box::new(|_| RunFilter { run_as: Some("batch".to_owned()), ..RunFilter::default() })),
        ("origin=schedule (1 in 100)", Box::new(|_| RunFilter { origin: Some(origin(0)), ..RunFilter::default() })),
        ("since one hour ago", Box::new(move |_| RunFilter { since: Some(hour_ago.clone()), ..RunFilter::default() })),
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
            "text in one run",
            Box::new(move |index| RunFilter {
                // An odd order: one in ten (the multiples of ten) failed, with no such text.
                text: Some(format!("Order {} for", (index * 7919 % runs) | 1)),
                ..RunFilter::default()
            }),
        ),
        (
            "text in 1 run in 5,000",
            Box::new(|index| RunFilter {
                text: Some(format!("customer {} shipped", (index * 37 % CUSTOMERS) | 1)),
                ..RunFilter::default()
            }),
        ),
        ("text in most runs", Box::new(|_| RunFilter { text: Some("shipped".to_owned()), ..RunFilter::default() })),
        (
            "text nobody has",
            Box::new(|index| RunFilter { text: Some(format!("needle-{index}")), ..RunFilter::default() }),
        ),
    ];
    for (name, filter) in &cases {
        let queries = options.queries;
        let (p50, p99, found) = time(queries, |index| search(filter(index))).await;
        println!(
            "{database}: {name:<36} p50 {p50:>8.2} ms  p99 {p99:>8.2} ms  ({found:.1} runs a page, {queries} searches)"
        );
    }
    if options.load_seconds > 0 {
        let loaded = Config { api: ApiConfig { starts_per_minute: 0, ..ApiConfig::default() }, ..config.clone() };
        load::measure(database, &Runtime::over(db, loaded, catalog()?), options.load_seconds).await;
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
