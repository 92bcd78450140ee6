//! The bookkeeping of a run's life, in one place for every origin. A start
//! (from the starter, the scheduler, a registration) counts the run, trims
//! its task's history and wakes the workers. An end (from the finisher, a
//! rescue, a cancel, a report) counts the run, tells whoever waits for it
//! and the notifier, and trims; a run sent back to the queue wakes the workers when it is due.

use super::Shared;
use super::run::{Ended, NewRun};
use crate::clock::now_micros;
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;
use types::RunState;

/// Runs that were just inserted.
pub(super) fn runs_started<'a>(engine: &Shared, runs: impl IntoIterator<Item = &'a NewRun>) {
    let mut tasks = BTreeSet::new();
    let mut waiting = false;
    for run in runs {
        engine.metrics.run_started(&run.task, run.origin);
        tasks.insert(run.task.as_str());
        waiting |= run.state == RunState::Pending;
    }
    for task in tasks {
        engine.trimmer.request(task);
    }
    if waiting {
        engine.wake_workers();
    }
}

/// Runs that reached a state: ended, or back in the queue for a retry.
pub(super) fn runs_ended(engine: &Arc<Shared>, ended: &[Ended]) {
    let mut tasks = BTreeSet::new();
    let mut next_retry: Option<i64> = None;
    for run in ended {
        engine.metrics.run_finished(&run.task, run.state);
        if run.state == RunState::Pending {
            next_retry = Some(next_retry.map_or(run.run_after, |next| next.min(run.run_after)));
        } else {
            tasks.insert(run.task.as_str());
            let _ = engine.finished_runs.send(run.id.0);
            if let Some(notifier) = engine.notifier.get() {
                notifier.tell(run);
            }
        }
    }
    for task in tasks {
        engine.trimmer.request(task);
    }
    if let Some(at) = next_retry {
        wake_at(engine, at);
    }
}

/// Wakes the claim loop at `at` (µs on this host's clock), when a retried
/// run becomes claimable.
fn wake_at(engine: &Arc<Shared>, at: i64) {
    let wait = Duration::from_micros(u64::try_from(at - now_micros()).unwrap_or(0));
    if wait.is_zero() {
        engine.wake_workers();
        return;
    }
    let engine = Arc::clone(engine);
    tokio::spawn(async move {
        tokio::time::sleep(wait).await;
        engine.wake_workers();
    });
}
