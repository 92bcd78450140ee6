//! The notification outbox under stress: a dead webhook delays only itself;
//! messages queued when a process stops are delivered by the next one;
//! several processes deliver each message once; delivered messages leave
//! the outbox after `notifications.keep`.

use crate::common::webhooks::{Webhook, dead_webhook, wait_for};
use crate::common::{Database, TestApp, TestDb, admin, args, runtime, test_config};
use crate::on_both_databases;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::json;
use std::sync::atomic::Ordering;
use std::time::Duration;
use task_starter::config::{Config, ConfigDuration, NotifyOn, NotifyRule, TaskConfig};
use task_starter::db::Db;
use task_starter::runtime::Runtime;
use types::{AuditAction, AuditFilter, Origin, RunId};

/// The test config, calling private addresses, telling every failure of
/// `tests.io_error` to `urls` on its own (no storm window), and keeping
/// all of its runs.
fn config_telling(urls: Vec<String>) -> Config {
    let mut config = test_config();
    config.tasks.insert("tests.io_error".to_owned(), TaskConfig { history: Some(1000), ..TaskConfig::default() });
    config.outbound.allow_private_addresses = true;
    config.notifications.collapse_window = ConfigDuration::secs(0);
    config.notifications.retry_backoff = ConfigDuration::millis(50);
    config.notifications.tasks.insert("tests.io_error".to_owned(), NotifyRule { urls, on: NotifyOn::Failure });
    config
}

