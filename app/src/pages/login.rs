//! Signing in. The form works before the page is hydrated, too.

use crate::components::ProblemNotice;
use crate::rpc::SignIn;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginPage() -> impl IntoView {
    let sign_in = ServerAction::<SignIn>::new();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    view! {
        <main id="main" class="login">
            <div class="login-card">
                <h1>
                    <span class="brand-mark" aria-hidden="true">"▶"</span>
                    "Task Starter"
                </h1>
                <p class="muted">"Sign in to start tasks and watch their history."</p>
                <ActionForm action=sign_in attr:class="stack">
                    <input type="hidden" name="next" value=next/>
                    <label for="name">"User name"</label>
                    <input id="name" name="name" autocomplete="username" required autofocus/>
                    <label for="password">"Password"</label>
                    <input id="password" type="password" name="password" autocomplete="current-password" required/>
                    <button type="submit" class="button-primary" disabled=move || sign_in.pending().get()>
                        "Sign in"
                    </button>
                </ActionForm>
                {move || sign_in.value().get().and_then(Result::err).map(|problem| view! { <ProblemNotice problem/> })}
            </div>
        </main>
    }
}
