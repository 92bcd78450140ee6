//! Runs of Celery tasks, started and followed by Task Starter against a
//! real Python Celery worker, on Redis and on RabbitMQ: arguments and
//! results round-trip, the original's failure rules hold, a run sent by
//! other code is recorded, a cancel revokes, a broker that goes away loses
//! nothing, missed events cost nothing, and a burst of starts keeps the
//! history cap.

use crate::common::celery::{BrokerKind, CeleryEnv, runner_app, runner_config, send_from_python};
use crate::common::proxy::Proxy;
use crate::common::{Database, TestApp, admin, args};
use crate::on_both_brokers;
use serde_json::{Value, json};
use std::time::Duration;
use task_starter::engine::celery::TaskState;
use types::{Origin, Run, RunId, RunState};

async fn start(app: &TestApp, task: &str, arguments: Value) -> RunId {
    app.service().start(&admin(), task, args(arguments), Origin::Ui).await.unwrap().id
}

async fn log_of(app: &TestApp, id: RunId) -> String {
    let detail = app.service().run_detail(&admin(), id).await.unwrap();
    detail.log.iter().map(|line| format!("[{}] {}", line.level, line.message)).collect::<Vec<_>>().join("\n")
}

fn result_json(run: &Run) -> Value {
    serde_json::from_str(run.result.as_deref().unwrap_or("null")).unwrap()
}

on_both_brokers!(arguments_and_results_round_trip_and_the_run_id_is_the_task_id, |kind| async move {
    let env = CeleryEnv::new(kind, "runs-roundtrip");
    let _worker = env.worker();
    let app = runner_app(Database::Sqlite, runner_config(&env)).await;
    let sum = start(&app, "tests.celery.add", json!({"a": 55, "b": 66})).await;
    let arguments =
        json!({"first": "é ✓ 日本", "second": 9_007_199_254_740_993_u64, "nested": {"x": [1.5, null, true]}});
    let echo = start(&app, "tests.celery.echo", arguments).await;
    let whoami = start(&app, "tests.celery.whoami", json!({})).await;

    let run = app.finished(sum).await;
    assert_eq!((run.state, run.result.as_deref()), (RunState::Success, Some("121")), "{}", log_of(&app, sum).await);
    assert!(matches!(env.backend().state(&sum.to_string()).await.unwrap(), TaskState::Success { .. }));
    let run = app.finished(echo).await;
    assert_eq!(run.state, RunState::Success);
    assert_eq!(
        result_json(&run),
        json!({"args": ["é ✓ 日本", 9_007_199_254_740_993_u64], "kwargs": {"nested": {"x": [1.5, null, true]}}})
    );
    let run = app.finished(whoami).await;
    assert_eq!(result_json(&run)["user"], json!("ada"), "the started-by header reaches the task");
    let log = log_of(&app, sum).await;
    assert!(log.contains("Sent to the Celery queue"), "{log}");
});

on_both_brokers!(failures_follow_the_originals_rules, |kind| async move {
    let env = CeleryEnv::new(kind, "runs-failures");
    let _worker = env.worker();
    let app = runner_app(Database::Sqlite, runner_config(&env)).await;
    let handled = start(&app, "tests.celery.fail_handled", json!({"message": "no such customer"})).await;
    let crash = start(&app, "tests.celery.crash", json!({})).await;
    let missing = start(&app, "tests.celery.not_there", json!({})).await;

    let run = app.finished(handled).await;
    assert_eq!((run.state, run.result.as_deref()), (RunState::Failure, Some("no such customer")));
    let run = app.finished(crash).await;
    assert_eq!((run.state, run.result.as_deref()), (RunState::Failure, None));
    let error = run.error.unwrap();
    assert_eq!((error.kind.as_str(), error.message.as_str()), ("ValueError", "ValueError: kaboom"));
    assert!(log_of(&app, crash).await.contains("Traceback"), "the traceback is kept for View info");
    let run = app.finished(missing).await;
    assert_eq!((run.state, run.error.map(|error| error.kind)), (RunState::Failure, Some("not_registered".to_owned())));
});

