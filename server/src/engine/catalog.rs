//! The catalog: the tasks this server shows and runs, made from the registry
//! of Rust tasks and the config (settings, command and external tasks, and
//! which tasks are shown). Only catalog tasks can be started or tracked.

use super::celery::CeleryTask;
use super::celery::declared::DEFAULT_FAILURE_EXCEPTION;
use super::command::CommandSpec;
use super::registry::{TaskFn, TaskRegistry};
use super::schema::{ArgumentsValidator, default_arguments};
use crate::config::{Config, DeclaredKind, TaskConfig};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use types::{FieldError, Task, TaskKind};

/// How the engine runs a task.
#[derive(Clone)]
pub enum Runner {
    Function(TaskFn),
    Command(Arc<CommandSpec>),
    /// Never run here: another system reports its runs.
    External,
    /// Published to the Celery broker and followed to its end.
    Celery(Arc<CeleryTask>),
}

/// One task as the engine and the service see it.
pub struct CatalogTask {
    /// What the API shows.
    pub info: Task,
    pub runner: Runner,
    pub timeout: Option<Duration>,
    pub retry_backoff: Duration,
    validator: ArgumentsValidator,
}

impl CatalogTask {
    /// Whether its runs go to a Celery cluster (and come back to the
    /// history, however long ago they were handed off).
    pub fn is_celery(&self) -> bool {
        matches!(self.runner, Runner::Celery(_))
    }

    /// Every way `arguments` breaks the task's schema (empty when they fit).
    pub fn check_arguments(&self, arguments: &serde_json::Value) -> Vec<FieldError> {
        self.validator.check(arguments)
    }
}

/// A config that does not fit the registry; `key` names the config key.
#[derive(Debug, thiserror::Error)]
#[error("{key}: {message}")]
pub struct CatalogError {
    pub key: String,
    pub message: String,
}

/// The tasks of this server, in the order the console lists them.
#[derive(Default)]
pub struct Catalog {
    tasks: BTreeMap<String, Arc<CatalogTask>>,
    shown: Vec<String>,
    default_history: u32,
}

impl Catalog {
    pub fn build(registry: &TaskRegistry, config: &Config) -> Result<Catalog, CatalogError> {
        let mut known: Vec<(String, Arc<CatalogTask>)> = Vec::new();
        for definition in registry.definitions() {
            let settings = config.tasks.get(&definition.path);
            if let Some(TaskConfig { kind: Some(_), .. }) = settings {
                return Err(CatalogError {
                    key: format!("tasks.\"{}\".kind", definition.path),
                    message: "a built-in task has this path; remove `kind` to configure it".to_owned(),
                });
            }
            let own = &definition.settings;
            let task = make_task(
                &definition.path,
                &definition.description,
                definition.arguments_schema.clone(),
                TaskKind::Builtin,
                Runner::Function(Arc::clone(&definition.function)),
                settings.cloned().unwrap_or_default(),
                Defaults {
                    history: own.history.unwrap_or(config.task_history),
                    timeout: own.timeout,
                    max_attempts: own.max_attempts.unwrap_or(1),
                    retry_backoff: own.retry_backoff.unwrap_or(Duration::from_secs(1)),
                },
            )?;
            known.push((definition.path.clone(), Arc::new(task)));
        }
        for (path, settings) in &config.tasks {
            let (kind, runner) = match settings.kind {
                Some(DeclaredKind::Command) => (
                    TaskKind::Command,
                    Runner::Command(Arc::new(CommandSpec {
                        program: settings.command.clone(),
                        working_dir: settings.working_dir.clone(),
                        env: settings.env.clone(),
                        inherit_env: config.worker.command_env.clone(),
                    })),
                ),
                Some(DeclaredKind::External) => (TaskKind::External, Runner::External),
                Some(DeclaredKind::Celery) => (
                    TaskKind::Celery,
                    Runner::Celery(Arc::new(CeleryTask {
                        name: settings.celery_name.clone().unwrap_or_else(|| path.clone()),
                        queue: settings.queue.clone().unwrap_or_else(|| config.celery.default_queue.clone()),
                        positional: settings.positional.clone(),
                        failure_exception: settings
                            .failure_exception
                            .clone()
                            .unwrap_or_else(|| DEFAULT_FAILURE_EXCEPTION.to_owned()),
                        time_limit: settings.timeout.map(|timeout| timeout.0),
                    })),
                ),
                None if known.iter().any(|(known_path, _)| known_path == path) => continue,
                None => {
                    return Err(CatalogError {
                        key: format!("tasks.\"{path}\""),
                        message:
                            "no built-in task has this path; set kind = \"command\" or \"external\" to declare one"
                                .to_owned(),
                    });
                }
            };
            let schema = settings.arguments_schema.clone().unwrap_or_else(|| serde_json::json!({"type": "object"}));
            let description = settings.description.clone().unwrap_or_default();
            let defaults = Defaults {
                history: config.task_history,
                timeout: None,
                max_attempts: 1,
                retry_backoff: Duration::from_secs(1),
            };
            let task = make_task(path, &description, schema, kind, runner, settings.clone(), defaults)?;
            known.push((path.clone(), Arc::new(task)));
        }
        let shown = match &config.show_tasks {
            None => known.iter().map(|(path, _)| path.clone()).collect(),
            Some(list) => {
                if let Some(unknown) = list.iter().find(|path| !known.iter().any(|(known_path, _)| known_path == *path))
                {
                    return Err(CatalogError {
                        key: "show_tasks".to_owned(),
                        message: format!("{unknown:?} is neither a built-in task nor declared under [tasks]"),
                    });
                }
                list.clone()
            }
        };
        let tasks: BTreeMap<_, _> = known.into_iter().filter(|(path, _)| shown.contains(path)).collect();
        for (index, schedule) in config.schedules.iter().enumerate() {
            let runnable = tasks.get(&schedule.task).is_some_and(|task| !matches!(task.runner, Runner::External));
            if !runnable {
                return Err(CatalogError {
                    key: format!("schedules[{index}].task"),
                    message: format!("{:?} is not a task this server shows and runs", schedule.task),
                });
            }
        }
        Ok(Catalog { tasks, shown, default_history: config.task_history })
    }

