//! "Edit and run again": the run's arguments into the editor, with the next
//! start linked to this run (or, on a page without an editor, the task's
//! page opened with them and the link).

use super::RunActions;
use crate::components::{MenuItem, encode_query, use_announcer};
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use types::Run;

#[component]
pub fn EditAgain(run: Memo<Run>) -> impl IntoView {
    let actions = expect_context::<RunActions>();
    let announcer = use_announcer();
    let navigate = leptos_router::hooks::use_navigate();
    let edit = Callback::new(move |()| {
        let current = run.get_untracked();
        if let Some(edit_again) = actions.edit_again {
            edit_again.run(current);
            announcer.say("The arguments are in the editor; the next start is linked to this run.");
        } else {
            let href = format!(
                "/?task={}&arguments={}&rerun_of={}",
                encode_query(&current.task),
                encode_query(&current.arguments.to_string()),
                current.id
            );
            navigate(&href, NavigateOptions::default());
        }
    });
    view! { <MenuItem label="Edit and run again" on_select=edit/> }
}