on_both_brokers!(a_task_sent_by_other_code_is_recorded_and_followed, |kind| async move {
    let env = CeleryEnv::new(kind, "runs-foreign");
    let _worker = env.worker();
    let app = runner_app(Database::Sqlite, runner_config(&env)).await;
    // Let the event feed connect before Python sends.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let id: uuid::Uuid = send_from_python(&env, "tasks.add", "(4, 5)").parse().unwrap();
    app.recorded(RunId(id)).await;
    let run = app.finished(RunId(id)).await;
    assert_eq!((run.state, run.result.as_deref(), run.origin), (RunState::Success, Some("9"), Origin::External));
    assert_eq!(run.arguments, json!({"a": 4, "b": 5}), "positional arguments are named");
});

on_both_brokers!(cancelling_a_queued_run_revokes_it_and_it_never_runs, |kind| async move {
    let env = CeleryEnv::new(kind, "runs-revoke");
    let _worker = env.worker();
    let app = runner_app(Database::Sqlite, runner_config(&env)).await;
    // The one worker process is busy; the next task waits behind it.
    let busy = start(&app, "tests.celery.sleep", json!({"seconds": 3})).await;
    app.until(busy, |run| run.state == RunState::Running).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let queued = start(&app, "tests.celery.add", json!({"a": 1, "b": 1})).await;
    app.until(queued, |run| run.state == RunState::Running).await;
    app.service().cancel(&admin(), queued).await.unwrap();
    let run = app.finished(queued).await;
    assert_eq!(run.state, RunState::Cancelled);
    assert!(log_of(&app, queued).await.contains("revoke"), "{}", log_of(&app, queued).await);
    assert_eq!(app.finished(busy).await.state, RunState::Success);
    let state = env.wait_for(&queued.to_string(), Duration::from_secs(10), |state| *state == TaskState::Revoked).await;
    assert_eq!(state, TaskState::Revoked, "the worker discarded it instead of running it");
});

on_both_brokers!(a_broker_that_is_away_keeps_the_start_and_sends_it_once_back, |kind| async move {
    let env = CeleryEnv::new(kind, "runs-broker-down");
    let _worker = env.worker();
    let target = match kind {
        BrokerKind::Redis => "127.0.0.1:6379",
        BrokerKind::RabbitMq => "127.0.0.1:5672",
    };
    let mut proxy = Proxy::stopped(target.parse().unwrap());
    let mut config = runner_config(&env);
    let through_proxy = match kind {
        BrokerKind::Redis => format!("redis://127.0.0.1:{}/10", proxy.port),
        BrokerKind::RabbitMq => format!("amqp://guest:guest@127.0.0.1:{}//", proxy.port),
    };
    config.celery.broker_url = Some(through_proxy);
    let app = runner_app(Database::Sqlite, config).await;
    let id = start(&app, "tests.celery.add", json!({"a": 2, "b": 3})).await;
    let waiting = app.until(id, |run| run.progress.as_ref().is_some_and(|p| p.message.is_some())).await;
    assert_eq!(waiting.state, RunState::Running);
    assert!(log_of(&app, id).await.contains("Waiting for the broker"));
    proxy.start();
    let run = app.finished(id).await;
    assert_eq!((run.state, run.result.as_deref()), (RunState::Success, Some("5")), "{}", log_of(&app, id).await);
});

on_both_brokers!(without_events_the_backend_still_settles_every_run, |kind| async move {
    let env = CeleryEnv::new(kind, "runs-no-events");
    let _worker = env.worker_with(&["--without-heartbeat"]);
    let mut config = runner_config(&env);
    config.celery.track_foreign = false;
    let app = runner_app(Database::Sqlite, config).await;
    let ids = [
        start(&app, "tests.celery.add", json!({"a": 1, "b": 2})).await,
        start(&app, "tests.celery.crash", json!({})).await,
    ];
    assert_eq!(app.finished(ids[0]).await.state, RunState::Success);
    assert_eq!(app.finished(ids[1]).await.state, RunState::Failure);
});

