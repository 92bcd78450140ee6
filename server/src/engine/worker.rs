//! The worker pool of one process: a claim loop that takes pending runs as
//! slots free up, woken at once by a start (in-process notify, or PostgreSQL
//! `LISTEN`) and by a slow poll otherwise; plus the finisher, the heartbeat,
//! the rescuer and the listener. Graceful shutdown stops claiming, gives
//! running tasks a grace period, then re-queues what is left.

use super::executor::Executor;
use super::store;
use super::{Shared, finisher, leases, listener};
use crate::clock::now_micros;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, Semaphore, mpsc, watch};
use tokio::task::JoinHandle;

/// How long shutdown waits for the finisher to record the last outcomes
/// (beyond the grace period); a database that is away longer leaves them to
/// the rescuers, once the leases expire.
const FINISHER_GRACE: Duration = Duration::from_secs(10);

/// The executions of one pool and the slots they take.
struct Pool {
    executor: Arc<Executor>,
    slots: Arc<Semaphore>,
}

/// A running worker pool; [`WorkerPool::shutdown`] stops it gracefully.
pub struct WorkerPool {
    pool: Arc<Pool>,
    stop: watch::Sender<bool>,
    claim_loop: JoinHandle<()>,
    finisher: JoinHandle<()>,
    helpers: Vec<JoinHandle<()>>,
}

impl WorkerPool {
    pub(super) fn spawn(engine: Arc<Shared>) -> WorkerPool {
        let (finished, settlements) = mpsc::channel(engine.settings.concurrency.max(64) * 2);
        let pool = Arc::new(Pool {
            slots: Arc::new(Semaphore::new(engine.settings.concurrency)),
            executor: Arc::new(Executor { engine: Arc::clone(&engine), finished, slot_freed: Notify::new() }),
        });
        let (stop, stopped) = watch::channel(false);
        let mut helpers = vec![
            tokio::spawn(leases::heartbeat_loop(Arc::clone(&engine), stopped.clone())),
            tokio::spawn(leases::rescue_loop(Arc::clone(&engine), stopped.clone())),
        ];
        if let Some(listen) = listener::spawn(&engine) {
            helpers.push(listen);
        }
        WorkerPool {
            claim_loop: tokio::spawn(claim_loop(Arc::clone(&pool), stopped)),
            finisher: tokio::spawn(finisher::run(Arc::clone(&engine), settlements)),
            pool,
            stop,
            helpers,
        }
    }

    /// Stops claiming, waits up to the shutdown grace for running tasks,
    /// stops the rest and puts their runs back in the queue.
    pub async fn shutdown(self) {
        let WorkerPool { pool, stop, claim_loop, finisher, helpers } = self;
        let engine = Arc::clone(&pool.executor.engine);
        let _ = stop.send(true);
        let _ = claim_loop.await;
        let grace = engine.settings.shutdown_grace;
        let waited = tokio::time::timeout(grace, async {
            while !engine.running.is_empty() {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
        .await;
        if waited.is_err() {
            tracing::warn!(
                runs = engine.running.len(),
                "tasks still running after the shutdown grace; re-queueing them"
            );
        }
        engine.running.abort_all();
        let all = u32::try_from(engine.settings.concurrency).unwrap_or(u32::MAX);
        let _ = tokio::time::timeout(Duration::from_secs(5), pool.slots.acquire_many(all)).await;
        drop(pool);
        if tokio::time::timeout(FINISHER_GRACE, finisher).await.is_err() {
            tracing::error!("could not record the last outcomes in time; they come back when their leases expire");
        }
        match store::requeue_owned(&engine.db, &engine.worker_id, now_micros()).await {
            Ok(0) => {}
            Ok(requeued) => tracing::info!(requeued, "re-queued the runs this worker still held"),
            Err(error) => {
                tracing::error!(%error, "could not re-queue this worker's runs; they come back when their lease expires");
            }
        }
        for helper in helpers {
            helper.abort();
        }
    }
}

async fn claim_loop(pool: Arc<Pool>, mut stop: watch::Receiver<bool>) {
    let engine = Arc::clone(&pool.executor.engine);
    let runnable = engine.catalog.runnable_paths();
    let settings = &engine.settings;
    loop {
        if *stop.borrow() {
            break;
        }
        let free = pool.slots.available_permits().min(settings.claim_batch);
        if free == 0 {
            tokio::select! {
                () = pool.executor.slot_freed.notified() => continue,
                _ = stop.changed() => break,
            }
        }
        let now = now_micros();
        let claimed = store::claim(&engine.db, &engine.worker_id, &runnable, free, now, settings.lease).await;
        match claimed {
            Ok(runs) => {
                let full = runs.len() == free;
                engine.metrics.observe_claim(runs.len(), now);
                for run in runs {
                    let Ok(permit) = Arc::clone(&pool.slots).try_acquire_owned() else {
                        tracing::error!(run = %run.claim.run, "claimed a run without a free slot; it will be rescued");
                        continue;
                    };
                    tokio::spawn(Arc::clone(&pool.executor).execute(run, permit));
                }
                if full {
                    continue;
                }
            }
            Err(error) => {
                tracing::warn!(%error, "could not claim runs; trying again shortly");
                tokio::select! {
                    () = tokio::time::sleep(Duration::from_secs(1)) => continue,
                    _ = stop.changed() => break,
                }
            }
        }
        tokio::select! {
            () = engine.work.notified() => {}
            () = tokio::time::sleep(settings.poll_interval) => {}
            _ = stop.changed() => break,
        }
    }
}
