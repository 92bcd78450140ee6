//! Browser sessions: cookie attributes, CSRF defence on unsafe requests,
//! refused cross-site origins, secure headers, and sign-in throttling.

use crate::common::http::Call;
use crate::common::{Database, TestApp, test_config};
use crate::on_both_databases;
use sea_orm::ConnectionTrait;
use serde_json::json;
use task_starter::service::ServiceError;
use types::Role;

const START: &str = "/api/v1/tasks/examples.tasks.dummy_task/runs";

on_both_databases!(cookie_requests_need_the_csrf_token_and_the_same_origin, |database: Database| async move {
    let app = TestApp::with_config(database, test_config(), false).await;
    let router = app.router();
    app.service().accounts().create_user("ann", Role::Operator, "ann's password").await.unwrap();
    let session = app.service().accounts().sign_in("ann", "ann's password", Some("10.0.0.1")).await.unwrap();
    let cookie = format!("ts_session={}", session.token);

    let read = Call::get("/api/v1/tasks").header("cookie", &cookie).send(&router).await;
    assert_eq!(read.status, 200, "reads need no CSRF token");
    let without = Call::post(START).header("cookie", &cookie).json(&json!({})).send(&router).await;
    assert_eq!(without.status, 403, "{}", without.text);
    let wrong = Call::post(START)
        .header("cookie", &cookie)
        .header("x-csrf-token", "guess")
        .json(&json!({}))
        .send(&router)
        .await;
    assert_eq!(wrong.status, 403);
    let other_site = Call::post(START)
        .header("cookie", &cookie)
        .header("x-csrf-token", &session.csrf_token)
        .header("origin", "https://evil.example")
        .json(&json!({}))
        .send(&router)
        .await;
    assert_eq!(other_site.status, 403, "{}", other_site.text);
    assert_eq!(app.count_runs("examples.tasks.dummy_task").await, 0, "no refused request started anything");
    let good = Call::post(START)
        .header("cookie", &cookie)
        .header("x-csrf-token", &session.csrf_token)
        .header("origin", "http://127.0.0.1:3000")
        .json(&json!({}))
        .send(&router)
        .await;
    assert_eq!(good.status, 201, "{}", good.text);
    assert_eq!(good.json()["started_by"], json!({"kind": "user", "name": "ann"}));
});

on_both_databases!(pages_send_secure_headers_and_a_nonce_policy, |database: Database| async move {
    let app = TestApp::with_config(database, test_config(), false).await;
    let router = app.router();
    let login = Call::get("/login").send(&router).await;
    assert_eq!(login.status, 200);
    let policy = login.headers.get("content-security-policy").unwrap().to_str().unwrap().to_owned();
    assert!(policy.contains("'nonce-") && !policy.contains("unsafe-inline"), "{policy}");
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    let nonce = policy.split("'nonce-").nth(1).unwrap().split('\'').next().unwrap();
    assert!(login.text.contains(&format!("nonce=\"{nonce}\"")), "the hydration script carries the nonce");
    assert_eq!(login.headers.get("x-content-type-options").unwrap(), "nosniff");
    assert_eq!(login.headers.get("referrer-policy").unwrap(), "same-origin");

    let home = Call::get("/").send(&router).await;
    assert_eq!(home.status, 303);
    assert_eq!(home.headers.get("location").unwrap(), "/login?next=%2F");
    let api = Call::get("/healthz").send(&router).await;
    assert!(api.headers.get("content-security-policy").unwrap().to_str().unwrap().starts_with("default-src 'none'"));
});

on_both_databases!(
    a_signed_in_page_is_never_stored_and_the_sites_files_keep_their_cache,
    |database: Database| async move {
        let site = tempfile::tempdir().unwrap();
        std::fs::create_dir(site.path().join("pkg")).unwrap();
        std::fs::write(site.path().join("pkg").join("task-starter.0123456789abcdef.css"), "body {}").unwrap();
        let config = task_starter::config::Config { site_root: site.path().to_owned(), ..test_config() };
        let app = TestApp::with_config(database, config, false).await;
        let router = app.router();
        app.service().accounts().create_user("ann", Role::Operator, "ann's password").await.unwrap();
        let session = app.service().accounts().sign_in("ann", "ann's password", None).await.unwrap();
        let cookie = format!("ts_session={}", session.token);

        for page in ["/", "/runs"] {
            let answer = Call::get(page).header("cookie", &cookie).send(&router).await;
            assert_eq!(answer.status, 200, "{page}: {}", answer.text);
            assert!(answer.content_type().starts_with("text/html"), "{page} is a page");
            assert!(answer.text.contains("Sign out"), "{page} is ann's, signed in");
            assert_eq!(answer.headers.get("cache-control").unwrap(), "no-store", "{page}: no cache keeps ann's page");
        }
        let style = Call::get("/pkg/task-starter.0123456789abcdef.css").header("cookie", &cookie).send(&router).await;
        assert_eq!(style.status, 200, "{}", style.text);
        assert_eq!(
            style.headers.get("cache-control").unwrap(),
            "public, max-age=31536000, immutable",
            "a file named by its content is still kept for a year"
        );
    }
);

on_both_databases!(sign_in_is_throttled_per_account_and_per_address, |database: Database| async move {
    let app = TestApp::with_config(database, test_config(), false).await;
    let accounts = app.service().accounts();
    accounts.create_user("bob", Role::Viewer, "bob's password").await.unwrap();
    for _ in 0..5 {
        assert!(matches!(
            accounts.sign_in("bob", "wrong", Some("10.0.0.2")).await,
            Err(task_starter::auth::AuthError::BadCredentials)
        ));
    }
    let locked = accounts.sign_in("bob", "bob's password", Some("10.0.0.3")).await;
    assert!(matches!(locked, Err(task_starter::auth::AuthError::Throttled(_))), "the account is locked for a while");
    let connected_from = accounts.sign_in("nobody", "x", Some("10.0.0.2")).await;
    assert!(matches!(connected_from, Err(task_starter::auth::AuthError::Throttled(_))), "so is the address");
    let Err(error) = accounts.sign_in("bob", "x", None).await else { panic!("a locked account signed in") };
    assert!(matches!(ServiceError::from(error), ServiceError::RateLimited { retry_after, .. } if retry_after >= 1));
});

on_both_databases!(the_first_start_creates_one_admin_with_a_one_time_password, |database: Database| async move {
    let app = TestApp::with_config(database, test_config(), false).await;
    let accounts = app.service().accounts();
    let password = accounts.ensure_first_admin(None).await.unwrap().expect("a password for the new admin");
    assert_eq!(password.len(), 20);
    assert!(accounts.ensure_first_admin(None).await.unwrap().is_none(), "only on the first start");
    assert!(accounts.sign_in("admin", &password, None).await.is_ok());
    let users = accounts.list_users().await.unwrap();
    assert_eq!(users.len(), 1);
    let db = &app.test_db.db;
    let stored = db
        .read
        .query_one_raw(task_starter::db::statement(db.backend, "SELECT password_hash FROM users", Vec::new()))
        .await
        .unwrap()
        .unwrap();
    let hash: String = stored.try_get("", "password_hash").unwrap();
    assert!(hash.starts_with("$argon2id$"), "stored as an argon2id hash");
});
