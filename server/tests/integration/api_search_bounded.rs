//! Searches are bounded: one that reads too many rows is stopped at its
//! deadline and answered 422 (narrow it), while starts go on; text is
//! found through the text index (FTS5 trigram, `pg_trgm`) by any three or
//! more characters, in any case, and shorter text still works.

use crate::common::http::Call;
use crate::common::{Database, TestApp, admin, args, test_config};
use crate::on_both_databases;
use serde_json::json;
use task_starter::config::{ConfigDuration, TaskConfig};
use task_starter::engine::NewRun;
use task_starter::engine::store::insert_runs;
use types::{Actor, ActorKind, Origin, Role, RunState};

/// `count` finished runs of `tests.sleep`, each with its own result text.
async fn finished_runs(app: &TestApp, count: usize) {
    let actor = Actor { kind: ActorKind::Token, name: "crm".to_owned() };
    let mut made = 0;
    while made < count {
        let runs: Vec<NewRun> = (made..(made + 5000).min(count))
            .map(|index| {
                let mut run = NewRun::pending("tests.sleep", json!({"ms": index}), actor.clone(), Origin::Api, 1);
                run.state = RunState::Success;
                run.started_at = Some(run.created_at);
                run.finished_at = Some(run.created_at + 10);
                run
            })
            .collect();
        insert_runs(&app.test_db.db, &runs, &[]).await.unwrap();
        made += runs.len();
    }
    // The results, as the finisher writes them (an update: what the text index follows).
    let sql = match app.test_db.db.backend {
        task_starter::db::Backend::Sqlite => {
            "UPDATE runs SET result = 'Slept ' || json_extract(arguments, '$.ms') || ' ms'"
        }
        task_starter::db::Backend::Postgres => {
            "UPDATE runs SET result = 'Slept ' || (arguments::jsonb ->> 'ms') || ' ms'"
        }
    };
    sea_orm::ConnectionTrait::execute_unprepared(&app.test_db.db.write, sql).await.unwrap();
}

on_both_databases!(a_search_past_its_deadline_is_422_while_starts_go_on, |database: Database| async move {
    let mut config = test_config();
    config.search.timeout = ConfigDuration::millis(1);
    // Kept, so that the starts below do not trim them away.
    config.tasks.insert("tests.sleep".to_owned(), TaskConfig { history: Some(100_000), ..TaskConfig::default() });
    let app = TestApp::with_config(database, config, true).await;
    finished_runs(&app, 60_000).await;
    let viewer = app.token(Role::Viewer).await;
    let router = app.router();
    // Two characters: no index can narrow it, so it reads every row.
    let searches = tokio::spawn({
        let (router, viewer) = (router.clone(), viewer.clone());
        async move {
            let mut statuses = Vec::new();
            for _ in 0..20 {
                let answer = Call::get("/api/v1/runs?text=zq").bearer(&viewer).send(&router).await;
                statuses.push((answer.status.as_u16(), answer.text));
            }
            statuses
        }
    });
    let mut started = Vec::new();
    for _ in 0..20 {
        started.push(app.service().start(&admin(), "tests.sleep", args(json!({"ms": 1})), Origin::Api).await.unwrap());
    }
    for run in &started {
        assert_eq!(app.finished(run.id).await.state, RunState::Success, "starts and finishes go on");
    }
    let statuses = searches.await.unwrap();
    let (status, text) = statuses.iter().find(|(status, _)| *status != 200).expect("some search ran out of time");
    assert!(statuses.iter().all(|(status, _)| [200, 422, 429].contains(status)), "{statuses:?}");
    if *status == 422 {
        assert!(text.contains("Narrow it by task or by time"), "{text}");
    }
    assert!(statuses.iter().any(|(status, _)| *status == 422), "{statuses:?}");
});

on_both_databases!(text_is_found_through_the_index_in_any_case, |database: Database| async move {
    let app = TestApp::with_config(database, test_config(), false).await;
    finished_runs(&app, 3000).await;
    let viewer = app.token(Role::Viewer).await;
    let router = app.router();
    let search = |query: &str| {
        let (router, viewer) = (router.clone(), viewer.clone());
        let uri = format!("/api/v1/runs?{query}");
        async move {
            let answer = Call::get(&uri).bearer(&viewer).send(&router).await;
            assert_eq!(answer.status, 200, "{}", answer.text);
            answer.json()["runs"]
                .as_array()
                .unwrap()
                .iter()
                .map(|run| run["result"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(search("text=SLEPT%202999%20").await, ["Slept 2999 ms"], "rare text, from the index");
    assert_eq!(search("text=pt%2012").await.len(), 50, "common text fills a page");
    assert_eq!(search("text=99%20ms&limit=200").await.len(), 30, "every run whose result holds it");
    assert!(search("text=zzz").await.is_empty());
    assert_eq!(search("text=7").await.len(), 50, "text too short for the index still searches");
});
