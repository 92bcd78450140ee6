//! "Run again with same arguments": a new run, linked to this one.

use super::RunActions;
use crate::components::{MenuItem, spawn_call, use_announcer};
use leptos::prelude::*;
use types::{Problem, Run};

#[component]
pub fn RunAgain(run: Memo<Run>, problem: RwSignal<Option<Problem>>) -> impl IntoView {
    let actions = expect_context::<RunActions>();
    let announcer = use_announcer();
    let again = Callback::new(move |()| {
        spawn_call(problem, crate::rpc::rerun_run(run.get_untracked().id), move |run| {
            actions.live.add(run);
            announcer.say("Started it again.");
        });
    });
    view! { <MenuItem label="Run again with same arguments" on_select=again/> }
}
