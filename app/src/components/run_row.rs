//! One run in a table: state, times, who, result, a refresh arrow and the
//! action menu (copy id, arguments to the editor, run again, view info,
//! cancel, copy as API call).

use super::{ActionMenu, InfoDialog, LiveRuns, ProblemNotice, StateBadge, announce, use_session};
use crate::format;
use crate::types::{Problem, Role, Run};
use leptos::prelude::*;

/// What the rows of a page can do besides their own requests.
#[derive(Clone, Copy)]
pub struct RunActions {
    pub live: LiveRuns,
    pub info: InfoDialog,
    /// Puts a run's arguments into this page's editor; `None` where there is
    /// none (the row then opens the task's page with them).
    pub to_editor: Option<Callback<Run>>,
}

#[component]
pub fn RunRow(run: Run, show_task: bool) -> impl IntoView {
    let actions = expect_context::<RunActions>();
    let operator = use_session().is_some_and(|session| session.may(Role::Operator));
    let problem = RwSignal::new(None::<Problem>);
    let id = run.id;
    let short = run.id.to_string()[..8].to_owned();
    let unfinished = !run.state.is_finished();
    let result_full = run.result.clone().unwrap_or_default();
    let result_shown = run.result.as_deref().map(|result| format::cut(result, 80));
    let failed_without_result = run.result.is_none() && run.error.is_some();
    let progress = run.progress.clone().filter(|_| unfinished);
    let duration = run.duration_ms.map(format::duration);
    let started = format::time(&run.created_at);
    let who = format::who(&run);
    let columns = if show_task { 7 } else { 6 };

    let report = move |outcome: Result<Run, Problem>, message: String| match outcome {
        Ok(run) => {
            problem.set(None);
            actions.live.update(run);
            announce(message);
        }
        Err(error) => problem.set(Some(error)),
    };
    let refresh = move |_| {
        leptos::task::spawn_local(async move {
            match crate::rpc::poll_runs(vec![id]).await {
                Ok(runs) => {
                    actions.live.apply(&[id], runs);
                    announce("Refreshed.");
                }
                Err(error) => problem.set(Some(error)),
            }
        });
    };
    let copy = move |text: String, what: &'static str| {
        leptos::task::spawn_local(async move {
            #[cfg(feature = "hydrate")]
            match crate::browser::copy_to_clipboard(&text).await {
                Ok(()) => announce(format!("Copied {what}.")),
                Err(message) => announce(message),
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = (text, what);
        });
    };
    let run_for_editor = run.clone();
    let run_for_curl = run.clone();
    let to_editor = move |_| match actions.to_editor {
        Some(callback) => {
            callback.run(run_for_editor.clone());
            announce("Copied the arguments to the editor.");
        }
        None => {
            let arguments = run_for_editor.arguments.to_string();
            let href = format!(
                "/?task={}&arguments={}",
                encode_query(&run_for_editor.task),
                encode_query(&arguments)
            );
            leptos_router::hooks::use_navigate()(&href, Default::default());
        }
    };
    let run_again = move |_| {
        leptos::task::spawn_local(async move {
            match crate::rpc::rerun_run(id).await {
                Ok(run) => {
                    problem.set(None);
                    actions.live.add(run);
                    announce("Started it again.");
                }
                Err(error) => problem.set(Some(error)),
            }
        });
    };
    let cancel = move |_| {
        leptos::task::spawn_local(async move {
            report(crate::rpc::cancel_run(id).await, "Asked to cancel.".to_owned());
        });
    };
    let copy_curl = move |_| {
        #[cfg(feature = "hydrate")]
        let origin = crate::browser::origin();
        #[cfg(not(feature = "hydrate"))]
        let origin = String::new();
        let impersonated = run_for_curl.run_as.is_some() && run_for_curl.run_as.as_deref() != Some(&run_for_curl.started_by.name);
        copy(format::curl_command(&origin, &run_for_curl, impersonated), "the API call");
    };

    view! {
        <tr class="run" data-run-id=id.to_string() data-state=run.state.as_str()>
            {show_task.then(|| view! { <td class="run-task"><a href=format!("/?task={}", encode_query(&run.task))>{run.task.clone()}</a></td> })}
            <td class="run-state">
                <StateBadge state=run.state/>
                {progress.map(|progress| {
                    let percent = progress.fraction.map(|fraction| (fraction * 100.0).round());
                    view! {
                        <div class="progress">
                            <progress max="100" value=percent.map(|percent| percent.to_string()) aria-label="Progress">
                                {percent.map(|percent| format!("{percent}%"))}
                            </progress>
                            <span class="progress-message">{progress.message.clone().unwrap_or_default()}</span>
                        </div>
                    }
                })}
            </td>
            <td class="run-started">
                <time datetime=run.created_at.clone()>{started}</time>
            </td>
            <td class="run-who">{who}</td>
            <td class="run-duration">{duration.unwrap_or_else(|| if unfinished { "…".to_owned() } else { "—".to_owned() })}</td>
            <td class="run-result" title=result_full>
                {match (result_shown, failed_without_result) {
                    (Some(result), _) => view! { <span>{result}</span> }.into_any(),
                    (None, true) => view! { <span class="muted">"No result — see View info"</span> }.into_any(),
                    (None, false) => view! { <span class="muted">"—"</span> }.into_any(),
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
                        <button type="button" role="menuitem" on:click=to_editor.clone()>
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
                    {(operator && unfinished).then(|| view! {
                        <li role="none">
                            <button type="button" role="menuitem" on:click=cancel>
                                "Cancel"
                            </button>
                        </li>
                    })}
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
