//! Tasks: listing them, and starting runs (as the caller or as the
//! impersonation user), one at a time, in bulk, or again.

use super::{Service, ServiceError, require};
use crate::engine::{CatalogTask, NewRun, new_run};
use std::sync::Arc;
use types::{Actor, Origin, Principal, Role, Run, RunAs, RunId, StartRequest, Task, TaskKind};

impl Service {
    /// The tasks the config shows, in its order.
    pub fn list_tasks(&self, principal: &Principal) -> Result<Vec<Task>, ServiceError> {
        require(principal, Role::Viewer)?;
        Ok(self.engine.catalog().list().map(|task| self.engine.task_info(task)).collect())
    }

    pub fn task(&self, principal: &Principal, path: &str) -> Result<Task, ServiceError> {
        require(principal, Role::Viewer)?;
        Ok(self.engine.task_info(self.catalog_task(path)?))
    }

    pub(super) fn catalog_task(&self, path: &str) -> Result<&Arc<CatalogTask>, ServiceError> {
        self.engine.catalog().get(path).ok_or_else(|| ServiceError::not_found(format_args!("task {path:?}")))
    }

    /// Starts a run of `path`; it is pending when this returns.
    pub async fn start(
        &self,
        principal: &Principal,
        path: &str,
        request: StartRequest,
        origin: Origin,
    ) -> Result<Run, ServiceError> {
        if let Some(original) = request.rerun_of {
            self.check_rerun_of(path, original).await?;
        }
        let run =
            self.prepare_start(principal, path, request.arguments, request.run_as.into(), origin, request.rerun_of)?;
        self.insert(principal, run).await
    }

    /// A start linked to an earlier run ("edit and run again") must name a
    /// run of the same task. One trimmed from the history since is no
    /// longer known; the link is kept all the same.
    async fn check_rerun_of(&self, path: &str, original: RunId) -> Result<(), ServiceError> {
        match self.find_run(original).await {
            Ok(run) if run.task != path => Err(ServiceError::Unprocessable(format!(
                "rerun_of: run {original} is a run of {}, not of {path}.",
                run.task
            ))),
            Ok(_) | Err(ServiceError::NotFound(_)) => Ok(()),
            Err(error) => Err(error),
        }
    }

    /// Starts a run as any user (`None`: as the caller); admins only, for the command line.
    pub async fn start_as(
        &self,
        principal: &Principal,
        path: &str,
        arguments: serde_json::Value,
        run_as: Option<String>,
        origin: Origin,
    ) -> Result<Run, ServiceError> {
        let whom = match run_as {
            Some(user) => {
                require(principal, Role::Admin)?;
                Whom::User(user)
            }
            None => Whom::Caller,
        };
        let run = self.prepare_start(principal, path, arguments, whom, origin, None)?;
        self.insert(principal, run).await
    }

    /// Starts many runs of `path` in one transaction (all or none).
    pub async fn start_many(
        &self,
        principal: &Principal,
        path: &str,
        requests: Vec<StartRequest>,
        origin: Origin,
    ) -> Result<Vec<Run>, ServiceError> {
        let runs = requests
            .into_iter()
            .map(|request| {
                self.prepare_start(principal, path, request.arguments, request.run_as.into(), origin, request.rerun_of)
            })
            .collect::<Result<Vec<_>, _>>()?;
        self.spend(principal, runs.len() as u64)?;
        self.engine.start_many(&runs, &Self::start_entries(principal, &runs)).await?;
        Ok(runs.iter().map(NewRun::to_run).collect())
    }

    /// Starts a new run with the arguments of run `id`, linked to it.
    pub async fn rerun(&self, principal: &Principal, id: RunId) -> Result<Run, ServiceError> {
        require(principal, Role::Operator)?;
        let original = self.find_run(id).await?;
        let run = self.prepare_rerun(principal, original, Origin::Rerun)?;
        self.insert(principal, run).await
    }

    /// The new run of a re-run of `original` (`origin`: one re-run, or a
    /// bulk one). It runs as the same impersonated user if the caller may
    /// do that; else as the caller.
    pub(super) fn prepare_rerun(
        &self,
        principal: &Principal,
        original: Run,
        origin: Origin,
    ) -> Result<NewRun, ServiceError> {
        let impersonated = original.run_as.is_some()
            && original.run_as.as_deref() == self.impersonation_for(principal)
            && original.run_as.as_deref() != Some(principal.name.as_str());
        let whom = if impersonated { Whom::Impersonated } else { Whom::Caller };
        self.prepare_start(principal, &original.task, original.arguments, whom, origin, Some(original.id))
    }

    /// Inserts a prepared run (grouped with concurrent starts), and records it.
    async fn insert(&self, principal: &Principal, run: NewRun) -> Result<Run, ServiceError> {
        self.spend(principal, 1)?;
        let shown = run.to_run();
        let entry = Self::start_entries(principal, std::slice::from_ref(&run)).pop();
        self.engine.start(run, entry).await?;
        Ok(shown)
    }

    /// Checks a start and makes its row: role, task, kind, arguments, run-as.
    fn prepare_start(
        &self,
        principal: &Principal,
        path: &str,
        arguments: serde_json::Value,
        whom: Whom,
        origin: Origin,
        rerun_of: Option<RunId>,
    ) -> Result<NewRun, ServiceError> {
        require(principal, Role::Operator)?;
        let task = self.catalog_task(path)?;
        if task.info.kind == TaskKind::External {
            return Err(ServiceError::Conflict(format!(
                "{path} is an external task: another system runs it and registers its runs with POST /api/v1/runs."
            )));
        }
        let errors = task.check_arguments(&arguments);
        if !errors.is_empty() {
            return Err(ServiceError::InvalidArguments(errors));
        }
        let run_as = match whom {
            Whom::Caller => principal.name.clone(),
            Whom::User(user) => user,
            Whom::Impersonated => {
                let Some(user) = self.config.impersonate_user.clone() else {
                    return Err(ServiceError::Conflict("No impersonation user is configured.".to_owned()));
                };
                if self.impersonation_for(principal).is_none() {
                    return Err(ServiceError::Forbidden(format!(
                        "The {} role may not start tasks as {user}.",
                        principal.role
                    )));
                }
                user
            }
        };
        let started_by = Actor { kind: principal.kind, name: principal.name.clone() };
        Ok(new_run(task, arguments, started_by, Some(run_as), origin, rerun_of))
    }
}

/// Whose name a run runs under.
enum Whom {
    Caller,
    Impersonated,
    User(String),
}

impl From<RunAs> for Whom {
    fn from(run_as: RunAs) -> Whom {
        match run_as {
            RunAs::Me => Whom::Caller,
            RunAs::Impersonated => Whom::Impersonated,
        }
    }
}
