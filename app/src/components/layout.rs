//! The frame of every signed-in page: the header with the navigation and
//! the user, the page itself, and the announcer.

use super::session::{Announcer, Session};
use crate::rpc::{SignOut, get_session};
use crate::types::{Role, SessionInfo};
use leptos::prelude::*;
use leptos_router::components::{A, Outlet, Redirect};

#[component]
pub fn Layout() -> impl IntoView {
    let session = Resource::new(|| (), |()| get_session());
    let announcement = RwSignal::new(String::new());
    provide_context(Announcer(announcement));
    view! {
        <a class="skip-link" href="#main">
            "Skip to content"
        </a>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match session.await {
                    Ok(Some(info)) => {
                        #[cfg(feature = "hydrate")]
                        crate::browser::remember_csrf_token(&info.csrf_token);
                        provide_context(Session(info.clone()));
                        view! {
                            <Header info/>
                            <main id="main" tabindex="-1">
                                <Outlet/>
                            </main>
                        }
                            .into_any()
                    }
                    Ok(None) => view! { <Redirect path="/login"/> }.into_any(),
                    Err(problem) => {
                        view! {
                            <main id="main">
                                <super::ProblemNotice problem/>
                            </main>
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
        <div class="toast" class:toast-shown=move || !announcement.read().is_empty() role="status" aria-live="polite">
            {move || announcement.get()}
        </div>
    }
}

#[component]
fn Header(info: SessionInfo) -> impl IntoView {
    let sign_out = ServerAction::<SignOut>::new();
    let admin = info.role.includes(Role::Admin);
    view! {
        <header class="top">
            <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">"▶"</span>
                "Task Starter"
            </a>
            <nav aria-label="Main">
                <ul>
                    <li>
                        <A href="/" exact=true>"Tasks"</A>
                    </li>
                    <li>
                        <A href="/runs">"All runs"</A>
                    </li>
                    <li>
                        <A href="/schedules">"Schedules"</A>
                    </li>
                    {admin
                        .then(|| {
                            view! {
                                <li>
                                    <A href="/users">"Users"</A>
                                </li>
                                <li>
                                    <A href="/tokens">"API tokens"</A>
                                </li>
                            }
                        })}
                </ul>
            </nav>
            <div class="who">
                <span class="who-name">{info.user.clone()}</span>
                <span class="who-role">{info.role.as_str()}</span>
                <ActionForm action=sign_out>
                    <button type="submit" class="button-quiet">
                        "Sign out"
                    </button>
                </ActionForm>
            </div>
        </header>
    }
}
