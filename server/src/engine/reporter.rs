//! Writes what tasks report (progress, log lines) to the database. A failed
//! write is logged and forgotten: a task never fails because its progress
//! could not be saved.

use super::context::RunReporter;
use super::store::statement;
use crate::clock::now_micros;
use crate::db::Db;
use crate::db::entities::run_logs;
use sea_orm::{ActiveValue, ConnectionTrait, EntityTrait};
use types::RunId;

/// Longer log lines are cut to this many bytes.
const MAX_LINE_BYTES: usize = 8 * 1024;

pub struct DbReporter {
    pub db: Db,
}

#[async_trait::async_trait]
impl RunReporter for DbReporter {
    async fn progress(&self, run: RunId, fraction: Option<f64>, message: Option<String>) {
        let update = statement(
            self.db.backend,
            "UPDATE runs SET progress_fraction = $1, progress_message = $2 WHERE id = $3 AND state = 'running'",
            vec![fraction.into(), message.into(), run.0.into()],
        );
        if let Err(error) = self.db.write.execute_raw(update).await {
            tracing::warn!(run = %run, %error, "could not save a run's progress");
        }
    }

    async fn log(&self, run: RunId, level: &str, mut message: String) {
        if message.len() > MAX_LINE_BYTES {
            let mut cut = MAX_LINE_BYTES;
            while !message.is_char_boundary(cut) {
                cut -= 1;
            }
            message.truncate(cut);
            message.push_str(" [cut]");
        }
        let line = run_logs::ActiveModel {
            id: ActiveValue::NotSet,
            run_id: ActiveValue::Set(run.0),
            at: ActiveValue::Set(now_micros()),
            level: ActiveValue::Set(level.to_owned()),
            message: ActiveValue::Set(message),
        };
        if let Err(error) = run_logs::Entity::insert(line).exec_without_returning(&self.db.write).await {
            tracing::warn!(run = %run, %error, "could not save a run's log line");
        }
    }
}
