//! The threads that compute argon2, each with one block of memory it
//! reuses from one computation to the next.
//!
//! Each computation needs 19 MiB. Run on tokio's blocking pool, every
//! computation could land on another thread, and glibc keeps what a thread
//! freed in that thread's arena: 100 wrong passwords sent at once peaked at
//! 390 to 507 MiB (26 at rest) on two cores, although only two ran at once.
//! Here a fixed set of threads does all the hashing, as many as may run at
//! once, so no more than that many blocks ever exist: 66 MiB at the peak
//! (`bench --sign-in-memory`, see `bin/bench/sign_in.rs`). A
//! thread allocates its block on its first computation and lets it go once
//! it has been idle for a while, so the process at rest holds none (and the
//! heap trimmer, `crate::heap`, can give the pages back).

use super::password::HashError;
use argon2::Block;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::Duration;
use tokio::sync::Semaphore;

/// A computation for a hashing thread, given the thread's memory.
type Work = Box<dyn FnOnce(&mut [Block]) + Send>;

/// A computation, with the queue of the thread it was sent to: the thread
/// puts it back among the idle ones once the work is done.
struct Job {
    work: Work,
    back: Sender<Job>,
}

/// The hashing threads.
pub struct HashingPool {
    shared: Arc<Shared>,
    threads: usize,
}

struct Shared {
    /// The queues of the threads that are idle.
    idle: Mutex<Vec<Sender<Job>>>,
    /// One permit per idle thread.
    free: Semaphore,
    /// How many threads hold their block of memory now.
    holding: AtomicUsize,
}

impl HashingPool {
    /// Starts `threads` threads, each computing in `blocks` blocks of memory
    /// that it lets go of after `idle` without work.
    pub fn start(threads: usize, blocks: usize, idle: Duration) -> HashingPool {
        let shared =
            Arc::new(Shared { idle: Mutex::new(Vec::new()), free: Semaphore::new(0), holding: AtomicUsize::new(0) });
        let mut started = 0;
        for number in 0..threads {
            let (queue, jobs) = std::sync::mpsc::channel();
            let weak = Arc::downgrade(&shared);
            let spawned = std::thread::Builder::new()
                .name(format!("password-hash-{number}"))
                .spawn(move || serve(&jobs, &weak, blocks, idle));
            match spawned {
                Ok(_) => {
                    shared.idle.lock().unwrap_or_else(PoisonError::into_inner).push(queue);
                    started += 1;
                }
                Err(error) => tracing::error!(%error, "cannot start a thread for hashing passwords"),
            }
        }
        shared.free.add_permits(started);
        HashingPool { shared, threads: started }
    }

    /// Runs `work` on an idle thread with that thread's memory, waiting at
    /// most `wait` for one to be idle ([`HashError::Busy`] after that). The
    /// work runs to its end even when the caller stops waiting, and the
    /// thread is idle again only then, so the threads bound how many run.
    pub async fn run<T: Send + 'static>(
        &self,
        wait: Duration,
        work: impl FnOnce(&mut [Block]) -> T + Send + 'static,
    ) -> Result<T, HashError> {
        if self.threads == 0 {
            return Err(HashError::Failed("no thread could be started for hashing".to_owned()));
        }
        let permit = tokio::time::timeout(wait, self.shared.free.acquire())
            .await
            .map_err(|_| HashError::Busy)?
            .map_err(|_| HashError::Busy)?;
        // The thread gives the permit back when it is idle again.
        permit.forget();
        let queue = self.shared.idle.lock().unwrap_or_else(PoisonError::into_inner).pop();
        let queue = queue.ok_or_else(|| HashError::Failed("no hashing thread is idle".to_owned()))?;
        let (reply, answer) = tokio::sync::oneshot::channel();
        let work: Work = Box::new(move |memory| {
            let _ = reply.send(work(memory));
        });
        queue
            .send(Job { work, back: queue.clone() })
            .map_err(|_| HashError::Failed("a hashing thread has stopped".to_owned()))?;
        answer.await.map_err(|_| HashError::Failed("the hashing thread failed".to_owned()))
    }

    /// How many threads hold their block of memory now.
    #[cfg(test)]
    pub fn holding(&self) -> usize {
        self.shared.holding.load(Ordering::Relaxed)
    }
}

