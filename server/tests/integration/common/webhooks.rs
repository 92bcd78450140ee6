//! Webhooks on loopback for the notification tests: one that keeps what
//! it is sent (and can be closed, answering 503), one that answers 500, and
//! one that accepts connections and never answers.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use serde_json::Value;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::Instant;

#[derive(Default)]
struct Seen {
    /// Messages answered 200, with when they arrived.
    received: Mutex<Vec<(Instant, Value)>>,
    /// Every message that arrived, answered or not.
    tried: Mutex<Vec<Value>>,
    closed: AtomicBool,
}

/// A webhook receiver: `/hook/secret-path` keeps what it is sent (or answers
/// 503 while closed), `/broken/secret-path` answers 500.
pub struct Webhook {
    base: String,
    seen: Arc<Seen>,
}

impl Webhook {
    pub async fn start() -> Webhook {
        let seen = Arc::new(Seen::default());
        let router = axum::Router::new()
            .route("/hook/secret-path", post(hook))
            .route("/broken/secret-path", post(|| async { StatusCode::INTERNAL_SERVER_ERROR }))
            .with_state(Arc::clone(&seen));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, router).await });
        Webhook { base: format!("http://{address}"), seen }
    }

    /// The URL that keeps messages (its path is the secret part).
    pub fn url(&self) -> String {
        format!("{}/hook/secret-path", self.base)
    }

    /// The URL that answers 500.
    pub fn broken_url(&self) -> String {
        format!("{}/broken/secret-path", self.base)
    }

    /// The messages answered 200, in order.
    pub fn received(&self) -> Vec<Value> {
        self.seen.received.lock().unwrap().iter().map(|(_, message)| message.clone()).collect()
    }

    /// When each message answered 200 arrived.
    pub fn arrivals(&self) -> Vec<Instant> {
        self.seen.received.lock().unwrap().iter().map(|(at, _)| *at).collect()
    }

    /// The ids of the runs of the messages answered 200, sorted.
    pub fn received_run_ids(&self) -> Vec<String> {
        run_ids(&self.received())
    }

    /// The ids of the runs of every message that arrived, sorted.
    pub fn tried_run_ids(&self) -> Vec<String> {
        let tried = self.seen.tried.lock().unwrap().clone();
        run_ids(&tried)
    }

    pub fn clear(&self) {
        self.seen.received.lock().unwrap().clear();
    }

    /// Answers 503 from now on (a webhook that is down for a while).
    pub fn close(&self) {
        self.seen.closed.store(true, Ordering::SeqCst);
    }

    pub fn open(&self) {
        self.seen.closed.store(false, Ordering::SeqCst);
    }
}

async fn hook(State(seen): State<Arc<Seen>>, Json(message): Json<Value>) -> StatusCode {
    seen.tried.lock().unwrap().push(message.clone());
    if seen.closed.load(Ordering::SeqCst) {
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    seen.received.lock().unwrap().push((Instant::now(), message));
    StatusCode::OK
}

fn run_ids(messages: &[Value]) -> Vec<String> {
    let mut ids: Vec<String> =
        messages.iter().map(|message| message["run"]["id"].as_str().unwrap().to_owned()).collect();
    ids.sort();
    ids
}

/// A webhook that accepts connections and never answers; its URL, and how
/// many connections it has accepted.
pub async fn dead_webhook() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&accepted);
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((connection, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            held.push(connection);
        }
    });
    (format!("http://{address}/dead/secret-path"), accepted)
}

/// Waits until `check` holds, for at most `within`.
pub async fn wait_for(what: &str, within: Duration, check: impl Fn() -> bool) {
    let deadline = Instant::now() + within;
    while !check() {
        assert!(Instant::now() < deadline, "{what} did not happen within {within:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
