//! Runs started elsewhere report their state here. A report changes the run
//! only from the state it was read in, so two reports that race cannot both
//! apply.

use super::error::StoreError;
use crate::db::{Db, statement};
use crate::engine::run::Ended;
use sea_orm::ConnectionTrait;
use types::{RunId, RunState};

/// What an external system reported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    pub state: RunState,
    pub result: Option<String>,
    pub error_kind: Option<String>,
    pub error_message: Option<String>,
}

/// Applies `report` to run `id` if it is still in state `from`; `None` when
/// it changed meanwhile.
pub async fn apply_report(
    db: &Db,
    id: RunId,
    from: RunState,
    report: &Report,
    now: i64,
) -> Result<Option<Ended>, StoreError> {
    let sql = format!(
        "UPDATE runs SET state = $1, result = $2, error_kind = $3, error_message = $4, \
         started_at = CASE WHEN $1 = '{pending}' THEN started_at ELSE COALESCE(started_at, $5) END, \
         finished_at = $6 WHERE id = $7 AND state = $8 RETURNING task, run_after",
        pending = RunState::Pending.as_str(),
    );
    let values = vec![
        report.state.as_str().into(),
        report.result.clone().into(),
        report.error_kind.clone().into(),
        report.error_message.clone().into(),
        now.into(),
        report.state.is_finished().then_some(now).into(),
        id.0.into(),
        from.as_str().into(),
    ];
    let row = db.write.query_one_raw(statement(db.backend, &sql, values)).await?;
    Ok(match row {
        Some(row) => Some(Ended {
            id,
            task: row.try_get("", "task")?,
            state: report.state,
            run_after: row.try_get("", "run_after")?,
        }),
        None => None,
    })
}
