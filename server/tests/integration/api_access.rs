//! Who may call what: every endpoint against no credentials, a bad token, a
//! revoked token, and tokens of each role.

use crate::common::http::{Answer, Call};
use crate::common::{Database, TestApp, admin, args, config_with_nightly_schedule, test_config};
use crate::on_both_databases;
use axum::http::Method;
use serde_json::json;
use types::{Origin, Role};

/// Who calls.
#[derive(Clone, Copy, Debug)]
enum Who {
    Nobody,
    BadToken,
    Revoked,
    As(Role),
}

/// Endpoints that read (viewers may) and that change (operators may).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Public,
    Read,
    Change,
}

fn expected(kind: Kind, who: Who, success: u16) -> u16 {
    match (kind, who) {
        (Kind::Public, _) => 200,
        (_, Who::Nobody | Who::BadToken | Who::Revoked) => 401,
        (Kind::Change, Who::As(Role::Viewer)) => 403,
        _ => success,
    }
}

on_both_databases!(every_endpoint_checks_who_is_asking, |database: Database| async move {
    let config = config_with_nightly_schedule();
    let app = TestApp::with_config(database, config.clone(), false).await;
    app.runtime.engine.spawn_scheduler(&config.schedules).await.unwrap().stop().await;
    let router = app.router();
    let revoked = app.token(Role::Operator).await;
    let revoked_id = app.service().tokens(&admin()).await.unwrap()[0].id.clone();
    app.service().revoke_token(&admin(), &revoked_id).await.unwrap();
    let tokens = [
        (Role::Viewer, app.token(Role::Viewer).await),
        (Role::Operator, app.token(Role::Operator).await),
        (Role::Admin, app.token(Role::Admin).await),
    ];
    let callers = [
        Who::Nobody,
        Who::BadToken,
        Who::Revoked,
        Who::As(Role::Viewer),
        Who::As(Role::Operator),
        Who::As(Role::Admin),
    ];

    for who in callers {
        // Fresh runs for each caller, so that cancel and report can succeed.
        let pending =
            app.service().start(&admin(), "examples.tasks.dummy_task", args(json!({})), Origin::Api).await.unwrap();
        let external_id = uuid::Uuid::new_v4();
        let external = types::TrackRequest {
            task: "tests.external".to_owned(),
            id: types::RunId(external_id),
            arguments: json!({}),
            state: None,
        };
        app.service().track(&admin(), external).await.unwrap();
        let run = pending.id;
        let endpoints: Vec<(Kind, Method, String, Option<serde_json::Value>, u16)> = vec![
            (Kind::Public, Method::GET, "/healthz".into(), None, 200),
            (Kind::Public, Method::GET, "/api/v1/openapi.json".into(), None, 200),
            (Kind::Read, Method::GET, "/metrics".into(), None, 200),
            (Kind::Read, Method::GET, "/api/v1/tasks".into(), None, 200),
            (Kind::Read, Method::GET, "/api/v1/tasks/examples.tasks.dummy_task".into(), None, 200),
            (Kind::Read, Method::GET, "/api/v1/tasks/examples.tasks.dummy_task/runs".into(), None, 200),
            (Kind::Read, Method::GET, "/api/v1/runs".into(), None, 200),
            (Kind::Read, Method::GET, format!("/api/v1/runs?ids={run}"), None, 200),
            (Kind::Read, Method::GET, format!("/api/v1/runs/{run}"), None, 200),
            (Kind::Read, Method::GET, "/api/v1/schedules".into(), None, 200),
            (
                Kind::Change,
                Method::POST,
                "/api/v1/tasks/examples.tasks.dummy_task/runs".into(),
                Some(json!({"arguments": {}})),
                201,
            ),
            (Kind::Change, Method::POST, format!("/api/v1/runs/{run}/rerun"), None, 201),
            (Kind::Change, Method::POST, format!("/api/v1/runs/{run}/cancel"), None, 200),
            (
                Kind::Change,
                Method::POST,
                "/api/v1/runs".into(),
                Some(json!({"task": "tests.external", "id": uuid::Uuid::new_v4(), "arguments": {}})),
                201,
            ),
            (
                Kind::Change,
                Method::PATCH,
                format!("/api/v1/runs/{external_id}"),
                Some(json!({"state": "running"})),
                200,
            ),
            (Kind::Change, Method::POST, "/api/v1/schedules/nightly/pause".into(), None, 200),
            (Kind::Change, Method::POST, "/api/v1/schedules/nightly/resume".into(), None, 200),
            (Kind::Change, Method::POST, "/api/v1/schedules/nightly/run".into(), None, 201),
        ];
        for (kind, method, path, body, success) in endpoints {
            let mut call = Call::new(method.clone(), &path);
            call = match who {
                Who::Nobody => call,
                Who::BadToken => call.bearer("tsk_0000000000000000000000000000000000000000000000000000000000000000"),
                Who::Revoked => call.bearer(&revoked),
                Who::As(role) => call.bearer(&tokens.iter().find(|(known, _)| *known == role).unwrap().1),
            };
            if let Some(body) = &body {
                call = call.json(body);
            }
            let answer: Answer = call.send(&router).await;
            let want = expected(kind, who, success);
            assert_eq!(answer.status.as_u16(), want, "{who:?} {method} {path}: {}", answer.text);
            if want >= 400 {
                assert_eq!(answer.content_type(), "application/problem+json", "{method} {path}");
            }
        }
    }
});

on_both_databases!(only_allowed_roles_start_as_the_impersonation_user, |database: Database| async move {
    let app = TestApp::with_config(database, test_config(), false).await;
    let router = app.router();
    let body = json!({"arguments": {}, "as": "impersonated"});
    let path = "/api/v1/tasks/examples.tasks.dummy_task/runs";
    let operator = Call::post(path).bearer(&app.token(Role::Operator).await).json(&body).send(&router).await;
    assert_eq!(operator.status, 403, "{}", operator.text);
    let admin = Call::post(path).bearer(&app.token(Role::Admin).await).json(&body).send(&router).await;
    assert_eq!(admin.status, 201, "{}", admin.text);
    assert_eq!(admin.json()["run_as"], "batch");
    assert_eq!(admin.json()["started_by"], json!({"kind": "token", "name": "admin"}));
});
