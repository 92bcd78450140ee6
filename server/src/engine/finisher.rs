//! The finisher: writes settlements to the database in batches (all that
//! arrived while the previous batch was being written). While the database
//! is away, a batch waits and is tried again, so no outcome is lost while
//! the process lives. A batch the database refuses is split in halves until
//! the one settlement it refuses is found; that run ends as `failure`
//! (kind `unstorable`) and every other run of the batch is recorded.

use super::Shared;
use super::lifecycle;
use super::run::Ended;
use super::store::{self, AttemptRecord, Settlement, StoreError};
use crate::clock::now_micros;
use crate::db::Db;
use crate::db::text::storable;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use types::RunState;

/// The most settlements written in one transaction.
const MAX_BATCH: usize = 2048;
/// The longest wait between two tries while the database is away.
const MAX_DELAY: Duration = Duration::from_secs(5);

pub async fn run(engine: Arc<Shared>, mut settlements: mpsc::Receiver<Settlement>) {
    let writer = StoreWriter { db: &engine.db, owner: &engine.worker_id };
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while settlements.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let ended = record(&writer, std::mem::take(&mut batch)).await;
        lifecycle::runs_ended(&engine, &ended);
    }
}

/// Where settlements are written; the store in production.
pub(super) trait Writer: Sync {
    fn write(&self, settlements: &[Settlement]) -> impl Future<Output = Result<Vec<Ended>, StoreError>> + Send;
}

struct StoreWriter<'a> {
    db: &'a Db,
    owner: &'a str,
}

impl Writer for StoreWriter<'_> {
    async fn write(&self, settlements: &[Settlement]) -> Result<Vec<Ended>, StoreError> {
        store::finish(self.db, self.owner, settlements).await
    }
}

/// Writes `batch` and returns the runs it changed. A part the database
/// refuses is halved; a single refused settlement is replaced by a failure
/// that says why.
pub(super) async fn record(writer: &impl Writer, batch: Vec<Settlement>) -> Vec<Ended> {
    let mut ended = Vec::with_capacity(batch.len());
    let mut parts = vec![batch];
    while let Some(mut part) = parts.pop() {
        match write_while_away(writer, &part).await {
            Ok(changed) => ended.extend(changed),
            Err(_) if part.len() > 1 => {
                let second = part.split_off(part.len() / 2);
                parts.push(second);
                parts.push(part);
            }
            Err(error) => {
                let refused = &part[0];
                tracing::error!(run = %refused.claim.run, %error, "the database refused a run's outcome; recording a failure instead");
                match write_while_away(writer, &[unstorable(refused, &error)]).await {
                    Ok(changed) => ended.extend(changed),
                    Err(error) => tracing::error!(
                        run = %refused.claim.run, %error,
                        "could not record the run's failure either; it is rescued when its lease expires"
                    ),
                }
            }
        }
    }
    ended
}

/// Writes `part`, waiting and trying again while the database is away;
/// an error means the database refused it.
async fn write_while_away(writer: &impl Writer, part: &[Settlement]) -> Result<Vec<Ended>, StoreError> {
    let mut delay = Duration::from_millis(50);
    loop {
        match writer.write(part).await {
            Err(error) if error.is_transient() => {
                tracing::warn!(%error, runs = part.len(), "could not record finished runs; trying again");
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(MAX_DELAY);
            }
            written => return written,
        }
    }
}

/// The failure recorded for a run whose outcome the database refused.
fn unstorable(refused: &Settlement, error: &StoreError) -> Settlement {
    let now = now_micros();
    let message = storable(format!("The run's outcome could not be stored: {error}"), 4096);
    Settlement {
        claim: refused.claim,
        task: refused.task.clone(),
        state: RunState::Failure,
        result: None,
        error_kind: Some("unstorable".to_owned()),
        error_message: Some(message.clone()),
        finished_at: Some(now),
        run_after: refused.run_after,
        progress_fraction: None,
        progress_message: None,
        attempt: refused.attempt.as_ref().map(|attempt| AttemptRecord {
            state: RunState::Failure,
            error_kind: Some("unstorable".to_owned()),
            error_message: Some(message),
            finished_at: now,
            ..attempt.clone()
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::run::Claim;
    use std::sync::Mutex;
    use types::RunId;

    fn settlement(result: &str) -> Settlement {
        Settlement {
            claim: Claim { run: RunId(uuid::Uuid::now_v7()), attempt: 1 },
            task: "t".to_owned(),
            state: RunState::Success,
            result: Some(result.to_owned()),
            error_kind: None,
            error_message: None,
            finished_at: Some(1),
            run_after: 0,
            progress_fraction: None,
            progress_message: None,
            attempt: None,
        }
    }

    /// Refuses any batch holding a result "poison"; away for `outages` calls first.
    struct Picky {
        outages: Mutex<u32>,
        calls: Mutex<u32>,
    }

    impl Writer for Picky {
        async fn write(&self, settlements: &[Settlement]) -> Result<Vec<Ended>, StoreError> {
            *self.calls.lock().unwrap() += 1;
            {
                let mut outages = self.outages.lock().unwrap();
                if *outages > 0 {
                    *outages -= 1;
                    return Err(StoreError::Database(sea_orm::DbErr::Conn(sea_orm::RuntimeErr::Internal(
                        "connection refused".to_owned(),
                    ))));
                }
            }
            if settlements.iter().any(|settlement| settlement.result.as_deref() == Some("poison")) {
                return Err(StoreError::Database(sea_orm::DbErr::Custom("invalid input".to_owned())));
            }
            Ok(settlements
                .iter()
                .map(|settlement| Ended {
                    id: settlement.claim.run,
                    task: settlement.task.clone(),
                    state: settlement.state,
                    run_after: settlement.run_after,
                })
                .collect())
        }
    }

    #[tokio::test]
    async fn one_refused_outcome_fails_its_run_and_every_other_run_is_recorded() {
        let mut batch: Vec<Settlement> = (0..100).map(|index| settlement(&format!("ok {index}"))).collect();
        batch[37] = settlement("poison");
        let poisoned = batch[37].claim.run;
        let writer = Picky { outages: Mutex::new(0), calls: Mutex::new(0) };
        let ended = record(&writer, batch).await;
        assert_eq!(ended.len(), 100);
        for run in &ended {
            let expected = if run.id == poisoned { RunState::Failure } else { RunState::Success };
            assert_eq!(run.state, expected);
        }
        assert!(*writer.calls.lock().unwrap() < 30, "halving finds the refused row in few statements");
    }

    #[tokio::test]
    async fn a_database_that_is_away_is_waited_for_not_given_up_on() {
        let batch: Vec<Settlement> = (0..10).map(|index| settlement(&format!("ok {index}"))).collect();
        let writer = Picky { outages: Mutex::new(3), calls: Mutex::new(0) };
        let ended = record(&writer, batch).await;
        assert_eq!(ended.len(), 10);
        assert!(ended.iter().all(|run| run.state == RunState::Success));
        assert_eq!(*writer.calls.lock().unwrap(), 4);
    }
}
