//! How an attempt ended, and what that does to its run: the original's
//! semantics (a value is success, `TaskFailure` is failure with its message
//! as result, anything else is failure with no result) plus timeouts,
//! cancels and retries with exponential backoff.

use super::run::ClaimedRun;
use super::store::{AttemptRecord, Settlement};
use super::task::{TaskError, TaskResult};
use crate::clock::micros;
use crate::db::text::storable;
use std::time::Duration;
use types::RunState;

/// The longest wait between two attempts.
const MAX_BACKOFF: Duration = Duration::from_hours(1);
/// Longer results are cut to this many bytes.
pub const MAX_RESULT_BYTES: usize = 1024 * 1024;
/// Longer error messages are cut to this many bytes.
pub const MAX_ERROR_MESSAGE_BYTES: usize = 64 * 1024;
/// Longer error kinds are cut to this many bytes.
const MAX_ERROR_KIND_BYTES: usize = 200;

/// How an attempt ended.
#[derive(Debug)]
pub enum Outcome {
    /// The task function returned.
    Returned(TaskResult),
    /// The task panicked; the payload's text.
    Panicked(String),
    /// The task ran past its timeout and was stopped.
    TimedOut(Duration),
    /// A cancel was asked and the task did not stop within the grace period.
    ForcedCancel,
}

/// What is needed besides the outcome to settle an attempt.
pub struct AttemptFacts<'a> {
    pub run: &'a ClaimedRun,
    pub worker: &'a str,
    pub cancel_requested: bool,
    pub retry_backoff: Duration,
    pub started_at: i64,
    pub now: i64,
    pub progress: Option<(Option<f64>, Option<String>)>,
}

/// Decides the run's new state from how its attempt ended. Text the task
/// handed back is made storable here (no NUL characters, bounded length).
pub fn settle(outcome: Outcome, facts: &AttemptFacts<'_>) -> Settlement {
    let run = facts.run;
    let attempt = run.claim.attempt;
    let cancelled = || ("cancelled".to_owned(), "Cancelled on request.".to_owned());
    let ending = match outcome {
        Outcome::Returned(Ok(result)) => Ending::Done(RunState::Success, result, None),
        Outcome::Returned(Err(TaskError::Failure(message))) if facts.cancel_requested => {
            Ending::Done(RunState::Cancelled, Some(message), Some(cancelled()))
        }
        Outcome::Returned(Err(TaskError::Failure(message))) => Ending::Done(RunState::Failure, Some(message), None),
        Outcome::ForcedCancel => Ending::Done(
            RunState::Cancelled,
            None,
            Some(("cancelled".to_owned(), "Cancelled on request; the task did not stop by itself in time.".to_owned())),
        ),
        Outcome::Returned(Err(TaskError::Crash { kind, message })) => Ending::Crash(kind, message),
        Outcome::Returned(Err(TaskError::Cancelled(message))) => {
            Ending::Done(RunState::Cancelled, None, Some(("cancelled".to_owned(), message)))
        }
        Outcome::Panicked(message) => Ending::Crash("panic".to_owned(), message),
        Outcome::TimedOut(limit) => {
            Ending::Crash("timeout".to_owned(), format!("Stopped after running longer than {}s.", limit.as_secs_f64()))
        }
    };
    let (state, result, error) = match ending {
        Ending::Done(state, result, error) => (state, result, error),
        Ending::Crash(kind, message) if facts.cancel_requested => (RunState::Cancelled, None, Some((kind, message))),
        Ending::Crash(kind, message) if attempt < run.max_attempts => (RunState::Pending, None, Some((kind, message))),
        Ending::Crash(kind, message) => (RunState::Failure, None, Some((kind, message))),
    };
    let retrying = state == RunState::Pending;
    let run_after = if retrying { facts.now + micros(backoff(facts.retry_backoff, attempt)) } else { run.run_after };
    let result = result.map(|text| storable(text, MAX_RESULT_BYTES));
    let (error_kind, error_message) = error
        .map(|(kind, message)| (storable(kind, MAX_ERROR_KIND_BYTES), storable(message, MAX_ERROR_MESSAGE_BYTES)))
        .unzip();
    let attempt_record = (run.max_attempts > 1).then(|| AttemptRecord {
        claim: run.claim,
        worker: facts.worker.to_owned(),
        state: if retrying { RunState::Failure } else { state },
        error_kind: error_kind.clone(),
        error_message: error_message.clone(),
        started_at: facts.started_at,
        finished_at: facts.now,
    });
    let (progress_fraction, progress_message) = facts.progress.clone().unwrap_or_default();
    Settlement {
        claim: run.claim,
        task: run.task.clone(),
        state,
        result,
        error_kind,
        error_message,
        finished_at: (!retrying).then_some(facts.now),
        run_after,
        progress_fraction,
        progress_message,
        attempt: attempt_record,
    }
}

