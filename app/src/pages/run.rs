//! One run's own page (`/runs/{id}`): every field of it, its attempts and
//! its log, at an address that can be shared.

use crate::components::{AttemptsTable, InfoDialog, LogList, Page, RunFields, RunInfoDialog, encode_query, page_data};
use crate::rpc::get_run_detail;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use types::{Problem, RunDetail, RunId};

#[component]
pub fn RunPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    let resource = Resource::new(
        move || id.get(),
        |id| {
            page_data(async move {
                let id = id
                    .parse::<RunId>()
                    .map_err(|_| Problem::not_found(format!("No run {id:?}: run ids are UUIDs.")))?;
                get_run_detail(id).await
            })
        },
    );
    let dialog = InfoDialog::new();
    view! {
        <Page
            resource
            render=move |detail: RunDetail| {
                let task = detail.run.task.clone();
                view! {
                    <section class="run-page" aria-labelledby="run-title">
                        <h1 id="run-title">{format!("Run {}", detail.run.id)}</h1>
                        <p>
                            "A run of "
                            <a href=format!("/?task={}", encode_query(&task))>{task.clone()}</a>
                            "."
                        </p>
                        <RunFields run=detail.run dialog/>
                        {(!detail.attempts.is_empty()).then(|| view! { <AttemptsTable attempts=detail.attempts/> })}
                        <LogList log=detail.log/>
                    </section>
                    <RunInfoDialog dialog/>
                }
            }
        />
    }
}