    pub fn get(&self, path: &str) -> Option<&Arc<CatalogTask>> {
        self.tasks.get(path)
    }

    /// The tasks in the order the console lists them.
    pub fn list(&self) -> impl Iterator<Item = &Arc<CatalogTask>> {
        self.shown.iter().filter_map(|path| self.tasks.get(path))
    }

    /// The paths whose runs this server's workers execute in process.
    pub fn runnable_paths(&self) -> Vec<String> {
        self.list()
            .filter(|task| matches!(task.runner, Runner::Function(_) | Runner::Command(_)))
            .map(|task| task.info.path.clone())
            .collect()
    }

    /// The paths of Celery tasks, whose runs the Celery runner follows.
    pub fn celery_paths(&self) -> Vec<String> {
        self.list().filter(|task| task.is_celery()).map(|task| task.info.path.clone()).collect()
    }

    /// The Celery task whose registered name is `name`.
    pub fn celery_task(&self, name: &str) -> Option<(&Arc<CatalogTask>, &CeleryTask)> {
        self.list().find_map(|task| match &task.runner {
            Runner::Celery(celery) if celery.name == name => Some((task, celery.as_ref())),
            _ => None,
        })
    }

    /// How many runs of `path` are kept (the global default for unknown paths).
    pub fn history_limit(&self, path: &str) -> u32 {
        self.get(path).map_or(self.default_history, |task| task.info.history_limit)
    }
}

/// What a task's settings fall back to when the config leaves them out.
struct Defaults {
    history: u32,
    timeout: Option<Duration>,
    max_attempts: u32,
    retry_backoff: Duration,
}

fn make_task(
    path: &str,
    description: &str,
    schema: serde_json::Value,
    kind: TaskKind,
    runner: Runner,
    settings: TaskConfig,
    defaults: Defaults,
) -> Result<CatalogTask, CatalogError> {
    let validator = ArgumentsValidator::new(&schema).map_err(|error| CatalogError {
        key: format!("tasks.\"{path}\".arguments_schema"),
        message: format!("not a schema Task Starter checks: {error}"),
    })?;
    let timeout = settings.timeout.map(|timeout| timeout.0).or(defaults.timeout);
    let max_attempts = settings.max_attempts.unwrap_or(defaults.max_attempts).max(1);
    let info = Task {
        path: path.to_owned(),
        description: description.to_owned(),
        default_arguments: default_arguments(&schema),
        arguments_schema: schema,
        history_limit: settings.history.unwrap_or(defaults.history).max(1),
        kind,
        max_attempts,
        timeout_ms: timeout.map(|timeout| u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX)),
        no_worker: false,
    };
    Ok(CatalogTask {
        info,
        runner,
        timeout,
        retry_backoff: settings.retry_backoff.map_or(defaults.retry_backoff, |backoff| backoff.0),
        validator,
    })
}
