//! Choosing runs for a bulk action: a checkbox on each row of a table whose
//! page provides a [`RunSelection`], and one in the header for the whole
//! page; or "every run matching the filter", counted by the server.

use leptos::prelude::*;
use std::collections::BTreeSet;
use types::{Run, RunId};

/// The runs chosen on this page, or all that the filter matches.
#[derive(Clone, Copy)]
pub struct RunSelection {
    pub chosen: RwSignal<BTreeSet<RunId>>,
    /// `Some(count)`: every run the filter matches is chosen (counted then).
    pub all_matching: RwSignal<Option<u64>>,
}

impl RunSelection {
    pub fn new() -> RunSelection {
        RunSelection { chosen: RwSignal::new(BTreeSet::new()), all_matching: RwSignal::new(None) }
    }

    pub fn clear(&self) {
        self.chosen.set(BTreeSet::new());
        self.all_matching.set(None);
    }

    /// How many runs an action would apply to.
    pub fn count(&self) -> u64 {
        self.all_matching.get().unwrap_or(self.chosen.read().len() as u64)
    }
}

impl Default for RunSelection {
    fn default() -> Self {
        RunSelection::new()
    }
}

/// The header cell: chooses or clears every run shown.
#[component]
pub fn SelectAllCell(rows: Memo<Vec<Run>>, selection: RunSelection) -> impl IntoView {
    let all_shown = move || {
        let chosen = selection.chosen.read();
        let rows = rows.read();
        !rows.is_empty() && rows.iter().all(|run| chosen.contains(&run.id))
    };
    let toggle = move |_| {
        let choose = !all_shown();
        selection.all_matching.set(None);
        selection.chosen.update(|chosen| {
            for run in rows.read_untracked().iter() {
                if choose {
                    chosen.insert(run.id);
                } else {
                    chosen.remove(&run.id);
                }
            }
        });
    };
    view! {
        <th scope="col" class="run-select">
            <input type="checkbox" aria-label="Select every run shown" prop:checked=all_shown on:change=toggle/>
        </th>
    }
}

/// A row's cell: chooses or clears this run.
#[component]
pub fn SelectRunCell(id: RunId, selection: RunSelection) -> impl IntoView {
    let checked = move || selection.all_matching.get().is_some() || selection.chosen.read().contains(&id);
    let toggle = move |_| {
        selection.all_matching.set(None);
        selection.chosen.update(|chosen| {
            if !chosen.remove(&id) {
                chosen.insert(id);
            }
        });
    };
    view! {
        <td class="run-select">
            <input type="checkbox" aria-label=format!("Select run {}", id.short()) prop:checked=checked on:change=toggle/>
        </td>
    }
}
