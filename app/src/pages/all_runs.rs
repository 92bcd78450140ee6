//! All runs: recent runs across tasks, filtered by state, task and user,
//! a page at a time (keyset paging), kept live like a task's history.

use crate::components::{InfoDialog, LiveRuns, Page, RunActions, RunInfoDialog, RunsTable, encode_query, page_data};
use crate::rpc::list_runs;
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;
use types::{Run, RunFilter, RunList, RunState};

#[component]
pub fn AllRunsPage() -> impl IntoView {
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        let query = query.read();
        let text = |name: &str| query.get(name).filter(|value| !value.is_empty());
        RunFilter {
            state: text("state").and_then(|state| RunState::parse(&state)),
            task: text("task"),
            user: text("user"),
            limit: Some(50),
            before: text("before"),
        }
    });
    let resource = Resource::new(move || filter.get(), |filter| page_data(list_runs(filter)));
    let info = InfoDialog::new();
    let value = move |name: &'static str| query.read().get(name).unwrap_or_default();
    view! {
        <Page
            resource
            render=move |list: RunList| {
                view! {
                    <section class="all-runs" aria-labelledby="all-runs-title">
                        <h1 id="all-runs-title">"All runs"</h1>
                        <Form method="GET" action="" attr:class="filters">
                            <label>
                                "State "
                                <select name="state">
                                    <option value="" selected=move || value("state").is_empty()>"Any"</option>
                                    {RunState::ALL
                                        .iter()
                                        .copied()
                                        .map(|state| {
                                            view! {
                                                <option value=state.as_str() selected=move || value("state") == state.as_str()>
                                                    {state.label()}
                                                </option>
                                            }
                                        })
                                        .collect_view()}
                                </select>
                            </label>
                            <label>
                                "Task " <input name="task" type="text" prop:value=move || value("task") placeholder="dotted.path"/>
                            </label>
                            <label>
                                "User " <input name="user" type="text" prop:value=move || value("user") placeholder="started by or run as"/>
                            </label>
                            <button type="submit" class="button-secondary">"Filter"</button>
                            <a href="/runs" class="button-quiet">"Clear"</a>
                        </Form>
                        <LiveRunList runs=list.runs next_before=list.next_before info/>
                        <RunInfoDialog dialog=info/>
                    </section>
                }
            }
        />
    }
}

#[component]
fn LiveRunList(runs: Vec<Run>, next_before: Option<String>, info: InfoDialog) -> impl IntoView {
    let live = LiveRuns::new();
    provide_context(RunActions { live, info, to_editor: None, edit_again: None });
    let limit = runs.len().max(1);
    let rows = Memo::new(move |_| live.merge(&runs, limit));
    crate::components::keep_polling(rows, live);
    let query = use_query_map();
    let older = next_before.map(|cursor| {
        let mut parts: Vec<String> = ["state", "task", "user"]
            .into_iter()
            .filter_map(|name| query.read_untracked().get(name).map(|value| format!("{name}={}", encode_query(&value))))
            .collect();
        parts.push(format!("before={}", encode_query(&cursor)));
        format!("/runs?{}", parts.join("&"))
    });
    let paged = query.read_untracked().get("before").is_some();
    view! {
        <RunsTable rows show_task=true empty="No runs match."/>
        <nav class="pager" aria-label="Pages">
            {paged.then(|| view! { <a href="/runs">"← Newest"</a> })}
            {older.map(|href| view! { <a href=href>"Older runs →"</a> })}
        </nav>
    }
}
