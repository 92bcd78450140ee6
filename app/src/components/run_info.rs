//! View info: a dialog with every field of a run, its attempts and its log.

use super::{ProblemNotice, StateBadge, Time};
use crate::format;
use crate::rpc::get_run_detail;
use leptos::prelude::*;
use types::{Attempt, LogLine, Problem, Run, RunDetail, RunId};

const DIALOG_ID: &str = "run-info";

/// Which run the dialog shows, and what was loaded of it; one dialog
/// serves the whole page. (It loads on demand, in the browser only, so the
/// server renders it empty and hydration has nothing to wait for.)
#[derive(Clone, Copy)]
pub struct InfoDialog {
    run: RwSignal<Option<RunId>>,
    detail: RwSignal<Option<Result<RunDetail, Problem>>>,
}

impl InfoDialog {
    pub fn new() -> InfoDialog {
        InfoDialog { run: RwSignal::new(None), detail: RwSignal::new(None) }
    }

    /// Opens the dialog on run `id` and loads every field of it.
    pub fn open(&self, id: RunId) {
        let InfoDialog { run, detail } = *self;
        run.set(Some(id));
        detail.set(None);
        #[cfg(feature = "hydrate")]
        crate::browser::show_modal(DIALOG_ID);
        leptos::task::spawn_local(async move {
            let loaded = get_run_detail(id).await;
            if run.try_get_untracked() == Some(Some(id)) {
                let _ = detail.try_set(Some(loaded));
            }
        });
    }
}

impl Default for InfoDialog {
    fn default() -> Self {
        InfoDialog::new()
    }
}

#[component]
pub fn RunInfoDialog(dialog: InfoDialog) -> impl IntoView {
    view! {
        <dialog id=DIALOG_ID class="info" aria-labelledby="run-info-title" on:close=move |_| dialog.run.set(None)>
            <div class="info-head">
                <h2 id="run-info-title">"Run details"</h2>
                <form method="dialog">
                    <button type="submit" class="icon-button" aria-label="Close">
                        "✕"
                    </button>
                </form>
            </div>
            {move || match (dialog.run.get(), dialog.detail.get()) {
                (None, _) => ().into_any(),
                (Some(_), None) => view! { <p class="loading">"Loading…"</p> }.into_any(),
                (Some(_), Some(Ok(detail))) => view! { <Details detail dialog/> }.into_any(),
                (Some(_), Some(Err(problem))) => view! { <ProblemNotice problem/> }.into_any(),
            }}
        </dialog>
    }
}

#[component]
fn Details(detail: RunDetail, dialog: InfoDialog) -> impl IntoView {
    let link = format!("/runs/{}", detail.run.id);
    view! {
        <p class="permalink"><a href=link>"Link to this run"</a></p>
        <RunFields run=detail.run dialog/>
        {(!detail.attempts.is_empty()).then(|| view! { <AttemptsTable attempts=detail.attempts/> })}
        <LogList log=detail.log/>
    }
}

/// Every field of the run (a re-run's original opens in `dialog`).
#[component]
pub fn RunFields(run: Run, dialog: InfoDialog) -> impl IntoView {
    let field = |name: &'static str, value: Option<String>| {
        view! {
            <dt>{name}</dt>
            <dd>{value.unwrap_or_else(|| "—".to_owned())}</dd>
        }
    };
    let text = |name: &'static str, value: Option<String>| {
        view! {
            <dt>{name}</dt>
            <dd>
                <pre class="value">{value.unwrap_or_else(|| "—".to_owned())}</pre>
            </dd>
        }
    };
    let time = |name: &'static str, at: Option<String>| {
        view! {
            <dt>{name}</dt>
            <dd>{at.map_or_else(|| "—".into_any(), |at| view! { <Time at/> }.into_any())}</dd>
        }
    };
    let progress = run.progress.as_ref().map(|progress| {
        let fraction = progress.fraction.map(|fraction| format!("{:.0}%", fraction * 100.0));
        [fraction, progress.message.clone()].into_iter().flatten().collect::<Vec<_>>().join(" — ")
    });
    let rerun_of = run.rerun_of.map(|original| {
        view! {
            <button type="button" class="link-button" on:click=move |_| dialog.open(original)>
                {original.to_string()}
            </button>
        }
    });
    view! {
        <dl class="fields">
            {field("Run id", Some(run.id.to_string()))}
            {field("Task", Some(run.task.clone()))}
            <dt>"State"</dt>
            <dd>
                <StateBadge state=run.state/>
            </dd>
            {text("Result", run.result.clone())}
            {field("Error kind", run.error.as_ref().map(|error| error.kind.clone()))}
            {text("Error", run.error.as_ref().map(|error| error.message.clone()))}
            {field("Started by", Some(format!("{} ({})", run.started_by.name, run.started_by.kind.as_str())))}
            {field("Runs as", run.run_as.clone())}
            {field("Origin", Some(run.origin.as_str().to_owned()))}
            <dt>"Re-run of"</dt>
            <dd>{rerun_of.map_or_else(|| "—".into_any(), IntoAny::into_any)}</dd>
            {field("Attempt", Some(format!("{} of {}", run.attempt, run.max_attempts)))}
            {time("Created", Some(run.created_at.clone()))}
            {time("Started", run.started_at.clone())}
            {time("Finished", run.finished_at.clone())}
            {field("Duration", run.duration_ms.map(format::duration))}
            {field("Progress", progress)}
            {text("Arguments", Some(format::pretty(&run.arguments)))}
        </dl>
    }
}

/// Each attempt of a run that retries.
#[component]
pub fn AttemptsTable(attempts: Vec<Attempt>) -> impl IntoView {
    view! {
        <h3>"Attempts"</h3>
        <table class="attempts">
            <thead>
                <tr>
                    <th scope="col">"#"</th>
                    <th scope="col">"State"</th>
                    <th scope="col">"Worker"</th>
                    <th scope="col">"Error"</th>
                    <th scope="col">"Ended"</th>
                </tr>
            </thead>
            <tbody>
                {attempts.into_iter().map(|attempt| view! {
                    <tr>
                        <td>{attempt.attempt}</td>
                        <td><StateBadge state=attempt.state/></td>
                        <td>{attempt.worker}</td>
                        <td>{attempt.error.map(|error| format!("{}: {}", error.kind, error.message)).unwrap_or_default()}</td>
                        <td><Time at=attempt.finished_at/></td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// The lines the task wrote to its log.
#[component]
pub fn LogList(log: Vec<LogLine>) -> impl IntoView {
    view! {
        <h3>"Log"</h3>
        {if log.is_empty() {
            view! { <p class="muted">"The task wrote no log lines."</p> }.into_any()
        } else {
            view! {
                <ol class="log">
                    {log.into_iter().map(|line| view! {
                        <li class=format!("log-{}", line.level)>
                            <Time at=line.at.clone()/>
                            " "
                            <span class="log-level">{line.level.clone()}</span>
                            " "
                            <span>{line.message}</span>
                        </li>
                    }).collect_view()}
                </ol>
            }.into_any()
        }}
    }
}
