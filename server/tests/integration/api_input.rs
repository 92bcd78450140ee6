//! Bad input gets a clear problem document and writes nothing.

use crate::common::http::Call;
use crate::common::{Database, TestApp, admin, args, test_config};
use crate::on_both_databases;
use axum::http::Method;
use serde_json::json;
use types::{Origin, Role};

const START: &str = "/api/v1/tasks/examples.tasks.dummy_task/runs";

on_both_databases!(refused_requests_say_why_and_write_nothing, |database: Database| async move {
    let mut config = test_config();
    config.api.max_body_bytes = 2048;
    let app = TestApp::with_config(database, config, false).await;
    let router = app.router();
    let token = app.token(Role::Admin).await;

    let too_large =
        Call::post(START).bearer(&token).json(&json!({"arguments": {"pad": "x".repeat(5000)}})).send(&router).await;
    assert_eq!(too_large.status, 413, "{}", too_large.text);
    let not_json = Call::post(START).bearer(&token).raw("text/plain", "number=5").send(&router).await;
    assert_eq!(not_json.status, 415, "{}", not_json.text);
    let malformed = Call::post(START).bearer(&token).raw("application/json", "{\"arguments\": {").send(&router).await;
    assert_eq!(malformed.status, 400, "{}", malformed.text);
    let wrong_shape =
        Call::post(START).bearer(&token).json(&json!({"arguments": {}, "as": "someone"})).send(&router).await;
    assert_eq!(wrong_shape.status, 422, "{}", wrong_shape.text);
    assert_eq!(wrong_shape.json()["errors"][0]["pointer"], "/as");

    let bad_arguments = Call::post(START)
        .bearer(&token)
        .json(&json!({"arguments": {"number": "five", "numberx": 2.5}}))
        .send(&router)
        .await;
    assert_eq!(bad_arguments.status, 422, "{}", bad_arguments.text);
    assert_eq!(bad_arguments.content_type(), "application/problem+json");
    let problem = bad_arguments.json();
    let pointers: Vec<&str> =
        problem["errors"].as_array().unwrap().iter().map(|error| error["pointer"].as_str().unwrap()).collect();
    assert_eq!(pointers, ["/number", "/numberx"], "one pointer and message per error: {problem}");
    assert!(problem["errors"][0]["message"].as_str().unwrap().contains("integer"));

    let unknown_task =
        Call::post("/api/v1/tasks/no.such.task/runs").bearer(&token).json(&json!({})).send(&router).await;
    assert_eq!(unknown_task.status, 404);
    assert_eq!(app.count_runs("examples.tasks.dummy_task").await, 0, "nothing was written");

    let unknown_run = Call::get(&format!("/api/v1/runs/{}", uuid::Uuid::new_v4())).bearer(&token).send(&router).await;
    assert_eq!(unknown_run.status, 404);
    let not_an_id = Call::get("/api/v1/runs/42").bearer(&token).send(&router).await;
    assert_eq!(not_an_id.status, 404);
    let bad_state = Call::get("/api/v1/runs?state=sleeping").bearer(&token).send(&router).await;
    assert_eq!(bad_state.status, 400);
    let no_endpoint = Call::get("/api/v1/nothing/here").bearer(&token).send(&router).await;
    assert_eq!((no_endpoint.status.as_u16(), no_endpoint.content_type()), (404, "application/problem+json"));
});

on_both_databases!(state_changes_that_are_not_allowed_are_conflicts, |database: Database| async move {
    let app = TestApp::new(database).await;
    let router = app.router();
    let token = app.token(Role::Operator).await;
    let run = app.service().start(&admin(), "examples.tasks.dummy_task", args(json!({})), Origin::Api).await.unwrap();
    app.finished(run.id).await;
    let cancel = Call::post(&format!("/api/v1/runs/{}/cancel", run.id)).bearer(&token).send(&router).await;
    assert_eq!(cancel.status, 409, "{}", cancel.text);
    let patch = Call::new(Method::PATCH, &format!("/api/v1/runs/{}", run.id))
        .bearer(&token)
        .json(&json!({"state": "failure"}))
        .send(&router)
        .await;
    assert_eq!(patch.status, 409, "{}", patch.text);
    let after = app.service().run(&admin(), run.id).await.unwrap();
    assert_eq!(after.state, types::RunState::Success, "the refused PATCH changed nothing");
});

on_both_databases!(tracking_over_http_is_idempotent, |database: Database| async move {
    let app = TestApp::with_config(database, test_config(), false).await;
    let router = app.router();
    let token = app.token(Role::Operator).await;
    let id = uuid::Uuid::new_v4();
    let body = json!({"task": "tests.external", "id": id, "arguments": {"source": "crm"}});
    let first = Call::post("/api/v1/runs").bearer(&token).json(&body).send(&router).await;
    assert_eq!(first.status, 201, "{}", first.text);
    let again = Call::post("/api/v1/runs").bearer(&token).json(&body).send(&router).await;
    assert_eq!((again.status.as_u16(), again.json()), (201, first.json()));
    let other = json!({"task": "tests.external", "id": id, "arguments": {"source": "erp"}});
    assert_eq!(Call::post("/api/v1/runs").bearer(&token).json(&other).send(&router).await.status, 409);
    let done = Call::new(Method::PATCH, &format!("/api/v1/runs/{id}"))
        .bearer(&token)
        .json(&json!({"state": "success", "result": "synced 12 rows"}))
        .send(&router)
        .await;
    assert_eq!(done.status, 200, "{}", done.text);
    let shown = Call::get("/api/v1/tasks/tests.external/runs").bearer(&token).send(&router).await.json();
    assert_eq!(shown["runs"][0]["result"], "synced 12 rows");
});
