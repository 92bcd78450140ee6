//! "Copy task id": the run's id to the clipboard.

use crate::components::{MenuItem, copy_and_announce, use_announcer};
use leptos::prelude::*;
use types::Run;

#[component]
pub fn CopyId(run: Memo<Run>) -> impl IntoView {
    let announcer = use_announcer();
    let copy = Callback::new(move |()| copy_and_announce(announcer, run.get_untracked().id.to_string(), "the task id"));
    view! { <MenuItem label="Copy task id" on_select=copy/> }
}
