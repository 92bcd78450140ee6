//! The one middleware every request passes, its steps in order: counted
//! and timed, answered within the deadline, given the secure headers,
//! refused with a NUL in its address, told who is asking, and for server
//! functions guarded. The steps live in their own modules as plain
//! functions; composing them here costs one layer per request instead of
//! one per step (each `from_fn` layer clones and boxes the rest of the
//! stack for every request).

use super::state::AppState;
use super::{caller, headers, limits, request_metrics, server_functions};
use app::port::Caller;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

pub async fn every_request(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let meter = request_metrics::Meter::begin(&request);
    let api = headers::is_api(request.uri().path());
    let config = state.service.config();
    let answered = limits::within(config.http.request_timeout.0, checked(&state, request, next)).await;
    // A request stopped at the deadline is answered as to nobody signed in.
    let (mut response, signed_in) = answered.unwrap_or_else(|late| (late, false));
    headers::secure(response.headers_mut(), headers::Audience::new(api, signed_in), config.is_https());
    meter.finish(&state.metrics, &response);
    response
}

/// The request past the checks that may refuse it, handled, and whether
/// it was answered to a signed-in caller.
async fn checked(state: &AppState, request: Request, next: Next) -> (Response, bool) {
    if let Some(refused) = limits::nul_in_address(&request) {
        return (refused, false);
    }
    match caller::resolve(state, request).await {
        Ok(request) => {
            let signed_in = request.extensions().get::<Caller>().is_some();
            (server_functions::guard(state, request, next).await, signed_in)
        }
        Err(answer) => (answer, false),
    }
}
