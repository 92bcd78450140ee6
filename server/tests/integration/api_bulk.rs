//! Bulk actions over the REST API: cancel every run a filter matches after
//! counting them (a changed count is refused), re-run a list of runs, and
//! refuse viewers and malformed requests; each is one audit entry.

use crate::common::http::Call;
use crate::common::{Database, TestApp, admin, args, test_config};
use crate::on_both_databases;
use serde_json::json;
use types::{Origin, Role, RunState};

on_both_databases!(a_filter_is_counted_then_cancelled_and_a_list_run_again, |database: Database| async move {
    // No workers: the runs stay pending until cancelled.
    let app = TestApp::with_config(database, test_config(), false).await;
    let router = app.router();
    let (operator, viewer) = (app.token(Role::Operator).await, app.token(Role::Viewer).await);
    let service = app.service();
    let mut sleepers = Vec::new();
    for index in 0..3 {
        let run = service.start(&admin(), "tests.sleep", args(json!({"ms": 10, "index": index})), Origin::Api).await;
        sleepers.push(run.unwrap());
    }
    let other = service.start(&admin(), "examples.tasks.dummy_task", args(json!({})), Origin::Api).await.unwrap();
    let filter = json!({"task": "tests.sleep", "state": "pending"});

    let counted = Call::post("/api/v1/runs/bulk")
        .bearer(&operator)
        .json(&json!({"action": "cancel", "filter": filter, "dry_run": true}))
        .send(&router)
        .await;
    assert_eq!(counted.status, 200, "{}", counted.text);
    assert_eq!((counted.json()["matched"].as_u64(), counted.json()["affected"].as_u64()), (Some(3), Some(0)));
    assert_eq!(
        app.service().run(&admin(), sleepers[0].id).await.unwrap().state,
        RunState::Pending,
        "a dry run changes nothing"
    );

    let stale = Call::post("/api/v1/runs/bulk")
        .bearer(&operator)
        .json(&json!({"action": "cancel", "filter": filter, "expect": 2}))
        .send(&router)
        .await;
    assert_eq!(stale.status, 409, "a count that changed since it was confirmed: {}", stale.text);

    let viewer_tries = Call::post("/api/v1/runs/bulk")
        .bearer(&viewer)
        .json(&json!({"action": "cancel", "filter": filter}))
        .send(&router)
        .await;
    assert_eq!(viewer_tries.status, 403);

    let cancelled = Call::post("/api/v1/runs/bulk")
        .bearer(&operator)
        .json(&json!({"action": "cancel", "filter": filter, "expect": 3}))
        .send(&router)
        .await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.text);
    let outcome = cancelled.json();
    assert_eq!(
        (outcome["matched"].as_u64(), outcome["affected"].as_u64(), outcome["skipped"].as_u64()),
        (Some(3), Some(3), Some(0))
    );
    for run in &sleepers {
        assert_eq!(app.service().run(&admin(), run.id).await.unwrap().state, RunState::Cancelled);
    }
    assert_eq!(app.service().run(&admin(), other.id).await.unwrap().state, RunState::Pending, "outside the filter");

    let ids: Vec<String> = sleepers.iter().map(|run| run.id.to_string()).collect();
    let again = Call::post("/api/v1/runs/bulk")
        .bearer(&operator)
        .json(&json!({"action": "cancel", "ids": ids}))
        .send(&router)
        .await
        .json();
    assert_eq!(
        (again["affected"].as_u64(), again["skipped"].as_u64()),
        (Some(0), Some(3)),
        "ended runs are left alone"
    );

    let rerun = Call::post("/api/v1/runs/bulk")
        .bearer(&operator)
        .json(&json!({"action": "rerun", "ids": [ids[0], ids[1], ids[1]]}))
        .send(&router)
        .await;
    assert_eq!(rerun.status, 200, "{}", rerun.text);
    let rerun = rerun.json();
    assert_eq!((rerun["matched"].as_u64(), rerun["affected"].as_u64()), (Some(2), Some(2)), "duplicates count once");
    let new_id: types::RunId = rerun["new_runs"][0].as_str().unwrap().parse().unwrap();
    let new_run = app.service().run(&admin(), new_id).await.unwrap();
    assert_eq!((new_run.origin, new_run.state), (Origin::Bulk, RunState::Pending));
    assert!(new_run.rerun_of.is_some());

    for (body, status) in [
        (json!({"action": "cancel"}), 422),
        (json!({"action": "cancel", "ids": [], }), 422),
        (json!({"action": "cancel", "ids": [ids[0]], "filter": {}}), 422),
        (json!({"action": "explode", "ids": [ids[0]]}), 422),
        (json!({"action": "cancel", "filter": {"since": "soon"}}), 400),
        (json!({"action": "cancel", "filter": {"arguments": [{"path": ["a"], "value": {"b": 1}}]}}), 400),
        (json!({"action": "cancel", "filter": {"nonsense": 1}}), 422),
    ] {
        let refused = Call::post("/api/v1/runs/bulk").bearer(&operator).json(&body).send(&router).await;
        assert_eq!(refused.status, status, "{body}: {}", refused.text);
        assert_eq!(refused.content_type(), "application/problem+json");
    }

    let audit = app.service().audit_log(&admin(), &types::AuditFilter::default()).await.unwrap();
    let bulk: Vec<_> = audit.events.iter().filter(|event| event.action == types::AuditAction::BulkCancel).collect();
    assert_eq!(bulk.len(), 2, "one entry per bulk action, not per run");
    assert_eq!(bulk[1].detail.as_ref().unwrap()["affected"], json!(3));
    assert_eq!(bulk[1].actor.name, "operator");
});
