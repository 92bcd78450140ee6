//! Searches beside a start load: the rate of starts (64 callers, workers
//! draining them) alone, then with 8 callers searching every row at once
//! (text of two characters, which no index narrows), and how far it drops.
//! Each search is stopped at `search.timeout`; the engine's claims and
//! finishes run on connections no search takes.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use task_starter::runtime::Runtime;
use types::{ActorKind, Origin, Principal, Role, RunFilter, StartRequest};

const STARTERS: usize = 64;
const SEARCHERS: usize = 8;

/// Starts a second while `searchers` callers search every row; and how the
/// searches ended (answered, stopped at the deadline, refused as busy).
async fn starts_per_second(runtime: &Runtime, seconds: u64, searchers: usize) -> (f64, [usize; 3]) {
    let stop = Arc::new(AtomicBool::new(false));
    let started = Arc::new(AtomicUsize::new(0));
    let mut callers = Vec::new();
    for _ in 0..STARTERS {
        let (service, stop, started) = (runtime.service.clone(), Arc::clone(&stop), Arc::clone(&started));
        callers.push(tokio::spawn(async move {
            let principal = Principal::new(ActorKind::Cli, "bench", Role::Admin);
            while !stop.load(Ordering::Relaxed) {
                let request = StartRequest { arguments: serde_json::json!({}), ..StartRequest::default() };
                if service.start(&principal, "examples.tasks.dummy_task", request, Origin::Api).await.is_ok() {
                    started.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    let ends: Arc<[AtomicUsize; 3]> = Arc::new(Default::default());
    let mut searching = Vec::new();
    for index in 0..searchers {
        let (service, stop, ends) = (runtime.service.clone(), Arc::clone(&stop), Arc::clone(&ends));
        searching.push(tokio::spawn(async move {
            let principal = Principal::new(ActorKind::Cli, "bench", Role::Viewer);
            let mut round = 0;
            while !stop.load(Ordering::Relaxed) {
                let text = format!("{}{}", char::from(b'q' + u8::try_from(index % 8).unwrap_or(0)), round % 10);
                let filter = RunFilter { text: Some(text), ..RunFilter::default() };
                let end = match service.list_runs(&principal, &filter).await {
                    Ok(_) => 0,
                    Err(task_starter::service::ServiceError::Unprocessable(_)) => 1,
                    Err(_) => 2,
                };
                ends[end].fetch_add(1, Ordering::Relaxed);
                round += 1;
            }
        }));
    }
    let began = Instant::now();
    let before = started.load(Ordering::Relaxed);
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    let rate = (started.load(Ordering::Relaxed) - before) as f64 / began.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    for task in callers.into_iter().chain(searching) {
        let _ = task.await;
    }
    (rate, [0, 1, 2].map(|end| ends[end].load(Ordering::Relaxed)))
}

/// Prints the start rate alone, beside the searches, and the drop.
pub async fn measure(database: &str, runtime: &Runtime, seconds: u64) {
    let workers = runtime.engine.spawn_workers();
    // A first round warms the caches and the task's history up.
    let _ = starts_per_second(runtime, 1, 0).await;
    let (alone, _) = starts_per_second(runtime, seconds, 0).await;
    let (beside, [answered, stopped, busy]) = starts_per_second(runtime, seconds, SEARCHERS).await;
    let (again, _) = starts_per_second(runtime, seconds, 0).await;
    workers.shutdown().await;
    let base = f64::midpoint(alone, again);
    println!(
        "{database}: starts alone {base:>8.0}/s ({alone:.0}, {again:.0}); beside {SEARCHERS} searches of every row \
         {beside:>8.0}/s: {:+.1} %  (searches: {answered} answered, {stopped} stopped at the deadline, {busy} busy)",
        (beside / base - 1.0) * 100.0
    );
}
