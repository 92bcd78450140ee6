//! A Celery task as the config declares it (`kind = "celery"`): how a run's
//! arguments object becomes Celery's `args` and `kwargs`, and how what the
//! result backend records becomes the run's outcome, by the original's
//! rules (a value is success, the handled-failure exception is failure with
//! its message as result, any other exception is a crash).

use super::backend::{CeleryException, TaskState};
use super::protocol::TaskMessage;
use crate::engine::task::{TaskError, TaskResult};
use serde_json::{Map, Value};
use std::time::Duration;
use uuid::Uuid;

/// The exception class whose message is a handled failure, unless configured.
pub const DEFAULT_FAILURE_EXCEPTION: &str = "TaskFailure";

/// One declared Celery task.
#[derive(Clone, Debug, PartialEq)]
pub struct CeleryTask {
    /// The name the workers registered it under.
    pub name: String,
    pub queue: String,
    /// Argument names sent as positional arguments, in order.
    pub positional: Vec<String>,
    /// The exception class (its name, without the module) of handled failures.
    pub failure_exception: String,
    /// Celery's hard time limit (the task's `timeout`).
    pub time_limit: Option<Duration>,
}

/// Who a message says started the run.
pub struct Starter<'a> {
    pub user: &'a str,
    pub run_as: Option<&'a str>,
}

impl CeleryTask {
    /// The message that starts run `id` with `arguments` (an object). The
    /// positional names take their values in order and stop at the first
    /// one left out, so the Python defaults apply to the rest; every other
    /// property goes as a keyword argument.
    pub fn message(&self, id: Uuid, arguments: &Value, starter: &Starter<'_>) -> Result<TaskMessage, String> {
        let mut kwargs: Map<String, Value> = match arguments {
            Value::Object(object) => object.clone(),
            Value::Null => Map::new(),
            _ => return Err("the arguments of a Celery task are an object".to_owned()),
        };
        let mut args = Vec::new();
        let mut missing: Option<&str> = None;
        for name in &self.positional {
            match (kwargs.remove(name), missing) {
                (Some(value), None) => args.push(value),
                (Some(_), Some(gap)) => {
                    return Err(format!("{name:?} is given but the positional argument {gap:?} before it is not"));
                }
                (None, _) => missing = missing.or(Some(name)),
            }
        }
        let mut message = TaskMessage::new(id, &self.name, &self.queue);
        message.args = args;
        message.kwargs = kwargs;
        message.time_limit = self.time_limit;
        message.user = Some(starter.user.to_owned());
        message.run_as = starter.run_as.map(str::to_owned);
        Ok(message)
    }

    /// Maps arguments a Python caller sent back to the names the form uses:
    /// positional values to `positional`'s names, keywords as they are.
    /// `None` when they do not fit (more positional values than names).
    pub fn named_arguments(&self, args: &[Value], kwargs: &Map<String, Value>) -> Option<Value> {
        if args.len() > self.positional.len() {
            return None;
        }
        let mut named = kwargs.clone();
        for (name, value) in self.positional.iter().zip(args) {
            if named.insert(name.clone(), value.clone()).is_some() {
                return None;
            }
        }
        Some(Value::Object(named))
    }

    /// The run's outcome for a recorded state; `None` while it has not ended.
    pub fn outcome(&self, state: &TaskState) -> Option<TaskResult> {
        match state {
            TaskState::Success { result } => Some(Ok(match result {
                Value::Null => None,
                Value::String(text) => Some(text.clone()),
                other => Some(other.to_string()),
            })),
            TaskState::Failure(exception) => Some(Err(self.failure(exception))),
            TaskState::Revoked => Some(Err(TaskError::Cancelled("Revoked on the Celery cluster.".to_owned()))),
            TaskState::Pending | TaskState::Started { .. } | TaskState::Retry(_) | TaskState::Custom { .. } => None,
        }
    }

