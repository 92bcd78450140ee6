//! Starting runs through the service: checks before a run exists, re-runs,
//! batch status, and the runs list with its filters and pages.

use crate::common::{Database, TestApp, admin, args, operator, test_config, viewer};
use crate::on_both_databases;
use serde_json::json;
use task_starter::service::ServiceError;
use types::{Origin, RunAs, RunFilter, RunState, StartRequest};

on_both_databases!(bad_arguments_are_refused_at_their_pointer_and_start_nothing, |database: Database| async move {
    let app = TestApp::new(database).await;
    let refused = app
        .service()
        .start(&admin(), "examples.tasks.dummy_task", args(json!({"number": "five", "extra": 1})), Origin::Ui)
        .await
        .unwrap_err();
    let ServiceError::InvalidArguments(errors) = refused else { panic!("expected invalid arguments: {refused:?}") };
    assert!(errors.iter().any(|error| error.pointer == "/number"), "{errors:?}");
    assert_eq!(app.count_runs("examples.tasks.dummy_task").await, 0);
});

on_both_databases!(roles_decide_who_starts_and_as_whom, |database: Database| async move {
    let app = TestApp::with_config(database, test_config(), false).await;
    let viewer_start = app.service().start(&viewer(), "examples.tasks.dummy_task", args(json!({})), Origin::Ui).await;
    assert!(matches!(viewer_start, Err(ServiceError::Forbidden(_))));
    let as_batch = StartRequest { arguments: json!({}), run_as: RunAs::Impersonated, rerun_of: None };
    let operator_as_batch =
        app.service().start(&operator(), "examples.tasks.dummy_task", as_batch.clone(), Origin::Ui).await;
    assert!(matches!(operator_as_batch, Err(ServiceError::Forbidden(_))), "only admins impersonate by default");
    let admin_as_batch =
        app.service().start(&admin(), "examples.tasks.dummy_task", as_batch, Origin::Ui).await.unwrap();
    assert_eq!(admin_as_batch.run_as.as_deref(), Some("batch"));
    let unknown = app.service().start(&admin(), "no.such.task", args(json!({})), Origin::Ui).await;
    assert!(matches!(unknown, Err(ServiceError::NotFound(_))));
    let external = app.service().start(&admin(), "tests.external", args(json!({})), Origin::Ui).await;
    assert!(matches!(external, Err(ServiceError::Conflict(_))));
});

on_both_databases!(running_again_makes_a_linked_run_with_the_same_arguments, |database: Database| async move {
    let app = TestApp::new(database).await;
    let first =
        app.service().start(&admin(), "examples.tasks.example_task", args(json!({"text": "again"})), Origin::Ui).await;
    let first = app.finished(first.unwrap().id).await;
    let second = app.service().rerun(&operator(), first.id).await.unwrap();
    assert_ne!(second.id, first.id);
    assert_eq!((second.rerun_of, second.origin), (Some(first.id), Origin::Rerun));
    assert_eq!(second.arguments, first.arguments);
    assert_eq!(second.started_by.name, "otto");
    assert_eq!(app.finished(second.id).await.result, first.result);
});

on_both_databases!(batch_status_returns_just_the_runs_asked_for, |database: Database| async move {
    let app = TestApp::with_config(database, test_config(), false).await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(
            app.service().start(&admin(), "examples.tasks.dummy_task", args(json!({})), Origin::Ui).await.unwrap().id,
        );
    }
    let unknown = types::RunId(uuid::Uuid::new_v4());
    let runs = app.service().runs_by_ids(&viewer(), &[ids[0], ids[2], unknown]).await.unwrap();
    let mut got: Vec<_> = runs.iter().map(|run| run.id).collect();
    got.sort();
    let mut expected = vec![ids[0], ids[2]];
    expected.sort();
    assert_eq!(got, expected);
});

on_both_databases!(the_runs_list_filters_and_pages_newest_first, |database: Database| async move {
    let app = TestApp::with_config(database, test_config(), false).await;
    let mut ids = Vec::new();
    for index in 0..7 {
        let (task, who) =
            if index % 2 == 0 { ("examples.tasks.dummy_task", admin()) } else { ("tests.io_error", operator()) };
        ids.push(app.service().start(&who, task, args(json!({})), Origin::Api).await.unwrap().id);
    }
    ids.reverse();
    let mut filter = RunFilter { limit: Some(3), ..RunFilter::default() };
    let mut seen = Vec::new();
    loop {
        let page = app.service().list_runs(&viewer(), &filter).await.unwrap();
        seen.extend(page.runs.iter().map(|run| run.id));
        match page.next_before {
            Some(cursor) => filter.before = Some(cursor),
            None => break,
        }
    }
    assert_eq!(seen, ids, "three pages, newest first, nothing twice");

    let by_task = RunFilter { task: Some("tests.io_error".to_owned()), ..RunFilter::default() };
    assert_eq!(app.service().list_runs(&viewer(), &by_task).await.unwrap().runs.len(), 3);
    let by_user = RunFilter { user: Some("ada".to_owned()), ..RunFilter::default() };
    assert_eq!(app.service().list_runs(&viewer(), &by_user).await.unwrap().runs.len(), 4);
    let by_state = RunFilter { state: Some(RunState::Success), ..RunFilter::default() };
    assert_eq!(app.service().list_runs(&viewer(), &by_state).await.unwrap().runs.len(), 0);
    let bad = RunFilter { before: Some("nonsense".to_owned()), ..RunFilter::default() };
    assert!(matches!(app.service().list_runs(&viewer(), &bad).await, Err(ServiceError::BadRequest(_))));
});

on_both_databases!(a_bulk_start_inserts_every_run_and_they_all_run, |database: Database| async move {
    let app = TestApp::new(database).await;
    let requests = (0..300).map(|number| args(json!({"number": number}))).collect();
    let runs = app.service().start_many(&admin(), "examples.tasks.dummy_task", requests, Origin::Api).await.unwrap();
    assert_eq!(runs.len(), 300);
    let last = app.finished(runs[299].id).await;
    assert_eq!(last.result.as_deref(), Some(&*(299 * 50).to_string()));
});
