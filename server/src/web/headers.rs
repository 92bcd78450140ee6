//! Secure headers on every response. Pages set their own script policy
//! (with a nonce, see `app::shell`); everything else gets the strictest one.
//! The API's answers and the pages rendered for a signed-in caller are
//! never stored by a cache: a shared cache, or the browser's back button
//! after signing out, would show one user's data to the next.

use axum::http::{HeaderMap, HeaderValue, header};

/// Who an answer is for, which decides whether it may be stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    /// The API and the server functions: never stored.
    Api,
    /// A signed-in caller: its pages are never stored; its files (the
    /// site's `/pkg/`) keep their own lifetimes.
    SignedIn,
    /// Nobody signed in: every answer keeps its own policy.
    Anyone,
}

impl Audience {
    /// The audience of an answer from the API (see [`is_api`]) or not, to
    /// a caller signed in or not.
    pub fn new(api: bool, signed_in: bool) -> Audience {
        match (api, signed_in) {
            (true, _) => Audience::Api,
            (false, true) => Audience::SignedIn,
            (false, false) => Audience::Anyone,
        }
    }
}

/// Whether answers to `path` are the API's rather than pages or files.
pub fn is_api(path: &str) -> bool {
    path.starts_with("/api/") || path.starts_with("/rpc/")
}

/// Adds the secure headers to an answer for `audience`.
pub fn secure(headers: &mut HeaderMap, audience: Audience, https: bool) {
    headers
        .entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'; base-uri 'none'"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    headers.insert("cross-origin-resource-policy", HeaderValue::from_static("same-origin"));
    match audience {
        Audience::Api => {
            headers.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("no-store"));
        }
        Audience::SignedIn if is_page(headers) => {
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        }
        Audience::SignedIn | Audience::Anyone => {}
    }
    if https {
        headers.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000"));
    }
}

/// Whether the answer is an HTML page.
fn is_page(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|kind| kind.trim_start().to_ascii_lowercase().starts_with("text/html"))
}

#[cfg(test)]
mod tests {
    use super::{Audience, is_api, secure};
    use axum::http::{HeaderMap, HeaderValue, header};

    fn answer(content_type: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        headers
    }

    #[test]
    fn a_page_keeps_its_own_policy_and_the_api_is_never_cached() {
        let mut page = answer("text/html; charset=utf-8");
        page.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("script-src 'nonce-x'"));
        secure(&mut page, Audience::new(is_api("/runs"), false), false);
        assert_eq!(page[header::CONTENT_SECURITY_POLICY], "script-src 'nonce-x'");
        assert!(!page.contains_key(header::CACHE_CONTROL) && !page.contains_key(header::STRICT_TRANSPORT_SECURITY));
        let mut api = HeaderMap::new();
        secure(&mut api, Audience::new(is_api("/api/v1/runs"), true), true);
        assert_eq!(api[header::CACHE_CONTROL], "no-store");
        assert_eq!(api[header::X_FRAME_OPTIONS], "DENY");
        assert!(api[header::CONTENT_SECURITY_POLICY].to_str().unwrap().starts_with("default-src 'none'"));
        assert!(api.contains_key(header::STRICT_TRANSPORT_SECURITY));
    }

    #[test]
    fn a_signed_in_callers_pages_are_never_stored_and_its_files_keep_their_lifetime() {
        let mut page = answer("text/html; charset=utf-8");
        page.insert(header::CACHE_CONTROL, HeaderValue::from_static("max-age=60"));
        secure(&mut page, Audience::new(is_api("/runs"), true), false);
        assert_eq!(page[header::CACHE_CONTROL], "no-store");
        let mut file = answer("application/wasm");
        file.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable"));
        secure(&mut file, Audience::new(is_api("/pkg/task-starter.0123456789abcdef.wasm"), true), false);
        assert_eq!(file[header::CACHE_CONTROL], "public, max-age=31536000, immutable");
    }
}
