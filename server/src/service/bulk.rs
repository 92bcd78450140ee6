//! Bulk actions: cancel or re-run a list of runs, or every run a filter
//! matches (at most 10,000), in batches, as one operation that reports how
//! many runs it matched, changed and left alone, and one audit entry. A
//! filter is pinned to the moment it is counted: runs created later (the
//! re-runs themselves among them) are not swept in.

use super::audit::Entry;
use super::runs::run_query;
use super::{Service, ServiceError, require};
use crate::clock::now_micros;
use crate::engine::NewRun;
use crate::engine::store::read;
use crate::engine::store::search::{self, RunQuery};
use types::{
    AuditAction, BulkAction, BulkOutcome, BulkRequest, MAX_BULK_RUNS, MAX_PAGE, Principal, Role, Run, RunFilter, RunId,
};

/// How many runs one batch reads and changes.
const BATCH: usize = MAX_PAGE as usize;
/// How many new run ids an outcome lists.
const LISTED: usize = 200;

/// What a bulk action applies to.
enum Selection {
    Ids(Vec<RunId>),
    Filter(RunQuery),
}

impl Service {
    /// Cancels or re-runs the runs `request` selects (operators and admins).
    pub async fn bulk(&self, principal: &Principal, request: BulkRequest) -> Result<BulkOutcome, ServiceError> {
        require(principal, Role::Operator)?;
        let selection = selection(&request)?;
        let matched = self.count(&selection).await?;
        if matched > MAX_BULK_RUNS {
            return Err(ServiceError::Unprocessable(format!(
                "The filter matches more than {MAX_BULK_RUNS} runs; narrow it (by task, state or time) and act in parts."
            )));
        }
        if let Some(expected) = request.expect
            && expected != matched
        {
            return Err(ServiceError::Conflict(format!(
                "The selection now holds {matched} runs, not the {expected} confirmed; look again and confirm the new count."
            )));
        }
        let mut outcome =
            BulkOutcome { action: Some(request.action), matched, dry_run: request.dry_run, ..BulkOutcome::default() };
        if request.dry_run {
            return Ok(outcome);
        }
        // Batches done before a failure stay done, and are recorded as such.
        let done = self.act(principal, request.action, &selection, &mut outcome).await;
        let action = match request.action {
            BulkAction::Cancel => AuditAction::BulkCancel,
            BulkAction::Rerun => AuditAction::BulkRerun,
        };
        let detail = serde_json::json!({
            "matched": outcome.matched,
            "affected": outcome.affected,
            "skipped": outcome.skipped,
            "filter": request.filter.as_ref().map(RunFilter::to_query),
            "ids": request.ids.as_ref().map(|ids| ids.iter().take(LISTED).collect::<Vec<_>>()),
            "error": done.as_ref().err().map(ToString::to_string),
        });
        self.record(principal, action, Entry::default().detail(detail)).await;
        done.map(|()| outcome)
    }

    /// Applies `action` to the selection, a batch at a time.
    async fn act(
        &self,
        principal: &Principal,
        action: BulkAction,
        selection: &Selection,
        outcome: &mut BulkOutcome,
    ) -> Result<(), ServiceError> {
        let mut cursor = None;
        loop {
            let (batch, next) = self.batch(selection, cursor).await?;
            match action {
                BulkAction::Cancel => self.cancel_batch(principal, batch, outcome).await?,
                BulkAction::Rerun => self.rerun_batch(principal, batch, outcome).await?,
            }
            match next {
                Some(next) => cursor = Some(next),
                None => return Ok(()),
            }
        }
    }

    /// How many runs the selection holds.
    async fn count(&self, selection: &Selection) -> Result<u64, ServiceError> {
        match selection {
            Selection::Ids(ids) => {
                let mut found = 0;
                for chunk in ids.chunks(BATCH) {
                    found += read::runs_by_ids(self.engine.db(), chunk).await?.len() as u64;
                }
                Ok(found)
            }
            Selection::Filter(query) => Ok(search::count_runs(self.engine.db(), query, MAX_BULK_RUNS + 1).await?),
        }
    }

