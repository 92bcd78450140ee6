//! Workers' task events (`celery/events/`, `celery/worker/request.py`),
//! read from the `celeryev` exchange: one event a message, or a JSON list
//! of them under the routing key `task.multi` (prefork workers buffer their
//! task events and send them in batches). Fields are as Celery sends them:
//! `args`, `kwargs`, `result` and `exception` are Python reprs for people
//! to read, not JSON; a task's JSON result is in the result backend.

use serde_json::Value;
use time::OffsetDateTime;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// The exchange Celery publishes events on (topic on AMQP, fanout on Redis).
pub const EVENT_EXCHANGE: &str = "celeryev";
/// How many events one message may carry before the rest are dropped.
pub const MAX_EVENTS_PER_MESSAGE: usize = 10_000;
/// Longest text kept from a repr or traceback, in bytes.
pub const MAX_TEXT_BYTES: usize = 64 * 1024;

/// Which step of a task's life an event reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TaskEventKind {
    /// The client published it (only with `task_send_sent_event`).
    Sent,
    /// A worker took the message off the queue.
    Received,
    /// A worker process began running it.
    Started,
    Succeeded,
    Failed,
    /// It raised `Retry`: it goes back to the queue, with `retries` + 1.
    Retried,
    /// It will not run, or was terminated (`terminated`, `expired`).
    Revoked,
    /// The worker rejected the message (`requeue` says whether it went back).
    Rejected,
    /// The worker gave up on it when it lost the broker (Celery 5.5+).
    Cancelled,
}

impl TaskEventKind {
    /// The kind of a Celery event type such as `task-started`; `None` for others.
    pub fn from_type(event_type: &str) -> Option<TaskEventKind> {
        Some(match event_type {
            "task-sent" => TaskEventKind::Sent,
            "task-received" => TaskEventKind::Received,
            "task-started" => TaskEventKind::Started,
            "task-succeeded" => TaskEventKind::Succeeded,
            "task-failed" => TaskEventKind::Failed,
            "task-retried" => TaskEventKind::Retried,
            "task-revoked" => TaskEventKind::Revoked,
            "task-rejected" => TaskEventKind::Rejected,
            "task-cancelled" => TaskEventKind::Cancelled,
            _ => return None,
        })
    }
}

/// One task event from a worker.
#[derive(Clone, Debug, PartialEq)]
pub struct TaskEvent {
    pub kind: TaskEventKind,
    /// The Celery task id (`uuid` in the event): any string the sender chose.
    pub task_id: String,
    /// The task's name: in `task-received` and `task-sent` only.
    pub name: Option<String>,
    /// Python repr of the positional arguments (received, sent).
    pub args: Option<String>,
    /// Python repr of the keyword arguments (received, sent).
    pub kwargs: Option<String>,
    /// Python repr of the return value (succeeded).
    pub result: Option<String>,
    /// Python repr of the exception, e.g. `ValueError('kaboom')` (failed, retried).
    pub exception: Option<String>,
    pub traceback: Option<String>,
    /// When the worker sent it, in its clock.
    pub timestamp: Option<OffsetDateTime>,
    /// The worker's node name, e.g. `celery@host`.
    pub hostname: Option<String>,
    /// Retries so far (received, retried).
    pub retries: Option<u32>,
    /// Seconds the task ran (succeeded).
    pub runtime: Option<f64>,
    /// Revoked: the process running it was killed.
    pub terminated: bool,
    /// Revoked: it passed its `expires`.
    pub expired: bool,
    pub root_id: Option<String>,
    pub parent_id: Option<String>,
}

/// What an event feed yields.
#[derive(Clone, Debug, PartialEq)]
pub enum EventFeed {
    /// The feed (re)connected: events sent while it was away are lost, so
    /// the caller should read the result backend for the runs it tracks.
    Connected,
    Task(Box<TaskEvent>),
}

/// A running event feed; it stops when dropped (or when its receiver is).
pub struct EventStream {
    pub receiver: mpsc::Receiver<EventFeed>,
    pub(crate) task: JoinHandle<()>,
}

impl EventStream {
    /// The next event, or `None` once the feed has stopped.
    pub async fn recv(&mut self) -> Option<EventFeed> {
        self.receiver.recv().await
    }
}

impl Drop for EventStream {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The task events in one message body: an event object, or a list of them.
pub fn parse_events(body: &Value) -> Vec<TaskEvent> {
    match body {
        Value::Array(events) => events.iter().take(MAX_EVENTS_PER_MESSAGE).filter_map(parse_event).collect(),
        event => parse_event(event).into_iter().collect(),
    }
}

fn parse_event(event: &Value) -> Option<TaskEvent> {
    let kind = TaskEventKind::from_type(event.get("type")?.as_str()?)?;
    let text = |field: &str| event.get(field).and_then(Value::as_str).map(bounded);
    let flag = |field: &str| event.get(field).and_then(Value::as_bool).unwrap_or(false);
    Some(TaskEvent {
        kind,
        task_id: bounded(event.get("uuid")?.as_str()?),
        name: text("name"),
        args: text("args"),
        kwargs: text("kwargs"),
        result: text("result"),
        exception: text("exception"),
        traceback: text("traceback"),
        timestamp: event.get("timestamp").and_then(Value::as_f64).and_then(from_epoch_seconds),
        hostname: text("hostname"),
        retries: event.get("retries").and_then(Value::as_u64).and_then(|n| u32::try_from(n).ok()),
        runtime: event.get("runtime").and_then(Value::as_f64),
        terminated: flag("terminated"),
        expired: flag("expired"),
        root_id: text("root_id"),
        parent_id: text("parent_id"),
    })
}

fn bounded(text: &str) -> String {
    if text.len() <= MAX_TEXT_BYTES {
        return text.to_owned();
    }
    let mut end = MAX_TEXT_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

#[allow(clippy::cast_possible_truncation)] // microseconds since 1970 fit an i128 with room to spare
fn from_epoch_seconds(seconds: f64) -> Option<OffsetDateTime> {
    if !seconds.is_finite() {
        return None;
    }
    OffsetDateTime::from_unix_timestamp_nanos((seconds * 1e6).round() as i128 * 1000).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_batch_of_task_events_is_read_in_order_and_worker_events_are_left_out() {
        let body = json!([
            {"type": "task-received", "uuid": "a", "name": "tasks.add", "args": "(2, 3)", "kwargs": "{}",
             "retries": 0, "hostname": "celery@box", "timestamp": 1_700_000_000.25, "root_id": "a", "parent_id": null},
            {"type": "worker-heartbeat", "hostname": "celery@box"},
            {"type": "task-started", "uuid": "a", "hostname": "celery@box", "timestamp": 1_700_000_000.5},
            {"type": "task-succeeded", "uuid": "a", "result": "5", "runtime": 0.01},
        ]);
        let events = parse_events(&body);
        let kinds: Vec<_> = events.iter().map(|e| e.kind).collect();
        assert_eq!(kinds, [TaskEventKind::Received, TaskEventKind::Started, TaskEventKind::Succeeded]);
        assert_eq!(events[0].name.as_deref(), Some("tasks.add"));
        assert_eq!(events[0].timestamp.unwrap().unix_timestamp_nanos(), 1_700_000_000_250_000_000);
        assert_eq!(events[2].result.as_deref(), Some("5"));
    }

    #[test]
    fn a_revoke_that_killed_the_process_says_so() {
        let body = json!({"type": "task-revoked", "uuid": "b", "terminated": true, "signum": 15, "expired": false});
        let [event] = parse_events(&body).try_into().unwrap();
        assert!(event.terminated && !event.expired);
    }
}
