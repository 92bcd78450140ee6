//! The Redis result backend the workers write (`celery/backends/redis.py`,
//! `base.py`): one JSON string per task under `celery-task-meta-<id>`,
//! `{"status", "result", "traceback", "date_done", ...}`. Read in batches
//! with MGET, for the reconciler that settles runs whose events were missed.
//!
//! A missing key reads as `Pending`, exactly as Celery's `AsyncResult` does:
//! the task may be queued, unknown, or its record may have expired
//! (`result_expires`, one day by default).

use super::error::CeleryError;
use super::redis_transport::RedisTransport;
use super::repr::args_repr;
use super::url::RedisAddress;
use serde_json::Value;
use std::time::Duration;

/// Celery's `task_keyprefix`.
const TASK_KEY_PREFIX: &str = "celery-task-meta-";
/// Ids read per MGET, so one call never asks Redis for an unbounded reply.
pub const MGET_BATCH: usize = 500;

/// A task's state as the result backend records it.
#[derive(Clone, Debug, PartialEq)]
pub enum TaskState {
    /// No record: queued, unknown, or its record expired.
    Pending,
    /// `task_track_started` is on and a worker began running it.
    Started { hostname: Option<String>, pid: Option<u64> },
    /// It raised `Retry` and waits to run again; the reason is the exception.
    Retry(CeleryException),
    /// It returned; the value as the worker's JSON serializer wrote it.
    Success { result: Value },
    /// It raised (a handled failure, a crash, `NotRegistered`, a time limit).
    Failure(CeleryException),
    /// Revoked before it ran, terminated, or expired.
    Revoked,
    /// Any other state, such as one the task set with `update_state`.
    Custom { state: String, meta: Value },
}

/// An exception as Celery stores it: `{"exc_type", "exc_message": [args], "exc_module"}`.
#[derive(Clone, Debug, PartialEq)]
pub struct CeleryException {
    /// The class's qualified name, e.g. `ValueError` or `TaskFailure`.
    pub exc_type: String,
    /// Its module, e.g. `builtins`, `tasks`, `celery.exceptions`.
    pub exc_module: Option<String>,
    /// The exception's `args`.
    pub args: Vec<Value>,
    /// The formatted Python traceback, when the worker kept one.
    pub traceback: Option<String>,
}

impl CeleryException {
    /// `str(exc)` in Python: the one argument, or the tuple of them.
    pub fn message(&self) -> String {
        match self.args.as_slice() {
            [] => String::new(),
            [Value::String(text)] => text.clone(),
            [other] => other.to_string(),
            args => {
                let list = args_repr(args);
                format!("({})", &list[1..list.len().saturating_sub(1)])
            }
        }
    }

    /// `ValueError: kaboom`, as Python prints the last line of a traceback.
    pub fn summary(&self) -> String {
        let message = self.message();
        if message.is_empty() { self.exc_type.clone() } else { format!("{}: {message}", self.exc_type) }
    }

    /// The worker had no task of that name (`celery.exceptions.NotRegistered`).
    pub fn is_not_registered(&self) -> bool {
        self.exc_type == "NotRegistered" && self.exc_module.as_deref().is_none_or(|m| m == "celery.exceptions")
    }

    /// The worker killed it at its hard time limit.
    pub fn is_time_limit(&self) -> bool {
        self.exc_type == "TimeLimitExceeded"
    }
}

/// The result backend of a Celery app.
pub struct ResultBackend {
    redis: RedisTransport,
}

impl ResultBackend {
    /// The backend at `url` (`redis://host:port/db`). `key_prefix` is the
    /// app's `result_backend_transport_options["global_keyprefix"]`; like
    /// Celery, a `_` is added when it does not end in `:`, `_`, `-` or `.`.
    pub fn new(url: &str, key_prefix: &str, timeout: Duration) -> Result<ResultBackend, CeleryError> {
        let mut prefix = key_prefix.to_owned();
        if prefix.chars().last().is_some_and(|last| !":_-.".contains(last)) {
            prefix.push('_');
        }
        Ok(ResultBackend { redis: RedisTransport::new(RedisAddress::parse(url)?, &prefix, timeout)? })
    }

