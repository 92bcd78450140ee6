//! The store: every statement on runs, attempts, log lines, schedules,
//! presets, recent arguments, the audit log and the notification outbox,
//! and nowhere else. The runs table is the queue and the history at once.
//! Statements are written once for both databases (see `db::statement`);
//! where they must differ (row locks, notifications) the backend decides.
//! Functions take and return the engine's values and the API's types, never
//! rows: the rest of the server never sees an entity.

mod attempts;
mod audit;
mod batch;
pub mod bulk;
mod cancel;
mod claim;
mod convert;
mod error;
mod external;
mod finish;
mod history;
mod insert;
mod lease;
pub mod notifications;
mod presets;
pub mod read;
mod recent;
mod reports;
mod schedules;
pub mod search;

pub use attempts::AttemptRecord;
pub use audit::{AuditQuery, NewAuditEvent, append_audit, list_audit, trim_audit};
pub use cancel::{cancel_pending, flag_cancel, notify_cancel};
pub use claim::claim;
pub use error::StoreError;
pub use external::{Report, apply_report};
pub use finish::{Settlement, finish};
pub use history::trim_history;
pub use insert::{Taker, insert_handed_off, insert_runs, insert_taken};
pub use lease::{LostRun, Renewed, heartbeat, lost_runs, requeue_owned, rescue};
pub use presets::{Written, delete_preset, find_preset, insert_preset, list_presets, update_preset};
pub use recent::recent_arguments;
pub use reports::{hand_off, handed_off, log, progress};
pub use schedules::{
    StoredSchedule, due_schedules, find_schedule, fire_tick, list_schedules, next_tick, record_run_now, set_paused,
    sync_schedules,
};

use crate::db::{Backend, Db, statement};
use sea_orm::ConnectionTrait;
use types::RunState;

/// The notification channel that wakes workers when runs become claimable.
pub const WORK_CHANNEL: &str = "task_starter_work";
/// The notification channel whose payload is the id of a run to cancel.
pub const CANCEL_CHANNEL: &str = "task_starter_cancel";

/// `('success', 'failure', 'cancelled')`: the states in which a run has
/// ended, as an SQL list (written out, so that partial indexes apply).
fn finished_states_sql() -> String {
    let states: Vec<String> = RunState::FINISHED.iter().map(|state| format!("'{}'", state.as_str())).collect();
    format!("({})", states.join(", "))
}

/// Wakes the workers of every process (PostgreSQL) once the transaction
/// commits; on SQLite the in-process notify is enough.
async fn notify_work(db: &Db, connection: &impl ConnectionTrait) -> Result<(), StoreError> {
    if db.backend == Backend::Postgres {
        connection
            .execute_raw(statement(Backend::Postgres, "SELECT pg_notify($1, '')", vec![WORK_CHANNEL.into()]))
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn finished_states_are_listed_for_sql() {
        assert_eq!(super::finished_states_sql(), "('success', 'failure', 'cancelled')");
    }
}
