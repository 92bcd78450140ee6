//! Fencing: a run taken back from an execution that stalled (its lease ran
//! out while it still ran) is recorded only by the execution that holds it
//! now. The stale one can neither finish it, nor report progress, nor log,
//! nor keep its lease alive.

use crate::common::{Database, TestApp, admin, args, test_config};
use crate::on_both_databases;
use sea_orm::ConnectionTrait;
use serde_json::json;
use std::time::Duration;
use task_starter::config::TaskConfig;
use task_starter::db::statement;
use types::{Origin, RunState};

on_both_databases!(
    a_run_taken_back_from_a_stalled_execution_is_recorded_by_its_successor_only,
    |database: Database| async move {
        let app = TestApp::new(database).await;
        let db = &app.test_db.db;
        let arguments = json!({"ms_by_attempt": [1500, 2500]});
        let run = app.service().start(&admin(), "tests.by_attempt", args(arguments), Origin::Api).await.unwrap();
        app.until(run.id, |run| run.state == RunState::Running && run.attempt == 1).await;

        // The database stalled longer than the lease: another process finds the
        // lease expired and takes the run back, while the first execution runs on.
        db.write
            .execute_raw(statement(
                db.backend,
                "UPDATE runs SET lease_expires_at = 0 WHERE id = $1",
                vec![run.id.0.into()],
            ))
            .await
            .unwrap();
        let (other, _) = app.second(test_config(), false);
        assert_eq!(other.engine.rescue_lost_runs().await.unwrap(), 1);

        // This process claims it again (attempt 2) while attempt 1 is still alive.
        app.until(run.id, |run| run.state == RunState::Running && run.attempt == 2).await;
        // Attempt 1 would have finished by now; the run must still be attempt 2's.
        tokio::time::sleep(Duration::from_millis(1800)).await;
        let meanwhile = app.service().run(&admin(), run.id).await.unwrap();
        assert_eq!(
            (meanwhile.state, meanwhile.attempt, &meanwhile.result),
            (RunState::Running, 2, &None),
            "{meanwhile:?}"
        );

        let done = app.finished(run.id).await;
        assert_eq!((done.state, done.attempt, done.result.as_deref()), (RunState::Success, 2, Some("attempt 2")));
        assert_eq!(done.progress.unwrap().message.as_deref(), Some("attempt 2"));
        let detail = app.service().run_detail(&admin(), run.id).await.unwrap();
        let lines: Vec<&str> = detail.log.iter().map(|line| line.message.as_str()).collect();
        assert!(!lines.contains(&"attempt 1 finishing"), "the stale execution logged: {lines:?}");
        assert!(lines.contains(&"attempt 2 finishing"), "{lines:?}");
        let attempts: Vec<_> = detail.attempts.iter().map(|attempt| (attempt.attempt, attempt.state)).collect();
        assert_eq!(attempts, vec![(1, RunState::Failure), (2, RunState::Success)]);
        assert_eq!(detail.attempts[0].error.as_ref().map(|error| error.kind.as_str()), Some("worker_lost"));
    }
);

on_both_databases!(
    a_worker_process_stopped_past_its_lease_cannot_disturb_the_run_when_it_resumes,
    |database: Database| async move {
        let mut config = test_config();
        config
            .tasks
            .insert("examples.tasks.countdown".to_owned(), TaskConfig { max_attempts: Some(2), ..Default::default() });
        let mut app = TestApp::with_config(database, config, false).await;
        let arguments = args(json!({"seconds": 3}));
        let run = app.service().start(&admin(), "examples.tasks.countdown", arguments, Origin::Api).await.unwrap();

        let mut stalled = app.process(&["worker"]).spawn().expect("the worker binary starts");
        app.until(run.id, |run| run.state == RunState::Running && run.attempt == 1).await;
        let pid = stalled.id().expect("the worker runs").to_string();
        signal("STOP", &pid).await;

        // Its lease runs out; this process takes the run back and runs it again.
        app.workers = Some(app.runtime.engine.spawn_workers());
        app.until(run.id, |run| run.state == RunState::Running && run.attempt == 2).await;
        signal("CONT", &pid).await;

        let done = app.finished(run.id).await;
        assert_eq!((done.state, done.attempt), (RunState::Success, 2), "{done:?}");
        let detail = app.service().run_detail(&admin(), run.id).await.unwrap();
        assert_eq!(detail.attempts.len(), 2);
        assert_eq!(detail.attempts[0].error.as_ref().map(|error| error.kind.as_str()), Some("worker_lost"));
        assert!(detail.attempts[1].worker.contains(app.runtime.engine.worker_id()), "{:?}", detail.attempts[1]);

        // The resumed process lets go without re-queueing a run that is not its own.
        signal("TERM", &pid).await;
        let _ = tokio::time::timeout(Duration::from_secs(20), stalled.wait()).await;
        let after = app.service().run(&admin(), run.id).await.unwrap();
        assert_eq!((after.state, after.attempt), (RunState::Success, 2));
        app.stop_workers().await;
    }
);

async fn signal(name: &str, pid: &str) {
    let status = tokio::process::Command::new("kill").arg(format!("-{name}")).arg(pid).status().await.unwrap();
    assert!(status.success(), "kill -{name} {pid}");
}
