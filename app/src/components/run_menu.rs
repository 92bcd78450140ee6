//! The action menu of a run in a history: one component per action, each
//! with its own call, and the context the rows of a page share.

mod cancel;
mod copy_curl;
mod copy_id;
mod copy_link;
mod edit_again;
mod run_again;
mod to_editor;
mod view_info;

use super::{ActionMenu, InfoDialog, LiveRuns, use_session};
use leptos::prelude::*;
use types::{Problem, Role, Run};

/// What the rows of a page can do besides their own requests.
#[derive(Clone, Copy)]
pub struct RunActions {
    pub live: LiveRuns,
    pub info: InfoDialog,
    /// Puts a run's arguments into this page's editor; `None` where there is
    /// none (the row then opens the task's page with them).
    pub to_editor: Option<Callback<Run>>,
    /// Puts a run's arguments into this page's editor and links the next
    /// start to the run ("edit and run again"); `None` where there is none.
    pub edit_again: Option<Callback<Run>>,
}

/// The "⋯" menu of one run. `problem` shows under the row.
#[component]
pub fn RunMenu(run: Memo<Run>, problem: RwSignal<Option<Problem>>) -> impl IntoView {
    let operator = use_session().is_some_and(|session| session.may(Role::Operator));
    let first = run.get_untracked();
    let short = first.id.short();
    let unfinished = move || !run.read().state.is_finished();
    view! {
        <ActionMenu label=format!("Actions for run {short}") id=format!("run-{}", first.id)>
            <copy_id::CopyId run/>
            <to_editor::ToEditor run/>
            {operator.then(|| view! {
                <edit_again::EditAgain run/>
                <run_again::RunAgain run problem/>
            })}
            <view_info::ViewInfo run/>
            <Show when=move || operator && unfinished()>
                <cancel::Cancel run problem/>
            </Show>
            <copy_link::CopyLink run/>
            <copy_curl::CopyCurl run/>
        </ActionMenu>
    }
}
