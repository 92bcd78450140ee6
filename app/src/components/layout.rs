//! The frame of every signed-in page: the layout route (the skip link, the
//! page, the announcer) and [`Page`], which loads a page's session and data
//! in one resource and shows the header with the navigation and the user.
//!
//! Each page has exactly one `<Transition/>`: in Leptos 0.8, suspense
//! boundaries nested in one another (or around an `<Outlet/>`) did not always
//! hydrate (leptos-rs/leptos#3707), and the rule is kept on 0.9.

use super::session::{Announcer, Session};
use crate::rpc::{SignOut, get_session};
use leptos::prelude::*;
use leptos_router::components::{A, Outlet, Redirect};
use types::{Problem, Role, SessionInfo};

#[component]
pub fn Layout() -> impl IntoView {
    let announcement = RwSignal::new(String::new());
    provide_context(Announcer(announcement));
    provide_context(super::TimeZone::new());
    view! {
        <a class="skip-link" href="#main">
            "Skip to content"
        </a>
        <Outlet/>
        <div class="toast" class:toast-shown=move || !announcement.read().is_empty() role="status" aria-live="polite">
            {move || announcement.get()}
        </div>
    }
}

/// A page's data (or why it could not be loaded) with the session it was
/// loaded for; `None` without a session.
pub type PageData<T> = Result<Option<(SessionInfo, Result<T, Problem>)>, Problem>;

/// Loads the session, then (when signed in) the page's own data.
pub async fn page_data<T>(data: impl Future<Output = Result<T, Problem>>) -> PageData<T> {
    let Some(session) = get_session().await? else {
        return Ok(None);
    };
    Ok(Some((session, data.await)))
}

/// A signed-in page: the header, then `render(data)` in `<main>`. Without a
/// session it goes to the sign-in page; a problem shows in place of the page.
#[component]
pub fn Page<T, V, R>(resource: Resource<PageData<T>>, render: R) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    V: IntoView + 'static,
    R: Fn(T) -> V + Send + Sync + 'static,
{
    let render = StoredValue::new(render);
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match resource.await {
                    Ok(Some((info, data))) => {
                        #[cfg(feature = "hydrate")]
                        crate::browser::remember_csrf_token(&info.csrf_token);
                        provide_context(Session(info.clone()));
                        view! {
                            <Header info/>
                            <main id="main" tabindex="-1">
                                {match data {
                                    Ok(data) => render.with_value(|render| render(data).into_any()),
                                    Err(problem) => view! { <super::ProblemNotice problem/> }.into_any(),
                                }}
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
        </Transition>
    }
}

#[component]
fn Header(info: SessionInfo) -> impl IntoView {
    let sign_out = ServerAction::<SignOut>::new();
    let admin = info.role.includes(Role::Admin);
    // What the user kept in this browser goes with them.
    let user = info.user.clone();
    let forget = |user: &str| {
        #[cfg(feature = "hydrate")]
        super::start::forget_user(user);
        #[cfg(not(feature = "hydrate"))]
        let _ = user;
    };
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
                                <li>
                                    <A href="/audit">"Audit log"</A>
                                </li>
                            }
                        })}
                </ul>
            </nav>
            <div class="who">
                <super::TimeZoneSwitch/>
                <span class="who-name">{info.user.clone()}</span>
                <span class="who-role">{info.role.as_str()}</span>
                <ActionForm action=sign_out>
                    <button type="submit" class="button-quiet" on:click=move |_| forget(&user)>
                        "Sign out"
                    </button>
                </ActionForm>
            </div>
        </header>
    }
}
