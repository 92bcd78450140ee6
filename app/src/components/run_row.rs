//! One run in a table: state and progress, times, who, result, a refresh
//! arrow and the action menu.

use super::{ProblemNotice, RunActions, RunMenu, StateBadge, Time, spawn_call, use_announcer};
use crate::format;
use leptos::prelude::*;
use types::{Problem, Run};

/// A row for the run with this id in `rows`: it stays mounted while the run
/// changes (an open menu stays open), and keeps its last state if the run
/// leaves `rows`.
pub fn run_row(rows: Memo<Vec<Run>>, first: Run, show_task: bool) -> impl IntoView {
    let id = first.id;
    let run = Memo::new(move |previous: Option<&Run>| {
        rows.with(|rows| rows.iter().find(|run| run.id == id).cloned())
            .or_else(|| previous.cloned())
            .unwrap_or_else(|| first.clone())
    });
    view! { <RunRow run show_task/> }
}

#[component]
pub fn RunRow(run: Memo<Run>, show_task: bool) -> impl IntoView {
    let actions = expect_context::<RunActions>();
    let announcer = use_announcer();
    let problem = RwSignal::new(None::<Problem>);
    let first = run.get_untracked();
    let id = first.id;
    let short = id.short();
    let selection = use_context::<super::RunSelection>();
    let columns = 6 + usize::from(show_task) + usize::from(selection.is_some());
    let refresh = move |_| {
        spawn_call(problem, crate::rpc::poll_runs(vec![id]), move |runs| {
            actions.live.apply(&[id], runs);
            announcer.say("Refreshed.");
        });
    };
    view! {
        <tr class="run" data-run-id=id.to_string() data-state=move || run.read().state.as_str()>
            {selection.map(|selection| view! { <super::SelectRunCell id selection/> })}
            {show_task.then(|| view! {
                <td class="run-task">
                    <a href=format!("/?task={}", encode_query(&first.task))>{first.task.clone()}</a>
                </td>
            })}
            <td class="run-state">
                {move || view! { <StateBadge state=run.read().state/> }}
                <RunProgress run/>
            </td>
            <td class="run-started">
                <Time at=first.created_at.clone()/>
            </td>
            <td class="run-who">{format::who(&first)}</td>
            <td class="run-duration">
                {move || {
                    let current = run.read();
                    match current.duration_ms {
                        Some(millis) => format::duration(millis),
                        None if !current.state.is_finished() => "…".to_owned(),
                        None => "—".to_owned(),
                    }
                }}
            </td>
            <RunResult run/>
            <td class="run-actions">
                <button type="button" class="icon-button" on:click=refresh aria-label=format!("Refresh run {short}") title="Refresh">
                    "↻"
                </button>
                <RunMenu run problem/>
            </td>
        </tr>
        {move || problem.get().map(|error| view! {
            <tr class="run-problem">
                <td colspan=columns>
                    <ProblemNotice problem=error/>
                </td>
            </tr>
        })}
    }
}

/// The progress bar and message of a run under way.
#[component]
fn RunProgress(run: Memo<Run>) -> impl IntoView {
    move || {
        let current = run.get();
        current.progress.filter(|_| !current.state.is_finished()).map(|progress| {
            let percent = progress.fraction.map(|fraction| (fraction * 100.0).round());
            view! {
                <div class="progress">
                    <progress max="100" value=percent.map(|percent| percent.to_string()) aria-label="Progress">
                        {percent.map(|percent| format!("{percent}%"))}
                    </progress>
                    <span class="progress-message">{progress.message.unwrap_or_default()}</span>
                </div>
            }
        })
    }
}

/// The result, cut to fit (the whole of it on hover).
#[component]
fn RunResult(run: Memo<Run>) -> impl IntoView {
    view! {
        <td class="run-result" title=move || run.read().result.clone().unwrap_or_default()>
            {move || {
                let current = run.read();
                match (&current.result, &current.error) {
                    (Some(result), _) => view! { <span>{format::cut(result, 80)}</span> }.into_any(),
                    (None, Some(_)) => view! { <span class="muted">"No result — see View info"</span> }.into_any(),
                    (None, None) => view! { <span class="muted">"—"</span> }.into_any(),
                }
            }}
        </td>
    }
}

/// Percent-encodes a query parameter's value.
pub fn encode_query(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => char::from(byte).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}
