//! Who is asking, for every request: a bearer token, or a session cookie.
//! The answer goes into the request's extensions as an `app::port::Caller`,
//! with the client (address, user agent) as a `RequestClient`.
//!
//! Unsafe requests (anything but GET, HEAD, OPTIONS) are refused when their
//! `Origin` is another site, and, when authenticated by cookie, unless they
//! carry the session's `X-CSRF-Token`. Pages of the console redirect to the
//! sign-in page when nobody is signed in.

use super::cookies;
use super::peer::client_address;
use super::problem::ApiError;
use super::state::AppState;
use crate::auth::secret::same_secret;
use crate::service::ServiceError;
use app::port::{Caller, RequestClient};
use axum::extract::{ConnectInfo, Request};
use axum::http::{HeaderMap, Method, header};
use axum::response::{IntoResponse, Redirect, Response};
use std::net::SocketAddr;
use types::{Problem, RequestFrom};

/// Why the credentials a request carried were refused (a bad or revoked token).
#[derive(Clone, Debug)]
pub struct RefusedCredentials(pub Problem);

/// The request with its caller and client in its extensions, or the answer
/// that refuses it (or redirects it to the sign-in page).
pub async fn resolve(state: &AppState, mut request: Request) -> Result<Request, Response> {
    let config = state.service.config();
    let https = config.is_https();
    let (caller, by_cookie) = match authenticate(state, request.headers(), https).await {
        Ok(found) => found,
        // Endpoints that need a caller answer 401 with this; public ones ignore it.
        Err(problem) if problem.status == 401 => {
            request.extensions_mut().insert(RefusedCredentials(problem));
            (None, false)
        }
        Err(problem) => return Err(ApiError(problem).into_response()),
    };
    let unsafe_method = !matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if unsafe_method {
        if let Err(problem) = check_origin(request.headers(), config.public_url.as_deref()) {
            return Err(ApiError(problem).into_response());
        }
        if let Some(expected) = caller.as_ref().filter(|_| by_cookie).and_then(|caller| caller.csrf_token.as_deref()) {
            let sent = request.headers().get(app::rpc::CSRF_HEADER).and_then(|value| value.to_str().ok());
            if !sent.is_some_and(|sent| same_secret(sent, expected)) {
                return Err(ApiError(Problem::forbidden(
                    "A request signed in by cookie needs the session's X-CSRF-Token header.",
                ))
                .into_response());
            }
        }
    }
    if request.method() == Method::GET {
        let path = request.uri().path();
        if caller.is_none() && is_page(&state.pages, path) {
            let next_page = request.uri().path_and_query().map_or("/", |whole| whole.as_str());
            let to = format!("/login?next={}", app::components::encode_query(next_page));
            return Err(Redirect::to(&to).into_response());
        }
        if caller.is_some() && path == "/login" {
            return Err(Redirect::to("/").into_response());
        }
    }
    let address = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(peer)| {
        client_address(peer.ip(), request.headers(), &config.http.trusted_proxies).to_string()
    });
    let user_agent = request.headers().get(header::USER_AGENT).and_then(|value| value.to_str().ok());
    let from = RequestFrom::new(address, user_agent);
    if let Some(mut caller) = caller {
        caller.principal.from = from.clone();
        request.extensions_mut().insert(caller);
    }
    request.extensions_mut().insert(RequestClient(from));
    Ok(request)
}

/// The caller, and whether it came by cookie. A bad or revoked bearer token
/// is refused outright; an unknown or expired cookie is just nobody. An
/// `Authorization` header of another scheme (a proxy's `Basic`) is not ours
/// to judge: the session cookie still counts.
async fn authenticate(state: &AppState, headers: &HeaderMap, https: bool) -> Result<(Option<Caller>, bool), Problem> {
    let accounts = state.service.accounts();
    if let Some(token) = bearer_token(headers) {
        let principal = accounts
            .authenticate_token(token)
            .await
            .map_err(|error| Problem::from(ServiceError::from(error)))?
            .ok_or_else(|| Problem::unauthorized("The token is unknown or has been revoked."))?;
        return Ok((Some(Caller { principal, csrf_token: None, session_key: None }), false));
    }
    let Some(token) = cookies::session_token(headers, https) else {
        return Ok((None, false));
    };
    let session = accounts.session(&token).await.map_err(|error| Problem::from(ServiceError::from(error)))?;
    Ok(match session {
        Some(session) => (
            Some(Caller {
                principal: session.principal,
                csrf_token: Some(session.csrf_token),
                session_key: Some(session.key),
            }),
            true,
        ),
        None => (None, false),
    })
}

