//! Bulk actions: cancel or re-run a list of runs, or every run a filter
//! matches, acting on exactly what was confirmed.
//!
//! - The selection is resolved to ids once (at most 10,000): runs that
//!   enter the filter later are not swept in, and `expect` is checked
//!   against those ids.
//! - A re-run holds the selected runs first, so that the history cap (which
//!   the re-runs themselves set off) keeps each until its turn.
//! - Each batch of 200 is one transaction with the audit entry that
//!   describes it: a request that times out or whose client goes away
//!   leaves on record exactly what it did.
//! - Runs that vanished or changed meanwhile count as `skipped`, so
//!   `matched = affected + skipped` always holds.
//! - A filter re-run leaves out the re-runs of earlier bulk re-runs (origin
//!   `bulk`) unless the filter asks for that origin, so repeating it does
//!   not double the queue; re-runs count against the caller's start budget.

use super::audit::Entry;
use super::runs::run_query;
use super::{Service, ServiceError, require};
use crate::clock::now_micros;
use crate::engine::store::read;
use crate::engine::store::search;
use crate::engine::{Engine, NewAuditEvent, NewRun};
use std::collections::BTreeSet;
use std::time::Duration;
use types::{
    AuditAction, BulkAction, BulkOutcome, BulkRequest, MAX_BULK_RUNS, MAX_PAGE, Origin, Principal, Role, RunFilter,
    RunId,
};

/// How many runs one batch reads and changes.
const BATCH: usize = MAX_PAGE as usize;
/// How many new run ids an outcome lists.
const LISTED: usize = 200;
/// How long a re-run's holds last if it never gets to release them.
const HOLD: Duration = Duration::from_mins(10);

impl Service {
    /// Cancels or re-runs the runs `request` selects (operators and admins).
    pub async fn bulk(&self, principal: &Principal, request: BulkRequest) -> Result<BulkOutcome, ServiceError> {
        require(principal, Role::Operator)?;
        let ids = self.select(&request).await?;
        let matched = ids.len() as u64;
        if let Some(expected) = request.expect
            && expected != matched
        {
            return Err(ServiceError::Conflict(format!(
                "The selection now holds {matched} runs, not the {expected} confirmed; look again and confirm the new count."
            )));
        }
        let mut outcome =
            BulkOutcome { action: Some(request.action), matched, dry_run: request.dry_run, ..BulkOutcome::default() };
        if request.dry_run || ids.is_empty() {
            return Ok(outcome);
        }
        let described = Described {
            action: request.action,
            matched,
            filter: request.filter.as_ref().map(RunFilter::to_query),
            batches: ids.len().div_ceil(BATCH),
        };
        match request.action {
            BulkAction::Cancel => {
                for (index, batch) in ids.chunks(BATCH).enumerate() {
                    self.cancel_batch(principal, batch, &described.batch(index), &mut outcome).await?;
                }
            }
            BulkAction::Rerun => {
                self.spend(principal, matched)?;
                let mut held = Held::new(self.engine.clone(), ids.clone());
                self.engine.hold(&ids, now_micros() + crate::clock::micros(HOLD)).await?;
                for (index, batch) in ids.chunks(BATCH).enumerate() {
                    self.rerun_batch(principal, batch, &described.batch(index), &mut outcome, &mut held).await?;
                    held.done(batch);
                }
                held.release().await?;
            }
        }
        Ok(outcome)
    }

    /// The ids the request selects: those of the listed runs that exist, or
    /// what the filter matches now (a re-run's leaving out earlier bulk
    /// re-runs), at most 10,000.
    async fn select(&self, request: &BulkRequest) -> Result<Vec<RunId>, ServiceError> {
        match (&request.ids, &request.filter) {
            (Some(ids), None) => {
                if ids.is_empty() {
                    return Err(ServiceError::Unprocessable("ids is empty: name at least one run.".to_owned()));
                }
                if ids.len() as u64 > MAX_BULK_RUNS {
                    return Err(ServiceError::Unprocessable(format!(
                        "Name at most {MAX_BULK_RUNS} runs, not {}.",
                        ids.len()
                    )));
                }
                let mut unique = ids.clone();
                unique.sort_unstable();
                unique.dedup();
                let mut found = Vec::with_capacity(unique.len());
                for chunk in unique.chunks(BATCH) {
                    found.extend(read::existing_ids(self.engine.db(), chunk).await?);
                }
                Ok(found)
            }
            (None, Some(filter)) => {
                let mut query = run_query(&filter.without_paging())?;
                if request.action == BulkAction::Rerun && query.origin.is_none() {
                    query.not_origin = Some(Origin::Bulk);
                }
                let timeout = self.config.search.timeout.0;
                let ids = search::run_ids(self.engine.db(), &query, MAX_BULK_RUNS + 1, timeout).await?;
                if ids.len() as u64 > MAX_BULK_RUNS {
                    return Err(ServiceError::Unprocessable(format!(
                        "The filter matches more than {MAX_BULK_RUNS} runs; narrow it (by task, state or time) and act in parts."
                    )));
                }
                Ok(ids)
            }
            _ => Err(ServiceError::Unprocessable("Give either ids or filter, not both or neither.".to_owned())),
        }
    }

