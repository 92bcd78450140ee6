//! Searches beside a start load: the rate of starts (64 callers, workers
//! draining them) alone, then with 8 callers searching at once, and how
//! far it drops: searches of every row (text of two characters, which no
//! index narrows), then searches for text nobody has (which read every row
//! before the text index).
//! Each search is stopped at `search.timeout`; the engine's claims and
//! finishes run on connections no search takes.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use task_starter::runtime::Runtime;
use types::{ActorKind, Origin, Principal, Role, RunFilter, StartRequest};

const STARTERS: usize = 64;
const SEARCHERS: usize = 8;

/// What the searchers look for.
#[derive(Clone, Copy)]
enum Searching {
    /// Two characters: every row the other filters leave is read.
    EveryRow,
    /// Text no run holds, long enough for the text index.
    Absent,
}

/// Starts a second while `searchers` callers search; and how the searches
/// ended (answered, stopped at the deadline, refused as busy).
async fn starts_per_second(
    runtime: &Runtime,
    seconds: u64,
    searchers: usize,
    searching: Searching,
) -> (f64, [usize; 3]) {
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
    let mut lookups = Vec::new();
    for index in 0..searchers {
        let (service, stop, ends) = (runtime.service.clone(), Arc::clone(&stop), Arc::clone(&ends));
        lookups.push(tokio::spawn(async move {
            let principal = Principal::new(ActorKind::Cli, "bench", Role::Viewer);
            let mut round = 0;
            while !stop.load(Ordering::Relaxed) {
                let letter = char::from(b'q' + u8::try_from(index % 8).unwrap_or(0));
                let text = match searching {
                    Searching::EveryRow => format!("{letter}{}", round % 10),
                    Searching::Absent => format!("needle-{letter}-{round}"),
                };
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
    #[allow(clippy::cast_precision_loss)]
    let rate = (started.load(Ordering::Relaxed) - before) as f64 / began.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    for task in callers.into_iter().chain(lookups) {
        let _ = task.await;
    }
    (rate, [0, 1, 2].map(|end| ends[end].load(Ordering::Relaxed)))
}

/// Prints the start rate alone, beside the searches, and the drop.
pub async fn measure(database: &str, runtime: &Runtime, seconds: u64) {
    let workers = runtime.engine.spawn_workers();
    // A first round warms the caches and the task's history up.
    let _ = starts_per_second(runtime, 1, 0, Searching::Absent).await;
    for (searching, what) in
        [(Searching::EveryRow, "searches of every row"), (Searching::Absent, "searches for absent text")]
    {
        let (alone, _) = starts_per_second(runtime, seconds, 0, searching).await;
        let (beside, [answered, stopped, busy]) = starts_per_second(runtime, seconds, SEARCHERS, searching).await;
        let (again, _) = starts_per_second(runtime, seconds, 0, searching).await;
        let base = f64::midpoint(alone, again);
        println!(
            "{database}: starts alone {base:>6.0}/s ({alone:.0}, {again:.0}); beside {SEARCHERS} {what} {beside:>6.0}/s: \
             {:+.1} %  (searches: {answered} answered, {stopped} stopped at the deadline, {busy} busy)",
            (beside / base - 1.0) * 100.0
        );
    }
    workers.shutdown().await;
}
