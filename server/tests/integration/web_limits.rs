//! Slow and greedy clients, over real TCP connections: a client that does
//! not finish its headers is disconnected, one that does not finish its
//! body gets 408, and beyond the connection limit new clients wait.

use crate::common::{Database, TestApp, test_config};
use crate::on_both_databases;
use std::time::Duration;
use task_starter::config::{ConfigDuration, HttpConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Serves the app with `limits` on a free port; returns the address.
async fn serve(app: &TestApp, limits: HttpConfig) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let router = app.router();
    tokio::spawn(async move {
        task_starter::web::listener::serve(listener, router, &limits, std::future::pending()).await;
    });
    address
}

/// What the server sends until it closes the connection (or `wait` passes).
async fn read_until_closed(stream: &mut TcpStream, wait: Duration) -> Option<String> {
    let mut received = Vec::new();
    let read = tokio::time::timeout(wait, stream.read_to_end(&mut received)).await;
    read.ok().map(|_| String::from_utf8_lossy(&received).into_owned())
}

const HEALTH: &[u8] = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";

on_both_databases!(a_client_that_does_not_finish_its_headers_is_disconnected, |database: Database| async move {
    let app = TestApp::with_config(database, test_config(), false).await;
    let limits = HttpConfig { header_read_timeout: ConfigDuration::millis(300), ..HttpConfig::default() };
    let address = serve(&app, limits).await;

    let mut slow = TcpStream::connect(address).await.unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ").await.unwrap();
    let closed = read_until_closed(&mut slow, Duration::from_secs(5)).await;
    assert!(closed.is_some(), "the server closed the connection of a client that stalled in its headers");

    // An idle keep-alive connection is closed the same way.
    let mut idle = TcpStream::connect(address).await.unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").await.unwrap();
    let answered = read_until_closed(&mut idle, Duration::from_secs(5)).await.expect("closed once idle");
    assert!(answered.starts_with("HTTP/1.1 200"), "{answered}");
});

on_both_databases!(a_client_that_does_not_finish_its_body_gets_408, |database: Database| async move {
    let app = TestApp::with_config(database, test_config(), false).await;
    let mut config = test_config();
    config.http.request_timeout = ConfigDuration::millis(300);
    let slow_app = TestApp::on(app.test_db, config, false);
    let token = slow_app.token(types::Role::Operator).await;
    let address = serve(&slow_app, HttpConfig::default()).await;
    let mut slow = TcpStream::connect(address).await.unwrap();
    let head = format!(
        "POST /api/v1/runs HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"task\""
    );
    slow.write_all(head.as_bytes()).await.unwrap();
    let mut answer = vec![0_u8; 4096];
    let read = tokio::time::timeout(Duration::from_secs(5), slow.read(&mut answer)).await.unwrap().unwrap();
    let answer = String::from_utf8_lossy(&answer[..read]);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    let answer = answer.to_ascii_lowercase();
    assert!(
        answer.contains("x-content-type-options: nosniff") && answer.contains("cache-control: no-store"),
        "{answer}"
    );
});

on_both_databases!(beyond_the_connection_limit_new_clients_wait_their_turn, |database: Database| async move {
    let app = TestApp::with_config(database, test_config(), false).await;
    let limits =
        HttpConfig { max_connections: 2, header_read_timeout: ConfigDuration::secs(20), ..HttpConfig::default() };
    let address = serve(&app, limits).await;
    let first = TcpStream::connect(address).await.unwrap();
    let second = TcpStream::connect(address).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;

    let mut third = TcpStream::connect(address).await.unwrap();
    third.write_all(HEALTH).await.unwrap();
    assert!(read_until_closed(&mut third, Duration::from_millis(700)).await.is_none(), "no slot while two are held");
    drop(first);
    let answer = read_until_closed(&mut third, Duration::from_secs(5)).await.expect("served once a slot is free");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    drop(second);
});
