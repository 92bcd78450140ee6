//! The question a link with arguments asks when the task has a draft that
//! says something else: replace the draft with the link's arguments, or
//! keep it. A modal dialog (the focus moves into it and stays there);
//! Escape keeps the draft, since nothing is lost that way.

use leptos::prelude::*;

const DIALOG_ID: &str = "replace-draft";

/// Opens when `asking` holds a draft, and closes once answered; `replace`
/// and `keep` (given the draft) carry out the answer.
#[component]
pub fn ReplaceDraftDialog(
    asking: RwSignal<Option<String>>,
    replace: Callback<()>,
    keep: Callback<String>,
) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if asking.with(Option::is_some) {
            crate::browser::show_modal(DIALOG_ID);
        }
    });
    // Whichever way the dialog closes, it answers once.
    let answer = move |replacing: bool| {
        if let Some(draft) = asking.get_untracked() {
            asking.set(None);
            if replacing {
                replace.run(());
            } else {
                keep.run(draft);
            }
        }
        #[cfg(feature = "hydrate")]
        crate::browser::close_dialog(DIALOG_ID);
    };
    view! {
        <dialog
            id=DIALOG_ID
            class="confirm"
            role="alertdialog"
            aria-labelledby="replace-draft-title"
            aria-describedby="replace-draft-text"
            on:close=move |_| answer(false)
        >
            <h2 id="replace-draft-title">"Replace your draft?"</h2>
            <p id="replace-draft-text">
                "The link fills in other arguments than the draft you were editing for this task. \
                 Replacing the draft loses it."
            </p>
            <div class="confirm-buttons">
                <button type="button" class="button-primary" on:click=move |_| answer(true)>
                    "Replace my draft"
                </button>
                <button type="button" class="button-secondary" autofocus on:click=move |_| answer(false)>
                    "Keep my draft"
                </button>
            </div>
        </dialog>
    }
}
