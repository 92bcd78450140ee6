//! Counts requests by method, route and status, and times them.

use crate::metrics::Metrics;
use axum::extract::{MatchedPath, Request};
use axum::http::Method;
use axum::response::Response;
use std::time::Instant;

/// What is known of a request when it arrives: counted when it is answered.
pub struct Meter {
    began: Instant,
    method: Method,
    route: Route,
}

/// The route a request is counted under: the router's pattern (shared,
/// not copied), or a fixed group for requests that matched none.
enum Route {
    Matched(MatchedPath),
    Group(&'static str),
}

impl Meter {
    pub fn begin(request: &Request) -> Meter {
        let route = request
            .extensions()
            .get::<MatchedPath>()
            .map_or_else(|| Route::Group(route_group(request.uri().path())), |path| Route::Matched(path.clone()));
        Meter { began: Instant::now(), method: request.method().clone(), route }
    }

    pub fn finish(self, metrics: &Metrics, response: &Response) {
        let micros = u64::try_from(self.began.elapsed().as_micros()).unwrap_or(u64::MAX);
        let route = match &self.route {
            Route::Matched(path) => path.as_str(),
            Route::Group(group) => group,
        };
        metrics.http_request(self.method.as_str(), route, response.status().as_u16(), micros);
    }
}

/// Requests that matched no route are counted by their first segment, so
/// that random paths cannot grow the metrics without bound.
fn route_group(path: &str) -> &'static str {
    match path.split('/').nth(1) {
        Some("pkg") => "/pkg/*",
        Some("rpc") => "/rpc/*",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::route_group;

    #[test]
    fn unmatched_paths_fall_into_a_few_groups() {
        assert_eq!(route_group("/pkg/task-starter.abc.wasm"), "/pkg/*");
        assert_eq!(route_group("/rpc/nothing"), "/rpc/*");
        assert_eq!(route_group("/random/../path"), "other");
        assert_eq!(route_group(""), "other");
    }
}
