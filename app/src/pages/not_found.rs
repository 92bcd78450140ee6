//! Any other address.

use leptos::prelude::*;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
        options.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <main id="main" class="narrow">
            <h1>"Not found"</h1>
            <p>"There is no page at this address. " <a href="/">"Go to the tasks"</a> "."</p>
        </main>
    }
}
