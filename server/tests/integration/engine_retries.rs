//! Retries: a task that opts in is tried again after a crash, with a growing
//! wait, each attempt recorded; a handled failure is an answer and is not retried.

use crate::common::{Database, TestApp, admin, args, test_config};
use crate::on_both_databases;
use serde_json::json;
use types::{Origin, RunState};

on_both_databases!(a_crashing_task_is_retried_until_it_works, |database: Database| async move {
    let app = TestApp::new(database).await;
    let started =
        app.service().start(&admin(), "tests.flaky", args(json!({"succeed_on": 3})), Origin::Api).await.unwrap();
    let run = app.finished(started.id).await;
    assert_eq!(run.state, RunState::Success);
    assert_eq!(run.result.as_deref(), Some("worked on attempt 3"));
    assert_eq!((run.attempt, run.max_attempts), (3, 3));
    assert_eq!(run.error, None, "the last attempt's success clears the error");
    let attempts = app.service().run_detail(&admin(), started.id).await.unwrap().attempts;
    let states: Vec<_> = attempts.iter().map(|attempt| (attempt.attempt, attempt.state)).collect();
    assert_eq!(states, [(1, RunState::Failure), (2, RunState::Failure), (3, RunState::Success)]);
    assert_eq!(attempts[0].error.as_ref().map(|error| error.message.as_str()), Some("attempt 1 crashed"));
});

on_both_databases!(a_task_out_of_attempts_ends_in_failure, |database: Database| async move {
    let app = TestApp::new(database).await;
    let started =
        app.service().start(&admin(), "tests.flaky", args(json!({"succeed_on": 9})), Origin::Api).await.unwrap();
    let run = app.finished(started.id).await;
    assert_eq!((run.state, run.attempt, run.result), (RunState::Failure, 3, None));
    assert_eq!(run.error.map(|error| error.kind).as_deref(), Some("flaky"));
    assert_eq!(app.service().run_detail(&admin(), started.id).await.unwrap().attempts.len(), 3);
});

on_both_databases!(a_handled_failure_is_not_retried, |database: Database| async move {
    let mut config = test_config();
    config.tasks.insert(
        "examples.tasks.failing_task".to_owned(),
        task_starter::config::TaskConfig { max_attempts: Some(3), ..Default::default() },
    );
    let app = TestApp::with_config(database, config, true).await;
    let arguments = json!({"message": "no"});
    let started =
        app.service().start(&admin(), "examples.tasks.failing_task", args(arguments), Origin::Api).await.unwrap();
    let run = app.finished(started.id).await;
    assert_eq!((run.state, run.attempt, run.result.as_deref()), (RunState::Failure, 1, Some("no")));
});
