//! "Start task as logged in user", and "Start task as user NAME" for those
//! who may start as the impersonation user; none for viewers.

use crate::components::use_session;
use leptos::prelude::*;
use types::{Role, RunAs};

#[component]
pub fn StartButtons(on_start: Callback<RunAs>, busy: Signal<bool>) -> impl IntoView {
    let session = use_session();
    let may_start = session.as_ref().is_some_and(|session| session.may(Role::Operator));
    let impersonate = session.and_then(|session| session.0.impersonate_user);
    may_start.then(|| {
        view! {
            <div class="start-buttons">
                <button type="button" class="button-primary" disabled=busy on:click=move |_| on_start.run(RunAs::Me)>
                    "Start task as logged in user"
                </button>
                {impersonate.map(|user| {
                    view! {
                        <button
                            type="button"
                            class="button-secondary"
                            disabled=busy
                            on:click=move |_| on_start.run(RunAs::Impersonated)
                        >
                            {format!("Start task as user {user}")}
                        </button>
                    }
                })}
            </div>
        }
    })
}
