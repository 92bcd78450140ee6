//! Signing in and out, and who is signed in.

use leptos::prelude::*;
use server_fn::codec::GetUrl;
use types::{Problem, SessionInfo};

/// The signed-in user, or `None`.
#[server(client = super::CsrfClient, input = GetUrl)]
#[allow(clippy::unused_async)]
pub async fn get_session() -> Result<Option<SessionInfo>, Problem> {
    let console = server::console()?;
    Ok(server::caller().map(|caller| console.session_info(&caller)))
}

/// Checks the name and password, sets the session cookie, goes to `next`.
#[server(client = super::CsrfClient)]
pub async fn sign_in(name: String, password: String, next: Option<String>) -> Result<(), Problem> {
    let console = server::console()?;
    let peer = use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<crate::console::PeerAddress>().cloned());
    let cookie =
        server::respond(console.sign_in(name.trim(), &password, peer.as_ref().map(|peer| peer.0.as_str())).await)?;
    set_cookie(&cookie);
    // Only paths on this site: an open redirect would help phishing.
    let next = next.filter(|next| next.starts_with('/') && !next.starts_with("//")).unwrap_or_else(|| "/".to_owned());
    leptos_axum::redirect(&next);
    Ok(())
}

/// Ends the session and goes to the sign-in page.
#[server(client = super::CsrfClient)]
pub async fn sign_out() -> Result<(), Problem> {
    let console = server::console()?;
    if let Some(caller) = server::caller() {
        let cookie = server::respond(console.sign_out(&caller).await)?;
        set_cookie(&cookie);
    }
    leptos_axum::redirect("/login");
    Ok(())
}

#[cfg(feature = "ssr")]
use super::server;

#[cfg(feature = "ssr")]
fn set_cookie(cookie: &str) {
    if let (Some(options), Ok(value)) =
        (use_context::<leptos_axum::ResponseOptions>(), http::HeaderValue::from_str(cookie))
    {
        options.append_header(http::header::SET_COOKIE, value);
    }
}
