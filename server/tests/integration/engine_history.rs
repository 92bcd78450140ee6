//! The history cap: the newest N runs of a task are kept (10 by default), a
//! run that has not finished is never deleted, and the cap holds however
//! many runs start and finish at once.

use crate::common::{Database, TestApp, admin, args, test_config};
use crate::on_both_databases;
use serde_json::json;
use types::{Origin, RunState};

on_both_databases!(twelve_runs_of_dummy_task_leave_ten, |database: Database| async move {
    let app = TestApp::new(database).await;
    let mut ids = Vec::new();
    for number in 0..12 {
        let started = app
            .service()
            .start(&admin(), "examples.tasks.dummy_task", args(json!({"number": number})), Origin::Ui)
            .await;
        ids.push(started.unwrap().id);
    }
    for id in &ids[2..] {
        app.finished(*id).await;
    }
    let history = app.service().history(&admin(), "examples.tasks.dummy_task").await.unwrap();
    assert_eq!(history.len(), 10);
    assert_eq!(
        history.iter().map(|run| run.id).collect::<Vec<_>>(),
        ids[2..].iter().rev().copied().collect::<Vec<_>>()
    );
    app.expect_count("examples.tasks.dummy_task", 10).await;
});

on_both_databases!(a_run_that_has_not_finished_is_never_deleted, |database: Database| async move {
    let mut config = test_config();
    config
        .tasks
        .insert("tests.sleep".to_owned(), task_starter::config::TaskConfig { history: Some(2), ..Default::default() });
    let app = TestApp::with_config(database, config, true).await;
    let mut ids = Vec::new();
    for _ in 0..5 {
        let started = app.service().start(&admin(), "tests.sleep", args(json!({"ms": 60_000})), Origin::Api).await;
        ids.push(started.unwrap().id);
    }
    for id in &ids {
        app.until(*id, |run| run.state == RunState::Running).await;
    }
    assert_eq!(app.count_runs("tests.sleep").await, 5, "running runs stay");
    for id in &ids {
        app.service().cancel(&admin(), *id).await.unwrap();
    }
    // The newest two are kept; the others disappear as they end.
    app.finished(ids[4]).await;
    app.finished(ids[3]).await;
    app.expect_count("tests.sleep", 2).await;
    let kept: Vec<_> = app.service().history(&admin(), "tests.sleep").await.unwrap().iter().map(|run| run.id).collect();
    assert_eq!(kept, [ids[4], ids[3]], "finished ones are trimmed to the cap, newest kept");
});

on_both_databases!(the_cap_holds_under_hundreds_of_concurrent_starts_and_finishes, |database: Database| async move {
    let app = TestApp::new(database).await;
    // A second engine with its own workers races the first one.
    let (other, other_workers) = app.second(test_config(), true);
    let starts = (0..300).map(|index| {
        let service = if index % 2 == 0 { app.service().clone() } else { other.service.clone() };
        async move { service.start(&admin(), "tests.short_history", args(json!({})), Origin::Api).await.unwrap().id }
    });
    let ids = futures::future::join_all(starts).await;
    let last = *ids.last().unwrap();
    app.finished(last).await;
    // Every run has finished once no run of the task is pending or running.
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_mins(1);
    loop {
        let runs = app.service().history(&admin(), "tests.short_history").await.unwrap();
        if runs.iter().all(|run| run.state.is_finished()) && app.count_runs("tests.short_history").await <= 3 {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "runs never settled: {runs:?}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    app.expect_count("tests.short_history", 3).await;
    if let Some(workers) = other_workers {
        workers.shutdown().await;
    }
});
