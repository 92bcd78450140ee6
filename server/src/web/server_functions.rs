//! The console's server functions under `/rpc` (Leptos registers their
//! routes). Around them: a body with a NUL character in any value is
//! refused (as every other door refuses it), and a call whose arguments do
//! not decode answers with the problem's own 4xx status instead of the
//! framework's 500. A name that is no server function is a 404 problem.

use super::problem::ApiError;
use super::state::AppState;
use crate::db::text::nul_pointers;
use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use types::Problem;

/// Where server functions live.
pub const PREFIX: &str = "/rpc/";
/// The header `server_fn` sets on a response that carries an error.
const ERROR_HEADER: &str = "serverfnerror";
/// Error bodies are problem documents: a few hundred bytes.
const MAX_ERROR_BODY: usize = 64 * 1024;

/// The middleware around every server function call.
pub async fn guard(state: &AppState, request: Request, next: Next) -> Response {
    if !request.uri().path().starts_with(PREFIX) {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let limit = state.service.config().api.max_body_bytes;
    let Ok(bytes) = to_bytes(body, limit).await else {
        return ApiError(Problem::new(413, "The body is larger than the server accepts.")).into_response();
    };
    if let Some(problem) = nul_in_body(parts.headers.get(header::CONTENT_TYPE), &bytes) {
        return ApiError(problem).into_response();
    }
    let response = next.run(Request::from_parts(parts, Body::from(bytes))).await;
    with_problem_status(response).await
}

/// `/rpc/…` that names no server function.
pub async fn unknown() -> ApiError {
    ApiError(Problem::not_found("There is no such server function."))
}

/// A problem when the body carries a NUL character in any value: JSON is
/// read and every string checked; a form's values are checked encoded.
fn nul_in_body(content_type: Option<&HeaderValue>, body: &[u8]) -> Option<Problem> {
    let json = content_type.and_then(|value| value.to_str().ok()).is_some_and(|value| value.contains("json"));
    let pointers = if json {
        serde_json::from_slice::<serde_json::Value>(body).map(|value| nul_pointers(&value)).unwrap_or_default()
    } else if body.contains(&0) || body.windows(3).any(|window| window.eq_ignore_ascii_case(b"%00")) {
        vec![String::new()]
    } else {
        Vec::new()
    };
    (!pointers.is_empty()).then(|| Problem {
        kind: "/problems/invalid-body".to_owned(),
        errors: pointers
            .into_iter()
            .map(|pointer| types::FieldError { pointer, message: "holds a NUL character".to_owned() })
            .collect(),
        ..Problem::new(422, "The body holds a NUL character, which no name or value here can contain.")
    })
}

/// Leptos answers 500 for arguments that do not decode; the problem in the
/// body knows better (400), so its status is the answer's.
async fn with_problem_status(response: Response) -> Response {
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR || !response.headers().contains_key(ERROR_HEADER) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_ERROR_BODY).await else {
        return Response::from_parts(parts, Body::empty());
    };
    if let Ok(problem) = serde_json::from_slice::<Problem>(&bytes)
        && let Ok(status) = StatusCode::from_u16(problem.status)
        && status.is_client_error()
    {
        parts.status = status;
        parts.headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
    }
    Response::from_parts(parts, Body::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::nul_in_body;
    use axum::http::HeaderValue;

    #[test]
    fn nul_in_a_json_string_or_a_form_value_is_refused_and_a_plain_body_is_not() {
        let json = HeaderValue::from_static("application/json");
        let form = HeaderValue::from_static("application/x-www-form-urlencoded");
        let problem = nul_in_body(Some(&json), br#"{"name": "a\u0000b"}"#).unwrap();
        assert_eq!((problem.status, problem.errors[0].pointer.as_str()), (422, "/name"));
        assert!(nul_in_body(Some(&json), br#"{"name": "a\\u0000 is only text"}"#).is_none());
        assert!(nul_in_body(Some(&form), b"name=%00&password=x").is_some());
        assert!(nul_in_body(Some(&form), b"name=ann&password=x").is_none());
    }
}
