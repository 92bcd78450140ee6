//! "Copy arguments to code editor": into this page's editor, or, where the
//! page has none, the task's page opened with them.

use super::RunActions;
use crate::components::{MenuItem, encode_query, use_announcer};
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use types::Run;

#[component]
pub fn ToEditor(run: Memo<Run>) -> impl IntoView {
    let actions = expect_context::<RunActions>();
    let announcer = use_announcer();
    let navigate = leptos_router::hooks::use_navigate();
    let fill = Callback::new(move |()| {
        let current = run.get_untracked();
        if let Some(to_editor) = actions.to_editor {
            to_editor.run(current);
            announcer.say("Copied the arguments to the editor.");
        } else {
            let href = format!(
                "/?task={}&arguments={}",
                encode_query(&current.task),
                encode_query(&current.arguments.to_string())
            );
            navigate(&href, NavigateOptions::default());
        }
    });
    view! { <MenuItem label="Copy arguments to code editor" on_select=fill/> }
}
