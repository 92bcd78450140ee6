//! Bounds every request meets before it is handled: an answer within the
//! configured time (else 408), and an address (path and query) without the
//! NUL character, which no name or value here can hold (else 400).

use super::problem::ApiError;
use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use std::time::Duration;
use types::Problem;

/// What `handled` gives, or a 408 answer when it takes longer than
/// `limit` (`http.request_timeout`; a slow body counts: it is read inside).
pub async fn within<T>(limit: Duration, handled: impl Future<Output = T>) -> Result<T, Response> {
    tokio::time::timeout(limit, handled).await.map_err(|_| {
        ApiError(Problem::new(
            408,
            format!("The request was not answered within {} s; it was stopped.", limit.as_secs_f64()),
        ))
        .into_response()
    })
}

/// A 400 for a path or query that holds `%00`.
pub fn nul_in_address(request: &Request) -> Option<Response> {
    let uri = request.uri();
    let holds_nul = |text: &str| text.as_bytes().windows(3).any(|window| window.eq_ignore_ascii_case(b"%00"));
    (holds_nul(uri.path()) || uri.query().is_some_and(holds_nul)).then(|| {
        ApiError(Problem::bad_request(
            "The address holds a NUL character (%00), which no name or value here can contain.",
        ))
        .into_response()
    })
}
