//! Runs that other code sent: a worker's `task-received` event about a
//! declared Celery task that no run here follows becomes a run of origin
//! `external` under the Celery task id, marked as handed off, so that the
//! Celery runner follows it to its end (and never sends it again). Its
//! arguments are named through the task's `positional`, or kept as
//! `{args, kwargs}` when they do not map. A task id that is not a UUID, or
//! one already in the history (a run sent from here, seen by another
//! process), is left alone.

use super::celery::{CeleryTask, TaskEvent, pyliteral};
use super::run::NewRun;
use super::{Shared, lifecycle, store};
use serde_json::{Map, Value, json};
use std::sync::Arc;
use tokio::sync::mpsc;
use types::{Actor, ActorKind, Origin, RunId};
use uuid::Uuid;

/// Records each foreign task as it comes, until the channel closes.
pub async fn record_loop(engine: Arc<Shared>, mut foreign: mpsc::Receiver<TaskEvent>) {
    while let Some(event) = foreign.recv().await {
        let Some(run) = foreign_run(&engine, &event) else { continue };
        match store::insert_handed_off(&engine.db, &run).await {
            Ok(()) => {
                tracing::info!(run = %run.id, task = %run.task, "recorded a Celery task sent by other code");
                lifecycle::runs_started(&engine, [&run]);
            }
            // Most often the id is known already: a run of ours that another process follows.
            Err(error) => tracing::debug!(run = %run.id, %error, "did not record a foreign Celery task"),
        }
    }
}

fn foreign_run(engine: &Shared, event: &TaskEvent) -> Option<NewRun> {
    let (task, celery) = engine.catalog.celery_task(event.name.as_deref()?)?;
    let id = Uuid::parse_str(&event.task_id).ok()?;
    let sender = event.hostname.clone().unwrap_or_else(|| "celery".to_owned());
    let mut run = NewRun::pending(
        &task.info.path,
        arguments(celery, event),
        Actor { kind: ActorKind::External, name: sender },
        Origin::External,
        1,
    );
    run.id = RunId(id);
    Some(run)
}

/// The run's arguments: named when the reprs read back and fit the task.
/// Text with a NUL character (which PostgreSQL cannot store) is kept as the
/// reprs, without it.
fn arguments(celery: &CeleryTask, event: &TaskEvent) -> Value {
    let args_text = event.args.clone().unwrap_or_else(|| "()".to_owned());
    let kwargs_text = event.kwargs.clone().unwrap_or_else(|| "{}".to_owned());
    let args = pyliteral::parse(&args_text).filter(|value| !holds_nul(value));
    let kwargs = pyliteral::parse(&kwargs_text).filter(|value| !holds_nul(value));
    if let (Some(Value::Array(args)), Some(Value::Object(kwargs))) = (&args, &kwargs)
        && let Some(named) = celery.named_arguments(args, kwargs)
    {
        return named;
    }
    let without_nul = |text: String| Value::String(text.replace('\0', ""));
    let mut kept = Map::new();
    kept.insert("args".to_owned(), args.unwrap_or_else(|| without_nul(args_text)));
    kept.insert("kwargs".to_owned(), kwargs.unwrap_or_else(|| without_nul(kwargs_text)));
    json!(kept)
}

fn holds_nul(value: &Value) -> bool {
    value.to_string().contains("\\u0000")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::celery::TaskEventKind;
    use std::time::Duration;

    fn event(args: &str, kwargs: &str) -> TaskEvent {
        TaskEvent {
            kind: TaskEventKind::Received,
            task_id: Uuid::nil().to_string(),
            name: Some("tasks.add".to_owned()),
            args: Some(args.to_owned()),
            kwargs: Some(kwargs.to_owned()),
            result: None,
            exception: None,
            traceback: None,
            timestamp: None,
            hostname: None,
            retries: None,
            runtime: None,
            terminated: false,
            expired: false,
            root_id: None,
            parent_id: None,
        }
    }

    fn add() -> CeleryTask {
        CeleryTask {
            name: "tasks.add".to_owned(),
            queue: "celery".to_owned(),
            positional: vec!["a".to_owned(), "b".to_owned()],
            failure_exception: "TaskFailure".to_owned(),
            time_limit: Some(Duration::from_secs(1)),
        }
    }

    #[test]
    fn arguments_are_named_or_kept_as_sent() {
        assert_eq!(arguments(&add(), &event("(4, 5)", "{}")), json!({"a": 4, "b": 5}));
        assert_eq!(arguments(&add(), &event("(1, 2, 3)", "{}")), json!({"args": [1, 2, 3], "kwargs": {}}));
        assert_eq!(arguments(&add(), &event("(<object>,)", "{}")), json!({"args": "(<object>,)", "kwargs": {}}));
    }

    #[test]
    fn a_nul_character_never_reaches_the_database() {
        let kept = arguments(&add(), &event("('a\\x00b',)", "{}"));
        assert_eq!(kept, json!({"args": "('a\\x00b',)", "kwargs": {}}), "the repr, which holds no NUL itself");
        let raw = arguments(&add(), &event("('a\0b'", "{}"));
        assert_eq!(raw, json!({"args": "('ab'", "kwargs": {}}));
    }
}
