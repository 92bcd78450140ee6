//! Signing in under attack, and the rules around accounts that a race or a
//! proxy could bend: guesses sent at once, clients behind a proxy, a proxy's
//! own `Authorization`, two admins deleting each other, and "run now" of a
//! schedule that runs as someone else.

use crate::common::http::Call;
use crate::common::{Database, TestApp, admin, operator, test_config};
use crate::on_both_databases;
use server_fn::ServerFn;
use task_starter::auth::AuthError;
use task_starter::config::{IpNet, ScheduleConfig};
use task_starter::service::ServiceError;
use types::Role;

on_both_databases!(guesses_sent_at_once_are_counted_before_any_password_is_checked, |database: Database| async move {
    let app = TestApp::with_config(database, test_config(), false).await;
    let accounts = app.service().accounts().clone();
    accounts.create_user("ann", Role::Operator, "ann's long password").await.unwrap();
    let guesses: Vec<_> = (0..20)
        .map(|guess| {
            let accounts = accounts.clone();
            tokio::spawn(async move { accounts.sign_in("ann", &format!("guess {guess}"), Some("10.0.0.9")).await })
        })
        .collect();
    let mut checked = 0;
    let mut throttled = 0;
    for guess in guesses {
        match guess.await.unwrap() {
            Err(AuthError::BadCredentials) => checked += 1,
            Err(AuthError::Throttled(_)) => throttled += 1,
            other => panic!("unexpected: {:?}", other.map(|_| ())),
        }
    }
    assert_eq!((checked, throttled), (5, 15), "only the allowed attempts reach the password check");
    let locked = accounts.sign_in("ann", "ann's long password", Some("10.0.0.10")).await;
    assert!(matches!(locked, Err(AuthError::Throttled(_))), "the account is locked for everyone now");
});

on_both_databases!(behind_a_trusted_proxy_each_client_is_throttled_on_its_own, |database: Database| async move {
    let mut config = test_config();
    config.auth.login_attempts = 2;
    config.http.trusted_proxies = vec![IpNet::parse("127.0.0.1").unwrap()];
    let app = TestApp::with_config(database, config, false).await;
    let router = app.router();
    let attempt = |name: &str, client: &str| {
        Call::post(app::rpc::SignIn::PATH)
            .connected_from("127.0.0.1")
            .header("x-forwarded-for", client)
            .raw("application/x-www-form-urlencoded", format!("name={name}&password=wrong"))
    };
    for name in ["a1", "a2"] {
        assert_eq!(attempt(name, "198.51.100.1").send(&router).await.status, 401);
    }
    let third = attempt("a3", "198.51.100.1").send(&router).await;
    assert_eq!(third.status, 429, "this client used up its attempts: {}", third.text);
    let other = attempt("a4", "198.51.100.2").send(&router).await;
    assert_eq!(other.status, 401, "another client behind the same proxy is not blocked: {}", other.text);

    // A client that is not behind the proxy cannot pick its address.
    let untrusted = |name: &str| {
        Call::post(app::rpc::SignIn::PATH)
            .connected_from("203.0.113.5")
            .header("x-forwarded-for", &format!("198.51.100.{}", name.len()))
            .raw("application/x-www-form-urlencoded", format!("name={name}&password=wrong"))
    };
    assert_eq!(untrusted("b1").send(&router).await.status, 401);
    assert_eq!(untrusted("b22").send(&router).await.status, 401);
    assert_eq!(untrusted("b333").send(&router).await.status, 429, "counted as 203.0.113.5 whatever it claims");
});

on_both_databases!(a_proxy_basic_authorization_does_not_hide_the_session_cookie, |database: Database| async move {
    let app = TestApp::with_config(database, test_config(), false).await;
    let router = app.router();
    app.service().accounts().create_user("ann", Role::Viewer, "ann's long password").await.unwrap();
    let session = app.service().accounts().sign_in("ann", "ann's long password", None).await.unwrap();
    let answer = Call::get("/api/v1/tasks")
        .header("cookie", &format!("ts_session={}", session.token))
        .header("authorization", "Basic cHJveHk6cGFzc3dvcmQ=")
        .send(&router)
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let bad_bearer = Call::get("/api/v1/tasks").bearer("tsk_not_a_token").send(&router).await;
    assert_eq!(bad_bearer.status, 401);
});

on_both_databases!(a_signed_in_user_is_sent_only_to_paths_of_this_site, |database: Database| async move {
    let app = TestApp::with_config(database, test_config(), false).await;
    let router = app.router();
    app.service().accounts().create_user("ann", Role::Viewer, "ann's long password").await.unwrap();
    for (next, expected) in
        [("%2Fruns", "/runs"), ("%2F%5Cevil.example", "/"), ("%2F%2Fevil.example", "/"), ("%2Fa%0Ab", "/")]
    {
        let answer = Call::post(app::rpc::SignIn::PATH)
            .raw("application/x-www-form-urlencoded", format!("name=ann&password=ann%27s+long+password&next={next}"))
            .send(&router)
            .await;
        assert!(
            answer.status.is_success() || answer.status.is_redirection(),
            "{next}: {} {}",
            answer.status,
            answer.text
        );
        let location = answer.headers.get("location").and_then(|value| value.to_str().ok());
        assert_eq!(location, Some(expected), "{next}");
    }
});

on_both_databases!(two_admins_deleting_each_other_at_once_leave_one, |database: Database| async move {
    let app = TestApp::with_config(database, test_config(), false).await;
    let accounts = app.service().accounts().clone();
    accounts.create_user("ann", Role::Admin, "ann's long password").await.unwrap();
    accounts.create_user("bob", Role::Admin, "bob's long password").await.unwrap();
    let (first, second) = tokio::join!(accounts.delete_user("ann"), accounts.delete_user("bob"));
    assert!(first.is_ok() != second.is_ok(), "exactly one delete goes through: {first:?} {second:?}");
    let admins = accounts.list_users().await.unwrap().into_iter().filter(|user| user.role == Role::Admin).count();
    assert_eq!(admins, 1);
});

on_both_databases!(
    run_now_of_a_schedule_that_runs_as_another_user_takes_the_impersonation_role,
    |database: Database| async move {
        let mut config = test_config();
        config.schedules.push(ScheduleConfig {
            name: "as-batch".to_owned(),
            task: "examples.tasks.dummy_task".to_owned(),
            cron: "0 3 * * *".to_owned(),
            arguments: serde_json::json!({}),
            run_as: Some("batch".to_owned()),
            paused: true,
        });
        let app = TestApp::with_config(database, config, false).await;
        app.runtime.engine.spawn_scheduler(&app.runtime.config.schedules).await.unwrap().stop().await;
        let refused = app.service().run_schedule_now(&operator(), "as-batch").await;
        assert!(matches!(refused, Err(ServiceError::Forbidden(_))), "{refused:?}");
        let run = app.service().run_schedule_now(&admin(), "as-batch").await.unwrap();
        assert_eq!(run.run_as.as_deref(), Some("batch"));
    }
);