/// A hashing thread: runs the jobs sent to it in its memory, until the
/// pool is gone.
fn serve(jobs: &Receiver<Job>, pool: &Weak<Shared>, blocks: usize, idle: Duration) {
    let mut memory: Option<Vec<Block>> = None;
    loop {
        let received = match memory {
            Some(_) => jobs.recv_timeout(idle),
            None => jobs.recv().map_err(|_| RecvTimeoutError::Disconnected),
        };
        let Job { work, back } = match received {
            Ok(job) => job,
            Err(RecvTimeoutError::Timeout) => {
                memory = None;
                if let Some(pool) = pool.upgrade() {
                    pool.holding.fetch_sub(1, Ordering::Relaxed);
                }
                continue;
            }
            Err(RecvTimeoutError::Disconnected) => return,
        };
        let held = memory.get_or_insert_with(|| {
            if let Some(pool) = pool.upgrade() {
                pool.holding.fetch_add(1, Ordering::Relaxed);
            }
            vec![Block::new(); blocks]
        });
        // A panic drops the reply, which the caller sees as a failure; the
        // memory is scratch, so the thread goes on.
        let _ = std::panic::catch_unwind(AssertUnwindSafe(|| work(held)));
        let Some(pool) = pool.upgrade() else { return };
        pool.idle.lock().unwrap_or_else(PoisonError::into_inner).push(back);
        pool.free.add_permits(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    #[tokio::test]
    async fn no_more_computations_run_at_once_than_there_are_threads() {
        let pool = Arc::new(HashingPool::start(2, 16, Duration::from_mins(1)));
        let (running, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let calls: Vec<_> = (0..8)
            .map(|_| {
                let (pool, running, most) = (Arc::clone(&pool), Arc::clone(&running), Arc::clone(&most));
                tokio::spawn(async move {
                    pool.run(Duration::from_secs(10), move |memory| {
                        let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        std::thread::sleep(Duration::from_millis(30));
                        running.fetch_sub(1, Ordering::SeqCst);
                        (std::thread::current().id(), memory.as_ptr() as usize, memory.len())
                    })
                    .await
                })
            })
            .collect();
        let mut seen = Vec::new();
        for call in calls {
            seen.push(call.await.unwrap().unwrap());
        }
        assert_eq!(most.load(Ordering::SeqCst), 2, "two threads, two at once");
        assert!(seen.iter().all(|(_, _, length)| *length == 16), "every computation gets the whole block");
        let mut threads: Vec<_> = seen.iter().map(|(thread, address, _)| (format!("{thread:?}"), *address)).collect();
        threads.sort();
        threads.dedup();
        assert_eq!(threads.len(), 2, "two threads, each with the one block it reuses: {threads:?}");
        assert_eq!(pool.holding(), 2);
    }

    #[tokio::test]
    async fn a_caller_that_cannot_get_a_thread_in_time_is_told_it_is_busy() {
        let pool = Arc::new(HashingPool::start(1, 16, Duration::from_mins(1)));
        let slow = {
            let pool = Arc::clone(&pool);
            tokio::spawn(async move {
                pool.run(Duration::from_secs(5), |_| std::thread::sleep(Duration::from_millis(400))).await
            })
        };
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(pool.run(Duration::from_millis(50), |_| ()).await, Err(HashError::Busy));
        assert_eq!(slow.await.unwrap(), Ok(()));
        assert_eq!(pool.run(Duration::from_millis(50), |_| 7).await, Ok(7), "free again");
    }

    #[tokio::test]
    async fn a_thread_lets_its_memory_go_once_idle_and_survives_a_panic() {
        let pool = HashingPool::start(1, 16, Duration::from_millis(50));
        assert_eq!(pool.holding(), 0, "nothing is allocated before the first computation");
        let failed = pool.run(Duration::from_secs(5), |_| -> () { panic!("a bug in a computation") }).await;
        assert!(matches!(failed, Err(HashError::Failed(_))), "{failed:?}");
        assert_eq!(pool.holding(), 1);
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(pool.holding(), 0, "idle: the memory is given back");
        assert_eq!(pool.run(Duration::from_secs(5), |memory| memory.len()).await, Ok(16), "the thread goes on");
    }
}