    fn failure(&self, exception: &CeleryException) -> TaskError {
        if exception.exc_type.rsplit('.').next() == Some(self.failure_exception.as_str()) {
            TaskError::Failure(exception.message())
        } else if exception.is_not_registered() {
            TaskError::crash(
                "not_registered",
                format!("No Celery worker knows the task {:?}: {}", self.name, exception.summary()),
            )
        } else if exception.is_time_limit() {
            TaskError::crash("timeout", exception.summary())
        } else {
            TaskError::crash(exception.exc_type.clone(), exception.summary())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn task() -> CeleryTask {
        CeleryTask {
            name: "solution_xxx.tasks.my_task_file.my_task".to_owned(),
            queue: "celery".to_owned(),
            positional: vec!["number".to_owned(), "numberx".to_owned()],
            failure_exception: DEFAULT_FAILURE_EXCEPTION.to_owned(),
            time_limit: Some(Duration::from_secs(30)),
        }
    }

    const ALICE: Starter<'static> = Starter { user: "alice", run_as: Some("batch") };

    #[test]
    fn positional_names_go_in_order_and_the_rest_as_keywords() {
        let message = task().message(Uuid::nil(), &json!({"numberx": 66, "number": 55, "note": "é"}), &ALICE).unwrap();
        assert_eq!(message.args, vec![json!(55), json!(66)]);
        assert_eq!(Value::Object(message.kwargs), json!({"note": "é"}));
        assert_eq!(message.user.as_deref(), Some("alice"));
        assert_eq!(message.run_as.as_deref(), Some("batch"));
        assert_eq!(message.time_limit, Some(Duration::from_secs(30)));
    }

    #[test]
    fn a_left_out_positional_leaves_the_python_default_unless_a_later_one_is_given() {
        let message = task().message(Uuid::nil(), &json!({"number": 1}), &ALICE).unwrap();
        assert_eq!(message.args, vec![json!(1)]);
        let error = task().message(Uuid::nil(), &json!({"numberx": 2}), &ALICE).unwrap_err();
        assert!(error.contains("\"number\""), "{error}");
        assert!(task().message(Uuid::nil(), &json!([1, 2]), &ALICE).is_err());
    }

    #[test]
    fn arguments_sent_from_python_map_back_to_names_when_they_fit() {
        let kwargs = json!({"note": "x"}).as_object().unwrap().clone();
        assert_eq!(
            task().named_arguments(&[json!(55), json!(66)], &kwargs),
            Some(json!({"number": 55, "numberx": 66, "note": "x"}))
        );
        assert_eq!(task().named_arguments(&[json!(1), json!(2), json!(3)], &kwargs), None);
        let clash = json!({"number": 1}).as_object().unwrap().clone();
        assert_eq!(task().named_arguments(&[json!(2)], &clash), None);
    }

    fn exception(exc_type: &str, module: &str, message: &str) -> TaskState {
        TaskState::Failure(CeleryException {
            exc_type: exc_type.to_owned(),
            exc_module: Some(module.to_owned()),
            args: vec![json!(message)],
            traceback: None,
        })
    }

    #[test]
    fn outcomes_follow_the_originals_rules() {
        let task = task();
        assert_eq!(task.outcome(&TaskState::Success { result: json!("done") }), Some(Ok(Some("done".to_owned()))));
        assert_eq!(task.outcome(&TaskState::Success { result: json!(121) }), Some(Ok(Some("121".to_owned()))));
        assert_eq!(task.outcome(&TaskState::Success { result: Value::Null }), Some(Ok(None)));
        assert_eq!(
            task.outcome(&exception("TaskFailure", "tasks", "no such customer")),
            Some(Err(TaskError::Failure("no such customer".to_owned())))
        );
        assert_eq!(
            task.outcome(&exception("ValueError", "builtins", "kaboom")),
            Some(Err(TaskError::crash("ValueError", "ValueError: kaboom")))
        );
        let Some(Err(TaskError::Crash { kind, .. })) =
            task.outcome(&exception("NotRegistered", "celery.exceptions", "'x'"))
        else {
            panic!("not a crash")
        };
        assert_eq!(kind, "not_registered");
        assert!(matches!(task.outcome(&TaskState::Revoked), Some(Err(TaskError::Cancelled(_)))));
        assert_eq!(task.outcome(&TaskState::Started { hostname: None, pid: None }), None);
    }
}
