//! View info: a dialog with every field of a run, its attempts and its log.

use super::{ProblemNotice, StateBadge};
use crate::format;
use crate::rpc::get_run_detail;
use leptos::prelude::*;
use types::{Problem, RunDetail, RunId};

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
    let run = detail.run;
    let field = |name: &'static str, value: Option<String>| {
        view! {
            <dt>{name}</dt>
            <dd>{value.unwrap_or_else(|| "—".to_owned())}</dd>
        }
    };
    let progress = run.progress.as_ref().map(|progress| {
        let fraction = progress.fraction.map(|fraction| format!("{:.0}%", fraction * 100.0));
        [fraction, progress.message.clone()].into_iter().flatten().collect::<Vec<_>>().join(" — ")
    });
    let rerun_of = run.rerun_of;
    view! {
        <dl class="fields">
            {field("Run id", Some(run.id.to_string()))}
            {field("Task", Some(run.task.clone()))}
            <dt>"State"</dt>
            <dd>
                <StateBadge state=run.state/>
            </dd>
            <dt>"Result"</dt>
            <dd>
                <pre class="value">{run.result.clone().unwrap_or_else(|| "—".to_owned())}</pre>
            </dd>
            {field("Error kind", run.error.as_ref().map(|error| error.kind.clone()))}
            <dt>"Error"</dt>
            <dd>
                <pre class="value">{run.error.as_ref().map_or_else(|| "—".to_owned(), |error| error.message.clone())}</pre>
            </dd>
            {field("Started by", Some(format!("{} ({})", run.started_by.name, run.started_by.kind.as_str())))}
            {field("Runs as", run.run_as.clone())}
            {field("Origin", Some(run.origin.as_str().to_owned()))}
            <dt>"Re-run of"</dt>
            <dd>
                {match rerun_of {
                    Some(original) => view! {
                        <button type="button" class="link-button" on:click=move |_| dialog.open(original)>
                            {original.to_string()}
                        </button>
                    }
                        .into_any(),
                    None => "—".into_any(),
                }}
            </dd>
            {field("Attempt", Some(format!("{} of {}", run.attempt, run.max_attempts)))}
            {field("Created", Some(format::time(&run.created_at)))}
            {field("Started", run.started_at.as_deref().map(format::time))}
            {field("Finished", run.finished_at.as_deref().map(format::time))}
            {field("Duration", run.duration_ms.map(format::duration))}
            {field("Progress", progress)}
            <dt>"Arguments"</dt>
            <dd>
                <pre class="value">{format::pretty(&run.arguments)}</pre>
            </dd>
        </dl>
        {(!detail.attempts.is_empty()).then(|| view! {
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
                    {detail.attempts.into_iter().map(|attempt| view! {
                        <tr>
                            <td>{attempt.attempt}</td>
                            <td><StateBadge state=attempt.state/></td>
                            <td>{attempt.worker}</td>
                            <td>{attempt.error.map(|error| format!("{}: {}", error.kind, error.message)).unwrap_or_default()}</td>
                            <td>{format::time(&attempt.finished_at)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        })}
        <h3>"Log"</h3>
        {if detail.log.is_empty() {
            view! { <p class="muted">"The task wrote no log lines."</p> }.into_any()
        } else {
            view! {
                <ol class="log">
                    {detail.log.into_iter().map(|line| view! {
                        <li class=format!("log-{}", line.level)>
                            <time datetime=line.at.clone()>{format::time(&line.at)}</time>
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
