//! What a task can reach and how much of what it says is kept: a command
//! task gets only the environment it is given, its output is read in
//! bounded amounts whatever its encoding, and the webhook task cannot call
//! the server's own network.

use crate::common::{Database, TestApp, admin, args, test_config};
use crate::on_both_databases;
use serde_json::json;
use task_starter::config::{DeclaredKind, TaskConfig};
use types::{Origin, RunState};

fn command(script: &str) -> TaskConfig {
    TaskConfig {
        kind: Some(DeclaredKind::Command),
        command: vec!["sh".to_owned(), "-c".to_owned(), script.to_owned()],
        ..Default::default()
    }
}

on_both_databases!(a_command_task_sees_only_the_environment_it_is_given, |database: Database| async move {
    assert!(std::env::var_os("CARGO_PKG_NAME").is_some(), "cargo gives the test process variables of its own");
    let mut config = test_config();
    let mut env_dump = command("env");
    env_dump.env.insert("GREETING".to_owned(), "hello".to_owned());
    config.tasks.insert("tests.env".to_owned(), env_dump);
    let app = TestApp::with_config(database, config, true).await;
    let run = app.service().start(&admin(), "tests.env", args(json!({})), Origin::Api).await.unwrap();
    let run = app.finished(run.id).await;
    let printed = run.result.unwrap();
    let names: Vec<&str> = printed.lines().filter_map(|line| line.split_once('=').map(|(name, _)| name)).collect();
    assert!(names.contains(&"PATH") && names.contains(&"GREETING"), "{names:?}");
    assert!(names.contains(&"TASK_STARTER_RUN_ID"), "{names:?}");
    assert!(!names.contains(&"CARGO_PKG_NAME"), "the server's own variables are not passed on: {names:?}");
});

on_both_databases!(a_command_that_floods_its_output_is_read_in_bounded_amounts, |database: Database| async move {
    let mut config = test_config();
    config.tasks.insert(
        "tests.flood".to_owned(),
        command("head -c 3000000 /dev/zero | tr '\\000' x; printf '\\377\\376 not utf-8'; head -c 100000 /dev/zero | tr '\\000' y >&2"),
    );
    config.tasks.insert("tests.flood_fails".to_owned(), command("printf 'bad \\377 bytes\\n' >&2; exit 4"));
    let app = TestApp::with_config(database, config, true).await;
    let run = app.service().start(&admin(), "tests.flood", args(json!({})), Origin::Api).await.unwrap();
    let run = app.finished(run.id).await;
    assert_eq!(run.state, RunState::Success, "{:?}", run.error);
    let result = run.result.unwrap();
    assert!(result.len() <= 1024 * 1024 && result.starts_with("xxxx"), "{}", result.len());
    let log = app.service().run_detail(&admin(), run.id).await.unwrap().log;
    assert_eq!(log.len(), 1);
    assert!(log[0].message.len() <= 8 * 1024 && log[0].message.ends_with("[cut]"), "{}", log[0].message.len());

    let failed = app.service().start(&admin(), "tests.flood_fails", args(json!({})), Origin::Api).await.unwrap();
    let failed = app.finished(failed.id).await;
    assert_eq!((failed.state, failed.result.as_deref()), (RunState::Failure, Some("bad \u{FFFD} bytes")));
});

on_both_databases!(the_webhook_task_cannot_call_the_servers_own_network, |database: Database| async move {
    let app = TestApp::new(database).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    for url in [
        format!("http://{address}/hook"),
        format!("http://localhost:{}/hook", address.port()),
        "http://169.254.169.254/latest".to_owned(),
    ] {
        let request = args(json!({"url": url}));
        let run = app.service().start(&admin(), "examples.tasks.webhook", request, Origin::Api).await.unwrap();
        let run = app.finished(run.id).await;
        assert_eq!(run.state, RunState::Failure, "{url}: {run:?}");
        let message = run.result.unwrap_or_default();
        assert!(message.contains("refused"), "{url}: {message}");
    }
    drop(listener);
});
