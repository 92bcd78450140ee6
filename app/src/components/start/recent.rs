//! Recent arguments: the task's last distinct argument sets (also of runs
//! already trimmed from its history). One click fills the editor.

use crate::components::{Time, use_announcer};
use leptos::prelude::*;
use serde_json::Value;
use types::RecentArguments;

#[component]
pub fn RecentInputs(recent: RwSignal<Vec<RecentArguments>>, fill: Callback<Value>) -> impl IntoView {
    let announcer = use_announcer();
    view! {
        <Show when=move || !recent.read().is_empty()>
            <details class="recent">
                <summary>{move || format!("Recent arguments ({})", recent.read().len())}</summary>
                <ul class="recent-list">
                    <For each=move || recent.get() key=|entry| (entry.arguments.to_string(), entry.used_at.clone()) let:entry>
                        {
                            let arguments = entry.arguments.clone();
                            let shown = crate::format::cut(&entry.arguments.to_string(), 120);
                            view! {
                                <li>
                                    <button
                                        type="button"
                                        class="button-quiet recent-use"
                                        on:click=move |_| {
                                            fill.run(arguments.clone());
                                            announcer.say("Filled in recent arguments.");
                                        }
                                    >
                                        <code>{shown}</code>
                                    </button>
                                    " "
                                    <Time at=entry.used_at.clone()/>
                                </li>
                            }
                        }
                    </For>
                </ul>
            </details>
        </Show>
    }
}
