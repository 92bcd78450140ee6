//! "View info": every field of the run, its attempts and its log.

use super::RunActions;
use crate::components::MenuItem;
use leptos::prelude::*;
use types::Run;

#[component]
pub fn ViewInfo(run: Memo<Run>) -> impl IntoView {
    let actions = expect_context::<RunActions>();
    let open = Callback::new(move |()| actions.info.open(run.get_untracked().id));
    view! { <MenuItem label="View info" on_select=open/> }
}
