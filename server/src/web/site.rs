//! The compiled site: `/pkg/` (the wasm, its JavaScript and the styles)
//! served as the smallest encoding the browser accepts, from the brotli and
//! gzip files written at build time, with cache lifetimes by name: a file
//! named by its content is kept for a year, any other one is revalidated.
//! The names come from the site's manifest (see `app::assets`).

use app::assets::SiteAssets;
use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use std::path::Path;
use tower_http::services::ServeDir;

/// The names of the site's files: from `pkg/manifest.json` when the build
/// program wrote one, else the plain names cargo-leptos writes.
pub fn assets(site_root: &Path) -> SiteAssets {
    let manifest = site_root.join("pkg").join("manifest.json");
    match std::fs::read_to_string(&manifest) {
        Ok(text) => serde_json::from_str(&text).unwrap_or_else(|error| {
            tracing::warn!(manifest = %manifest.display(), %error, "the site's manifest cannot be read; using plain names");
            SiteAssets::default()
        }),
        Err(_) => SiteAssets::default(),
    }
}

/// `/pkg/…`, precompressed and cached.
pub fn router<S: Clone + Send + Sync + 'static>(site_root: &Path) -> Router<S> {
    let files = ServeDir::new(site_root.join("pkg")).precompressed_br().precompressed_gzip();
    Router::new().nest_service("/pkg", files).layer(axum::middleware::from_fn(cache_by_name))
}

async fn cache_by_name(request: Request, next: Next) -> Response {
    let immutable = named_by_content(request.uri().path());
    let mut response = next.run(request).await;
    if response.status().is_success() {
        let policy = if immutable { "public, max-age=31536000, immutable" } else { "no-cache" };
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    response
}

/// `task-starter.0123456789abcdef.wasm` (sixteen hex digits before the extension).
fn named_by_content(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let mut parts = name.rsplit('.');
    let (_extension, hash) = (parts.next(), parts.next());
    hash.is_some_and(|hash| hash.len() == 16 && hash.bytes().all(|byte| byte.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::named_by_content;

    #[test]
    fn files_named_by_their_content_are_recognised() {
        assert!(named_by_content("/pkg/task-starter.0123456789abcdef.wasm"));
        assert!(!named_by_content("/pkg/task-starter.wasm"));
        assert!(!named_by_content("/pkg/manifest.json"));
    }
}
