//! "Copy as API call": a curl command that starts the same run.

use crate::components::{MenuItem, copy_and_announce, page_origin, use_announcer};
use crate::format;
use leptos::prelude::*;
use types::Run;

#[component]
pub fn CopyCurl(run: Memo<Run>) -> impl IntoView {
    let announcer = use_announcer();
    let copy = Callback::new(move |()| {
        let origin = page_origin();
        let current = run.get_untracked();
        let impersonated = current.run_as.is_some() && current.run_as.as_deref() != Some(&current.started_by.name);
        copy_and_announce(announcer, format::curl_command(&origin, &current, impersonated), "the API call");
    });
    view! { <MenuItem label="Copy as API call" on_select=copy/> }
}
