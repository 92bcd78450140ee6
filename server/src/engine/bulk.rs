//! The engine's side of bulk actions: a batch of re-runs or cancels
//! committed with the audit entries that describe it, then the same
//! bookkeeping as any start or end (metrics, wake-ups, trims, notices to
//! the executions asked to stop).

use super::Engine;
use super::lifecycle;
use super::run::NewRun;
use super::store::bulk::{self, Cancelled};
use super::store::{self, NewAuditEvent, StoreError};
use crate::clock::now_micros;
use types::RunId;

impl Engine {
    /// Holds `ids` until `until` (µs): the history cap keeps them until
    /// [`Engine::rerun_batch`] or [`Engine::release`] lets them go.
    pub async fn hold(&self, ids: &[RunId], until: i64) -> Result<(), StoreError> {
        bulk::hold(&self.shared.db, ids, until).await
    }

    /// Lets go of the holds on `ids`, and trims `tasks` now that nothing holds them.
    pub async fn release<'a>(&self, ids: &[RunId], tasks: impl IntoIterator<Item = &'a str>) -> Result<(), StoreError> {
        bulk::release(&self.shared.db, ids).await?;
        for task in tasks {
            self.shared.trimmer.request(task);
        }
        Ok(())
    }

    /// Inserts a batch of re-runs, their audit entries, and releases the
    /// holds on `originals`, in one transaction.
    pub async fn rerun_batch(
        &self,
        runs: &[NewRun],
        audit: &[NewAuditEvent],
        originals: &[RunId],
    ) -> Result<(), StoreError> {
        bulk::rerun_batch(&self.shared.db, runs, audit, originals).await?;
        lifecycle::runs_started(&self.shared, runs);
        Ok(())
    }

    /// Cancels the unfinished runs among `ids` in one transaction with the
    /// audit entries `audit_for` makes of what changed; running runs are
    /// asked to stop, here or in the process that runs them.
    pub async fn cancel_batch(
        &self,
        ids: &[RunId],
        message: &str,
        audit_for: impl FnOnce(&Cancelled) -> Vec<NewAuditEvent>,
    ) -> Result<Cancelled, StoreError> {
        let db = &self.shared.db;
        let cancelled = bulk::cancel_batch(db, ids, now_micros(), message, audit_for).await?;
        lifecycle::runs_ended(&self.shared, &cancelled.ended);
        for id in &cancelled.flagged {
            if !self.shared.running.signal_cancel(*id) {
                store::notify_cancel(db, *id).await?;
            }
        }
        Ok(cancelled)
    }
}
