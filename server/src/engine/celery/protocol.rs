//! Celery's task message, protocol 2 with the JSON serializer, written by
//! hand from `celery/app/amqp.py` (`as_task_v2`) and checked field by field
//! against what Python's `send_task` puts on the wire (the fixtures in
//! `server/tests/celery/fixtures/`, made by `capture.py`).
//!
//! The body must be exactly `[args, kwargs, embed]`: a worker that cannot
//! unpack it crashes on the message and the broker hands it out again.

use super::error::CeleryError;
use super::message::{Outgoing, PERSISTENT};
use super::repr::{args_repr, kwargs_repr};
use serde_json::{Map, Value, json};
use std::fmt::Write as _;
use std::time::Duration;
use time::{OffsetDateTime, UtcOffset};
use uuid::Uuid;

/// The header the Python task reads as `self.request.task_starter_user`.
pub const USER_HEADER: &str = "task_starter_user";
/// The header the Python task reads as `self.request.task_starter_run_as`.
pub const RUN_AS_HEADER: &str = "task_starter_run_as";
/// A body larger than this is refused before it reaches the broker
/// (RabbitMQ's default `max_message_size` is 16 MiB).
pub const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;
/// AMQP short strings (queue, routing key, task name in events) end at 255 bytes.
pub const MAX_NAME_BYTES: usize = 255;

/// One task to start on a Celery worker.
#[derive(Clone, Debug, PartialEq)]
pub struct TaskMessage {
    /// The Celery task id (Task Starter's run id).
    pub id: Uuid,
    /// The registered task name, e.g. `proj.tasks.add`.
    pub task: String,
    pub args: Vec<Value>,
    pub kwargs: Map<String, Value>,
    /// The queue (and so the routing key) the message goes to.
    pub queue: String,
    /// Celery's hard time limit: the worker kills the task after it.
    pub time_limit: Option<Duration>,
    /// Celery's soft time limit: `SoftTimeLimitExceeded` is raised in the task.
    pub soft_time_limit: Option<Duration>,
    /// How many times this task has been retried already (0 for a start).
    pub retries: u32,
    /// The message priority; `None` sends Celery's default 0.
    pub priority: Option<u8>,
    /// After this the worker revokes the task instead of running it.
    pub expires: Option<OffsetDateTime>,
    /// Who started the run.
    pub user: Option<String>,
    /// As whom the run was started, when someone started it for another.
    pub run_as: Option<String>,
    /// Who sent it, in Celery's `origin` header (`gen<pid>@<host>` from Python).
    pub origin: String,
}

impl TaskMessage {
    /// A message with no arguments, limits or people; set the fields you need.
    pub fn new(id: Uuid, task: impl Into<String>, queue: impl Into<String>) -> TaskMessage {
        TaskMessage {
            id,
            task: task.into(),
            args: Vec::new(),
            kwargs: Map::new(),
            queue: queue.into(),
            time_limit: None,
            soft_time_limit: None,
            retries: 0,
            priority: None,
            expires: None,
            user: None,
            run_as: None,
            origin: "task-starter".to_owned(),
        }
    }

    /// The message as Celery's protocol 2 lays it out; `now` fixes the
    /// AMQP expiration that `expires` implies.
    pub fn encode(&self, now: OffsetDateTime) -> Result<Outgoing, CeleryError> {
        check_name("task name", &self.task)?;
        check_name("queue", &self.queue)?;
        let id = self.id.to_string();
        let embed = json!({"callbacks": null, "errbacks": null, "chain": null, "chord": null});
        let body = serde_json::to_vec(&(&self.args, &self.kwargs, embed))?;
        if body.len() > MAX_BODY_BYTES {
            return Err(CeleryError::Encode(format!(
                "the arguments take {} bytes, more than the {MAX_BODY_BYTES} a message may carry",
                body.len()
            )));
        }
        let mut headers = Map::new();
        headers.insert("lang".into(), json!("py"));
        headers.insert("task".into(), json!(self.task));
        headers.insert("id".into(), json!(id));
        headers.insert("shadow".into(), Value::Null);
        headers.insert("eta".into(), Value::Null);
        headers.insert("expires".into(), self.expires.map_or(Value::Null, |at| json!(python_isoformat(at))));
        headers.insert("group".into(), Value::Null);
        headers.insert("group_index".into(), Value::Null);
        headers.insert("retries".into(), json!(self.retries));
        // Celery's order is [hard, soft].
        headers.insert("timelimit".into(), json!([seconds(self.time_limit), seconds(self.soft_time_limit)]));
        headers.insert("root_id".into(), json!(id));
        headers.insert("parent_id".into(), Value::Null);
        headers.insert("argsrepr".into(), json!(args_repr(&self.args)));
        headers.insert("kwargsrepr".into(), json!(kwargs_repr(&self.kwargs)));
        headers.insert("origin".into(), json!(self.origin));
        // None, not false: the worker then keeps the task's own `ignore_result`.
        headers.insert("ignore_result".into(), Value::Null);
        headers.insert("replaced_task_nesting".into(), json!(0));
        headers.insert("stamped_headers".into(), Value::Null);
        headers.insert("stamps".into(), json!({}));
        if let Some(user) = &self.user {
            headers.insert(USER_HEADER.into(), json!(user));
        }
        if let Some(run_as) = &self.run_as {
            headers.insert(RUN_AS_HEADER.into(), json!(run_as));
        }
        Ok(Outgoing {
            body,
            headers,
            correlation_id: Some(id),
            reply_to: Some(String::new()),
            delivery_mode: PERSISTENT,
            priority: self.priority.unwrap_or(0),
            expiration_ms: self.expires.map(|at| expiration_ms(at, now)),
        })
    }
}

fn check_name(what: &str, name: &str) -> Result<(), CeleryError> {
    if name.is_empty() || name.len() > MAX_NAME_BYTES {
        return Err(CeleryError::Encode(format!("the {what} must be 1 to {MAX_NAME_BYTES} bytes")));
    }
    Ok(())
}

/// Whole seconds as an integer (as Python callers pass them), else a float.
fn seconds(limit: Option<Duration>) -> Value {
    match limit {
        None => Value::Null,
        Some(limit) if limit.subsec_nanos() == 0 => json!(limit.as_secs()),
        Some(limit) => json!(limit.as_secs_f64()),
    }
}

/// Milliseconds from `now` to `at`, 0 when already past (as Celery does).
fn expiration_ms(at: OffsetDateTime, now: OffsetDateTime) -> u64 {
    u64::try_from((at - now).whole_milliseconds()).unwrap_or(0)
}

/// `datetime.isoformat()` of an aware UTC datetime: microseconds only when
/// there are any, and `+00:00`.
fn python_isoformat(at: OffsetDateTime) -> String {
    let at = at.to_offset(UtcOffset::UTC);
    let mut text = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    );
    if at.microsecond() != 0 {
        let _ = write!(text, ".{:06}", at.microsecond());
    }
    text.push_str("+00:00");
    text
}