    /// Cancels one batch, with its audit entry, in one transaction.
    async fn cancel_batch(
        &self,
        principal: &Principal,
        batch: &[RunId],
        described: &serde_json::Value,
        outcome: &mut BulkOutcome,
    ) -> Result<(), ServiceError> {
        let message = format!("Cancelled by {} (bulk action).", principal.name);
        let cancelled = self
            .engine
            .cancel_batch(batch, &message, |cancelled| {
                let affected: Vec<RunId> =
                    cancelled.ended.iter().map(|ended| ended.id).chain(cancelled.flagged.iter().copied()).collect();
                vec![Self::batch_entry(principal, AuditAction::BulkCancel, described, batch.len(), &affected)]
            })
            .await?;
        let affected = (cancelled.ended.len() + cancelled.flagged.len()) as u64;
        outcome.affected += affected;
        outcome.skipped += batch.len() as u64 - affected;
        Ok(())
    }

    /// Re-runs one batch: the new runs, their audit entries and the batch's
    /// entry in one transaction. Runs that are gone, or can no longer be
    /// started (their task gone, their arguments no longer fitting), are
    /// skipped.
    async fn rerun_batch(
        &self,
        principal: &Principal,
        batch: &[RunId],
        described: &serde_json::Value,
        outcome: &mut BulkOutcome,
        held: &mut Held,
    ) -> Result<(), ServiceError> {
        let found = read::runs_by_ids(self.engine.db(), batch).await?;
        let mut starts: Vec<NewRun> = Vec::with_capacity(found.len());
        for run in found {
            held.tasks.insert(run.task.clone());
            match self.prepare_rerun(principal, run, Origin::Bulk) {
                Ok(start) => starts.push(start),
                Err(ServiceError::Forbidden(detail)) => return Err(ServiceError::Forbidden(detail)),
                Err(_) => {}
            }
        }
        let originals: Vec<RunId> = starts.iter().filter_map(|start| start.rerun_of).collect();
        let mut entries = Self::start_entries(principal, &starts);
        entries.push(Self::batch_entry(principal, AuditAction::BulkRerun, described, batch.len(), &originals));
        self.engine.rerun_batch(&starts, &entries, batch).await?;
        outcome.affected += starts.len() as u64;
        outcome.skipped += (batch.len() - starts.len()) as u64;
        let room = LISTED.saturating_sub(outcome.new_runs.len());
        outcome.new_runs.extend(starts.iter().take(room).map(|run| run.id));
        Ok(())
    }

    /// The audit entry of one batch: the action's description, and which
    /// runs of the batch it changed.
    fn batch_entry(
        principal: &Principal,
        action: AuditAction,
        described: &serde_json::Value,
        size: usize,
        affected: &[RunId],
    ) -> NewAuditEvent {
        let mut detail = described.clone();
        detail["affected"] = affected.len().into();
        detail["skipped"] = (size - affected.len()).into();
        detail["runs"] = affected.iter().map(ToString::to_string).collect::<Vec<_>>().into();
        Self::audit_event(principal, action, Entry::default().detail(detail))
    }
}

/// What every batch's audit entry says of the whole action.
struct Described {
    action: BulkAction,
    matched: u64,
    filter: Option<Vec<(String, String)>>,
    batches: usize,
}

impl Described {
    fn batch(&self, index: usize) -> serde_json::Value {
        serde_json::json!({
            "action": self.action,
            "matched": self.matched,
            "filter": self.filter,
            "batch": index + 1,
            "batches": self.batches,
        })
    }
}

/// The holds of a re-run: released as batches are done, and the rest when
/// the action ends, also when it ends early (its request dropped, a batch
/// failed); then the tasks it touched are trimmed.
struct Held {
    engine: Engine,
    left: BTreeSet<RunId>,
    tasks: BTreeSet<String>,
}

impl Held {
    fn new(engine: Engine, ids: Vec<RunId>) -> Held {
        Held { engine, left: ids.into_iter().collect(), tasks: BTreeSet::new() }
    }

    /// The batch's holds were released with it.
    fn done(&mut self, batch: &[RunId]) {
        for id in batch {
            self.left.remove(id);
        }
    }

    async fn release(mut self) -> Result<(), ServiceError> {
        let left: Vec<RunId> = std::mem::take(&mut self.left).into_iter().collect();
        let tasks = std::mem::take(&mut self.tasks);
        self.engine.release(&left, tasks.iter().map(String::as_str)).await?;
        Ok(())
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        if self.left.is_empty() && self.tasks.is_empty() {
            return;
        }
        let (engine, left, tasks) =
            (self.engine.clone(), std::mem::take(&mut self.left), std::mem::take(&mut self.tasks));
        let left: Vec<RunId> = left.into_iter().collect();
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                if let Err(error) = engine.release(&left, tasks.iter().map(String::as_str)).await {
                    tracing::warn!(%error, "could not release the holds of a bulk re-run; they run out by themselves");
                }
            });
        }
    }
}
