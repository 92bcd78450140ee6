//! Failure notifications: a run that fails is sent to the rule's webhook
//! (with Slack's `text` and the run's link); a success after a failure is
//! told when the rule asks for recoveries; a webhook that keeps failing is
//! retried, then recorded in the audit log without its secret path.

use crate::common::{Database, TestApp, admin, args, test_config};
use crate::on_both_databases;
use axum::Json;
use axum::http::StatusCode;
use axum::routing::post;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use task_starter::config::{ConfigDuration, NotifyOn, NotifyRule};
use types::{AuditAction, AuditFilter, Origin};

/// A webhook on loopback: `/hook` keeps what it is sent, `/broken` answers 500.
async fn receiver() -> (String, Arc<Mutex<Vec<Value>>>) {
    let received = Arc::new(Mutex::new(Vec::new()));
    let kept = Arc::clone(&received);
    let router = axum::Router::new()
        .route(
            "/hook/secret-path",
            post(move |Json(message): Json<Value>| {
                let kept = Arc::clone(&kept);
                async move {
                    kept.lock().unwrap().push(message);
                    StatusCode::OK
                }
            }),
        )
        .route("/broken/secret-path", post(|| async { StatusCode::INTERNAL_SERVER_ERROR }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    (format!("http://{address}"), received)
}

async fn wait_for(what: &str, check: impl Fn() -> bool) {
    for _ in 0..500 {
        if check() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("{what} never happened");
}

on_both_databases!(failures_and_recoveries_are_posted_and_broken_hooks_recorded, |database: Database| async move {
    let (base, received) = receiver().await;
    let mut config = test_config();
    config.outbound.allow_private_addresses = true;
    config.public_url = Some("https://console.example.com".to_owned());
    config.notifications.attempts = 2;
    config.notifications.retry_backoff = ConfigDuration::millis(10);
    config.notifications.tasks.insert(
        "tests.io_error".to_owned(),
        NotifyRule {
            urls: vec![format!("{base}/hook/secret-path"), format!("{base}/broken/secret-path")],
            on: NotifyOn::Failure,
        },
    );
    config.notifications.tasks.insert(
        "tests.flaky".to_owned(),
        NotifyRule { urls: vec![format!("{base}/hook/secret-path")], on: NotifyOn::FailureAndRecovery },
    );
    let app = TestApp::with_config(database, config.clone(), true).await;
    app.runtime
        .engine
        .spawn_notifier(config.notifications.clone(), (&config.outbound).into(), config.public_url())
        .unwrap();
    let service = app.service();

    let failed = service.start(&admin(), "tests.io_error", args(json!({})), Origin::Api).await.unwrap();
    app.finished(failed.id).await;
    wait_for("the failure's message", || !received.lock().unwrap().is_empty()).await;
    let message = received.lock().unwrap()[0].clone();
    assert_eq!(message["event"], json!("failure"));
    assert_eq!(message["run"]["id"], json!(failed.id.to_string()));
    let text = message["text"].as_str().unwrap();
    assert!(text.contains("tests.io_error") && text.contains("disk on fire"), "{text}");
    assert!(text.contains(&format!("https://console.example.com/runs/{}", failed.id)), "{text}");

    let recorded = || async { service.audit_log(&admin(), &AuditFilter::default()).await.unwrap().events };
    for _ in 0..500 {
        if recorded().await.iter().any(|event| event.action == AuditAction::NotificationFailed) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let events = recorded().await;
    let broken = events
        .iter()
        .find(|event| event.action == AuditAction::NotificationFailed)
        .expect("the broken hook is recorded");
    let detail = broken.detail.as_ref().unwrap();
    assert_eq!(
        (detail["attempts"].as_u64(), detail["error"].as_str()),
        (Some(2), Some("answered 500 Internal Server Error"))
    );
    assert_eq!(broken.target.as_deref(), Some(failed.id.to_string().as_str()));
    let everything = serde_json::to_string(&events).unwrap();
    assert!(!everything.contains("secret-path"), "a webhook's path is a secret: {everything}");
    assert!(events.iter().any(|event| event.action == AuditAction::NotificationSent));

    // A success is told only after a failure, and only under FailureAndRecovery.
    received.lock().unwrap().clear();
    let fine = service.start(&admin(), "tests.flaky", args(json!({"succeed_on": 1})), Origin::Api).await.unwrap();
    app.finished(fine.id).await;
    let crash = service.start(&admin(), "tests.flaky", args(json!({"succeed_on": 9})), Origin::Api).await.unwrap();
    app.finished(crash.id).await;
    wait_for("the flaky failure's message", || received.lock().unwrap().len() == 1).await;
    let recovered = service.start(&admin(), "tests.flaky", args(json!({"succeed_on": 1})), Origin::Api).await.unwrap();
    app.finished(recovered.id).await;
    wait_for("the recovery's message", || received.lock().unwrap().len() == 2).await;
    let events: Vec<Value> = received.lock().unwrap().iter().map(|message| message["event"].clone()).collect();
    assert_eq!(
        events,
        [json!("failure"), json!("recovery")],
        "the first success is not told, the one after a failure is"
    );
});
