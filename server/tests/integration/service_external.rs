//! Runs started elsewhere: registered under the other system's id
//! (idempotently), then reported until they end, like any other run.

use crate::common::{Database, TestApp, admin, args, operator, viewer};
use crate::on_both_databases;
use serde_json::json;
use task_starter::service::ServiceError;
use types::{ActorKind, Origin, ReportRequest, RunError, RunId, RunState, TrackRequest};

fn track(id: RunId, source: &str) -> TrackRequest {
    TrackRequest { task: "tests.external".to_owned(), id, arguments: json!({"source": source}), state: None }
}

fn report(state: RunState, result: Option<&str>) -> ReportRequest {
    ReportRequest { state, result: result.map(str::to_owned), error: None }
}

on_both_databases!(a_tracked_run_shows_in_the_history_and_retries_are_idempotent, |database: Database| async move {
    let app = TestApp::new(database).await;
    let id = RunId(uuid::Uuid::new_v4());
    let tracked = app.service().track(&operator(), track(id, "crm")).await.unwrap();
    assert_eq!((tracked.id, tracked.state, tracked.origin), (id, RunState::Pending, Origin::External));
    assert_eq!((tracked.started_by.kind, tracked.started_by.name.as_str()), (ActorKind::External, "otto"));
    let again = app.service().track(&operator(), track(id, "crm")).await.unwrap();
    assert_eq!(again, tracked, "the same request again is accepted");
    let different = app.service().track(&operator(), track(id, "erp")).await.unwrap_err();
    assert!(matches!(different, ServiceError::Conflict(_)), "{different:?}");
    let history = app.service().history(&viewer(), "tests.external").await.unwrap();
    assert_eq!(history.len(), 1);
});

on_both_databases!(an_external_run_reports_its_way_to_the_end, |database: Database| async move {
    let app = TestApp::new(database).await;
    let id = RunId(uuid::Uuid::new_v4());
    app.service().track(&operator(), track(id, "crm")).await.unwrap();
    let running = app.service().report(&operator(), id, report(RunState::Running, None)).await.unwrap();
    assert!(running.started_at.is_some() && running.finished_at.is_none());
    let done = app.service().report(&operator(), id, report(RunState::Success, Some("42 rows"))).await.unwrap();
    assert_eq!((done.state, done.result.as_deref()), (RunState::Success, Some("42 rows")));
    assert!(done.finished_at.is_some());
    let same = app.service().report(&operator(), id, report(RunState::Success, Some("42 rows"))).await.unwrap();
    assert_eq!(same, done, "repeating the last report is accepted");
    let change = app.service().report(&operator(), id, report(RunState::Failure, None)).await.unwrap_err();
    assert!(matches!(change, ServiceError::Conflict(_)), "{change:?}");
});

on_both_databases!(a_crash_reported_from_elsewhere_keeps_its_error, |database: Database| async move {
    let app = TestApp::new(database).await;
    let id = RunId(uuid::Uuid::new_v4());
    app.service().track(&operator(), track(id, "crm")).await.unwrap();
    let crash = ReportRequest {
        state: RunState::Failure,
        result: None,
        error: Some(RunError { kind: "KeyError".to_owned(), message: "'customer'".to_owned() }),
    };
    let failed = app.service().report(&operator(), id, crash).await.unwrap();
    assert_eq!((failed.state, failed.result), (RunState::Failure, None));
    assert_eq!(failed.error.unwrap().kind, "KeyError");
});

on_both_databases!(only_configured_external_tasks_can_be_tracked, |database: Database| async move {
    let app = TestApp::new(database).await;
    let id = RunId(uuid::Uuid::new_v4());
    let mut unknown = track(id, "x");
    unknown.task = "nobody.knows".to_owned();
    assert!(matches!(app.service().track(&operator(), unknown).await, Err(ServiceError::NotFound(_))));
    let mut builtin = track(id, "x");
    builtin.task = "examples.tasks.dummy_task".to_owned();
    builtin.arguments = json!({});
    assert!(matches!(app.service().track(&operator(), builtin).await, Err(ServiceError::Conflict(_))));
    let mut bad = track(id, "x");
    bad.arguments = json!({"source": 7});
    match app.service().track(&operator(), bad).await {
        Err(ServiceError::InvalidArguments(errors)) => assert_eq!(errors[0].pointer, "/source"),
        other => panic!("expected invalid arguments, got {other:?}"),
    }
    assert!(matches!(app.service().track(&viewer(), track(id, "x")).await, Err(ServiceError::Forbidden(_))));
    assert_eq!(app.count_runs("tests.external").await, 0, "a refused request writes nothing");

    let local = app.service().start(&admin(), "examples.tasks.dummy_task", args(json!({})), Origin::Api).await.unwrap();
    let refused = app.service().report(&operator(), local.id, report(RunState::Success, None)).await;
    assert!(matches!(refused, Err(ServiceError::Conflict(_))), "runs started here take no reports");
});

on_both_databases!(the_history_cap_applies_to_external_runs, |database: Database| async move {
    let app = TestApp::new(database).await;
    for index in 0..5 {
        let mut request = track(RunId(uuid::Uuid::new_v4()), &format!("batch {index}"));
        request.state = Some(RunState::Success);
        app.service().track(&operator(), request).await.unwrap();
    }
    app.expect_count("tests.external", 3).await;
});
