//! A task's history, newest first, kept live: runs started from this page
//! appear at once, and pending and running runs are polled until they end.

use super::live::keep_polling;
use super::run_row::run_row;
use leptos::prelude::*;
use std::collections::{HashMap, HashSet};
use types::{Run, RunId, Task};

/// What this page knows beyond the history it loaded.
#[derive(Clone, Copy)]
pub struct LiveRuns {
    /// Runs started from this page, newest first.
    added: RwSignal<Vec<Run>>,
    /// The latest state seen of each run.
    updates: RwSignal<HashMap<RunId, Run>>,
    /// Runs the server no longer has (the history cap removed them).
    gone: RwSignal<HashSet<RunId>>,
    /// Whether a polling loop is running.
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    pub(super) polling: RwSignal<bool>,
}

impl LiveRuns {
    pub fn new() -> LiveRuns {
        LiveRuns {
            added: RwSignal::new(Vec::new()),
            updates: RwSignal::new(HashMap::new()),
            gone: RwSignal::new(HashSet::new()),
            polling: RwSignal::new(false),
        }
    }

    /// A run just started here: shown at the top at once.
    pub fn add(&self, run: Run) {
        self.added.update(|added| added.insert(0, run));
    }

    /// A newer state of a run.
    pub fn update(&self, run: Run) {
        self.updates.update(|updates| {
            updates.insert(run.id, run);
        });
    }

    /// The answer to a poll for `asked`: changed runs, and the ones that are gone.
    pub fn apply(&self, asked: &[RunId], runs: Vec<Run>) {
        let found: HashSet<RunId> = runs.iter().map(|run| run.id).collect();
        let missing: Vec<RunId> = asked.iter().filter(|id| !found.contains(id)).copied().collect();
        if !missing.is_empty() {
            self.gone.update(|gone| gone.extend(missing));
        }
        for run in runs {
            let changed = self.updates.with_untracked(|updates| updates.get(&run.id) != Some(&run));
            if changed {
                self.update(run);
            }
        }
    }

    /// `base` with this page's runs on top and the latest states applied,
    /// at most `limit` runs.
    pub fn merge(&self, base: &[Run], limit: usize) -> Vec<Run> {
        let added = self.added.get();
        let updates = self.updates.get();
        let gone = self.gone.get();
        let mut seen = HashSet::new();
        added
            .iter()
            .chain(base)
            .filter(|run| seen.insert(run.id) && !gone.contains(&run.id))
            .map(|run| updates.get(&run.id).unwrap_or(run).clone())
            .take(limit)
            .collect()
    }
}

impl Default for LiveRuns {
    fn default() -> Self {
        LiveRuns::new()
    }
}

/// The task's history: `base` as loaded, kept live.
#[component]
pub fn History(task: Task, base: Vec<Run>, live: LiveRuns) -> impl IntoView {
    let limit = task.history_limit as usize;
    view! {
        <section class="history" aria-labelledby="history-title">
            <h2 id="history-title">
                "History " <span class="muted">{format!("(the latest {limit} runs)")}</span>
            </h2>
            <HistoryTable base limit live/>
        </section>
    }
}

#[component]
fn HistoryTable(base: Vec<Run>, limit: usize, live: LiveRuns) -> impl IntoView {
    let rows = Memo::new(move |_| live.merge(&base, limit));
    keep_polling(rows, live);
    view! { <RunsTable rows show_task=false empty="No runs yet. Start one above."/> }
}

/// A table of runs that stay live, each with its action menu (and a
/// checkbox, where the page provides a [`RunSelection`](super::RunSelection)).
#[component]
pub fn RunsTable(rows: Memo<Vec<Run>>, show_task: bool, empty: &'static str) -> impl IntoView {
    let selection = use_context::<super::RunSelection>();
    view! {
        <div class="table-scroll">
            <table class="runs">
                <thead>
                    <tr>
                        {selection.map(|selection| view! { <super::SelectAllCell rows selection/> })}
                        {show_task.then(|| view! { <th scope="col">"Task"</th> })}
                        <th scope="col">"State"</th>
                        <th scope="col">"Started"</th>
                        <th scope="col">"By"</th>
                        <th scope="col">"Duration"</th>
                        <th scope="col">"Result"</th>
                        <th scope="col">
                            <span class="visually-hidden">"Actions"</span>
                        </th>
                    </tr>
                </thead>
                <tbody>
                    <For each=move || rows.get() key=|run| run.id let:run>
                        {run_row(rows, run, show_task)}
                    </For>
                </tbody>
            </table>
        </div>
        <Show when=move || rows.read().is_empty()>
            <p class="empty">{empty}</p>
        </Show>
    }
}
