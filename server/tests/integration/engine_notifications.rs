//! Failure notifications: a run that fails is sent to the rule's webhook
//! (with Slack's `text` and the run's link); a success after a failure is
//! told when the rule asks for recoveries; a webhook that keeps failing is
//! retried, then recorded in the audit log without its secret path; a
//! storm of failures is told once, then counted; and a message carries a
//! run's arguments only when its task's config says so.

use crate::common::webhooks::{Webhook, wait_for};
use crate::common::{Database, TestApp, admin, args, test_config};
use crate::on_both_databases;
use serde_json::{Value, json};
use std::time::Duration;
use task_starter::config::{Config, ConfigDuration, DeclaredKind, NotifyOn, NotifyRule, TaskConfig};
use types::{AuditAction, AuditFilter, Origin, RunId, RunState, TrackRequest};

/// The test config, calling private addresses, with links to the console.
fn notifying_config() -> Config {
    let mut config = test_config();
    config.outbound.allow_private_addresses = true;
    config.public_url = Some("https://console.example.com".to_owned());
    config
}

fn rule(urls: Vec<String>, on: NotifyOn) -> NotifyRule {
    NotifyRule { urls, on }
}

async fn notifying_app(database: Database, config: &Config) -> TestApp {
    let app = TestApp::with_config(database, config.clone(), true).await;
    app.runtime.engine.spawn_notifier(config).unwrap();
    app
}

on_both_databases!(failures_and_recoveries_are_posted_and_broken_hooks_recorded, |database: Database| async move {
    let hook = Webhook::start().await;
    let mut config = notifying_config();
    config.notifications.attempts = 2;
    config.notifications.retry_backoff = ConfigDuration::millis(10);
    config
        .notifications
        .tasks
        .insert("tests.io_error".to_owned(), rule(vec![hook.url(), hook.broken_url()], NotifyOn::Failure));
    config.notifications.tasks.insert("tests.flaky".to_owned(), rule(vec![hook.url()], NotifyOn::FailureAndRecovery));
    let app = notifying_app(database, &config).await;
    let service = app.service();

    let failed = service.start(&admin(), "tests.io_error", args(json!({})), Origin::Api).await.unwrap();
    app.finished(failed.id).await;
    wait_for("the failure's message", Duration::from_secs(10), || !hook.received().is_empty()).await;
    let message = hook.received()[0].clone();
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
    hook.clear();
    let fine = service.start(&admin(), "tests.flaky", args(json!({"succeed_on": 1})), Origin::Api).await.unwrap();
    app.finished(fine.id).await;
    let crash = service.start(&admin(), "tests.flaky", args(json!({"succeed_on": 9})), Origin::Api).await.unwrap();
    app.finished(crash.id).await;
    wait_for("the flaky failure's message", Duration::from_secs(10), || hook.received().len() == 1).await;
    let recovered = service.start(&admin(), "tests.flaky", args(json!({"succeed_on": 1})), Origin::Api).await.unwrap();
    app.finished(recovered.id).await;
    wait_for("the recovery's message", Duration::from_secs(10), || hook.received().len() == 2).await;
    let events: Vec<Value> = hook.received().iter().map(|message| message["event"].clone()).collect();
    assert_eq!(
        events,
        [json!("failure"), json!("recovery")],
        "the first success is not told, the one after a failure is"
    );
});

on_both_databases!(
    a_storm_of_failures_is_told_once_then_counted_when_the_window_ends,
    |database: Database| async move {
        let hook = Webhook::start().await;
        let mut config = notifying_config();
        config.notifications.collapse_window = ConfigDuration::secs(2);
        config.notifications.tasks.insert("tests.io_error".to_owned(), rule(vec![hook.url()], NotifyOn::Failure));
        let app = notifying_app(database, &config).await;
        let service = app.service();

        let mut ids = Vec::new();
        for _ in 0..10 {
            ids.push(service.start(&admin(), "tests.io_error", args(json!({})), Origin::Api).await.unwrap().id);
        }
        for id in &ids {
            app.finished(*id).await;
        }
        wait_for("the first failure's message", Duration::from_secs(2), || !hook.received().is_empty()).await;
        let first = hook.received()[0].clone();
        assert_eq!((first["digest"].as_bool(), first["count"].as_u64()), (Some(false), Some(1)));
        assert!(first["text"].as_str().unwrap().starts_with("Run of tests.io_error failed"), "{first}");

        wait_for("the storm's digest", Duration::from_secs(10), || hook.received().len() == 2).await;
        let arrivals = hook.arrivals();
        assert!(arrivals[1] - arrivals[0] >= Duration::from_millis(1500), "the digest waits for the window's end");
        let digest = hook.received()[1].clone();
        assert_eq!((digest["digest"].as_bool(), digest["count"].as_u64()), (Some(true), Some(9)), "{digest}");
        let text = digest["text"].as_str().unwrap();
        assert!(text.starts_with("9 more failures of tests.io_error\n> latest: "), "{text}");
        let latest = digest["run"]["id"].as_str().unwrap();
        assert_ne!(latest, first["run"]["id"].as_str().unwrap(), "the digest links a later run");
        assert!(ids.iter().any(|id| id.to_string() == latest));
        assert!(text.ends_with(&format!("https://console.example.com/runs/{latest}")), "{text}");

        tokio::time::sleep(Duration::from_millis(2500)).await;
        assert_eq!(hook.received().len(), 2, "ten failures, two messages");
    }
);

on_both_databases!(a_message_carries_arguments_only_when_the_task_says_so, |database: Database| async move {
    let hook = Webhook::start().await;
    let mut config = notifying_config();
    config.notifications.urls = vec![hook.url()];
    let loud = TaskConfig {
        kind: Some(DeclaredKind::External),
        arguments_schema: Some(json!({"type": "object", "properties": {"source": {"type": "string"}}})),
        notify_with_arguments: true,
        ..TaskConfig::default()
    };
    config.tasks.insert("tests.external_loud".to_owned(), loud);
    let app = notifying_app(database, &config).await;
    let service = app.service();

    let track = |task: &str, source: &str| TrackRequest {
        task: task.to_owned(),
        id: RunId(uuid::Uuid::now_v7()),
        arguments: json!({"source": source, "authorization": "Bearer s3cret-token"}),
        state: Some(RunState::Failure),
    };
    let quiet = service.track(&admin(), track("tests.external", "quiet")).await.unwrap();
    let loud = service.track(&admin(), track("tests.external_loud", "loud")).await.unwrap();
    wait_for("both failures' messages", Duration::from_secs(10), || hook.received().len() == 2).await;
    let about = |run: RunId| {
        hook.received().into_iter().find(|message| message["run"]["id"] == json!(run.to_string())).unwrap()
    };

    let message = about(quiet.id);
    let mut fields: Vec<&str> = message["run"].as_object().unwrap().keys().map(String::as_str).collect();
    fields.sort_unstable();
    assert_eq!(fields, ["created_at", "error", "finished_at", "id", "result", "started_at", "state", "task"]);
    assert_eq!(
        (message["run"]["task"].as_str(), message["run"]["state"].as_str()),
        (Some("tests.external"), Some("failure"))
    );
    assert!(message["run"]["finished_at"].is_string() && message["run"]["created_at"].is_string());
    assert_eq!(message["link"], json!(format!("https://console.example.com/runs/{}", quiet.id)));
    assert!(!message.to_string().contains("s3cret"), "arguments may hold secrets: {message}");

    let message = about(loud.id);
    assert_eq!(message["run"]["arguments"], json!({"source": "loud", "authorization": "Bearer s3cret-token"}));
});
