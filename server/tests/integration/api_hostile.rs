//! Hostile and malformed input, as an attacker sends it: every answer is a
//! 4xx problem, never a 5xx, and nothing is written.

use crate::common::http::Call;
use crate::common::{Database, TestApp, admin, test_config};
use crate::on_both_databases;
use axum::http::Method;
use serde_json::json;
use server_fn::ServerFn;
use types::{Role, RunId, TrackRequest};

on_both_databases!(a_nul_character_anywhere_is_refused_at_the_door, |database: Database| async move {
    let app = TestApp::with_config(database, test_config(), false).await;
    let router = app.router();
    let token = app.token(Role::Admin).await;
    let document = Call::get("/api/v1/openapi.json").send(&router).await.json();

    // Every operation of the document, with a NUL in each path parameter and
    // in the body.
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, _) in item.as_object().unwrap() {
            let mut uri = path.replace("{path}", "examples%00task").replace("{id}", "a%00b").replace("{name}", "x%00y");
            if !path.contains('{') {
                uri.push_str("?task=%00");
            }
            let method: Method = method.to_uppercase().parse().unwrap();
            let answer = Call::new(method.clone(), &uri)
                .bearer(&token)
                .json(&json!({"arguments": {"text": "\u{0}"}}))
                .send(&router)
                .await;
            assert!(answer.status.is_client_error(), "{method} {uri}: {} {}", answer.status, answer.text);
        }
    }
    let filter = Call::get("/api/v1/runs?user=%00").bearer(&token).send(&router).await;
    assert_eq!(filter.status, 400, "{}", filter.text);
    let start = Call::post("/api/v1/tasks/examples.tasks.example_task/runs")
        .bearer(&token)
        .json(&json!({"arguments": {"text": "a\u{0}b"}}))
        .send(&router)
        .await;
    assert_eq!((start.status.as_u16(), start.json()["errors"][0]["pointer"].as_str()), (422, Some("/arguments/text")));

    let id = RunId(uuid::Uuid::now_v7());
    let track = TrackRequest { task: "tests.external".to_owned(), id, arguments: json!({}), state: None };
    app.service().track(&admin(), track).await.unwrap();
    let report = Call::new(Method::PATCH, &format!("/api/v1/runs/{id}"))
        .bearer(&token)
        .json(&json!({"state": "success", "result": "done\u{0}"}))
        .send(&router)
        .await;
    assert_eq!((report.status.as_u16(), report.json()["errors"][0]["pointer"].as_str()), (422, Some("/result")));
    assert_eq!(app.service().run(&admin(), id).await.unwrap().state, types::RunState::Pending, "nothing changed");

    // The console's sign-in, as a form.
    let sign_in = Call::post(app::rpc::SignIn::PATH)
        .raw("application/x-www-form-urlencoded", "name=%00&password=whatever")
        .send(&router)
        .await;
    assert!(sign_in.status.is_client_error(), "{} {}", sign_in.status, sign_in.text);
    let accounts = app.service().accounts();
    assert!(matches!(
        accounts.sign_in("\u{0}", "whatever", None).await,
        Err(task_starter::auth::AuthError::BadCredentials)
    ));
    assert!(matches!(
        accounts.sign_in(&"a".repeat(100_000), "whatever", None).await,
        Err(task_starter::auth::AuthError::BadCredentials)
    ));
});

on_both_databases!(server_functions_answer_bad_arguments_with_a_client_error, |database: Database| async move {
    let app = TestApp::with_config(database, test_config(), false).await;
    let router = app.router();
    let garbage = Call::post(app::rpc::StartRun::PATH).raw("application/json", "{\"task\": ").send(&router).await;
    assert_eq!(garbage.status, 400, "{} {:?}", garbage.text, garbage.headers);
    let wrong_shape = Call::post(app::rpc::StartRun::PATH).raw("application/json", "[1, 2, 3]").send(&router).await;
    assert!(wrong_shape.status.is_client_error(), "{} {}", wrong_shape.status, wrong_shape.text);
    let next = Call::post(app::rpc::SignIn::PATH)
        .raw("application/x-www-form-urlencoded", "name=ann&password=x&next=%2Fa%0Ab")
        .send(&router)
        .await;
    assert!(next.status.is_client_error(), "a control character in next is no panic: {} {}", next.status, next.text);
});

on_both_databases!(
    more_ids_than_a_poll_may_ask_for_are_refused_and_limits_are_bounded,
    |database: Database| async move {
        let app = TestApp::with_config(database, test_config(), false).await;
        let router = app.router();
        let token = app.token(Role::Viewer).await;
        let ids: Vec<String> = (0..201).map(|_| uuid::Uuid::now_v7().to_string()).collect();
        let too_many = Call::get(&format!("/api/v1/runs?ids={}", ids.join(","))).bearer(&token).send(&router).await;
        assert_eq!(too_many.status, 422, "{}", too_many.text);
        let fine = Call::get(&format!("/api/v1/runs?ids={}", ids[..200].join(","))).bearer(&token).send(&router).await;
        assert_eq!(fine.status, 200, "{}", fine.text);
        for limit in ["0", "201", "-1", "many"] {
            let answer = Call::get(&format!("/api/v1/runs?limit={limit}")).bearer(&token).send(&router).await;
            assert_eq!(answer.status, 400, "limit={limit}: {}", answer.text);
        }
        let document = Call::get("/api/v1/openapi.json").send(&router).await.json();
        let limit = document["paths"]["/api/v1/runs"]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|parameter| parameter["name"] == "limit")
            .unwrap()
            .clone();
        assert_eq!((limit["schema"]["minimum"].as_u64(), limit["schema"]["maximum"].as_u64()), (Some(1), Some(200)));
    }
);

on_both_databases!(a_health_check_does_not_show_the_database_error, |database: Database| async move {
    let app = TestApp::with_config(database, test_config(), false).await;
    let router = app.router();
    assert_eq!(Call::get("/healthz").send(&router).await.status, 200);
    app.test_db.db.clone().close().await;
    let down = Call::get("/healthz").send(&router).await;
    assert_eq!(down.status, 503);
    assert_eq!(down.json()["detail"], "The database does not answer.");
});