/// An attempt's end before retries are considered.
enum Ending {
    /// A final state, a result, an error.
    Done(RunState, Option<String>, Option<(String, String)>),
    /// A crash: kind and message. Retried while attempts are left.
    Crash(String, String),
}

/// `base`, then twice that, and so on, after attempt 1, 2, ...
pub fn backoff(base: Duration, attempt: u32) -> Duration {
    let doublings = attempt.saturating_sub(1).min(20);
    base.saturating_mul(1 << doublings).min(MAX_BACKOFF)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::run::Claim;
    use types::{Actor, ActorKind, RunId};

    fn run(attempt: u32, max_attempts: u32) -> ClaimedRun {
        ClaimedRun {
            claim: Claim { run: RunId(uuid::Uuid::nil()), attempt },
            task: "t".to_owned(),
            arguments: Ok(serde_json::json!({})),
            started_by: Actor { kind: ActorKind::User, name: "ann".to_owned() },
            run_as: None,
            max_attempts,
            run_after: 0,
            started_at: Some(0),
            cancel_requested: false,
        }
    }

    fn settle_for(outcome: Outcome, run: &ClaimedRun, cancel_requested: bool) -> Settlement {
        let facts = AttemptFacts {
            run,
            worker: "w",
            cancel_requested,
            retry_backoff: Duration::from_secs(1),
            started_at: 0,
            now: 5_000_000,
            progress: None,
        };
        settle(outcome, &facts)
    }

    #[test]
    fn a_value_is_success_with_the_value_as_result() {
        let settled = settle_for(Outcome::Returned(Ok(Some("done".to_owned()))), &run(1, 1), false);
        assert_eq!(
            (settled.state, settled.result.as_deref(), settled.error_kind),
            (RunState::Success, Some("done"), None)
        );
        assert_eq!(settled.finished_at, Some(5_000_000));
    }

    #[test]
    fn a_task_failure_is_failure_with_its_message_as_result() {
        let outcome = Outcome::Returned(Err(TaskError::Failure("bad input".to_owned())));
        let settled = settle_for(outcome, &run(1, 3), false);
        assert_eq!(
            (settled.state, settled.result.as_deref(), settled.error_kind),
            (RunState::Failure, Some("bad input"), None)
        );
    }

    #[test]
    fn a_panic_is_failure_without_result_and_keeps_the_error() {
        let settled = settle_for(Outcome::Panicked("boom".to_owned()), &run(1, 1), false);
        assert_eq!(settled.state, RunState::Failure);
        assert_eq!(settled.result, None);
        assert_eq!(settled.error_kind.as_deref(), Some("panic"));
        assert_eq!(settled.error_message.as_deref(), Some("boom"));
    }

    #[test]
    fn a_crash_with_attempts_left_goes_back_to_pending_after_a_backoff() {
        let settled = settle_for(Outcome::TimedOut(Duration::from_secs(2)), &run(2, 3), false);
        assert_eq!(settled.state, RunState::Pending);
        assert_eq!(settled.finished_at, None);
        assert_eq!(settled.run_after, 5_000_000 + 2_000_000);
        let attempt = settled.attempt.expect("retrying tasks keep attempts");
        assert_eq!((attempt.claim.attempt, attempt.state), (2, RunState::Failure));
        assert_eq!(attempt.error_kind.as_deref(), Some("timeout"));
    }

    #[test]
    fn a_cancel_ends_the_run_as_cancelled_even_with_attempts_left() {
        let outcome = Outcome::Returned(Err(TaskError::Failure("stopped at 3".to_owned())));
        let settled = settle_for(outcome, &run(1, 3), true);
        assert_eq!((settled.state, settled.result.as_deref()), (RunState::Cancelled, Some("stopped at 3")));
        assert_eq!(settle_for(Outcome::ForcedCancel, &run(1, 1), true).state, RunState::Cancelled);
    }

    #[test]
    fn text_the_database_cannot_hold_is_made_storable() {
        let outcome = Outcome::Returned(Ok(Some("nul \0 here".to_owned())));
        let settled = settle_for(outcome, &run(1, 1), false);
        assert_eq!(settled.result.as_deref(), Some("nul \u{FFFD} here"));
        let huge = "x".repeat(MAX_RESULT_BYTES * 2);
        let settled = settle_for(Outcome::Returned(Ok(Some(huge))), &run(1, 1), false);
        assert!(settled.result.unwrap().len() <= MAX_RESULT_BYTES);
        let settled = settle_for(Outcome::Panicked("a\0b".to_owned()), &run(1, 1), false);
        assert_eq!(settled.error_message.as_deref(), Some("a\u{FFFD}b"));
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        let base = Duration::from_secs(1);
        assert_eq!(backoff(base, 1), Duration::from_secs(1));
        assert_eq!(backoff(base, 3), Duration::from_secs(4));
        assert_eq!(backoff(base, 40), MAX_BACKOFF);
    }
}
