//! Polling: while any shown run is pending or running, ask for all of them
//! in one request about once a second (every five seconds while the tab is
//! hidden), and stop when nothing is left to watch.

use super::LiveRuns;
use leptos::prelude::*;
use types::Run;

/// How often to poll while the tab is visible, and while it is hidden.
#[cfg(feature = "hydrate")]
const VISIBLE_MS: u32 = 1000;
#[cfg(feature = "hydrate")]
const HIDDEN_MS: u32 = 5000;

/// Starts a polling loop whenever `rows` has unfinished runs and none is running.
pub fn keep_polling(rows: Memo<Vec<Run>>, live: LiveRuns) {
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        let watching = rows.with(|rows| rows.iter().any(|run| !run.state.is_finished()));
        if watching && !live.polling.get_untracked() {
            live.polling.set(true);
            leptos::task::spawn_local(poll(rows, live));
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (rows, live);
}

#[cfg(feature = "hydrate")]
async fn poll(rows: Memo<Vec<Run>>, live: LiveRuns) {
    use crate::browser::{sleep_ms, tab_hidden};
    let mut failures = 0_u32;
    loop {
        let wait = if tab_hidden() { HIDDEN_MS } else { VISIBLE_MS };
        sleep_ms(wait * (1 + failures.min(4))).await;
        // The page may have gone away meanwhile.
        let Some(current) = rows.try_get_untracked() else {
            return;
        };
        let ids: Vec<_> = current.iter().filter(|run| !run.state.is_finished()).map(|run| run.id).collect();
        if ids.is_empty() {
            break;
        }
        // The server answers at most MAX_POLL_IDS ids a request.
        for chunk in ids.chunks(types::MAX_POLL_IDS) {
            match crate::rpc::poll_runs(chunk.to_vec()).await {
                Ok(runs) => {
                    failures = 0;
                    if live.polling.try_get_untracked().is_none() {
                        return;
                    }
                    live.apply(chunk, runs);
                }
                Err(_) => failures += 1,
            }
        }
    }
    let _ = live.polling.try_set(false);
}
