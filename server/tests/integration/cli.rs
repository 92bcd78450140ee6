//! The command line as an operator uses it: starting and waiting for runs,
//! accounts, and refusing a bad config with the key and where it was set.

use std::process::Output;

fn task_starter(database: &str, arguments: &[&str], environment: &[(&str, &str)]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_task-starter"))
        .args(arguments)
        .env("TASK_STARTER_DATABASE_URL", database)
        .env("TASK_STARTER_LOG", "error")
        .envs(environment.iter().copied())
        .output()
        .expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn run_wait_reports_the_outcome_in_the_exit_code() {
    let folder = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}/cli.db", folder.path().display());

    let success =
        task_starter(&database, &["run", "examples.tasks.dummy_task", "--args", r#"{"number": 2}"#, "--wait"], &[]);
    assert!(success.status.success(), "{}", text(&success.stderr));
    assert!(text(&success.stdout).contains("Success: 100"), "{}", text(&success.stdout));

    let failure = task_starter(
        &database,
        &["run", "examples.tasks.failing_task", "--args", r#"{"message": "no way"}"#, "--wait"],
        &[],
    );
    assert_eq!(failure.status.code(), Some(1));
    assert!(text(&failure.stderr).contains("Failure: no way"), "{}", text(&failure.stderr));

    let as_batch = task_starter(
        &database,
        &["run", "examples.tasks.example_task", "--args", r#"{"text": "x"}"#, "--as", "batch"],
        &[],
    );
    assert!(as_batch.status.success());
    let bad_arguments =
        task_starter(&database, &["run", "examples.tasks.dummy_task", "--args", r#"{"number": "two"}"#], &[]);
    assert_eq!(bad_arguments.status.code(), Some(2));
    assert!(text(&bad_arguments.stderr).contains("/number"), "{}", text(&bad_arguments.stderr));
}

#[test]
fn users_and_tokens_are_managed_from_the_command_line() {
    let folder = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}/cli.db", folder.path().display());
    let added = task_starter(&database, &["user", "add", "olga", "--role", "operator"], &[]);
    assert!(added.status.success(), "{}", text(&added.stderr));
    assert!(text(&added.stdout).contains("Password (shown once): "));
    let listed = text(&task_starter(&database, &["user", "list"], &[]).stdout);
    assert!(listed.contains("olga") && listed.contains("operator"), "{listed}");

    let created = text(&task_starter(&database, &["token", "create", "crm", "--role", "viewer"], &[]).stdout);
    let id = created.lines().next().unwrap().rsplit("id ").next().unwrap().trim_end_matches('.').to_owned();
    assert!(created.contains("Secret (shown once): tsk_"), "{created}");
    assert!(task_starter(&database, &["token", "revoke", &id], &[]).status.success());
    assert!(text(&task_starter(&database, &["token", "list"], &[]).stdout).contains("revoked"));
}

#[test]
fn a_bad_config_names_the_key_and_where_it_was_set() {
    let folder = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}/cli.db", folder.path().display());
    let refused = task_starter(&database, &["tasks"], &[("TASK_STARTER_WORKER_CONCURRENCY", "lots")]);
    assert_eq!(refused.status.code(), Some(2));
    let message = text(&refused.stderr);
    assert!(message.contains("worker.concurrency") && message.contains("TASK_STARTER_WORKER_CONCURRENCY"), "{message}");

    let file = folder.path().join("bad.toml");
    std::fs::write(&file, "[tasks.\"nope.missing\"]\nhistory = 3\n").unwrap();
    let refused = task_starter(&database, &["--config", file.to_str().unwrap(), "tasks"], &[]);
    let message = text(&refused.stderr);
    assert!(message.contains("tasks.\"nope.missing\"") && message.contains("bad.toml"), "{message}");
}

#[test]
fn a_command_task_never_receives_the_servers_secrets() {
    let folder = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}/cli.db", folder.path().display());
    let config = folder.path().join("config.toml");
    std::fs::write(
        &config,
        "[tasks.\"tests.env\"]\nkind = \"command\"\ncommand = [\"env\"]\narguments_schema = { type = \"object\" }\n",
    )
    .unwrap();
    let config = config.display().to_string();
    let secret = "the-admin-password-never-leaks";
    let run = task_starter(
        &database,
        &["--config", &config, "run", "tests.env", "--wait"],
        &[("TASK_STARTER_ADMIN_PASSWORD", secret)],
    );
    assert!(run.status.success(), "{}", text(&run.stderr));
    let printed = text(&run.stdout);
    assert!(printed.contains("TASK_STARTER_RUN_ID="), "{printed}");
    assert!(!printed.contains(secret) && !printed.contains("TASK_STARTER_DATABASE_URL"), "{printed}");
}
