//! The OpenAPI document tells the truth: every response of a tour through
//! the API is documented under its path, method and status, and its body
//! validates against the documented schema.

use crate::common::http::{Answer, Call};
use crate::common::{Database, TestApp, config_with_nightly_schedule};
use crate::on_both_databases;
use axum::http::Method;
use serde_json::{Value, json};
use types::Role;

/// Checks `answer` to `method path_template` against the document.
fn conforms(document: &Value, method: &Method, template: &str, answer: &Answer) {
    let operation = &document["paths"][template][method.as_str().to_lowercase()];
    assert!(operation.is_object(), "{method} {template} is not in the document");
    let status = answer.status.as_str();
    let response = &operation["responses"][status];
    assert!(response.is_object(), "{method} {template} answered {status}, which is not documented: {}", answer.text);
    let content_type = answer.content_type().split(';').next().unwrap_or("").trim().to_owned();
    let Some(schema) = response["content"][&content_type]["schema"].as_object() else {
        panic!("{method} {template} {status}: no schema for {content_type}");
    };
    let mut root = json!({"components": document["components"]});
    for (key, value) in schema {
        root[key] = value.clone();
    }
    let body = answer.json();
    let errors: Vec<String> = types::schema::validate(&root, &body, &types::schema::NoPatterns)
        .into_iter()
        .map(|error| format!("{}: {}", error.pointer, error.message))
        .collect();
    assert!(errors.is_empty(), "{method} {template} {status} breaks its schema: {errors:?}\n{body}");
}

on_both_databases!(real_responses_match_the_openapi_document, |database: Database| async move {
    let config = config_with_nightly_schedule();
    let app = TestApp::with_config(database, config.clone(), true).await;
    app.runtime.engine.spawn_scheduler(&config.schedules).await.unwrap().stop().await;
    let router = app.router();
    let token = app.token(Role::Admin).await;
    let viewer = app.token(Role::Viewer).await;

    let document = Call::get("/api/v1/openapi.json").send(&router).await.json();
    assert!(document["openapi"].as_str().unwrap().starts_with("3.1"), "OpenAPI 3.1");

    let check = async |method: Method, template: &str, path: &str, body: Option<Value>, bearer: &str| {
        let mut call = Call::new(method.clone(), path).bearer(bearer);
        if let Some(body) = body {
            call = call.json(&body);
        }
        let answer = call.send(&router).await;
        conforms(&document, &method, template, &answer);
        answer
    };
    check(Method::GET, "/api/v1/tasks", "/api/v1/tasks", None, &token).await;
    check(Method::GET, "/api/v1/tasks/{path}", "/api/v1/tasks/examples.tasks.dummy_task", None, &token).await;
    check(Method::GET, "/api/v1/tasks/{path}", "/api/v1/tasks/nope", None, &token).await;
    let started = check(
        Method::POST,
        "/api/v1/tasks/{path}/runs",
        "/api/v1/tasks/examples.tasks.dummy_task/runs",
        Some(json!({"arguments": {"number": 2}})),
        &token,
    )
    .await;
    let run = started.json()["id"].as_str().unwrap().to_owned();
    check(
        Method::POST,
        "/api/v1/tasks/{path}/runs",
        "/api/v1/tasks/examples.tasks.dummy_task/runs",
        Some(json!({"arguments": {"number": "x"}})),
        &token,
    )
    .await;
    check(
        Method::POST,
        "/api/v1/tasks/{path}/runs",
        "/api/v1/tasks/examples.tasks.dummy_task/runs",
        Some(json!({})),
        &viewer,
    )
    .await;
    app.finished(types::RunId(run.parse().unwrap())).await;
    check(Method::GET, "/api/v1/tasks/{path}/runs", "/api/v1/tasks/examples.tasks.dummy_task/runs", None, &token).await;
    check(Method::GET, "/api/v1/runs", "/api/v1/runs?limit=1", None, &token).await;
    check(Method::GET, "/api/v1/runs", &format!("/api/v1/runs?ids={run}"), None, &token).await;
    check(Method::GET, "/api/v1/runs", "/api/v1/runs?limit=0", None, &token).await;
    check(Method::GET, "/api/v1/runs/{id}", &format!("/api/v1/runs/{run}"), None, &token).await;
    check(Method::POST, "/api/v1/runs/{id}/rerun", &format!("/api/v1/runs/{run}/rerun"), None, &token).await;
    check(Method::POST, "/api/v1/runs/{id}/cancel", &format!("/api/v1/runs/{run}/cancel"), None, &token).await;
    let id = uuid::Uuid::new_v4();
    check(Method::POST, "/api/v1/runs", "/api/v1/runs", Some(json!({"task": "tests.external", "id": id})), &token)
        .await;
    check(
        Method::POST,
        "/api/v1/runs",
        "/api/v1/runs",
        Some(json!({"task": "tests.external", "id": id, "state": "running"})),
        &token,
    )
    .await;
    check(
        Method::PATCH,
        "/api/v1/runs/{id}",
        &format!("/api/v1/runs/{id}"),
        Some(json!({"state": "success", "result": "ok"})),
        &token,
    )
    .await;
    check(Method::PATCH, "/api/v1/runs/{id}", &format!("/api/v1/runs/{id}"), Some(json!({"state": "failure"})), &token)
        .await;
    check(Method::GET, "/api/v1/schedules", "/api/v1/schedules", None, &token).await;
    check(Method::POST, "/api/v1/schedules/{name}/pause", "/api/v1/schedules/nightly/pause", None, &token).await;
    check(Method::POST, "/api/v1/schedules/{name}/resume", "/api/v1/schedules/nightly/resume", None, &token).await;
    check(Method::POST, "/api/v1/schedules/{name}/run", "/api/v1/schedules/nightly/run", None, &token).await;
    check(Method::POST, "/api/v1/schedules/{name}/run", "/api/v1/schedules/nope/run", None, &token).await;
    check(Method::GET, "/api/v1/tasks", "/api/v1/tasks", None, "tsk_bad").await;
});
