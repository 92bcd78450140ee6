//! Bounds every request meets before it is handled: an answer within the
//! configured time (else 408), and an address (path and query) without the
//! NUL character, which no name or value here can hold (else 400).

use super::problem::ApiError;
use super::state::AppState;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use types::Problem;

/// Answers 408 when the handler takes longer than `http.request_timeout`
/// (a slow body counts: it is read inside the handler).
pub async fn deadline(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let limit = state.service.config().http.request_timeout.0;
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError(Problem::new(
            408,
            format!("The request was not answered within {} s; it was stopped.", limit.as_secs_f64()),
        ))
        .into_response(),
    }
}

/// Refuses a path or query that holds `%00`.
pub async fn refuse_nul_in_address(request: Request, next: Next) -> Response {
    let uri = request.uri();
    let holds_nul = |text: &str| text.as_bytes().windows(3).any(|window| window.eq_ignore_ascii_case(b"%00"));
    if holds_nul(uri.path()) || uri.query().is_some_and(holds_nul) {
        return ApiError(Problem::bad_request(
            "The address holds a NUL character (%00), which no name or value here can contain.",
        ))
        .into_response();
    }
    next.run(request).await
}
