//! The worker pool of one process: a claim loop that takes pending runs as
//! slots free up, woken at once by a start (in-process notify, or PostgreSQL
//! `LISTEN`) and by a slow poll otherwise; plus the finisher, the heartbeat,
//! the rescuer and the listener. Graceful shutdown stops claiming, gives
//! running tasks a grace period, then re-queues what is left.

use super::executor::Executor;
use super::store::{self, Settlement};
use super::{Shared, finisher, leases, listener};
use crate::clock::now_micros;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::sync::{Notify, RwLock, Semaphore, mpsc, watch};
use tokio::task::JoinHandle;

/// How long shutdown waits for the finisher to record the last outcomes
/// (beyond the grace period); a database that is away longer leaves them to
/// the rescuers, once the leases expire.
const FINISHER_GRACE: Duration = Duration::from_secs(10);

/// The executions of one pool, the slots they take, and the tasks it claims.
pub(super) struct Pool {
    pub(super) executor: Arc<Executor>,
    pub(super) slots: Arc<Semaphore>,
    pub(super) paths: Vec<String>,
    /// The wake-up count (`Shared::wakes`) when a claim last came back
    /// short: while it is current, the queue holds nothing for this pool and
    /// starts may be taken at once (see `intake`).
    pub(super) drained_at: AtomicU64,
    /// Open while the pool takes starts at once; shutdown closes it.
    pub(super) gate: Arc<RwLock<bool>>,
    /// True once a claim has looked at the queue.
    looked: watch::Sender<bool>,
}

impl Pool {
    fn new(engine: &Arc<Shared>, finished: &mpsc::Sender<Settlement>, slots: usize, paths: Vec<String>) -> Arc<Pool> {
        Arc::new(Pool {
            slots: Arc::new(Semaphore::new(slots)),
            executor: Arc::new(Executor {
                engine: Arc::clone(engine),
                finished: finished.clone(),
                slot_freed: Notify::new(),
            }),
            paths,
            drained_at: AtomicU64::new(u64::MAX),
            gate: Arc::new(RwLock::new(true)),
            looked: watch::Sender::new(false),
        })
    }

    /// Slots taken by executions under way.
    fn busy(&self, slots: usize) -> usize {
        slots.saturating_sub(self.slots.available_permits())
    }
}

/// A running worker pool; [`WorkerPool::shutdown`] stops it gracefully.
pub struct WorkerPool {
    pool: Arc<Pool>,
    /// The Celery runs' pool: many slots, since a run there only waits.
    celery: Option<(Arc<Pool>, usize)>,
    stop: watch::Sender<bool>,
    claim_loops: Vec<JoinHandle<()>>,
    finisher: JoinHandle<()>,
    helpers: Vec<JoinHandle<()>>,
}

impl WorkerPool {
    pub(super) fn spawn(engine: Arc<Shared>) -> WorkerPool {
        let (finished, settlements) = mpsc::channel(engine.settings.concurrency.max(64) * 2);
        let pool = Pool::new(&engine, &finished, engine.settings.concurrency, engine.catalog.runnable_paths());
        let celery_paths = engine.catalog.celery_paths();
        let celery =
            engine.celery.get().filter(|_| !celery_paths.is_empty()).map(|runner| {
                (Pool::new(&engine, &finished, runner.max_in_flight, celery_paths), runner.max_in_flight)
            });
        drop(finished);
        let (stop, stopped) = watch::channel(false);
        let mut helpers = vec![
            tokio::spawn(leases::heartbeat_loop(Arc::clone(&engine), stopped.clone())),
            tokio::spawn(leases::rescue_loop(Arc::clone(&engine), stopped.clone())),
        ];
        if let Some(listen) = listener::spawn(&engine) {
            helpers.push(listen);
        }
        let mut claim_loops = vec![tokio::spawn(claim_loop(Arc::clone(&pool), stopped.clone()))];
        if let Some((celery, _)) = &celery {
            claim_loops.push(tokio::spawn(claim_loop(Arc::clone(celery), stopped)));
        }
        let workers = WorkerPool {
            claim_loops,
            finisher: tokio::spawn(finisher::run(Arc::clone(&engine), settlements)),
            pool,
            celery,
            stop,
            helpers,
        };
        engine.intake.register(workers.pools().map(Arc::downgrade));
        workers
    }

    /// The pool of this process's tasks, then the Celery runs' pool.
    fn pools(&self) -> impl Iterator<Item = &Arc<Pool>> {
        std::iter::once(&self.pool).chain(self.celery.iter().map(|(celery, _)| celery))
    }

    /// Returns once every pool has looked at the queue (or after `limit`):
    /// from then on a start this process can run is taken at once, unless
    /// older runs wait.
    pub async fn ready(&self, limit: Duration) {
        for pool in self.pools() {
            let mut looked = pool.looked.subscribe();
            let _ = tokio::time::timeout(limit, looked.wait_for(|looked| *looked)).await;
        }
    }

    /// Stops claiming, waits up to the shutdown grace for running tasks,
    /// stops the rest and puts their runs back in the queue. Celery runs
    /// are not waited for: they run on the Celery workers, and whoever
    /// claims them next follows them.
    pub async fn shutdown(self) {
        let WorkerPool { pool, celery, stop, claim_loops, finisher, helpers } = self;
        let engine = Arc::clone(&pool.executor.engine);
        let _ = stop.send(true);
        for claim_loop in claim_loops {
            let _ = claim_loop.await;
        }
        // No start is taken at once from here on; those under way are spawned.
        *pool.gate.write().await = false;
        if let Some((celery, _)) = &celery {
            *celery.gate.write().await = false;
        }
        let grace = engine.settings.shutdown_grace;
        let celery_busy = || celery.as_ref().map_or(0, |(celery, slots)| celery.busy(*slots));
        let waited = tokio::time::timeout(grace, async {
            while engine.running.len() > celery_busy() {
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
        if let Some((celery, slots)) = &celery {
            let all = u32::try_from(*slots).unwrap_or(u32::MAX);
            let _ = tokio::time::timeout(Duration::from_secs(5), celery.slots.acquire_many(all)).await;
        }
        drop((pool, celery));
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
    let runnable = &pool.paths;
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
        let wakes = engine.wakes.load(Ordering::SeqCst);
        let claimed = store::claim(&engine.db, &engine.worker_id, runnable, free, now, settings.lease).await;
        match claimed {
            Ok(runs) => {
                let full = runs.len() == free;
                if !full {
                    pool.drained_at.store(wakes, Ordering::SeqCst);
                }
                pool.looked.send_replace(true);
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
