//! Searching runs over the REST API: by values inside the arguments (with
//! their JSON types), text in the result or error, origin, as whom and a
//! time range, keyset-paged; bad filters are problem documents.

use crate::common::http::Call;
use crate::common::{Database, TestApp, admin, args, test_config};
use crate::on_both_databases;
use app::components::encode_query;
use serde_json::json;
use task_starter::config::TaskConfig;
use types::{Origin, Role};

const TASK: &str = "examples.tasks.dummy_task";

fn ids(answer: &serde_json::Value) -> Vec<String> {
    answer["runs"].as_array().unwrap().iter().map(|run| run["id"].as_str().unwrap().to_owned()).collect()
}

on_both_databases!(runs_are_found_by_argument_values_text_and_time, |database: Database| async move {
    let mut config = test_config();
    config.tasks.insert(TASK.to_owned(), TaskConfig { history: Some(100), ..TaskConfig::default() });
    config.tasks.insert("tests.io_error".to_owned(), TaskConfig { history: Some(100), ..TaskConfig::default() });
    let app = TestApp::with_config(database, config, true).await;
    // `number` searched through its SQLite index (as `search.indexed_arguments` makes it), `numberx` without.
    task_starter::engine::store::search::index_arguments(&app.test_db.db, &[vec!["number".to_owned()]]).await.unwrap();
    let router = app.router();
    let viewer = app.token(Role::Viewer).await;
    let service = app.service();
    let caller = admin();
    let start = |arguments: serde_json::Value| service.start(&caller, TASK, args(arguments), Origin::Api);
    let two_three = start(json!({"number": 2, "numberx": 3})).await.unwrap();
    let two_five = start(json!({"number": 2, "numberx": 5})).await.unwrap();
    let seven = start(json!({"number": 7, "numberx": 3})).await.unwrap();
    let failed = service.start(&admin(), "tests.io_error", args(json!({})), Origin::Ui).await.unwrap();
    for run in [&two_three, &two_five, &seven, &failed] {
        app.finished(run.id).await;
    }

    let search = |query: &str| {
        let (router, viewer) = (router.clone(), viewer.clone());
        let uri = format!("/api/v1/runs?{query}");
        async move { Call::get(&uri).bearer(&viewer).send(&router).await }
    };
    let by_number = search("arguments.number=2").await;
    assert_eq!(by_number.status, 200, "{}", by_number.text);
    assert_eq!(ids(&by_number.json()), [two_five.id.to_string(), two_three.id.to_string()], "newest first");
    let both = search("arguments.number=2&arguments.numberx=5").await.json();
    assert_eq!(ids(&both), [two_five.id.to_string()]);
    let as_text = search("arguments.number=%222%22").await.json();
    assert!(ids(&as_text).is_empty(), "the text \"2\" is not the number 2: {as_text}");
    let with_task = search(&format!("task={TASK}&arguments.numberx=3&limit=1")).await.json();
    assert_eq!(ids(&with_task), [seven.id.to_string()]);
    let next = with_task["next_before"].as_str().unwrap().to_owned();
    let older = search(&format!("task={TASK}&arguments.numberx=3&limit=1&before={next}")).await.json();
    assert_eq!(ids(&older), [two_three.id.to_string()], "the next page continues after the cursor");

    let in_error = search("text=FIRE").await.json();
    assert_eq!(ids(&in_error), [failed.id.to_string()], "text is found in the error message, in any case: {in_error}");
    let in_result = search(&format!("text={}", encode_query(seven.id.to_string().as_str()))).await.json();
    assert!(ids(&in_result).is_empty());
    let from_ui = search("origin=ui").await.json();
    assert_eq!(ids(&from_ui), [failed.id.to_string()]);
    let as_admin = search("as=ada&state=failure").await.json();
    assert_eq!(ids(&as_admin), [failed.id.to_string()]);
    let future = search("since=2999-01-01").await.json();
    assert!(ids(&future).is_empty());
    let past = search("until=2000-01-01T00:00").await.json();
    assert!(ids(&past).is_empty());
    let today = search(&format!("since={}", encode_query(&two_three.created_at))).await.json();
    assert_eq!(ids(&today).len(), 4, "since is inclusive: {today}");

    for (query, said) in [
        ("arguments.a%20b=1", "keys are"),
        ("arguments.number=%5B1%5D&arguments.x.y.z.v.w.q=1", "1 to 5 keys"),
        ("since=yesterday", "since must be a time"),
        ("origin=moon", "origin must be one of"),
        ("stat=failure", "not a filter"),
        ("before=garbage", "cursor"),
        ("limit=0", "limit must be"),
    ] {
        let refused = search(query).await;
        assert_eq!(refused.status, 400, "{query}: {}", refused.text);
        assert_eq!(refused.content_type(), "application/problem+json");
        assert!(refused.json()["detail"].as_str().unwrap().contains(said), "{query}: {}", refused.text);
    }
});
