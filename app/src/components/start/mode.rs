//! The "Form | JSON" switch. The choice is remembered per user in this
//! browser until the user signs out ([`forget_choice`]); a schema no form
//! can express keeps to JSON and says why.

use leptos::prelude::*;

/// How the arguments are edited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Form,
    Json,
}

impl Mode {
    fn word(self) -> &'static str {
        match self {
            Mode::Form => "form",
            Mode::Json => "json",
        }
    }
}

/// The mode the user chose last (Form when nothing was chosen), read once
/// the page runs in the browser.
pub fn remembered(user: &str) -> RwSignal<Mode> {
    let mode = RwSignal::new(Mode::Form);
    #[cfg(feature = "hydrate")]
    {
        let key = key(user);
        Effect::new(move |_| {
            if crate::browser::kept(crate::browser::Kept::ForBrowser, &key).as_deref() == Some("json") {
                mode.set(Mode::Json);
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = user;
    mode
}

#[cfg(feature = "hydrate")]
fn key(user: &str) -> String {
    format!("task-starter.editor.{user}")
}

/// Forgets `user`'s choice in this browser.
#[cfg(feature = "hydrate")]
pub fn forget_choice(user: &str) {
    crate::browser::keep(crate::browser::Kept::ForBrowser, &key(user), None);
}

#[component]
pub fn ModeSwitch(mode: RwSignal<Mode>, user: String, form_available: bool) -> impl IntoView {
    let choose = move |chosen: Mode| {
        mode.set(chosen);
        #[cfg(feature = "hydrate")]
        crate::browser::keep(crate::browser::Kept::ForBrowser, &key(&user), Some(chosen.word()));
        #[cfg(not(feature = "hydrate"))]
        let _ = (&user, chosen.word());
    };
    let choose = StoredValue::new(choose);
    view! {
        <div class="mode-switch" role="group" aria-label="Edit the arguments as">
            <button
                type="button"
                class="mode-button"
                aria-pressed=move || (mode.get() == Mode::Form && form_available).to_string()
                disabled=!form_available
                on:click=move |_| choose.with_value(|choose| choose(Mode::Form))
            >
                "Form"
            </button>
            <button
                type="button"
                class="mode-button"
                aria-pressed=move || (mode.get() == Mode::Json || !form_available).to_string()
                on:click=move |_| choose.with_value(|choose| choose(Mode::Json))
            >
                "JSON"
            </button>
        </div>
    }
}
