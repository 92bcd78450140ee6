//! Values the database cannot store never wedge a worker: text a task hands
//! back is made storable, and a run whose outcome the database still refuses
//! ends as `failure` (kind `unstorable`) while the rest of its batch is kept.

use crate::common::{Database, TestApp, admin, args, test_config};
use crate::on_both_databases;
use sea_orm::ConnectionTrait;
use serde_json::json;
use task_starter::config::TaskConfig;
use task_starter::db::{Backend, statement};
use types::{Origin, RunState};

on_both_databases!(
    nul_characters_from_a_task_are_replaced_and_later_runs_still_finish,
    |database: Database| async move {
        let app = TestApp::new(database).await;
        let service = app.service();
        let clean = service.start(&admin(), "tests.nul", args(json!({})), Origin::Api).await.unwrap();
        let crashed = service.start(&admin(), "tests.nul", args(json!({"crash": true})), Origin::Api).await.unwrap();

        let clean = app.finished(clean.id).await;
        assert_eq!(clean.state, RunState::Success);
        assert_eq!(clean.result.as_deref(), Some("a result with a \u{FFFD} in it"));
        assert_eq!(clean.progress.unwrap().message.as_deref(), Some("progress with a \u{FFFD} in it"));
        let log = service.run_detail(&admin(), clean.id).await.unwrap().log;
        assert_eq!(log[0].message, "a log line with a \u{FFFD} in it");

        let crashed = app.finished(crashed.id).await;
        assert_eq!(crashed.state, RunState::Failure);
        let error = crashed.error.unwrap();
        assert_eq!((error.kind.as_str(), error.message.as_str()), ("nul\u{FFFD}kind", "a crash with a \u{FFFD} in it"));

        // The same worker goes on finishing runs.
        let later = args(json!({"text": "after"}));
        let later = service.start(&admin(), "examples.tasks.example_task", later, Origin::Api).await.unwrap();
        assert_eq!(app.finished(later.id).await.state, RunState::Success);
    }
);

on_both_databases!(
    a_refused_outcome_fails_its_run_and_the_rest_of_its_batch_is_recorded,
    |database: Database| async move {
        let mut config = test_config();
        let keep_all = TaskConfig { history: Some(100), ..Default::default() };
        config.tasks.insert("examples.tasks.example_task".to_owned(), keep_all);
        let app = TestApp::with_config(database, config, true).await;
        let db = &app.test_db.db;
        // A database that refuses one particular outcome, as it would refuse
        // text it cannot hold.
        let refuse = match db.backend {
            Backend::Postgres => vec![
                "CREATE FUNCTION refuse_poison() RETURNS trigger AS $$ BEGIN \
             IF NEW.result LIKE '%poison%' THEN RAISE EXCEPTION 'poison refused' USING ERRCODE = '22000'; END IF; \
             RETURN NEW; END $$ LANGUAGE plpgsql",
                "CREATE TRIGGER refuse_poison BEFORE UPDATE ON runs FOR EACH ROW EXECUTE FUNCTION refuse_poison()",
            ],
            Backend::Sqlite => vec![
                "CREATE TRIGGER refuse_poison BEFORE UPDATE OF result ON runs WHEN NEW.result LIKE '%poison%' \
             BEGIN SELECT RAISE(ABORT, 'poison refused'); END",
            ],
        };
        for sql in refuse {
            db.write.execute_raw(statement(db.backend, sql, Vec::new())).await.unwrap();
        }
        let mut requests: Vec<_> = (0..40).map(|index| args(json!({"text": format!("fine {index}")}))).collect();
        requests.insert(17, args(json!({"text": "poison"})));
        let runs =
            app.service().start_many(&admin(), "examples.tasks.example_task", requests, Origin::Api).await.unwrap();
        for run in &runs {
            let done = app.finished(run.id).await;
            let poisoned = run.arguments["text"] == "poison";
            if poisoned {
                assert_eq!((done.state, done.result.as_deref()), (RunState::Failure, None));
                let error = done.error.unwrap();
                assert_eq!(error.kind, "unstorable");
                assert!(error.message.contains("could not be stored"), "{}", error.message);
            } else {
                assert_eq!(done.state, RunState::Success, "{done:?}");
            }
        }
    }
);
