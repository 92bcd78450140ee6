//! Writes what tasks report (progress, log lines, hand-offs) to the
//! database, fenced on the execution's claim. A failed write is logged and forgotten: a task
//! never fails because its progress could not be saved.

use super::context::RunReporter;
use super::run::Claim;
use super::store;
use crate::clock::now_micros;
use crate::db::Db;

pub struct DbReporter {
    pub db: Db,
    /// This worker, whose lease the claim must still be held under.
    pub owner: String,
}

#[async_trait::async_trait]
impl RunReporter for DbReporter {
    async fn progress(&self, claim: Claim, fraction: Option<f64>, message: Option<String>) {
        match store::progress(&self.db, &self.owner, claim, fraction, message).await {
            Ok(true) => {}
            Ok(false) => tracing::debug!(run = %claim.run, "progress of a run whose claim was lost; not saved"),
            Err(error) => tracing::warn!(run = %claim.run, %error, "could not save a run's progress"),
        }
    }

    async fn log(&self, claim: Claim, level: &str, message: String) {
        match store::log(&self.db, &self.owner, claim, now_micros(), level, message).await {
            Ok(true) => {}
            Ok(false) => tracing::debug!(run = %claim.run, "a log line of a run whose claim was lost; not saved"),
            Err(error) => tracing::warn!(run = %claim.run, %error, "could not save a run's log line"),
        }
    }

    async fn hand_off(&self, claim: Claim) {
        if let Err(error) = store::hand_off(&self.db, &self.owner, claim, now_micros()).await {
            tracing::warn!(run = %claim.run, %error, "could not mark a run as handed off; a restart may send it again");
        }
    }

    async fn handed_off(&self, claim: Claim) -> bool {
        match store::handed_off(&self.db, claim.run).await {
            Ok(handed) => handed,
            Err(error) => {
                tracing::warn!(run = %claim.run, %error, "could not read whether a run was handed off; sending it");
                false
            }
        }
    }
}
