//! What a task function returns, and how its outcome is classified: a value
//! (success), a [`TaskFailure`] (a handled failure whose message is the
//! result), or any other error or a panic (a failure with no result).

use std::fmt;

/// Return `Err(TaskFailure("...").into())` to end a run in `failure` with the
/// message shown as its result, as the original's `raise TaskFailure(msg)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskFailure(pub String);

impl TaskFailure {
    pub fn new(message: impl Into<String>) -> TaskFailure {
        TaskFailure(message.into())
    }
}

impl fmt::Display for TaskFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// How a task function failed. Any error type converts into it with `?`, as
/// a crash whose kind is the error's type name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TaskError {
    /// A handled failure: the message becomes the run's result.
    Failure(String),
    /// A crash: the run gets no result; kind and message are kept for View info.
    Crash { kind: String, message: String },
    /// The system that ran it stopped it (a Celery revoke): the run ends
    /// cancelled, the message kept for View info.
    Cancelled(String),
}

impl TaskError {
    /// A crash with an explicit kind, e.g. `TaskError::crash("http", "502 from upstream")`.
    pub fn crash(kind: impl Into<String>, message: impl Into<String>) -> TaskError {
        TaskError::Crash { kind: kind.into(), message: message.into() }
    }
}

impl From<TaskFailure> for TaskError {
    fn from(failure: TaskFailure) -> TaskError {
        TaskError::Failure(failure.0)
    }
}

impl<E: std::error::Error + Send + Sync + 'static> From<E> for TaskError {
    fn from(error: E) -> TaskError {
        let mut message = error.to_string();
        let mut source = error.source();
        while let Some(cause) = source {
            message.push_str(": ");
            message.push_str(&cause.to_string());
            source = cause.source();
        }
        TaskError::Crash { kind: std::any::type_name::<E>().to_owned(), message }
    }
}

/// What a task function returns: its result shown as text (`None` for no result).
pub type TaskResult = Result<Option<String>, TaskError>;

/// Turns a task's return value into the text the history shows: a string as
/// it is, `()` as no result, anything else as JSON.
pub fn result_text<R: serde::Serialize>(value: &R) -> Result<Option<String>, TaskError> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::Null) => Ok(None),
        Ok(serde_json::Value::String(text)) => Ok(Some(text)),
        Ok(other) => Ok(Some(other.to_string())),
        Err(error) => Err(TaskError::crash("result", format!("the result could not be shown: {error}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_string_result_is_shown_as_it_is_and_a_number_as_json() {
        assert_eq!(result_text(&"done").unwrap(), Some("done".to_owned()));
        assert_eq!(result_text(&250).unwrap(), Some("250".to_owned()));
        assert_eq!(result_text(&()).unwrap(), None);
    }

    #[test]
    fn any_error_becomes_a_crash_named_after_its_type() {
        let error: TaskError = "x".parse::<i32>().unwrap_err().into();
        let TaskError::Crash { kind, message } = error else { panic!("not a crash") };
        assert_eq!(kind, "core::num::error::ParseIntError");
        assert_eq!(message, "invalid digit found in string");
    }

    #[test]
    fn a_task_failure_is_a_handled_failure() {
        let error: TaskError = TaskFailure::new("no such customer").into();
        assert_eq!(error, TaskError::Failure("no such customer".to_owned()));
    }
}
