//! The intake: ends arrive from the hand-off in batches and leave as rows
//! of the outbox, one transaction a batch. Each end is read once (its run,
//! and for a success under `failure_and_recovery` whether a failure came
//! before it), told to each URL of its task's rule, and collapsed into a
//! storm's digest where one is under way. The lanes of the URLs written to
//! are woken.

use super::collapse::Collapse;
use super::handoff::Handoff;
use super::lanes::Lanes;
use super::message::RunSummary;
use super::rules::Rules;
use crate::clock::from_rfc3339;
use crate::config::NotifyOn;
use crate::db::Db;
use crate::engine::run::Ended;
use crate::engine::store::notifications::{self, Event, Group, Told};
use crate::engine::store::{self, StoreError};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, mpsc};
use types::{Run, RunId, RunState};

/// Ends queued in one transaction.
const BATCH: usize = 500;
/// The pause before a batch that could not be queued is tried again.
const PAUSE: Duration = Duration::from_secs(1);

/// What queues ends into the outbox.
pub struct Intake {
    pub db: Db,
    pub rules: Arc<Rules>,
    pub collapse: Collapse,
    pub lanes: Arc<Lanes>,
}

/// Queues what arrives until `stop` is notified; then queues what has
/// already arrived, and returns.
pub async fn run(intake: Intake, mut arriving: mpsc::Receiver<Ended>, handoff: Arc<Handoff>, stop: Arc<Notify>) {
    let mut received = Vec::with_capacity(BATCH);
    loop {
        let stopping = tokio::select! {
            count = arriving.recv_many(&mut received, BATCH) => count == 0,
            () = stop.notified() => true,
        };
        if stopping {
            arriving.close();
            while let Ok(ended) = arriving.try_recv() {
                received.push(ended);
            }
        }
        let mut ends: Vec<(Ended, u64)> = received.drain(..).map(|ended| (ended, 1)).collect();
        ends.extend(handoff.take_overflow());
        for batch in ends.chunks(BATCH) {
            intake.queue_until_done(batch, stopping).await;
        }
        if stopping {
            return;
        }
    }
}

impl Intake {
    /// Queues `batch`, trying again while the database is away (unless the
    /// process is stopping): meanwhile the hand-off fills and then counts.
    async fn queue_until_done(&self, batch: &[(Ended, u64)], stopping: bool) {
        loop {
            match self.queue(batch).await {
                Ok(()) => return,
                Err(error) if error.is_transient() && !stopping => {
                    tracing::warn!(%error, "cannot queue notifications; trying again");
                    tokio::time::sleep(PAUSE).await;
                }
                Err(error) => {
                    tracing::error!(%error, ends = batch.len(), "notifications could not be queued");
                    return;
                }
            }
        }
    }

    async fn queue(&self, batch: &[(Ended, u64)]) -> Result<(), StoreError> {
        let ids: Vec<RunId> = batch.iter().map(|(ended, _)| ended.id).collect();
        let runs: HashMap<RunId, Run> =
            store::read::runs_by_ids(&self.db, &ids).await?.into_iter().map(|run| (run.id, run)).collect();
        let mut groups: Vec<Group> = Vec::new();
        let mut index: HashMap<(String, String, Event), usize> = HashMap::new();
        for (ended, count) in batch {
            let rule = self.rules.for_task(&ended.task);
            let run = runs.get(&ended.id);
            let Some(event) = self.event(rule.on, ended, run).await? else { continue };
            let summary = match run {
                Some(run) => RunSummary::of(run, self.rules.with_arguments(&run.task)),
                None => RunSummary::of_trimmed(ended),
            };
            let told = Told { run_id: ended.id, run: summary.to_json(), count: *count };
            for target in &rule.targets {
                let key = (target.key.clone(), ended.task.clone(), event);
                let at = *index.entry(key).or_insert_with(|| {
                    groups.push(Group {
                        url_key: target.key.clone(),
                        task: ended.task.clone(),
                        event,
                        told: Vec::new(),
                    });
                    groups.len() - 1
                });
                groups[at].told.push(told.clone());
            }
        }
        let collapse = self.collapse;
        notifications::enqueue(&self.db, &groups, |group, seen, now| collapse.plan(group, seen, now)).await?;
        let written: BTreeSet<&str> = groups.iter().map(|group| group.url_key.as_str()).collect();
        for key in written {
            self.lanes.wake(key);
        }
        Ok(())
    }

    /// What `ended` announces under `on`, if anything. A run trimmed before
    /// it was read can still be told of, except as a recovery (which needs
    /// to know when it was created).
    async fn event(&self, on: NotifyOn, ended: &Ended, run: Option<&Run>) -> Result<Option<Event>, StoreError> {
        Ok(match (ended.state, on) {
            (RunState::Failure, _) => Some(Event::Failure),
            (RunState::Success, NotifyOn::End) => Some(Event::Success),
            (RunState::Cancelled, NotifyOn::End) => Some(Event::Cancelled),
            (RunState::Success, NotifyOn::FailureAndRecovery) => {
                let Some(created_at) = run.and_then(|run| from_rfc3339(&run.created_at)) else { return Ok(None) };
                let before = store::read::previous_end(&self.db, &ended.task, created_at, ended.id.0).await?;
                (before == Some(RunState::Failure)).then_some(Event::Recovery)
            }
            _ => None,
        })
    }
}
