//! Leases and rescue: the runs of a worker that dies come back within
//! seconds (re-queued with attempts left, else `failure` / `worker_lost`),
//! and a graceful shutdown re-queues what it could not finish.

use crate::common::{Database, TestApp, admin, args, test_config};
use crate::on_both_databases;
use serde_json::json;
use std::time::Duration;
use task_starter::clock::now_micros;
use task_starter::config::TaskConfig;
use task_starter::engine::store;
use types::{Origin, RunState};

on_both_databases!(a_stale_lease_is_rescued_by_another_worker, |database: Database| async move {
    let app = TestApp::with_config(database, test_config(), false).await;
    let db = &app.test_db.db;
    let once = app.service().start(&admin(), "examples.tasks.dummy_task", args(json!({})), Origin::Api).await.unwrap();
    let retried =
        app.service().start(&admin(), "tests.flaky", args(json!({"succeed_on": 1})), Origin::Api).await.unwrap();
    // A worker that claimed both and then vanished: its lease is in the past.
    let tasks = vec!["examples.tasks.dummy_task".to_owned(), "tests.flaky".to_owned()];
    let claimed = store::claim(db, "ghost:1:dead", &tasks, 10, now_micros(), Duration::ZERO).await.unwrap();
    assert_eq!(claimed.len(), 2);
    tokio::time::sleep(Duration::from_millis(5)).await;

    assert_eq!(app.runtime.engine.rescue_lost_runs().await.unwrap(), 2);
    let lost = app.service().run(&admin(), once.id).await.unwrap();
    assert_eq!((lost.state, lost.result.as_deref()), (RunState::Failure, None));
    let error = lost.error.unwrap();
    assert_eq!(error.kind, "worker_lost");
    assert!(error.message.contains("ghost:1:dead"), "{}", error.message);
    let requeued = app.service().run(&admin(), retried.id).await.unwrap();
    assert_eq!((requeued.state, requeued.attempt), (RunState::Pending, 1));
    assert_eq!(app.runtime.engine.rescue_lost_runs().await.unwrap(), 0, "nothing is rescued twice");

    let (_workers_app, workers) = app.second(test_config(), true);
    let done = app.finished(retried.id).await;
    assert_eq!((done.state, done.attempt), (RunState::Success, 2));
    let attempts = app.service().run_detail(&admin(), retried.id).await.unwrap().attempts;
    assert_eq!(attempts[0].error.as_ref().map(|error| error.kind.as_str()), Some("worker_lost"));
    if let Some(workers) = workers {
        workers.shutdown().await;
    }
});

on_both_databases!(a_run_is_due_the_moment_it_is_made, |database: Database| async move {
    // SQLite's clock has whole milliseconds; a run made in the current one
    // must still be claimed at once, not at the next poll.
    let app = TestApp::with_config(database, test_config(), false).await;
    let tasks = vec!["examples.tasks.dummy_task".to_owned()];
    for _ in 0..20 {
        app.service().start(&admin(), "examples.tasks.dummy_task", args(json!({})), Origin::Api).await.unwrap();
        let claimed =
            store::claim(&app.test_db.db, "test:1:now", &tasks, 10, now_micros(), Duration::from_secs(30)).await;
        assert_eq!(claimed.unwrap().len(), 1);
    }
});

on_both_databases!(a_killed_worker_process_loses_its_runs_to_the_others, |database: Database| async move {
    let mut config = test_config();
    config
        .tasks
        .insert("examples.tasks.countdown".to_owned(), TaskConfig { max_attempts: Some(2), ..Default::default() });
    let mut app = TestApp::with_config(database, config.clone(), false).await;
    let twice =
        app.service().start(&admin(), "examples.tasks.countdown", args(json!({"seconds": 2})), Origin::Api).await;
    let twice = twice.unwrap();

    // A real worker process on the same database, with a one-second lease.
    let mut worker = app.process(&["worker"]).spawn().expect("the worker binary starts");
    let running = app.until(twice.id, |run| run.state == RunState::Running).await;
    assert_eq!(running.attempt, 1);

    // SIGKILL in the middle of the run: no goodbye, no re-queue.
    worker.start_kill().unwrap();
    let _ = worker.wait().await;

    app.workers = Some(app.runtime.engine.spawn_workers());
    let done = app.finished(twice.id).await;
    assert_eq!((done.state, done.attempt), (RunState::Success, 2), "re-queued and run again here");
    let attempts = app.service().run_detail(&admin(), twice.id).await.unwrap().attempts;
    assert_eq!(attempts.len(), 2);
    assert_eq!(attempts[0].error.as_ref().map(|error| error.kind.as_str()), Some("worker_lost"));
    app.stop_workers().await;
});

on_both_databases!(a_graceful_shutdown_requeues_what_did_not_finish, |database: Database| async move {
    let mut app = TestApp::new(database).await;
    let arguments = json!({"ms": 60_000, "heed_cancel": false});
    let started = app.service().start(&admin(), "tests.sleep", args(arguments), Origin::Api).await.unwrap();
    app.until(started.id, |run| run.state == RunState::Running).await;
    let quick = app.service().start(&admin(), "tests.sleep", args(json!({"ms": 50})), Origin::Api).await.unwrap();
    app.until(quick.id, |run| run.state != RunState::Pending).await;
    app.stop_workers().await;
    let requeued = app.service().run(&admin(), started.id).await.unwrap();
    assert_eq!((requeued.state, requeued.attempt), (RunState::Pending, 0));
    let finished = app.service().run(&admin(), quick.id).await.unwrap();
    assert_eq!(finished.state, RunState::Success, "short runs finish within the grace");
    tokio::time::sleep(Duration::from_millis(10)).await;
});
