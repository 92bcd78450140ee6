//! "Copy link": the task starter's address with this task and these
//! arguments, so a colleague opens the same form.

use crate::components::{MenuItem, copy_and_announce, encode_query, page_origin, use_announcer};
use leptos::prelude::*;
use types::Run;

/// `/?task=…&arguments=…` for `run`.
pub fn form_link(origin: &str, run: &Run) -> String {
    format!("{origin}/?task={}&arguments={}", encode_query(&run.task), encode_query(&run.arguments.to_string()))
}

#[component]
pub fn CopyLink(run: Memo<Run>) -> impl IntoView {
    let announcer = use_announcer();
    let copy = Callback::new(move |()| {
        let origin = page_origin();
        copy_and_announce(announcer, form_link(&origin, &run.get_untracked()), "a link to the form");
    });
    view! { <MenuItem label="Copy link" on_select=copy/> }
}