on_both_brokers!(two_hundred_starts_at_once_keep_the_history_cap, |kind| async move {
    let env = CeleryEnv::new(kind, "runs-burst");
    let _worker = env.worker_with(&["--without-heartbeat", "--concurrency=4"]);
    let app = runner_app(Database::Sqlite, runner_config(&env)).await;
    let starts = (0..200).map(|n| start(&app, "tests.celery.add", json!({"a": n, "b": 1})));
    let ids = futures::future::join_all(starts).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(90);
    loop {
        let states = env.backend().states(&ids.iter().map(ToString::to_string).collect::<Vec<_>>()).await.unwrap();
        let done = states.iter().filter(|state| matches!(state, TaskState::Success { .. })).count();
        if done == ids.len() {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "{done} of 200 ran");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // The backend has them all; the tracker records the last ones a moment later.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let history = app.service().history(&admin(), "tests.celery.add").await.unwrap();
        if history.len() == 50 && history.iter().all(|run| run.state == RunState::Success) {
            break;
        }
        let states: Vec<RunState> = history.iter().map(|run| run.state).collect();
        assert!(tokio::time::Instant::now() < deadline, "history of {}: {states:?}", states.len());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
});

on_both_brokers!(a_restart_follows_what_was_sent_and_sends_it_no_second_time, |kind| async move {
    let env = CeleryEnv::new(kind, "runs-restart");
    let mut app = runner_app(Database::Sqlite, runner_config(&env)).await;
    // No worker yet: the run is sent and waits in the queue.
    let id = start(&app, "tests.celery.add", json!({"a": 20, "b": 22})).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !log_of(&app, id).await.contains("Sent to") {
        assert!(tokio::time::Instant::now() < deadline, "never sent");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    app.stop_workers().await;
    assert_eq!(app.service().run(&admin(), id).await.unwrap().state, RunState::Pending, "shutdown re-queues it");
    let (second, workers) = app.second(runner_config(&env), false);
    second.engine.spawn_celery(&runner_config(&env).celery).unwrap();
    let workers = workers.or_else(|| Some(second.engine.spawn_workers()));
    let _worker = env.worker();
    let run = app.finished(id).await;
    assert_eq!((run.state, run.result.as_deref()), (RunState::Success, Some("42")));
    let log = log_of(&app, id).await;
    assert_eq!(log.matches("Sent to").count(), 1, "{log}");
    assert!(log.contains("Following the Celery task sent earlier"), "{log}");
    if let Some(workers) = workers {
        workers.shutdown().await;
    }
});

on_both_brokers!(a_declared_task_that_no_worker_has_is_flagged, |kind| async move {
    let env = CeleryEnv::new(kind, "runs-registered");
    let _worker = env.worker();
    let app = runner_app(Database::Sqlite, runner_config(&env)).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let tasks = app.service().list_tasks(&admin()).unwrap();
        let flagged = |path: &str| tasks.iter().find(|task| task.path == path).unwrap().no_worker;
        if flagged("tests.celery.not_there") {
            assert!(!flagged("tests.celery.add"), "the worker has tasks.add");
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "tests.celery.not_there was never flagged");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
});

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_on_one_postgres_send_and_settle_each_run_once() {
    let env = CeleryEnv::new(BrokerKind::Redis, "runs-two-processes");
    let _worker = env.worker_with(&["--without-heartbeat", "--concurrency=2"]);
    let app = runner_app(Database::Postgres, runner_config(&env)).await;
    let (second, _) = app.second(runner_config(&env), false);
    second.engine.spawn_celery(&runner_config(&env).celery).unwrap();
    let second_workers = second.engine.spawn_workers();
    let starts = (0..30).map(|n| start(&app, "tests.celery.add", json!({"a": n, "b": 0})));
    let ids = futures::future::join_all(starts).await;
    for (n, id) in ids.iter().enumerate() {
        let run = app.finished(*id).await;
        assert_eq!((run.state, run.result), (RunState::Success, Some(n.to_string())));
        let log = log_of(&app, *id).await;
        assert_eq!(log.matches("Sent to").count(), 1, "{log}");
    }
    second_workers.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_task_sent_by_other_code_is_recorded_on_postgres_too() {
    let env = CeleryEnv::new(BrokerKind::Redis, "runs-foreign-pg");
    let _worker = env.worker();
    let app = runner_app(Database::Postgres, runner_config(&env)).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    // Unicode, and a NUL that PostgreSQL's text cannot hold (kept as the repr).
    let id: uuid::Uuid = send_from_python(&env, "tasks.echo", r#"("é ✓", "a\x00b")"#).parse().unwrap();
    app.recorded(RunId(id)).await;
    let run = app.finished(RunId(id)).await;
    assert_eq!((run.state, run.origin), (RunState::Success, Origin::External));
    assert_eq!(run.arguments["kwargs"], json!({}));
    assert!(run.arguments["args"].as_str().is_some_and(|repr| repr.contains("é ✓")), "{}", run.arguments);
}
