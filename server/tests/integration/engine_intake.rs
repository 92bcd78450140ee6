//! Starts taken at once: a start that a free worker of this process can run
//! is inserted claimed and runs without a claim statement; starts made while
//! runs wait in the queue join it behind them; and a process killed while it
//! runs a run it took at once loses it to the others like any claimed run.

use crate::common::{Database, TestApp, admin, args, test_config};
use crate::on_both_databases;
use serde_json::json;
use std::process::Stdio;
use std::time::Duration;
use task_starter::clock::from_rfc3339;
use task_starter::config::TaskConfig;
use tokio::io::{AsyncBufReadExt, BufReader};
use types::{Origin, RunId, RunState};

/// The count of runs this process took at their start.
fn taken_at_start(app: &TestApp) -> u64 {
    let text = app.runtime.engine.metrics().render(0);
    let line = text.lines().find(|line| line.starts_with("task_starter_runs_taken_at_start_total "));
    line.and_then(|line| line.rsplit(' ').next()?.parse().ok()).expect("the metric is rendered")
}

on_both_databases!(a_start_is_taken_at_once_by_a_free_worker, |database: Database| async move {
    let mut app = TestApp::new(database).await;
    // Once the claim loop has found the queue empty, starts are taken.
    app.workers.as_ref().unwrap().ready(Duration::from_secs(5)).await;
    let before = taken_at_start(&app);

    let sleeping = json!({"ms": 400});
    let started = app.service().start(&admin(), "tests.sleep", args(sleeping), Origin::Api).await.unwrap();
    assert_eq!(started.state, RunState::Pending, "the answer to a start is the run as accepted");
    let right_after = app.service().run(&admin(), started.id).await.unwrap();
    assert_eq!((right_after.state, right_after.attempt), (RunState::Running, 1), "running when the start returns");
    assert!(right_after.started_at.is_some());
    assert_eq!(taken_at_start(&app), before + 1);

    let done = app.finished(started.id).await;
    assert_eq!((done.state, done.attempt, done.result.as_deref()), (RunState::Success, 1, Some("slept 400 ms")));
    let attempts = app.service().run_detail(&admin(), started.id).await.unwrap().attempts;
    assert!(attempts.len() <= 1, "one attempt: {attempts:?}");
    app.stop_workers().await;
});

on_both_databases!(starts_without_a_free_worker_queue_behind_the_waiting_runs, |database: Database| async move {
    let mut config = test_config();
    config.worker.concurrency = 1;
    let mut app = TestApp::with_config(database, config, true).await;
    let start = |ms: u64| {
        let service = app.service().clone();
        async move { service.start(&admin(), "tests.sleep", args(json!({"ms": ms})), Origin::Api).await.unwrap() }
    };
    let first = start(300).await;
    app.until(first.id, |run| run.state == RunState::Running).await;
    let mut queued = Vec::new();
    for _ in 0..4 {
        queued.push(start(20).await);
    }
    for run in &queued {
        let now = app.service().run(&admin(), run.id).await.unwrap();
        assert_eq!(now.state, RunState::Pending, "the one worker is busy");
    }
    let micros = |at: Option<String>| at.as_deref().and_then(from_rfc3339).expect("a time");
    let first_started = micros(app.finished(first.id).await.started_at);
    let mut previous = first_started;
    for run in &queued {
        let done = app.finished(run.id).await;
        assert_eq!((done.state, done.attempt), (RunState::Success, 1));
        let started_at = micros(done.started_at);
        assert!(started_at > previous, "runs start in the order they were started: {started_at} <= {previous}");
        previous = started_at;
    }
    let waited = micros(app.service().run(&admin(), queued[0].id).await.unwrap().started_at) - first_started;
    assert!(waited >= 300_000, "the second run waited for the one worker: {waited} µs");
    app.stop_workers().await;
});

on_both_databases!(a_killed_process_loses_the_run_it_took_at_once, |database: Database| async move {
    let mut config = test_config();
    config
        .tasks
        .insert("examples.tasks.countdown".to_owned(), TaskConfig { max_attempts: Some(2), ..Default::default() });
    let mut app = TestApp::with_config(database, config, false).await;

    // `run --wait` starts its workers first, so one of them takes the run.
    // It reads the same task settings (two attempts) from its config file.
    let folder = tempfile::tempdir().unwrap();
    let config_file = folder.path().join("task-starter.toml");
    std::fs::write(&config_file, "[tasks.\"examples.tasks.countdown\"]\nmax_attempts = 2\n").unwrap();
    let mut process = app
        .process(&["run", "examples.tasks.countdown", "--args", r#"{"seconds": 2}"#, "--wait"])
        .env("TASK_STARTER_CONFIG", &config_file)
        .stdout(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let stdout = process.stdout.take().expect("stdout is piped");
    let mut first_line = String::new();
    BufReader::new(stdout).read_line(&mut first_line).await.unwrap();
    let id: uuid::Uuid = first_line
        .strip_prefix("Started run ")
        .and_then(|rest| rest.split(' ').next())
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("the run's id is printed: {first_line:?}"));
    let id = RunId(id);
    let running = app.service().run(&admin(), id).await.unwrap();
    assert_eq!((running.state, running.attempt), (RunState::Running, 1), "taken when the start returned");

    // SIGKILL in the middle of the run: no goodbye, no re-queue.
    process.start_kill().unwrap();
    let _ = process.wait().await;

    app.workers = Some(app.runtime.engine.spawn_workers());
    let done = app.finished(id).await;
    assert_eq!((done.state, done.attempt), (RunState::Success, 2), "rescued, re-queued and run again here");
    let attempts = app.service().run_detail(&admin(), id).await.unwrap().attempts;
    assert_eq!(attempts.len(), 2);
    assert_eq!(attempts[0].error.as_ref().map(|error| error.kind.as_str()), Some("worker_lost"));
    app.stop_workers().await;
});
