//! Cancel: a pending run ends at once; a running one is asked to stop and
//! ends as cancelled when it does, or when the cancel grace runs out.

use crate::common::{Database, TestApp, admin, args, test_config, viewer};
use crate::{on_both_databases, on_postgres};
use serde_json::json;
use task_starter::service::ServiceError;
use types::{Origin, RunState};

on_both_databases!(cancelling_a_pending_run_ends_it_at_once, |database: Database| async move {
    let app = TestApp::with_config(database, test_config(), false).await;
    let started =
        app.service().start(&admin(), "examples.tasks.example_task", args(json!({"text": "x"})), Origin::Ui).await;
    let started = started.unwrap();
    let cancelled = app.service().cancel(&admin(), started.id).await.unwrap();
    assert_eq!(cancelled.state, RunState::Cancelled);
    assert_eq!(cancelled.error.map(|error| error.kind).as_deref(), Some("cancelled"));
    assert!(cancelled.finished_at.is_some());
});

on_both_databases!(a_running_task_that_heeds_the_cancel_stops_early, |database: Database| async move {
    let app = TestApp::new(database).await;
    let started = app.service().start(&admin(), "tests.sleep", args(json!({"ms": 60_000})), Origin::Ui).await.unwrap();
    app.until(started.id, |run| run.state == RunState::Running).await;
    let asked = app.service().cancel(&admin(), started.id).await.unwrap();
    assert!(matches!(asked.state, RunState::Running | RunState::Cancelled));
    let run = app.finished(started.id).await;
    assert_eq!(run.state, RunState::Cancelled);
    assert_eq!(run.result.as_deref(), Some("stopped early"));
});

on_both_databases!(a_task_that_ignores_the_cancel_is_stopped_after_the_grace, |database: Database| async move {
    let app = TestApp::new(database).await;
    let arguments = json!({"ms": 60_000, "heed_cancel": false});
    let started = app.service().start(&admin(), "tests.sleep", args(arguments), Origin::Ui).await.unwrap();
    app.until(started.id, |run| run.state == RunState::Running).await;
    app.service().cancel(&admin(), started.id).await.unwrap();
    let run = app.finished(started.id).await;
    assert_eq!((run.state, run.result), (RunState::Cancelled, None));
    assert!(run.error.unwrap().message.contains("did not stop by itself"));
});

on_both_databases!(a_finished_run_cannot_be_cancelled_and_viewers_cannot_cancel, |database: Database| async move {
    let app = TestApp::new(database).await;
    let started =
        app.service().start(&admin(), "examples.tasks.dummy_task", args(json!({})), Origin::Ui).await.unwrap();
    app.finished(started.id).await;
    let refused = app.service().cancel(&admin(), started.id).await.unwrap_err();
    assert!(matches!(refused, ServiceError::Conflict(_)), "{refused:?}");
    let refused = app.service().cancel(&viewer(), started.id).await.unwrap_err();
    assert!(matches!(refused, ServiceError::Forbidden(_)), "{refused:?}");
});

on_postgres!(a_cancel_reaches_a_run_executing_in_another_process, |database: Database| async move {
    // Long leases: the heartbeat would take 20 s to carry the cancel, so a
    // quick stop shows the notification at work.
    let mut config = test_config();
    config.worker.lease = task_starter::config::ConfigDuration::secs(60);
    let app = TestApp::with_config(database, config.clone(), false).await;
    let (_other, other_workers) = app.second(config, true);
    let started = app.service().start(&admin(), "tests.sleep", args(json!({"ms": 60_000})), Origin::Ui).await.unwrap();
    app.until(started.id, |run| run.state == RunState::Running).await;
    app.service().cancel(&admin(), started.id).await.unwrap();
    let run = app.finished(started.id).await;
    assert_eq!(run.state, RunState::Cancelled);
    if let Some(workers) = other_workers {
        workers.shutdown().await;
    }
});
