//! The session cookie: `HttpOnly`, SameSite=Strict, and over https also
//! Secure with the `__Host-` prefix (so no subdomain can set it).

use axum::http::{HeaderMap, header};
use std::time::Duration;

const PLAIN_NAME: &str = "ts_session";
const HOST_NAME: &str = "__Host-ts_session";

fn name(https: bool) -> &'static str {
    if https { HOST_NAME } else { PLAIN_NAME }
}

/// `Set-Cookie` for a new session.
pub fn session_cookie(token: &str, ttl: Duration, https: bool) -> String {
    let secure = if https { "; Secure" } else { "" };
    format!("{}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{secure}", name(https), ttl.as_secs())
}

/// `Set-Cookie` that removes the session cookie.
pub fn cleared_cookie(https: bool) -> String {
    let secure = if https { "; Secure" } else { "" };
    format!("{}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{secure}", name(https))
}

/// The session token a request carries, if any.
pub fn session_token(headers: &HeaderMap, https: bool) -> Option<String> {
    let wanted = name(https);
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == wanted)
        .map(|(_, value)| value.to_owned())
        .filter(|value| !value.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn over_https_the_cookie_is_secure_and_host_prefixed() {
        let cookie = session_cookie("abc", Duration::from_mins(1), true);
        assert_eq!(cookie, "__Host-ts_session=abc; Path=/; HttpOnly; SameSite=Strict; Max-Age=60; Secure");
        assert!(!session_cookie("abc", Duration::from_mins(1), false).contains("Secure"));
    }

    #[test]
    fn the_token_is_found_among_other_cookies() {
        let mut headers = HeaderMap::new();
        headers.append(header::COOKIE, HeaderValue::from_static("theme=dark; ts_session=tss_1"));
        assert_eq!(session_token(&headers, false).as_deref(), Some("tss_1"));
        assert_eq!(session_token(&headers, true), None, "over https only the prefixed cookie counts");
    }
}
