//! One run in a table: state, times, who, result, a refresh arrow and the
//! action menu (copy id, arguments to the editor, run again, view info,
//! cancel, copy as API call).

use super::{ActionMenu, InfoDialog, LiveRuns, ProblemNotice, StateBadge, use_announcer, use_session};
use crate::format;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use types::{Problem, Role, Run};

/// What the rows of a page can do besides their own requests.
#[derive(Clone, Copy)]
pub struct RunActions {
    pub live: LiveRuns,
    pub info: InfoDialog,
    /// Puts a run's arguments into this page's editor; `None` where there is
    /// none (the row then opens the task's page with them).
    pub to_editor: Option<Callback<Run>>,
}

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
    let navigate = leptos_router::hooks::use_navigate();
    let operator = use_session().is_some_and(|session| session.may(Role::Operator));
    let problem = RwSignal::new(None::<Problem>);
    let first = run.get_untracked();
    let id = first.id;
    let short = id.to_string()[..8].to_owned();
    let columns = if show_task { 7 } else { 6 };
    let unfinished = move || !run.read().state.is_finished();

    let refresh = move |_| {
        leptos::task::spawn_local(async move {
            match crate::rpc::poll_runs(vec![id]).await {
                Ok(runs) => {
                    actions.live.apply(&[id], runs);
                    announcer.say("Refreshed.");
                }
                Err(error) => problem.set(Some(error)),
            }
        });
    };
    let copy = move |text: String, what: &'static str| {
        leptos::task::spawn_local(async move {
            #[cfg(feature = "hydrate")]
            match crate::browser::copy_to_clipboard(&text).await {
                Ok(()) => announcer.say(format!("Copied {what}.")),
                Err(message) => announcer.say(message),
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = (text, what);
        });
    };
    let to_editor = move |_| {
        let current = run.get_untracked();
        if let Some(callback) = actions.to_editor {
            callback.run(current);
            announcer.say("Copied the arguments to the editor.");
        } else {
            let href = format!(
                "/?task={}&arguments={}",
                encode_query(&current.task),
                encode_query(&current.arguments.to_string())
            );
            navigate(&href, NavigateOptions::default());
        }
    };
    let run_again = move |_| {
        leptos::task::spawn_local(async move {
            match crate::rpc::rerun_run(id).await {
                Ok(run) => {
                    problem.set(None);
                    actions.live.add(run);
                    announcer.say("Started it again.");
                }
                Err(error) => problem.set(Some(error)),
            }
        });
    };
    let cancel = move |_| {
        leptos::task::spawn_local(async move {
            match crate::rpc::cancel_run(id).await {
                Ok(run) => {
                    problem.set(None);
                    actions.live.update(run);
                    announcer.say("Asked to cancel.");
                }
                Err(error) => problem.set(Some(error)),
            }
        });
    };
    let copy_curl = move |_| {
        #[cfg(feature = "hydrate")]
        let origin = crate::browser::origin();
        #[cfg(not(feature = "hydrate"))]
        let origin = String::new();
        let current = run.get_untracked();
        let impersonated = current.run_as.is_some() && current.run_as.as_deref() != Some(&current.started_by.name);
        copy(format::curl_command(&origin, &current, impersonated), "the API call");
    };

    view! {
        <tr class="run" data-run-id=id.to_string() data-state=move || run.read().state.as_str()>
            {show_task.then(|| view! {
                <td class="run-task">
                    <a href=format!("/?task={}", encode_query(&first.task))>{first.task.clone()}</a>
                </td>
            })}
            <td class="run-state">
                {move || view! { <StateBadge state=run.read().state/> }}
                {move || {
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
                }}
            </td>
            <td class="run-started">
                <time datetime=first.created_at.clone()>{format::time(&first.created_at)}</time>
            </td>
            <td class="run-who">{format::who(&first)}</td>
            <td class="run-duration">
                {move || match run.read().duration_ms {
                    Some(millis) => format::duration(millis),
                    None if unfinished() => "…".to_owned(),
                    None => "—".to_owned(),
                }}
            </td>
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
            <td class="run-actions">
                <button type="button" class="icon-button" on:click=refresh aria-label=format!("Refresh run {short}") title="Refresh">
                    "↻"
                </button>
                <ActionMenu label=format!("Actions for run {short}") id=format!("run-{id}")>
                    <li role="none">
                        <button type="button" role="menuitem" on:click=move |_| copy(id.to_string(), "the task id")>
                            "Copy task id"
                        </button>
                    </li>
                    <li role="none">
                        <button type="button" role="menuitem" on:click=to_editor>
                            "Copy arguments to code editor"
                        </button>
                    </li>
                    {operator.then(|| view! {
                        <li role="none">
                            <button type="button" role="menuitem" on:click=run_again>
                                "Run again with same arguments"
                            </button>
                        </li>
                    })}
                    <li role="none">
                        <button type="button" role="menuitem" on:click=move |_| actions.info.open(id)>
                            "View info"
                        </button>
                    </li>
                    <Show when=move || operator && unfinished()>
                        <li role="none">
                            <button type="button" role="menuitem" on:click=cancel>
                                "Cancel"
                            </button>
                        </li>
                    </Show>
                    <li role="none">
                        <button type="button" role="menuitem" on:click=copy_curl>
                            "Copy as API call"
                        </button>
                    </li>
                </ActionMenu>
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

/// Percent-encodes a query parameter's value.
pub fn encode_query(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => char::from(byte).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}