/// Starts `count` failing runs and waits until they have ended.
async fn fail(runtime: &Runtime, count: usize) -> Vec<RunId> {
    let service = &runtime.service;
    let mut ids = Vec::new();
    for _ in 0..count {
        ids.push(service.start(&admin(), "tests.io_error", args(json!({})), Origin::Api).await.unwrap().id);
    }
    for id in &ids {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        while !service.run(&admin(), *id).await.unwrap().state.is_finished() {
            assert!(tokio::time::Instant::now() < deadline, "run {id} never ended");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    ids
}

fn sorted(ids: &[RunId]) -> Vec<String> {
    let mut ids: Vec<String> = ids.iter().map(ToString::to_string).collect();
    ids.sort();
    ids
}

/// How many deliveries the audit log records (with the outbox row's change).
async fn recorded_deliveries(app: &TestApp) -> usize {
    let filter =
        AuditFilter { action: Some(AuditAction::NotificationSent), limit: Some(200), ..AuditFilter::default() };
    app.service().audit_log(&admin(), &filter).await.unwrap().events.len()
}

async fn outbox_rows(db: &Db) -> i64 {
    let backend = db.read.get_database_backend();
    let sql = "SELECT COUNT(*) AS n FROM notification_outbox";
    let row = db.read.query_one_raw(Statement::from_string(backend, sql)).await.unwrap().unwrap();
    row.try_get("", "n").unwrap()
}

on_both_databases!(a_dead_webhook_does_not_delay_a_live_one, |database: Database| async move {
    let live = Webhook::start().await;
    let (dead, accepted) = dead_webhook().await;
    let mut config = config_telling(vec![dead]);
    config.notifications.timeout = ConfigDuration::secs(3);
    config.notifications.attempts = 3;
    config
        .notifications
        .tasks
        .insert("tests.flaky".to_owned(), NotifyRule { urls: vec![live.url()], on: NotifyOn::Failure });
    let app = TestApp::with_config(database, config.clone(), true).await;
    app.runtime.engine.spawn_notifier(&config).unwrap();

    // Forty failures for the dead webhook, each a message of its own.
    fail(&app.runtime, 40).await;
    wait_for("the dead webhook's first deliveries", Duration::from_secs(5), || accepted.load(Ordering::SeqCst) > 0)
        .await;

    let service = app.service();
    let crash = service.start(&admin(), "tests.flaky", args(json!({"succeed_on": 9})), Origin::Api).await.unwrap();
    app.finished(crash.id).await;
    wait_for("the live webhook's message", Duration::from_secs(2), || !live.received().is_empty()).await;
    assert_eq!(live.received_run_ids(), [crash.id.to_string()]);
    assert!(accepted.load(Ordering::SeqCst) <= 2, "the dead webhook gets two deliveries at a time, not every slot");
});

on_both_databases!(messages_queued_when_a_process_stops_are_delivered_by_the_next, |database: Database| async move {
    let hook = Webhook::start().await;
    hook.close();
    let mut config = config_telling(vec![hook.url()]);
    config.notifications.attempts = 100;
    config.notifications.timeout = ConfigDuration::secs(1);
    let test_db = TestDb::new(database).await;

    // The first process: its failures' messages reach a webhook that is
    // down, then the process is gone (its runtime dropped mid-way).
    let (url, first_config) = (test_db.url.clone(), config.clone());
    let tried = std::sync::Arc::new(hook);
    let seen = std::sync::Arc::clone(&tried);
    let ids = tokio::task::spawn_blocking(move || {
        let process = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let ids = process.block_on(async move {
            let runtime = runtime(Db::connect(&url, 4).await.unwrap(), first_config.clone());
            let _workers = runtime.engine.spawn_workers();
            runtime.engine.spawn_notifier(&first_config).unwrap();
            let ids = fail(&runtime, 5).await;
            let every = sorted(&ids);
            wait_for("every message tried once", Duration::from_secs(10), || {
                seen.tried_run_ids().iter().collect::<std::collections::BTreeSet<_>>().len() == every.len()
            })
            .await;
            ids
        });
        drop(process);
        ids
    })
    .await
    .unwrap();
    assert!(tried.received().is_empty());

    // The webhook is back; the next process delivers what was queued.
    tried.open();
    let app = TestApp::on(test_db, config.clone(), false);
    app.runtime.engine.spawn_notifier(&config).unwrap();
    wait_for("the queued messages", Duration::from_secs(20), || tried.received().len() >= ids.len()).await;
    assert_eq!(tried.received_run_ids(), sorted(&ids), "each queued message, once");
});

on_both_databases!(several_processes_deliver_each_message_once, |database: Database| async move {
    let hook = Webhook::start().await;
    let config = config_telling(vec![hook.url()]);
    let app = TestApp::with_config(database, config.clone(), true).await;
    app.runtime.engine.spawn_notifier(&config).unwrap();
    let (second, _) = app.second(config.clone(), false);
    second.engine.spawn_notifier(&config).unwrap();

    let ids = fail(&app.runtime, 30).await;
    wait_for("every message", Duration::from_secs(20), || hook.received().len() >= ids.len()).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(hook.received_run_ids(), sorted(&ids), "each message once");
    assert_eq!(recorded_deliveries(&app).await, ids.len());
});

on_both_databases!(delivered_messages_leave_the_outbox_after_keep, |database: Database| async move {
    let hook = Webhook::start().await;
    let mut config = config_telling(vec![hook.url()]);
    config.notifications.keep = ConfigDuration::millis(1);
    let app = TestApp::with_config(database, config.clone(), true).await;
    app.runtime.engine.spawn_notifier(&config).unwrap();
    fail(&app.runtime, 3).await;
    wait_for("the messages", Duration::from_secs(10), || hook.received().len() == 3).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while recorded_deliveries(&app).await < 3 {
        assert!(tokio::time::Instant::now() < deadline, "the deliveries were never recorded");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(outbox_rows(&app.test_db.db).await, 3, "kept until the clean-up");

    // The clean-up runs when a notifier starts, and every hour.
    let (next, _) = app.second(config.clone(), false);
    next.engine.spawn_notifier(&config).unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while outbox_rows(&app.test_db.db).await > 0 {
        assert!(tokio::time::Instant::now() < deadline, "delivered messages were never deleted");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
});
