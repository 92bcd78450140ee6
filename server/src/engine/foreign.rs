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
fn arguments(celery: &CeleryTask, event: &TaskEvent) -> Value {
    let args_text = event.args.clone().unwrap_or_else(|| "()".to_owned());
    let kwargs_text = event.kwargs.clone().unwrap_or_else(|| "{}".to_owned());
    let args = pyliteral::parse(&args_text);
    let kwargs = pyliteral::parse(&kwargs_text);
    if let (Some(Value::Array(args)), Some(Value::Object(kwargs))) = (&args, &kwargs)
        && let Some(named) = celery.named_arguments(args, kwargs)
    {
        return named;
    }
    let mut kept = Map::new();
    kept.insert("args".to_owned(), args.unwrap_or(Value::String(args_text)));
    kept.insert("kwargs".to_owned(), kwargs.unwrap_or(Value::String(kwargs_text)));
    json!(kept)
}
