//! The audit log: sign-ins (both outcomes, from where), starts as the
//! caller and as the impersonation user, cancels, preset changes with
//! their diff, and user and token changes, read back by admins only,
//! filtered and paged; secrets never stored. And its retention.

use crate::common::http::Call;
use crate::common::{Database, TestApp, admin, test_config};
use crate::on_both_databases;
use axum::http::Method;
use serde_json::json;
use server_fn::ServerFn;
use types::Role;

on_both_databases!(every_change_is_recorded_with_who_as_whom_and_where, |database: Database| async move {
    let app = TestApp::with_config(database, test_config(), false).await;
    let router = app.router();
    app.service().accounts().create_user("ann", Role::Admin, "ann's long password").await.unwrap();
    let sign_in = |password: &str| {
        Call::post(app::rpc::SignIn::PATH)
            .connected_from("10.1.2.3")
            .header("user-agent", "AuditTest/1.0")
            .raw("application/x-www-form-urlencoded", format!("name=ann&password={password}"))
    };
    assert_eq!(sign_in("wrong").send(&router).await.status.as_u16() / 100, 4);
    let signed_in = sign_in("ann%27s%20long%20password").send(&router).await;
    assert!(signed_in.status.is_success() || signed_in.status.is_redirection(), "{}", signed_in.text);

    let (operator, viewer, admin_token) =
        (app.token(Role::Operator).await, app.token(Role::Viewer).await, app.token(Role::Admin).await);
    let started = Call::post("/api/v1/tasks/examples.tasks.dummy_task/runs")
        .bearer(&admin_token)
        .header("user-agent", "curl/8")
        .json(&json!({"arguments": {"number": 1, "numberx": 2}, "as": "impersonated"}))
        .send(&router)
        .await;
    assert_eq!(started.status, 201, "{}", started.text);
    let run_id = started.json()["id"].as_str().unwrap().to_owned();
    let cancelled = Call::post(&format!("/api/v1/runs/{run_id}/cancel")).bearer(&operator).send(&router).await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.text);
    let presets = "/api/v1/tasks/examples.tasks.dummy_task/presets";
    let preset = Call::post(presets)
        .bearer(&operator)
        .json(&json!({"name": "a", "arguments": {"number": 1}}))
        .send(&router)
        .await
        .json();
    let renamed = Call::new(Method::PATCH, &format!("{presets}/{}", preset["id"].as_str().unwrap()))
        .bearer(&operator)
        .json(&json!({"name": "b"}))
        .send(&router)
        .await;
    assert_eq!(renamed.status, 200);
    let created = app
        .service()
        .create_token(&admin(), types::NewToken { name: "ci".to_owned(), role: Role::Viewer })
        .await
        .unwrap();

    let forbidden = Call::get("/api/v1/audit").bearer(&operator).send(&router).await;
    assert_eq!(forbidden.status, 403, "operators do not read the audit log");
    let log = Call::get("/api/v1/audit").bearer(&admin_token).send(&router).await;
    assert_eq!(log.status, 200, "{}", log.text);
    let events = log.json()["events"].as_array().unwrap().clone();
    let actions: Vec<&str> = events.iter().map(|event| event["action"].as_str().unwrap()).collect();
    assert_eq!(
        actions,
        ["token_create", "preset_change", "preset_create", "cancel", "start_as", "sign_in", "sign_in_failed"],
        "newest first"
    );
    let failed = &events[6];
    assert_eq!((failed["actor"]["name"].as_str(), failed["address"].as_str()), (Some("ann"), Some("10.1.2.3")));
    assert_eq!(failed["user_agent"].as_str(), Some("AuditTest/1.0"));
    let start = &events[4];
    assert_eq!((start["as_user"].as_str(), start["target"].as_str()), (Some("batch"), Some(run_id.as_str())));
    assert_eq!(start["user_agent"].as_str(), Some("curl/8"));
    assert_eq!(events[1]["detail"]["changed"]["name"], json!({"before": "a", "after": "b"}), "a compact diff");
    assert!(!log.text.contains(&created.secret), "a token's secret is never recorded");
    assert!(!log.text.contains("long password"), "nor a password");

    let filtered = Call::get("/api/v1/audit?action=cancel").bearer(&admin_token).send(&router).await.json();
    assert_eq!(filtered["events"].as_array().unwrap().len(), 1);
    let by_target =
        Call::get(&format!("/api/v1/audit?target={run_id}")).bearer(&admin_token).send(&router).await.json();
    assert_eq!(by_target["events"].as_array().unwrap().len(), 2, "the start and the cancel");
    let first_page = Call::get("/api/v1/audit?limit=2").bearer(&admin_token).send(&router).await.json();
    let next = first_page["next_before"].as_str().unwrap();
    let second_page =
        Call::get(&format!("/api/v1/audit?limit=2&before={next}")).bearer(&admin_token).send(&router).await.json();
    assert_eq!(second_page["events"][0]["action"], json!("preset_create"));
    for query in ["action=explode", "since=soon", "limit=500", "before=x", "colour=red"] {
        let refused = Call::get(&format!("/api/v1/audit?{query}")).bearer(&admin_token).send(&router).await;
        assert_eq!(refused.status, 400, "{query}: {}", refused.text);
        assert_eq!(refused.content_type(), "application/problem+json");
    }
    assert_eq!(Call::get("/api/v1/audit").bearer(&viewer).send(&router).await.status, 403);
    assert_eq!(Call::get("/api/v1/audit").send(&router).await.status, 401);
});

on_both_databases!(entries_past_their_retention_are_deleted, |database: Database| async move {
    let mut config = test_config();
    config.audit.keep = task_starter::config::ConfigDuration::secs(0);
    let app = TestApp::with_config(database, config, false).await;
    app.service()
        .add_user(
            &admin(),
            types::NewUser { name: "bo".to_owned(), role: Role::Viewer, password: "bo's long password".to_owned() },
        )
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    assert_eq!(app.service().trim_audit().await.unwrap(), 1);
    assert!(app.service().audit_log(&admin(), &types::AuditFilter::default()).await.unwrap().events.is_empty());
});

on_both_databases!(a_start_of_thousands_records_every_entry_with_its_run, |database: Database| async move {
    // More entries than one statement may carry placeholders for (SQLite
    // 32,766, PostgreSQL 65,535 at nine columns an entry).
    let app = TestApp::with_config(database, test_config(), false).await;
    let requests = (0..8000)
        .map(|number| types::StartRequest { arguments: json!({"number": number, "numberx": 1}), ..Default::default() })
        .collect();
    let started =
        app.service().start_many(&admin(), "examples.tasks.dummy_task", requests, types::Origin::Api).await.unwrap();
    assert_eq!(started.len(), 8000);
    let mut filter = types::AuditFilter {
        action: Some(types::AuditAction::Start),
        limit: Some(200),
        ..types::AuditFilter::default()
    };
    let mut targets = std::collections::HashSet::new();
    loop {
        let page = app.service().audit_log(&admin(), &filter).await.unwrap();
        targets.extend(page.events.into_iter().filter_map(|event| event.target));
        match page.next_before {
            Some(before) => filter.before = Some(before),
            None => break,
        }
    }
    assert_eq!(targets.len(), 8000, "one start entry per run");
    assert!(started.iter().all(|run| targets.contains(&run.id.to_string())));
});
