//! Celery's remote control (`kombu/pidbox.py`, `celery/app/control.py`,
//! `celery/worker/control.py`): a command is broadcast on the fanout
//! exchange `celery.pidbox` to every worker; when replies are wanted the
//! command names a ticket and `reply_to` (the direct exchange
//! `reply.celery.pidbox`, with a routing key of our own), and each worker
//! answers `{hostname: reply}` there.

use super::message::{Outgoing, PERSISTENT};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The exchange workers read commands from (`control_exchange` + `.pidbox`).
pub const PIDBOX_EXCHANGE: &str = "celery.pidbox";
/// The exchange workers send replies to.
pub const REPLY_EXCHANGE: &str = "reply.celery.pidbox";
/// Most replies read for one command (one per worker).
pub const MAX_REPLIES: usize = 1_000;

/// The signal a revoke with `terminate` sends to the process running the task.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Signal {
    /// Ask the process to stop (Celery's default).
    #[default]
    Term,
    /// Kill it at once.
    Kill,
    Int,
    Quit,
    Usr1,
}

impl Signal {
    /// The name Celery's `revoke` passes, e.g. `SIGTERM`.
    pub fn name(self) -> &'static str {
        match self {
            Signal::Term => "SIGTERM",
            Signal::Kill => "SIGKILL",
            Signal::Int => "SIGINT",
            Signal::Quit => "SIGQUIT",
            Signal::Usr1 => "SIGUSR1",
        }
    }
}

/// A command for the workers, and where their replies should go.
pub struct Command {
    pub method: &'static str,
    pub arguments: Value,
}

impl Command {
    /// `control.revoke(ids, terminate=..., signal=...)`.
    pub fn revoke<S: AsRef<str>>(task_ids: &[S], terminate: bool, signal: Signal) -> Command {
        let ids: Vec<&str> = task_ids.iter().map(AsRef::as_ref).collect();
        Command {
            method: "revoke",
            arguments: json!({"task_id": ids, "terminate": terminate, "signal": signal.name()}),
        }
    }

    /// `control.enable_events()`: workers start sending task events.
    pub fn enable_events() -> Command {
        Command { method: "enable_events", arguments: json!({}) }
    }

    /// `inspect().registered()`: each worker's task names.
    pub fn registered() -> Command {
        Command { method: "registered", arguments: json!({"taskinfoitems": []}) }
    }

    /// The message, asking for replies on `reply` (ticket, routing key) if given.
    pub fn message(&self, reply: Option<(&str, &str)>, timeout: Duration) -> Outgoing {
        let mut body = Map::new();
        body.insert("method".into(), json!(self.method));
        body.insert("arguments".into(), self.arguments.clone());
        body.insert("destination".into(), Value::Null);
        body.insert("pattern".into(), Value::Null);
        body.insert("matcher".into(), Value::Null);
        if let Some((ticket, routing_key)) = reply {
            body.insert("ticket".into(), json!(ticket));
            body.insert("reply_to".into(), json!({"exchange": REPLY_EXCHANGE, "routing_key": routing_key}));
        }
        let mut headers = Map::new();
        headers.insert("clock".into(), json!(CLOCK.fetch_add(1, Ordering::Relaxed) + 1));
        headers.insert("expires".into(), json!(epoch_seconds() + timeout.as_secs_f64()));
        Outgoing {
            body: Value::Object(body).to_string().into_bytes(),
            headers,
            correlation_id: None,
            reply_to: None,
            delivery_mode: PERSISTENT,
            priority: 0,
            expiration_ms: None,
        }
    }
}

/// kombu's Lamport clock, forwarded once per command sent.
static CLOCK: AtomicU64 = AtomicU64::new(0);

fn epoch_seconds() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0.0, |since| since.as_secs_f64())
}

/// The `(hostname, reply)` pairs in a reply body if its ticket is ours.
pub fn replies(headers: &Map<String, Value>, body: &Value, ticket: &str) -> Vec<(String, Value)> {
    if headers.get("ticket").and_then(Value::as_str) != Some(ticket) {
        return Vec::new();
    }
    match body {
        Value::Object(map) => map.iter().map(|(host, reply)| (host.clone(), reply.clone())).collect(),
        _ => Vec::new(),
    }
}

/// `registered` replies as `{hostname: [task name]}`: a worker lists
/// `name [rate_limit=...]` when a task has such settings, and only the name is kept.
pub fn registered_tasks(replies: Vec<(String, Value)>) -> BTreeMap<String, Vec<String>> {
    replies
        .into_iter()
        .map(|(host, reply)| {
            let names = reply
                .as_array()
                .map(|names| {
                    names
                        .iter()
                        .filter_map(Value::as_str)
                        .map(|name| name.split_once(" [").map_or(name, |(name, _)| name).to_owned())
                        .collect()
                })
                .unwrap_or_default();
            (host, names)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_to_another_ticket_are_not_ours() {
        let headers: Map<String, Value> = json!({"ticket": "t1", "clock": 4}).as_object().unwrap().clone();
        let body = json!({"celery@a": ["tasks.add", "tasks.echo [rate_limit=10/s]"]});
        assert!(replies(&headers, &body, "t2").is_empty());
        let tasks = registered_tasks(replies(&headers, &body, "t1"));
        assert_eq!(tasks["celery@a"], ["tasks.add", "tasks.echo"]);
    }
}
