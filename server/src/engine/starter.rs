//! The starter: inserts started runs, grouping the starts that arrive while
//! a transaction is under way into the next one (group commit). One start
//! alone is written at once; a thousand at once share a few transactions.

use super::Shared;
use super::store::{self, NewRun};
use sea_orm::DbErr;
use std::sync::{Arc, Weak};
use tokio::sync::{mpsc, oneshot};

/// The most runs inserted in one transaction.
const MAX_BATCH: usize = 1024;

struct Job {
    row: NewRun,
    reply: oneshot::Sender<Result<(), DbErr>>,
}

/// A handle to the starter task.
#[derive(Clone)]
pub struct Starter {
    jobs: mpsc::Sender<Job>,
}

impl Starter {
    /// Starts the starter task; it ends when the engine is dropped.
    pub(super) fn spawn(engine: Weak<Shared>) -> Starter {
        let (jobs, queue) = mpsc::channel(MAX_BATCH * 4);
        tokio::spawn(run(engine, queue));
        Starter { jobs }
    }

    /// Inserts `row` (with others started at the same time) and returns once
    /// it is committed and the workers are woken.
    pub async fn start(&self, row: NewRun) -> Result<(), DbErr> {
        let (reply, answer) = oneshot::channel();
        self.jobs.send(Job { row, reply }).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

fn stopped() -> DbErr {
    DbErr::Custom("the engine is shutting down".to_owned())
}

async fn run(engine: Weak<Shared>, mut queue: mpsc::Receiver<Job>) {
    let mut jobs = Vec::with_capacity(MAX_BATCH);
    while queue.recv_many(&mut jobs, MAX_BATCH).await > 0 {
        let Some(engine) = engine.upgrade() else {
            return;
        };
        let (rows, replies): (Vec<NewRun>, Vec<_>) = jobs.drain(..).map(|job| (job.row, job.reply)).unzip();
        let result = insert(&engine, &rows).await;
        for reply in replies {
            let answer = match &result {
                Ok(()) => Ok(()),
                Err(error) => Err(DbErr::Custom(error.to_string())),
            };
            let _ = reply.send(answer);
        }
    }
}

/// Inserts `rows` in one transaction, counts them and wakes the workers.
pub(super) async fn insert(engine: &Arc<Shared>, rows: &[NewRun]) -> Result<(), DbErr> {
    store::insert_runs(&engine.db, rows).await?;
    let mut tasks = std::collections::BTreeSet::new();
    for row in rows {
        engine.metrics.run_started(&row.task, &row.origin);
        tasks.insert(row.task.as_str());
    }
    for task in tasks {
        engine.trimmer.request(task);
    }
    engine.work.notify_one();
    Ok(())
}
