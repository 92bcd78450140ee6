//! Bulk actions under stress: a re-run of a whole history re-runs every
//! run it selected although its own re-runs set off the history cap;
//! repeating a filter re-run does not re-run its re-runs; a bulk cancel cut
//! short has audited every batch it did; 10,000 ids fit in the body; and
//! one caller's starts are rate-limited with `Retry-After`.

use crate::common::http::Call;
use crate::common::{Database, TestApp, admin, args, test_config};
use crate::on_both_databases;
use serde_json::json;
use std::collections::BTreeSet;
use std::time::Duration;
use task_starter::config::TaskConfig;
use task_starter::engine::NewRun;
use task_starter::engine::store::insert_runs;
use types::{Actor, ActorKind, AuditAction, AuditFilter, Origin, Role, RunFilter, RunId, RunState};

const FAILING: &str = "examples.tasks.failing_task";
const SLEEP: &str = "tests.sleep";

/// `count` runs of `task` in `state`, made a millisecond apart, oldest first.
async fn runs_in(app: &TestApp, task: &str, count: usize, state: RunState) -> Vec<RunId> {
    let actor = Actor { kind: ActorKind::Token, name: "crm".to_owned() };
    let first = task_starter::clock::now_micros() - 1_000 * i64::try_from(count).unwrap();
    let runs: Vec<NewRun> = (0..count)
        .map(|index| {
            let arguments = if task == FAILING { json!({"message": format!("no {index}")}) } else { json!({"ms": 10}) };
            let mut run = NewRun::pending(task, arguments, actor.clone(), Origin::Api, 1);
            run.state = state;
            run.created_at = first + 1_000 * i64::try_from(index).unwrap();
            if state.is_finished() {
                run.started_at = Some(run.created_at);
                run.finished_at = Some(run.created_at + 10);
            }
            run
        })
        .collect();
    insert_runs(&app.test_db.db, &runs, &[]).await.unwrap();
    runs.iter().map(|run| run.id).collect()
}

/// Every run the filter matches, all pages.
async fn all_runs(app: &TestApp, filter: RunFilter) -> Vec<types::Run> {
    let mut found = Vec::new();
    let mut filter = RunFilter { limit: Some(200), ..filter };
    loop {
        let page = app.service().list_runs(&admin(), &filter).await.unwrap();
        found.extend(page.runs);
        match page.next_before {
            Some(next) => filter.before = Some(next),
            None => return found,
        }
    }
}

on_both_databases!(a_rerun_of_a_whole_history_reruns_every_run_it_selected, |database: Database| async move {
    let mut config = test_config();
    config.tasks.insert(FAILING.to_owned(), TaskConfig { history: Some(450), ..TaskConfig::default() });
    // No workers: the re-runs stay pending and count against the cap.
    let app = TestApp::with_config(database, config, false).await;
    let originals: BTreeSet<RunId> = runs_in(&app, FAILING, 450, RunState::Failure).await.into_iter().collect();
    let operator = app.token(Role::Operator).await;
    let answer = Call::post("/api/v1/runs/bulk")
        .bearer(&operator)
        .json(&json!({"action": "rerun", "filter": {"task": FAILING, "state": "failure"}, "expect": 450}))
        .send(&app.router())
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let outcome = answer.json();
    assert_eq!(
        (outcome["matched"].as_u64(), outcome["affected"].as_u64(), outcome["skipped"].as_u64()),
        (Some(450), Some(450), Some(0)),
        "matched, affected, skipped"
    );
    let reruns = all_runs(&app, RunFilter { origin: Some(Origin::Bulk), ..RunFilter::default() }).await;
    let rerun_of: BTreeSet<RunId> = reruns.iter().filter_map(|run| run.rerun_of).collect();
    assert_eq!(reruns.len(), 450, "one re-run each");
    assert_eq!(rerun_of, originals, "every selected run was re-run, none twice");
    // Once the action has let go of them, the cap takes the oldest again.
    app.expect_count(FAILING, 200).await;
});

on_both_databases!(repeating_a_filter_rerun_does_not_rerun_its_own_reruns, |database: Database| async move {
    let app = TestApp::with_config(database, test_config(), false).await;
    runs_in(&app, SLEEP, 3, RunState::Success).await;
    let operator = app.token(Role::Operator).await;
    let rerun = |filter: serde_json::Value| {
        let (router, operator) = (app.router(), operator.clone());
        async move {
            let answer = Call::post("/api/v1/runs/bulk")
                .bearer(&operator)
                .json(&json!({"action": "rerun", "filter": filter}))
                .send(&router)
                .await;
            assert_eq!(answer.status, 200, "{}", answer.text);
            answer.json()["matched"].as_u64().unwrap()
        }
    };
    assert_eq!(rerun(json!({"task": SLEEP})).await, 3);
    assert_eq!(rerun(json!({"task": SLEEP})).await, 3, "the first action's re-runs are not selected again");
    assert_eq!(rerun(json!({"task": SLEEP, "origin": "bulk"})).await, 6, "unless the filter asks for them");
});