    /// The batch after `cursor` (an index into the ids, or a keyset
    /// position), and where the next one starts.
    async fn batch(
        &self,
        selection: &Selection,
        cursor: Option<Cursor>,
    ) -> Result<(Vec<Run>, Option<Cursor>), ServiceError> {
        match (selection, cursor) {
            (Selection::Ids(ids), cursor) => {
                let start = match cursor {
                    Some(Cursor::Index(index)) => index,
                    _ => 0,
                };
                let end = (start + BATCH).min(ids.len());
                let runs = read::runs_by_ids(self.engine.db(), &ids[start..end]).await?;
                Ok((runs, (end < ids.len()).then_some(Cursor::Index(end))))
            }
            (Selection::Filter(query), cursor) => {
                let before = match cursor {
                    Some(Cursor::Keyset(at, id)) => Some((at, id)),
                    _ => None,
                };
                let page = RunQuery { before, limit: MAX_PAGE, ..query.clone() };
                let (runs, next) = search::list_runs(self.engine.db(), &page).await?;
                Ok((runs, next.map(|(at, id)| Cursor::Keyset(at, id))))
            }
        }
    }

    async fn cancel_batch(
        &self,
        principal: &Principal,
        batch: Vec<Run>,
        outcome: &mut BulkOutcome,
    ) -> Result<(), ServiceError> {
        for run in batch {
            if run.state.is_finished() {
                outcome.skipped += 1;
                continue;
            }
            match self.cancel_found(principal, run).await {
                Ok(_) => outcome.affected += 1,
                // It ended meanwhile.
                Err(ServiceError::Conflict(_) | ServiceError::NotFound(_)) => outcome.skipped += 1,
                Err(error) => return Err(error),
            }
        }
        Ok(())
    }

    /// Starts the batch's re-runs in one transaction; runs that can no
    /// longer be started (their task gone, their arguments no longer
    /// fitting) are left alone.
    async fn rerun_batch(
        &self,
        principal: &Principal,
        batch: Vec<Run>,
        outcome: &mut BulkOutcome,
    ) -> Result<(), ServiceError> {
        let mut starts: Vec<NewRun> = Vec::with_capacity(batch.len());
        for run in batch {
            match self.prepare_rerun(principal, run) {
                Ok(start) => starts.push(start),
                Err(ServiceError::Forbidden(detail)) => return Err(ServiceError::Forbidden(detail)),
                Err(_) => outcome.skipped += 1,
            }
        }
        if starts.is_empty() {
            return Ok(());
        }
        self.engine.start_many(&starts, &Self::start_entries(principal, &starts)).await?;
        let started: Vec<Run> = starts.iter().map(NewRun::to_run).collect();
        outcome.affected += started.len() as u64;
        let room = LISTED.saturating_sub(outcome.new_runs.len());
        outcome.new_runs.extend(started.iter().take(room).map(|run| run.id));
        Ok(())
    }
}

/// Where the next batch starts.
#[derive(Clone, Copy)]
enum Cursor {
    Index(usize),
    Keyset(i64, uuid::Uuid),
}

/// The ids (deduplicated, at most 10,000) or the filter, pinned to now.
fn selection(request: &BulkRequest) -> Result<Selection, ServiceError> {
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
            Ok(Selection::Ids(unique))
        }
        (None, Some(filter)) => {
            let mut query = run_query(&filter.without_paging())?;
            let now = now_micros() + 1;
            query.until = Some(query.until.map_or(now, |until| until.min(now)));
            Ok(Selection::Filter(query))
        }
        _ => Err(ServiceError::Unprocessable("Give either ids or filter, not both or neither.".to_owned())),
    }
}
