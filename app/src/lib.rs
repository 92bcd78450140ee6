//! Task Starter's console: the API types shared with the server, the pages
//! and components, and the server functions they call. The server renders
//! every page; the browser hydrates it and keeps it live.

// The console's view types nest deeply.
#![recursion_limit = "256"]

pub mod components;
#[cfg(feature = "ssr")]
pub mod console;
pub mod format;
pub mod pages;
pub mod rpc;
/// The API's types, from the `types` crate at the bottom of the house.
pub use types;
pub mod validate;

#[cfg(feature = "hydrate")]
mod browser;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{SsrMode, path};

/// The HTML document around the app, rendered on the server for each page.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    set_content_security_policy();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// A fresh nonce for this page's scripts, and the policy that allows only
/// them: no inline script or style without it, no other origin.
#[cfg(feature = "ssr")]
fn set_content_security_policy() {
    provide_nonce();
    let Some(nonce) = use_nonce() else { return };
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    );
    if let (Some(options), Ok(value)) =
        (use_context::<leptos_axum::ResponseOptions>(), http::HeaderValue::from_str(&policy))
    {
        options.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

/// The console: sign-in, and behind it the pages of a signed-in user.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Stylesheet id="task-starter" href="/pkg/task-starter.css"/>
        <Title text="Task Starter"/>
        <Router>
            <Routes fallback=pages::NotFound>
                <Route path=path!("/login") view=pages::LoginPage/>
                // Pages are rendered whole before they are sent (their data
                // comes from the local database in milliseconds), so the
                // browser hydrates exactly what it received.
                <ParentRoute path=path!("") view=components::Layout ssr=SsrMode::Async>
                    <Route path=path!("") view=pages::TaskStarterPage ssr=SsrMode::Async/>
                    <Route path=path!("runs") view=pages::AllRunsPage ssr=SsrMode::Async/>
                    <Route path=path!("schedules") view=pages::SchedulesPage ssr=SsrMode::Async/>
                    <Route path=path!("users") view=pages::UsersPage ssr=SsrMode::Async/>
                    <Route path=path!("tokens") view=pages::TokensPage ssr=SsrMode::Async/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