on_both_databases!(a_bulk_cancel_cut_short_has_audited_every_batch_it_did, |database: Database| async move {
    // Resolving 10,000 runs on a loaded machine may take longer than a
    // search is given by default; this test is about what happens after.
    let mut config = test_config();
    config.search.timeout = task_starter::config::ConfigDuration::secs(120);
    let app = TestApp::with_config(database, config, false).await;
    runs_in(&app, SLEEP, 10_000, RunState::Pending).await;
    let service = app.service().clone();
    let request = types::BulkRequest {
        action: types::BulkAction::Cancel,
        ids: None,
        filter: Some(RunFilter { task: Some(SLEEP.to_owned()), ..RunFilter::default() }),
        dry_run: false,
        expect: None,
    };
    let action = tokio::spawn(async move { service.bulk(&crate::common::operator(), request).await });
    // Cancelled runs leave the history (its cap is 10): count what is still pending.
    let cancelled = || async {
        let page = app
            .service()
            .bulk(
                &admin(),
                types::BulkRequest {
                    action: types::BulkAction::Cancel,
                    ids: None,
                    filter: Some(RunFilter { state: Some(RunState::Pending), ..RunFilter::default() }),
                    dry_run: true,
                    expect: None,
                },
            )
            .await
            .unwrap();
        10_000 - page.matched
    };
    // The client goes away as soon as the first batch is in: its audit entry
    // commits with it, and reading the newest entry is cheap enough to notice
    // it long before the 50th batch.
    let newest = AuditFilter { action: Some(AuditAction::BulkCancel), limit: Some(1), ..AuditFilter::default() };
    let deadline = tokio::time::Instant::now() + Duration::from_mins(2);
    while app.service().audit_log(&admin(), &newest).await.unwrap().events.is_empty() {
        assert!(!action.is_finished(), "the bulk cancel ended before its first batch was audited");
        assert!(tokio::time::Instant::now() < deadline, "the bulk cancel never started");
        tokio::task::yield_now().await;
    }
    action.abort();
    let _ = action.await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let done = cancelled().await;
    assert!(done > 0 && done < 10_000, "the action was cut short half-way ({done} cancelled)");
    let filter = AuditFilter { action: Some(AuditAction::BulkCancel), limit: Some(200), ..AuditFilter::default() };
    let entries = app.service().audit_log(&admin(), &filter).await.unwrap().events;
    let audited: u64 = entries.iter().map(|entry| entry.detail.as_ref().unwrap()["affected"].as_u64().unwrap()).sum();
    assert_eq!(audited, done, "every cancel is on record with its batch");
});

on_both_databases!(ten_thousand_ids_fit_in_a_bulk_body, |database: Database| async move {
    let app = TestApp::with_config(database, test_config(), false).await;
    let mut ids: Vec<String> = (0..9_999).map(|_| uuid::Uuid::new_v4().to_string()).collect();
    let real = app.service().start(&admin(), SLEEP, args(json!({"ms": 10})), Origin::Api).await.unwrap();
    ids.push(real.id.to_string());
    let operator = app.token(Role::Operator).await;
    let answer = Call::post("/api/v1/runs/bulk")
        .bearer(&operator)
        .json(&json!({"action": "cancel", "ids": ids}))
        .send(&app.router())
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!((answer.json()["matched"].as_u64(), answer.json()["affected"].as_u64()), (Some(1), Some(1)));
    ids.push(uuid::Uuid::new_v4().to_string());
    let too_many = Call::post("/api/v1/runs/bulk")
        .bearer(&operator)
        .json(&json!({"action": "cancel", "ids": ids}))
        .send(&app.router())
        .await;
    assert_eq!(too_many.status, 422, "{}", too_many.text);
});

on_both_databases!(one_callers_starts_are_rate_limited_with_retry_after, |database: Database| async move {
    let mut config = test_config();
    config.api.starts_per_minute = 5;
    let app = TestApp::with_config(database, config, false).await;
    let (first, second) = (app.token(Role::Operator).await, app.service().accounts());
    let (_, other) = second.create_token("other", Role::Operator, "tests").await.unwrap();
    let start = |token: String| {
        let router = app.router();
        async move {
            Call::post(&format!("/api/v1/tasks/{SLEEP}/runs"))
                .bearer(&token)
                .json(&json!({"arguments": {"ms": 10}}))
                .send(&router)
                .await
        }
    };
    for _ in 0..5 {
        assert_eq!(start(first.clone()).await.status, 201);
    }
    let refused = start(first.clone()).await;
    assert_eq!(refused.status, 429, "{}", refused.text);
    let wait: u64 = refused.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "Retry-After: {wait}");
    assert_eq!(start(other).await.status, 201, "another caller has a budget of its own");
    runs_in(&app, SLEEP, 6, RunState::Success).await;
    let bulk = Call::post("/api/v1/runs/bulk")
        .bearer(&first)
        .json(&json!({"action": "rerun", "filter": {"task": SLEEP, "state": "success"}}))
        .send(&app.router())
        .await;
    assert_eq!(bulk.status, 422, "a bulk re-run of more than the limit is never possible: {}", bulk.text);
});
