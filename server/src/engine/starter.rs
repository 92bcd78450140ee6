//! The starter: inserts started runs, grouping the starts that arrive while
//! a transaction is under way into the next one (group commit). One start
//! alone is written at once; a thousand at once share a few transactions.
//! A group the database refuses is written again one run at a time, so one
//! bad run never fails the starts that happened to share its transaction.

use super::Shared;
use super::lifecycle;
use super::run::NewRun;
use super::store::{self, StoreError};
use std::sync::Weak;
use tokio::sync::{mpsc, oneshot};

/// The most runs inserted in one transaction.
const MAX_BATCH: usize = 1024;

/// Why a start was not recorded.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the engine is shutting down")]
    Stopped,
}

struct Job {
    run: NewRun,
    reply: oneshot::Sender<Result<(), StartError>>,
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

    /// Inserts `run` (with others started at the same time) and returns once
    /// it is committed and the workers are woken.
    pub async fn start(&self, run: NewRun) -> Result<(), StartError> {
        let (reply, answer) = oneshot::channel();
        self.jobs.send(Job { run, reply }).await.map_err(|_| StartError::Stopped)?;
        answer.await.map_err(|_| StartError::Stopped)?
    }
}

async fn run(engine: Weak<Shared>, mut queue: mpsc::Receiver<Job>) {
    let mut jobs = Vec::with_capacity(MAX_BATCH);
    while queue.recv_many(&mut jobs, MAX_BATCH).await > 0 {
        let Some(engine) = engine.upgrade() else {
            return;
        };
        let (runs, replies): (Vec<NewRun>, Vec<_>) = jobs.drain(..).map(|job| (job.run, job.reply)).unzip();
        match insert(&engine, &runs).await {
            Ok(()) => replies.into_iter().for_each(|reply| drop(reply.send(Ok(())))),
            Err(error) if runs.len() > 1 && !error.is_transient() => {
                for (run, reply) in runs.into_iter().zip(replies) {
                    let _ = reply.send(insert(&engine, std::slice::from_ref(&run)).await.map_err(StartError::from));
                }
            }
            Err(error) => {
                for reply in replies {
                    let _ = reply.send(Err(StartError::Store(error.clone())));
                }
            }
        }
    }
}

/// Inserts `runs` in one transaction, then does the bookkeeping of their start.
pub(super) async fn insert(engine: &Shared, runs: &[NewRun]) -> Result<(), StoreError> {
    store::insert_runs(&engine.db, runs).await?;
    lifecycle::runs_started(engine, runs);
    Ok(())
}
