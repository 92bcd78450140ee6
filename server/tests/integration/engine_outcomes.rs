//! A run ends the way the original says: a value is success with the value
//! as result; `TaskFailure` is failure with its message as result; a panic or
//! any other error is failure with no result, the error kept for View info.

use crate::common::{Database, TestApp, admin, args, operator};
use crate::on_both_databases;
use serde_json::json;
use types::{ActorKind, Origin, RunAs, RunState, StartRequest};

on_both_databases!(a_value_is_success_and_both_names_are_recorded, |database: Database| async move {
    let app = TestApp::new(database).await;
    let request = StartRequest { arguments: json!({"text": "hello"}), run_as: RunAs::Impersonated, rerun_of: None };
    let started = app.service().start(&admin(), "examples.tasks.example_task", request, Origin::Ui).await.unwrap();
    assert_eq!(started.state, RunState::Pending);
    let run = app.finished(started.id).await;
    assert_eq!(run.state, RunState::Success);
    assert_eq!(run.result.as_deref(), Some("Done with the task: hello"));
    assert_eq!((run.started_by.kind, run.started_by.name.as_str()), (ActorKind::User, "ada"));
    assert_eq!(run.run_as.as_deref(), Some("batch"));
    assert_eq!(run.origin, Origin::Ui);
    assert!(run.duration_ms.is_some() && run.started_at.is_some() && run.finished_at.is_some());
});

on_both_databases!(a_number_result_is_shown_as_text, |database: Database| async move {
    let app = TestApp::new(database).await;
    let started =
        app.service().start(&operator(), "examples.tasks.dummy_task", args(json!({})), Origin::Api).await.unwrap();
    let run = app.finished(started.id).await;
    assert_eq!(run.result.as_deref(), Some("250"), "5 x 5 x 10 with the defaults");
    assert_eq!(run.run_as.as_deref(), Some("otto"));
});

on_both_databases!(a_task_failure_shows_its_message_as_the_result, |database: Database| async move {
    let app = TestApp::new(database).await;
    let arguments = json!({"message": "customer 42 is unknown"});
    let started =
        app.service().start(&admin(), "examples.tasks.failing_task", args(arguments), Origin::Ui).await.unwrap();
    let run = app.finished(started.id).await;
    assert_eq!(run.state, RunState::Failure);
    assert_eq!(run.result.as_deref(), Some("customer 42 is unknown"));
    assert_eq!(run.error, None);
});

on_both_databases!(a_panic_is_failure_without_result_and_the_worker_lives_on, |database: Database| async move {
    let app = TestApp::new(database).await;
    let arguments = json!({"message": "boom", "panic": true});
    let started =
        app.service().start(&admin(), "examples.tasks.failing_task", args(arguments), Origin::Ui).await.unwrap();
    let run = app.finished(started.id).await;
    assert_eq!(run.state, RunState::Failure);
    assert_eq!(run.result, None);
    let error = run.error.expect("the panic is kept");
    assert_eq!((error.kind.as_str(), error.message.as_str()), ("panic", "boom"));

    let next = app
        .service()
        .start(&admin(), "examples.tasks.example_task", args(json!({"text": "still here"})), Origin::Ui)
        .await;
    let next = app.finished(next.unwrap().id).await;
    assert_eq!(next.state, RunState::Success, "the worker survived the panic");
});

on_both_databases!(any_other_error_is_failure_named_after_its_type, |database: Database| async move {
    let app = TestApp::new(database).await;
    let started = app.service().start(&admin(), "tests.io_error", args(json!({})), Origin::Api).await.unwrap();
    let run = app.finished(started.id).await;
    assert_eq!((run.state, run.result.as_deref()), (RunState::Failure, None));
    let error = run.error.expect("the error is kept");
    assert_eq!(error.kind, "std::io::error::Error");
    assert_eq!(error.message, "disk on fire");
});

on_both_databases!(a_run_past_its_timeout_is_stopped, |database: Database| async move {
    let app = TestApp::new(database).await;
    let started = app.service().start(&admin(), "tests.too_slow", args(json!({})), Origin::Api).await.unwrap();
    let run = app.finished(started.id).await;
    assert_eq!(run.state, RunState::Failure);
    assert_eq!(run.error.map(|error| error.kind).as_deref(), Some("timeout"));
    assert!(run.duration_ms.unwrap() < 5_000);
});

on_both_databases!(progress_and_log_lines_are_kept, |database: Database| async move {
    let app = TestApp::new(database).await;
    let started = app.service().start(&admin(), "tests.progress", args(json!({})), Origin::Api).await.unwrap();
    app.finished(started.id).await;
    let detail = app.service().run_detail(&admin(), started.id).await.unwrap();
    let progress = detail.run.progress.expect("progress is kept");
    assert_eq!((progress.fraction, progress.message.as_deref()), (Some(0.5), Some("half way")));
    assert_eq!(detail.log.len(), 1);
    assert_eq!(detail.log[0].message, "hello from the task");
});

on_both_databases!(a_command_task_gets_its_arguments_on_stdin, |database: Database| async move {
    let mut config = crate::common::test_config();
    let declare = |script: &str| task_starter::config::TaskConfig {
        kind: Some(task_starter::config::DeclaredKind::Command),
        command: vec!["sh".to_owned(), "-c".to_owned(), script.to_owned()],
        ..Default::default()
    };
    config.tasks.insert("tests.cat".to_owned(), declare("cat; echo \"run as $TASK_STARTER_RUN_AS\""));
    config.tasks.insert("tests.exit3".to_owned(), declare("echo first >&2; echo 'it went wrong' >&2; exit 3"));
    let app = TestApp::with_config(database, config, true).await;

    let cat = app.service().start(&admin(), "tests.cat", args(json!({"a": 1})), Origin::Api).await.unwrap();
    let cat = app.finished(cat.id).await;
    assert_eq!(cat.state, RunState::Success);
    assert_eq!(cat.result.as_deref(), Some("{\"a\":1}\nrun as ada"));

    let failing = app.service().start(&admin(), "tests.exit3", args(json!({})), Origin::Api).await.unwrap();
    let failing = app.finished(failing.id).await;
    assert_eq!(failing.state, RunState::Failure);
    assert_eq!(failing.result.as_deref(), Some("first\nit went wrong"));
    let log = app.service().run_detail(&admin(), failing.id).await.unwrap().log;
    assert_eq!(log.iter().map(|line| line.message.as_str()).collect::<Vec<_>>(), ["first", "it went wrong"]);
});