/// Whether `path` is one of the console's pages (`/runs/:id` matches `/runs/01…`).
fn is_page(pages: &[String], path: &str) -> bool {
    pages.iter().any(|page| {
        let (mut wanted, mut given) = (page.split('/'), path.split('/'));
        loop {
            match (wanted.next(), given.next()) {
                (None, None) => return true,
                (Some(part), Some(segment)) if part == segment || (part.starts_with(':') && !segment.is_empty()) => {}
                _ => return false,
            }
        }
    })
}

/// The token of an `Authorization: Bearer TOKEN` header (the scheme in any case).
fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    headers.get_all(header::AUTHORIZATION).iter().filter_map(|value| value.to_str().ok()).find_map(|value| {
        let (scheme, token) = value.trim().split_once(' ')?;
        scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
    })
}

/// Refuses a request whose `Origin` is not this site: the configured public
/// URL, or else the `Host` the request was sent to.
fn check_origin(headers: &HeaderMap, public_url: Option<&str>) -> Result<(), Problem> {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|value| value.to_str().ok()) else {
        return Ok(());
    };
    let origin_host = origin.split_once("://").map_or(origin, |(_, rest)| rest);
    let allowed = match public_url {
        Some(url) => origin.trim_end_matches('/') == url.trim_end_matches('/'),
        None => headers.get(header::HOST).and_then(|host| host.to_str().ok()) == Some(origin_host),
    };
    if allowed {
        Ok(())
    } else {
        Err(Problem::forbidden(format!("Requests from {origin} are not accepted: it is another site.")))
    }
}

#[cfg(test)]
mod tests {
    use super::{bearer_token, check_origin, is_page};
    use axum::http::{HeaderMap, HeaderValue, header};

    fn headers(origin: &str, host: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ORIGIN, HeaderValue::from_str(origin).unwrap());
        headers.insert(header::HOST, HeaderValue::from_str(host).unwrap());
        headers
    }

    #[test]
    fn the_same_site_passes_and_another_is_refused() {
        assert!(check_origin(&headers("http://127.0.0.1:3000", "127.0.0.1:3000"), None).is_ok());
        assert!(check_origin(&headers("http://evil.example", "127.0.0.1:3000"), None).is_err());
        let public = Some("https://tasks.example.com");
        assert!(check_origin(&headers("https://tasks.example.com", "10.0.0.5:3000"), public).is_ok());
        assert!(check_origin(&headers("http://tasks.example.com", "10.0.0.5:3000"), public).is_err());
        assert!(check_origin(&HeaderMap::new(), None).is_ok(), "no Origin: not a browser's cross-site request");
    }

    #[test]
    fn pages_with_parameters_match_their_paths() {
        let pages = vec!["/".to_owned(), "/runs".to_owned(), "/runs/:id".to_owned()];
        assert!(is_page(&pages, "/runs/01a2"));
        assert!(is_page(&pages, "/runs") && is_page(&pages, "/"));
        assert!(!is_page(&pages, "/runs/01a2/more") && !is_page(&pages, "/pkg/x.js") && !is_page(&pages, "/runs/"));
    }

    #[test]
    fn only_a_bearer_authorization_is_a_token() {
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic dXNlcjpwYXNz"));
        assert_eq!(bearer_token(&headers), None);
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("bearer tsk_abc"));
        assert_eq!(bearer_token(&headers), Some("tsk_abc"));
    }
}
