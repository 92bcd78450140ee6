//! Runs started elsewhere (the original's `save_task_id`): another system
//! registers a run of an external task under its own id, then reports its
//! state. Registering is idempotent: the same request again is accepted, a
//! different one under a used id is refused.

use super::{Service, ServiceError, convert, require};
use crate::auth::secret::sha256_hex;
use crate::clock::now_micros;
use crate::db::entities::runs;
use crate::engine::{new_run, store};
use sea_orm::ConnectionTrait;
use types::{
    Actor, ActorKind, Origin, Principal, ReportRequest, Role, Run, RunError, RunId, RunState, TaskKind, TrackRequest,
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
        let started_by = Actor { kind: ActorKind::External, name: principal.name.clone() };
        let mut row = new_run(task, request.arguments.clone(), started_by, None, Origin::External, None);
        let now = row.created_at;
        row.id = request.id.0;
        state.as_str().clone_into(&mut row.state);
        row.started_at = (state != RunState::Pending).then_some(now);
        row.finished_at = state.is_finished().then_some(now);
        row.track_fingerprint = Some(fingerprint.clone());
        match store::insert_runs(self.engine.db(), std::slice::from_ref(&row)).await {
            Ok(()) => {
                self.engine.metrics().run_started(&row.task, Origin::External.as_str());
                self.engine.request_trim(&row.task);
                Ok(convert::run(row))
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
        match self.run_row(id).await {
            Ok(existing) if existing.track_fingerprint.as_deref() == Some(fingerprint) => {
                Ok(Some(convert::run(existing)))
            }
            Ok(_) => Err(ServiceError::Conflict(format!(
                "Run {id} already exists with a different task, arguments or state."
            ))),
            Err(ServiceError::NotFound(_)) => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// An external run reports its state, result and error.
    pub async fn report(&self, principal: &Principal, id: RunId, report: ReportRequest) -> Result<Run, ServiceError> {
        require(principal, Role::Operator)?;
        let run = self.run_row(id).await?;
        if run.origin != Origin::External.as_str() {
            return Err(ServiceError::Conflict(format!(
                "Run {id} was started here, not elsewhere: its state is reported by its worker."
            )));
        }
        self.apply_report(run, &report).await
    }

    /// Cancelling an external run records it as cancelled (it cannot be stopped from here).
    pub(super) async fn cancel_external(&self, run: runs::Model, principal: &Principal) -> Result<Run, ServiceError> {
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

    async fn apply_report(&self, run: runs::Model, report: &ReportRequest) -> Result<Run, ServiceError> {
        let id = RunId(run.id);
        let current = RunState::parse(&run.state).unwrap_or(RunState::Failure);
        let error_kind = report.error.as_ref().map(|error| error.kind.clone());
        let error_message = report.error.as_ref().map(|error| error.message.clone());
        if current.is_finished() {
            let same = current == report.state
                && run.result == report.result
                && run.error_kind == error_kind
                && run.error_message == error_message;
            return if same {
                Ok(convert::run(run))
            } else {
                Err(ServiceError::Conflict(format!("Run {id} has already ended ({current}); it cannot change.")))
            };
        }
        if report.state == RunState::Pending && current == RunState::Running {
            return Err(ServiceError::Conflict(format!("Run {id} is running; it cannot go back to pending.")));
        }
        let now = now_micros();
        let db = self.engine.db();
        let changed = db
            .write
            .execute_raw(store::statement(
                db.backend,
                "UPDATE runs SET state = $1, result = $2, error_kind = $3, error_message = $4, \
                 started_at = CASE WHEN $1 = 'pending' THEN started_at ELSE COALESCE(started_at, $5) END, \
                 finished_at = $6 WHERE id = $7 AND state = $8",
                vec![
                    report.state.as_str().into(),
                    report.result.clone().into(),
                    error_kind.into(),
                    error_message.into(),
                    now.into(),
                    report.state.is_finished().then_some(now).into(),
                    run.id.into(),
                    run.state.clone().into(),
                ],
            ))
            .await?
            .rows_affected();
        if changed == 0 {
            return Err(ServiceError::Conflict(format!("Run {id} changed meanwhile; read it and try again.")));
        }
        if report.state.is_finished() {
            self.engine.metrics().run_finished(&run.task, report.state.as_str());
            self.engine.request_trim(&run.task);
        }
        Ok(convert::run(self.run_row(id).await?))
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
