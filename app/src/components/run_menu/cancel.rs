//! "Cancel": ends a pending run, or asks a running one to stop.

use super::RunActions;
use crate::components::{MenuItem, spawn_call, use_announcer};
use leptos::prelude::*;
use types::{Problem, Run};

#[component]
pub fn Cancel(run: Memo<Run>, problem: RwSignal<Option<Problem>>) -> impl IntoView {
    let actions = expect_context::<RunActions>();
    let announcer = use_announcer();
    let cancel = Callback::new(move |()| {
        spawn_call(problem, crate::rpc::cancel_run(run.get_untracked().id), move |run| {
            actions.live.update(run);
            announcer.say("Asked to cancel.");
        });
    });
    view! { <MenuItem label="Cancel" on_select=cancel/> }
}
