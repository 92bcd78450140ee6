//! Presets over the REST API: everyone who can see a task sees its presets;
//! operators and admins save, rename and delete them; bad input is a
//! problem document that writes nothing. And the recent arguments of a task.

use crate::common::http::Call;
use crate::common::{Database, TestApp, admin, args, test_config};
use crate::on_both_databases;
use axum::http::Method;
use serde_json::json;
use types::{Origin, Role};

const PRESETS: &str = "/api/v1/tasks/examples.tasks.dummy_task/presets";

on_both_databases!(presets_are_saved_used_renamed_and_deleted_by_role, |database: Database| async move {
    let app = TestApp::with_config(database, test_config(), false).await;
    let router = app.router();
    let (operator, viewer) = (app.token(Role::Operator).await, app.token(Role::Viewer).await);

    let nobody = Call::get(PRESETS).send(&router).await;
    assert_eq!(nobody.status, 401);
    let viewer_saves =
        Call::post(PRESETS).bearer(&viewer).json(&json!({"name": "x", "arguments": {}})).send(&router).await;
    assert_eq!(viewer_saves.status, 403, "{}", viewer_saves.text);

    let saved = Call::post(PRESETS)
        .bearer(&operator)
        .json(&json!({"name": "Two by three", "arguments": {"number": 2, "numberx": 3}}))
        .send(&router)
        .await;
    assert_eq!(saved.status, 201, "{}", saved.text);
    let preset = saved.json();
    assert_eq!((preset["name"].as_str(), preset["created_by"].as_str()), (Some("Two by three"), Some("operator")));
    let listed = Call::get(PRESETS).bearer(&viewer).send(&router).await.json();
    assert_eq!(listed["presets"].as_array().unwrap().len(), 1, "viewers see presets");

    let twin = Call::post(PRESETS)
        .bearer(&operator)
        .json(&json!({"name": "Two by three", "arguments": {}}))
        .send(&router)
        .await;
    assert_eq!(twin.status, 409, "{}", twin.text);
    let misfit = Call::post(PRESETS)
        .bearer(&operator)
        .json(&json!({"name": "bad", "arguments": {"number": "two"}}))
        .send(&router)
        .await;
    assert_eq!((misfit.status.as_u16(), misfit.json()["errors"][0]["pointer"].as_str()), (422, Some("/number")));
    let nameless =
        Call::post(PRESETS).bearer(&operator).json(&json!({"name": "  ", "arguments": {}})).send(&router).await;
    assert_eq!(nameless.status, 422, "{}", nameless.text);
    let unknown_task = Call::post("/api/v1/tasks/no.such.task/presets")
        .bearer(&operator)
        .json(&json!({"name": "x", "arguments": {}}))
        .send(&router)
        .await;
    assert_eq!(unknown_task.status, 404);

    let one = format!("{PRESETS}/{}", preset["id"].as_str().unwrap());
    let renamed = Call::new(Method::PATCH, &one).bearer(&operator).json(&json!({"name": "Small"})).send(&router).await;
    assert_eq!((renamed.status.as_u16(), renamed.json()["name"].as_str()), (200, Some("Small")));
    assert_eq!(renamed.json()["arguments"], json!({"number": 2, "numberx": 3}), "renaming keeps the arguments");
    let viewer_deletes = Call::new(Method::DELETE, &one).bearer(&viewer).send(&router).await;
    assert_eq!(viewer_deletes.status, 403);
    let deleted = Call::new(Method::DELETE, &one).bearer(&operator).send(&router).await;
    assert_eq!(deleted.status, 204, "{}", deleted.text);
    let again = Call::new(Method::DELETE, &one).bearer(&operator).send(&router).await;
    assert_eq!(again.status, 404);
    let garbage_id = Call::new(Method::PATCH, &format!("{PRESETS}/not-an-id"))
        .bearer(&operator)
        .json(&json!({}))
        .send(&router)
        .await;
    assert_eq!(garbage_id.status, 404);
    assert!(Call::get(PRESETS).bearer(&viewer).send(&router).await.json()["presets"].as_array().unwrap().is_empty());
});

on_both_databases!(recent_arguments_outlive_the_history_cap, |database: Database| async move {
    let app = TestApp::new(database).await;
    let router = app.router();
    let viewer = app.token(Role::Viewer).await;
    // tests.short_history keeps three runs; five distinct argument sets pass through.
    for number in 1..=5 {
        let run = app.service().start(&admin(), "tests.short_history", args(json!({"n": number})), Origin::Api).await;
        app.finished(run.unwrap().id).await;
    }
    let again = app.service().start(&admin(), "tests.short_history", args(json!({"n": 2})), Origin::Api).await;
    app.finished(again.unwrap().id).await;
    app.expect_count("tests.short_history", 3).await;
    let recent = Call::get("/api/v1/tasks/tests.short_history/recent-arguments").bearer(&viewer).send(&router).await;
    assert_eq!(recent.status, 200, "{}", recent.text);
    let numbers: Vec<i64> = recent.json()["recent"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["arguments"]["n"].as_i64().unwrap())
        .collect();
    assert_eq!(numbers, [2, 5, 4, 3, 1], "newest first, each set once, trimmed ones included");
});

on_both_databases!(runs_trimmed_together_keep_their_distinct_arguments, |database: Database| async move {
    let app = TestApp::new(database).await;
    // Twelve starts at once (two sets twice) leave the three-run history in
    // few trims; each trim keeps all of its leaving sets in one statement.
    let requests: Vec<_> = (1..=12).map(|number| args(json!({"n": if number > 10 { 1 } else { number }}))).collect();
    let runs = app.service().start_many(&admin(), "tests.short_history", requests, Origin::Api).await.unwrap();
    // The older runs leave the history as they end; the newest three stay.
    for run in runs.iter().rev().take(3) {
        app.finished(run.id).await;
    }
    app.expect_count("tests.short_history", 3).await;
    let recent = app.service().recent_arguments(&admin(), "tests.short_history").await.unwrap();
    let mut numbers: Vec<i64> = recent.iter().map(|entry| entry.arguments["n"].as_i64().unwrap()).collect();
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=10).collect::<Vec<_>>(), "each set once, trimmed ones included");
});

on_both_databases!(a_start_edited_from_an_earlier_run_is_linked_to_it, |database: Database| async move {
    let app = TestApp::with_config(database, test_config(), false).await;
    let router = app.router();
    let operator = app.token(Role::Operator).await;
    let admin = admin();
    let original = app
        .service()
        .start(&admin, "examples.tasks.dummy_task", args(json!({"number": 1})), Origin::Api)
        .await
        .unwrap();
    let edited = Call::post("/api/v1/tasks/examples.tasks.dummy_task/runs")
        .bearer(&operator)
        .json(&json!({"arguments": {"number": 7}, "rerun_of": original.id}))
        .send(&router)
        .await;
    assert_eq!(edited.status, 201, "{}", edited.text);
    assert_eq!(edited.json()["rerun_of"], json!(original.id));
    let other_task = Call::post("/api/v1/tasks/examples.tasks.countdown/runs")
        .bearer(&operator)
        .json(&json!({"arguments": {"seconds": 1}, "rerun_of": original.id}))
        .send(&router)
        .await;
    assert_eq!(other_task.status, 422, "{}", other_task.text);
});
