//! Runs started elsewhere (the original's `save_task_id`): another system
//! registers a run of an external task under its own id, then reports its
//! state. Registering is idempotent: the same request again is accepted, a
//! different one under a used id is refused.

use super::audit::Entry;
use super::{Service, ServiceError, require};
use crate::engine::store::{self, Report};
use crate::engine::{NewRun, new_run};
use crate::fingerprint::sha256_hex;
use types::{
    Actor, ActorKind, AuditAction, Origin, Principal, ReportRequest, Role, Run, RunError, RunId, RunState, TaskKind,
    TrackRequest,
};

impl Service {
    /// Registers a run that another system started.
    pub async fn track(&self, principal: &Principal, request: TrackRequest) -> Result<Run, ServiceError> {
        require(principal, Role::Operator)?;
        let task = self.catalog_task(&request.task)?;
        if task.info.kind != TaskKind::External {
            return Err(ServiceError::Conflict(format!(
                "{} is not an external task; start its runs with POST /api/v1/tasks/{}/runs.",
                request.task, request.task
            )));
        }
        let errors = task.check_arguments(&request.arguments);
        if !errors.is_empty() {
            return Err(ServiceError::InvalidArguments(errors));
        }
        let state = request.state.unwrap_or(RunState::Pending);
        let fingerprint = fingerprint(&request);
        if let Some(existing) = self.existing_tracked(request.id, &fingerprint).await? {
            return Ok(existing);
        }
        // A registration adds a run as a start does: the same budget.
        self.spend(principal, 1)?;
        let started_by = Actor { kind: ActorKind::External, name: principal.name.clone() };
        let pending = new_run(task, request.arguments.clone(), started_by, None, Origin::External, None);
        let now = pending.created_at;
        let run = NewRun {
            id: request.id,
            state,
            started_at: (state != RunState::Pending).then_some(now),
            finished_at: state.is_finished().then_some(now),
            track_fingerprint: Some(fingerprint.clone()),
            ..pending
        };
        match self.engine.track(&run).await {
            Ok(()) => {
                let entry = Entry::on(run.id).detail(serde_json::json!({ "task": run.task, "state": state }));
                self.record(principal, AuditAction::Register, entry).await;
                Ok(run.to_run())
            }
            // Two identical requests raced: the other one inserted it.
            Err(error) => match self.existing_tracked(request.id, &fingerprint).await? {
                Some(existing) => Ok(existing),
                None => Err(error.into()),
            },
        }
    }

    /// The run registered under `id`, if the same request registered it;
    /// a conflict if a different one did.
    async fn existing_tracked(&self, id: RunId, fingerprint: &str) -> Result<Option<Run>, ServiceError> {
        match store::read::track_fingerprint(self.engine.db(), id).await? {
            None => Ok(None),
            Some(Some(stored)) if stored == fingerprint => Ok(Some(self.find_run(id).await?)),
            Some(_) => Err(ServiceError::Conflict(format!(
                "Run {id} already exists with a different task, arguments or state."
            ))),
        }
    }

    /// An external run reports its state, result and error.
    pub async fn report(&self, principal: &Principal, id: RunId, report: ReportRequest) -> Result<Run, ServiceError> {
        require(principal, Role::Operator)?;
        let run = self.find_run(id).await?;
        if run.origin != Origin::External {
            return Err(ServiceError::Conflict(format!(
                "Run {id} was started here, not elsewhere: its state is reported by its worker."
            )));
        }
        let before = run.state;
        let reported = self.apply_report(run, &report).await?;
        if reported.state != before {
            let detail = serde_json::json!({ "task": reported.task, "before": before, "after": reported.state });
            self.record(principal, AuditAction::Report, Entry::on(id).detail(detail)).await;
        }
        Ok(reported)
    }

    /// Cancelling an external run records it as cancelled (it cannot be stopped from here).
    pub(super) async fn cancel_external(&self, run: Run, principal: &Principal) -> Result<Run, ServiceError> {
        let report = ReportRequest {
            state: RunState::Cancelled,
            result: None,
            error: Some(RunError {
                kind: "cancelled".to_owned(),
                message: format!("Cancelled by {}.", principal.name),
            }),
        };
        self.apply_report(run, &report).await
    }

    async fn apply_report(&self, run: Run, report: &ReportRequest) -> Result<Run, ServiceError> {
        let id = run.id;
        if run.state.is_finished() {
            let same = run.state == report.state && run.result == report.result && run.error == report.error;
            return if same {
                Ok(run)
            } else {
                Err(ServiceError::Conflict(format!("Run {id} has already ended ({}); it cannot change.", run.state)))
            };
        }
        if report.state == RunState::Pending && run.state == RunState::Running {
            return Err(ServiceError::Conflict(format!("Run {id} is running; it cannot go back to pending.")));
        }
        let change = Report {
            state: report.state,
            result: report.result.clone(),
            error_kind: report.error.as_ref().map(|error| error.kind.clone()),
            error_message: report.error.as_ref().map(|error| error.message.clone()),
        };
        if !self.engine.report(id, run.state, &change).await? {
            return Err(ServiceError::Conflict(format!("Run {id} changed meanwhile; read it and try again.")));
        }
        self.find_run(id).await
    }
}

/// A hash of what the registering request said.
fn fingerprint(request: &TrackRequest) -> String {
    let canonical = serde_json::json!({
        "task": request.task,
        "arguments": request.arguments,
        "state": request.state.unwrap_or(RunState::Pending),
    });
    sha256_hex(&canonical.to_string())
}
