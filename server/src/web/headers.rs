//! Secure headers on every response. Pages set their own script policy
//! (with a nonce, see `app::shell`); everything else gets the strictest one.

use axum::http::{HeaderMap, HeaderValue, header};

/// Whether answers to `path` are the API's (never cached) rather than pages.
pub fn is_api(path: &str) -> bool {
    path.starts_with("/api/") || path.starts_with("/rpc/")
}

/// Adds the secure headers to an answer (`api`: see [`is_api`]).
pub fn secure(headers: &mut HeaderMap, api: bool, https: bool) {
    headers
        .entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'; base-uri 'none'"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    headers.insert("cross-origin-resource-policy", HeaderValue::from_static("same-origin"));
    if api {
        headers.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("no-store"));
    }
    if https {
        headers.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000"));
    }
}

#[cfg(test)]
mod tests {
    use super::{is_api, secure};
    use axum::http::{HeaderMap, HeaderValue, header};

    #[test]
    fn a_page_keeps_its_own_policy_and_the_api_is_never_cached() {
        let mut page = HeaderMap::new();
        page.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("script-src 'nonce-x'"));
        secure(&mut page, is_api("/runs"), false);
        assert_eq!(page[header::CONTENT_SECURITY_POLICY], "script-src 'nonce-x'");
        assert!(!page.contains_key(header::CACHE_CONTROL) && !page.contains_key(header::STRICT_TRANSPORT_SECURITY));
        let mut api = HeaderMap::new();
        secure(&mut api, is_api("/api/v1/runs"), true);
        assert_eq!(api[header::CACHE_CONTROL], "no-store");
        assert_eq!(api[header::X_FRAME_OPTIONS], "DENY");
        assert!(api[header::CONTENT_SECURITY_POLICY].to_str().unwrap().starts_with("default-src 'none'"));
        assert!(api.contains_key(header::STRICT_TRANSPORT_SECURITY));
    }
}
