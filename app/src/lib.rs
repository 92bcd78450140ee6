//! Task Starter's console: the API types shared with the server, the pages
//! and components, and the server functions they call. The server renders
//! every page; the browser hydrates it and keeps it live.

// The console's view types nest deeply.
#![recursion_limit = "256"]

pub mod assets;
pub mod components;
pub mod format;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod port;
pub mod rpc;
/// The API's types, from the `types` crate at the bottom of the house.
pub use types;

#[cfg(feature = "hydrate")]
mod browser;

use assets::SiteAssets;
use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{SsrMode, path};

/// The HTML document around the app, rendered on the server for each page:
/// the styles and the script that hydrates the page, named as the server's
/// [`SiteAssets`] say. Nothing is preloaded: the script fetches the JS and
/// the wasm after the first paint, so the page is read while they load
/// (and Lighthouse does not charge their download to the first paint,
/// GoogleChrome/lighthouse#16539).
pub fn shell(_options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    set_content_security_policy();
    let assets = use_context::<SiteAssets>().unwrap_or_default();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <link rel="stylesheet" href=assets.css_href()/>
                <script type="module" nonce=use_nonce()>
                    {assets.boot_script()}
                </script>
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

/// How the console matches a schema's `pattern`: with the browser's own
/// `RegExp` (the engine JSON Schema's patterns are written for) once the
/// page has hydrated; before that (the server's render, and the browser's
/// first render that must match it), not at all.
pub fn patterns(hydrated: bool) -> &'static dyn types::schema::Patterns {
    #[cfg(feature = "hydrate")]
    if hydrated {
        return &browser::RegExpPatterns;
    }
    let _ = hydrated;
    &types::schema::NoPatterns
}

/// `false` on the server and while the page hydrates, then `true`.
pub fn hydrated() -> ReadSignal<bool> {
    let (hydrated, set_hydrated) = signal(false);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| set_hydrated.set(true));
    #[cfg(not(feature = "hydrate"))]
    let _ = set_hydrated;
    hydrated
}

/// The console: sign-in, and behind it the pages of a signed-in user.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
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
                    <Route path=path!("runs/:id") view=pages::RunPage ssr=SsrMode::Async/>
                    <Route path=path!("schedules") view=pages::SchedulesPage ssr=SsrMode::Async/>
                    <Route path=path!("users") view=pages::UsersPage ssr=SsrMode::Async/>
                    <Route path=path!("tokens") view=pages::TokensPage ssr=SsrMode::Async/>
                    <Route path=path!("audit") view=pages::AuditPage ssr=SsrMode::Async/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
