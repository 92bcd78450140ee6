//! The starter: inserts started runs, grouping the starts that arrive while
//! a transaction is under way into the next one (group commit). One start
//! alone is written at once; a thousand at once share a few transactions.
//! A group the database refuses is written again one run at a time, so one
//! bad run never fails the starts that happened to share its transaction.

use super::Shared;
use super::lifecycle;
use super::run::NewRun;
use super::store::{self, NewAuditEvent, StoreError, Taker};
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
    audit: Option<NewAuditEvent>,
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

    /// Inserts `run` and its audit entry (with others started at the same
    /// time) and returns once they are committed and the workers are woken.
    pub async fn start(&self, run: NewRun, audit: Option<NewAuditEvent>) -> Result<(), StartError> {
        let (reply, answer) = oneshot::channel();
        self.jobs.send(Job { run, audit, reply }).await.map_err(|_| StartError::Stopped)?;
        answer.await.map_err(|_| StartError::Stopped)?
    }
}

async fn run(engine: Weak<Shared>, mut queue: mpsc::Receiver<Job>) {
    let mut jobs = Vec::with_capacity(MAX_BATCH);
    while queue.recv_many(&mut jobs, MAX_BATCH).await > 0 {
        let Some(engine) = engine.upgrade() else {
            return;
        };
        let mut runs = Vec::with_capacity(jobs.len());
        let mut entries = Vec::with_capacity(jobs.len());
        let mut replies = Vec::with_capacity(jobs.len());
        for job in jobs.drain(..) {
            runs.push(job.run);
            entries.push(job.audit);
            replies.push(job.reply);
        }
        let audit: Vec<NewAuditEvent> = entries.iter().flatten().cloned().collect();
        match insert(&engine, &runs, &audit).await {
            Ok(()) => replies.into_iter().for_each(|reply| drop(reply.send(Ok(())))),
            Err(error) if runs.len() > 1 && !error.is_transient() => {
                for ((run, entry), reply) in runs.into_iter().zip(entries).zip(replies) {
                    let alone = insert(&engine, std::slice::from_ref(&run), entry.as_slice()).await;
                    let _ = reply.send(alone.map_err(StartError::from));
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

/// Inserts `runs` and `audit` in one transaction, then does the bookkeeping
/// of their start. The runs this process can run at once are inserted
/// claimed and handed to its workers (see `intake`).
pub(super) async fn insert(engine: &Shared, runs: &[NewRun], audit: &[NewAuditEvent]) -> Result<(), StoreError> {
    let taken = engine.intake.take(engine, runs);
    let all: Vec<&NewRun> = taken.all().collect();
    let this_worker = Taker { owner: &engine.worker_id, lease: engine.settings.lease };
    store::insert_taken(&engine.db, &all, audit, Some(this_worker)).await?;
    lifecycle::runs_started(engine, all);
    engine.metrics.runs_taken(taken.runs.len());
    taken.execute();
    Ok(())
}
