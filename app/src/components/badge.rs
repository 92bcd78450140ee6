//! A run's state as a badge: a word and a symbol, so it reads without colour.

use leptos::prelude::*;
use types::RunState;

#[component]
pub fn StateBadge(state: RunState) -> impl IntoView {
    let symbol = match state {
        RunState::Pending => "○",
        RunState::Running => "◔",
        RunState::Success => "✓",
        RunState::Failure => "✕",
        RunState::Cancelled => "⊘",
    };
    view! {
        <span class=format!("badge badge-{}", state.as_str())>
            <span class="badge-symbol" aria-hidden="true">{symbol}</span>
            {state.label()}
        </span>
    }
}