    /// The state of one task.
    pub async fn state(&self, task_id: &str) -> Result<TaskState, CeleryError> {
        let mut states = self.states(&[task_id]).await?;
        Ok(states.pop().unwrap_or(TaskState::Pending))
    }

    /// The states of many tasks, in the order of `task_ids`.
    pub async fn states<S: AsRef<str>>(&self, task_ids: &[S]) -> Result<Vec<TaskState>, CeleryError> {
        let mut states = Vec::with_capacity(task_ids.len());
        for batch in task_ids.chunks(MGET_BATCH) {
            let mut command = redis::cmd("MGET");
            for id in batch {
                command.arg(self.redis.key(&format!("{TASK_KEY_PREFIX}{}", id.as_ref())));
            }
            let values: Vec<Option<Vec<u8>>> = self.redis.run(&command).await?;
            for value in values {
                states.push(match value {
                    None => TaskState::Pending,
                    Some(bytes) => parse_meta(&bytes)?,
                });
            }
        }
        Ok(states)
    }
}

/// One `celery-task-meta-*` value.
pub fn parse_meta(bytes: &[u8]) -> Result<TaskState, CeleryError> {
    let meta: Value = serde_json::from_slice(bytes)
        .map_err(|e| CeleryError::Malformed(format!("a result that is not JSON (is result_serializer json?): {e}")))?;
    let status = meta.get("status").and_then(Value::as_str).unwrap_or("PENDING");
    let result = meta.get("result").cloned().unwrap_or(Value::Null);
    let traceback = meta.get("traceback").and_then(Value::as_str).map(str::to_owned);
    Ok(match status {
        "PENDING" => TaskState::Pending,
        "STARTED" => TaskState::Started {
            hostname: result.get("hostname").and_then(Value::as_str).map(str::to_owned),
            pid: result.get("pid").and_then(Value::as_u64),
        },
        "SUCCESS" => TaskState::Success { result },
        "FAILURE" => TaskState::Failure(exception(&result, traceback)),
        "RETRY" => TaskState::Retry(exception(&result, traceback)),
        "REVOKED" => TaskState::Revoked,
        other => TaskState::Custom { state: other.to_owned(), meta: result },
    })
}

fn exception(result: &Value, traceback: Option<String>) -> CeleryException {
    let text = |field: &str| result.get(field).and_then(Value::as_str).map(str::to_owned);
    // Celery 4+ stores the exception's args as a list; older ones a string.
    let args = match result.get("exc_message") {
        Some(Value::Array(args)) => args.clone(),
        Some(Value::Null) | None => Vec::new(),
        Some(other) => vec![other.clone()],
    };
    CeleryException {
        exc_type: text("exc_type").unwrap_or_else(|| "Exception".to_owned()),
        exc_module: text("exc_module"),
        args,
        traceback,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_crash_reads_as_python_prints_it() {
        let meta = br#"{"status": "FAILURE", "result": {"exc_type": "ValueError", "exc_message": ["kaboom"],
            "exc_module": "builtins"}, "traceback": "Traceback (most recent call last):\n...", "children": [],
            "date_done": "2026-01-01T00:00:00.000000+00:00", "task_id": "x"}"#;
        let TaskState::Failure(exc) = parse_meta(meta).unwrap() else { panic!() };
        assert_eq!(exc.summary(), "ValueError: kaboom");
        assert!(!exc.is_not_registered());
        assert!(exc.traceback.unwrap().starts_with("Traceback"));
    }

    #[test]
    fn several_exception_arguments_read_as_a_tuple() {
        let exc = exception(&serde_json::json!({"exc_type": "KeyError", "exc_message": ["a", 1]}), None);
        assert_eq!(exc.message(), "('a', 1)");
        let exc = exception(&serde_json::json!({"exc_type": "E", "exc_message": "old style"}), None);
        assert_eq!(exc.message(), "old style");
    }

    #[test]
    fn the_backend_prefix_gets_celerys_separator() {
        let backend = ResultBackend::new("redis://127.0.0.1:6379/11", "app", Duration::from_secs(1)).unwrap();
        assert_eq!(backend.redis.key("k"), "app_k");
        let backend = ResultBackend::new("redis://127.0.0.1:6379/11", "app:", Duration::from_secs(1)).unwrap();
        assert_eq!(backend.redis.key("k"), "app:k");
    }
}
