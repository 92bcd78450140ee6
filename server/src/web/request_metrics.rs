//! Counts requests by method, route and status, and times them.

use super::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use std::time::Instant;

pub async fn record(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let began = Instant::now();
    let method = request.method().as_str().to_owned();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| route_group(request.uri().path()), |path| path.as_str().to_owned());
    let response = next.run(request).await;
    let micros = u64::try_from(began.elapsed().as_micros()).unwrap_or(u64::MAX);
    state.metrics.http_request(&method, &route, response.status().as_u16(), micros);
    response
}

/// Requests that matched no route are counted by their first segment, so
/// that random paths cannot grow the metrics without bound.
fn route_group(path: &str) -> String {
    match path.split('/').nth(1) {
        Some("pkg") => "/pkg/*".to_owned(),
        Some("rpc") => "/rpc/*".to_owned(),
        _ => "other".to_owned(),
    }
}
