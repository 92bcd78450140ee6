//! Signing in and out, and who is signed in.

use leptos::prelude::*;
use server_fn::codec::GetUrl;
use types::{Problem, SessionInfo};

/// The signed-in user, or `None`.
#[server(client = super::CsrfClient, input = GetUrl)]
#[allow(clippy::unused_async)]
pub async fn get_session() -> Result<Option<SessionInfo>, Problem> {
    let port = server::port()?;
    Ok(server::caller().map(|caller| port.session_info(&caller)))
}

/// Checks the name and password, sets the session cookie, goes to `next`.
#[server(client = super::CsrfClient)]
pub async fn sign_in(name: String, password: String, next: Option<String>) -> Result<(), Problem> {
    let port = server::port()?;
    let from = use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<crate::port::RequestClient>().cloned())
        .map(|client| client.0)
        .unwrap_or_default();
    let cookie = server::respond(port.sign_in(name.trim(), &password, &from).await)?;
    set_cookie(&cookie);
    leptos_axum::redirect(same_site_path(next.as_deref()), false);
    Ok(())
}

/// Where to go after signing in: `next` when it is a path on this site,
/// else `/`. An open redirect would help phishing, so `//evil.example` and
/// `/\evil.example` (both mean another host to a browser) are refused, and
/// so is anything but visible ASCII (no control characters, no spaces).
pub fn same_site_path(next: Option<&str>) -> &str {
    let fits = |next: &&str| {
        next.starts_with('/')
            && !next.starts_with("//")
            && next.len() <= 2048
            && next.bytes().all(|byte| byte.is_ascii_graphic() && byte != b'\\')
    };
    next.filter(fits).unwrap_or("/")
}

/// Ends the session and goes to the sign-in page.
#[server(client = super::CsrfClient)]
pub async fn sign_out() -> Result<(), Problem> {
    let port = server::port()?;
    if let Some(caller) = server::caller() {
        let cookie = server::respond(port.sign_out(&caller).await)?;
        set_cookie(&cookie);
    }
    leptos_axum::redirect("/login", false);
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

#[cfg(test)]
mod tests {
    use super::same_site_path;

    #[test]
    fn only_paths_on_this_site_are_followed() {
        assert_eq!(same_site_path(Some("/runs?state=failure")), "/runs?state=failure");
        for hostile in ["//evil.example", "/\\evil.example", "https://evil.example", "/a\nb", "/a b", "/é", "", "runs"]
        {
            assert_eq!(same_site_path(Some(hostile)), "/", "{hostile:?}");
        }
        assert_eq!(same_site_path(None), "/");
    }
}
