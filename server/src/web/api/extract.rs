//! Extractors that refuse bad requests with a problem document: who is
//! asking, and JSON bodies (413 too large, 415 not JSON, 400 malformed,
//! 422 the wrong shape, with the pointer of each error).

use crate::db::text::nul_pointers;
use crate::web::caller::RefusedCredentials;
use crate::web::problem::ApiError;
use app::port::Caller;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use types::{FieldError, Principal, Problem};

/// The authenticated caller of an API request (401 when there is none).
pub struct Authenticated(pub Principal);

impl<S: Send + Sync> FromRequestParts<S> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        if let Some(caller) = parts.extensions.get::<Caller>() {
            return Ok(Authenticated(caller.principal.clone()));
        }
        Err(match parts.extensions.get::<RefusedCredentials>() {
            Some(RefusedCredentials(problem)) => ApiError(problem.clone()),
            None => ApiError(Problem::unauthorized("Send a token: Authorization: Bearer TOKEN.")),
        })
    }
}

/// A JSON request body.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split(';').next())
            .is_some_and(|kind| {
                let kind = kind.trim().to_ascii_lowercase();
                kind == "application/json" || (kind.starts_with("application/") && kind.ends_with("+json"))
            });
        if !is_json {
            return Err(ApiError(Problem::new(415, "Send the body as JSON, with Content-Type: application/json.")));
        }
        let bytes = Bytes::from_request(request, state).await.map_err(|rejection| {
            let status = rejection.status().as_u16();
            if status == 413 {
                ApiError(Problem::new(413, "The body is larger than the server accepts."))
            } else {
                ApiError(Problem::bad_request(rejection.body_text()))
            }
        })?;
        parse(&bytes).map(ApiJson)
    }
}

/// Malformed JSON is 400; JSON of the wrong shape, or with a NUL character
/// in any string (which nothing here can store), is 422 with pointers.
fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let value: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|error| ApiError(Problem::bad_request(format!("The body is not valid JSON: {error}"))))?;
    let holding_nul = nul_pointers(&value);
    if !holding_nul.is_empty() {
        return Err(ApiError(Problem {
            kind: "/problems/invalid-body".to_owned(),
            errors: holding_nul
                .into_iter()
                .map(|pointer| FieldError { pointer, message: "holds a NUL character".to_owned() })
                .collect(),
            ..Problem::new(422, "The body holds a NUL character (\\u0000), which no name or value here can contain.")
        }));
    }
    serde_path_to_error::deserialize(value).map_err(|error| {
        let pointer = pointer_of(&error.path().to_string());
        let message = error.into_inner().to_string();
        let message = message.split(" at line ").next().unwrap_or(&message).to_owned();
        ApiError(Problem {
            kind: "/problems/invalid-body".to_owned(),
            errors: vec![FieldError { pointer, message: message.clone() }],
            ..Problem::new(422, format!("The body does not fit this endpoint: {message}"))
        })
    })
}

/// `arguments.items[2]` as `/arguments/items/2`; `.` (the top) as empty.
fn pointer_of(path: &str) -> String {
    if path == "." {
        return String::new();
    }
    path.split(['.', '[']).filter(|part| !part.is_empty()).fold(String::new(), |mut pointer, part| {
        pointer.push('/');
        pointer.push_str(part.trim_end_matches(']'));
        pointer
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Body {
        task: String,
        items: Vec<u32>,
    }

    #[test]
    fn malformed_json_is_a_bad_request_and_a_wrong_shape_is_unprocessable() {
        let ApiError(problem) = parse::<Body>(b"{\"task\": ").unwrap_err();
        assert_eq!(problem.status, 400);
        let ApiError(problem) = parse::<Body>(br#"{"task": "t", "items": [1, "x"]}"#).unwrap_err();
        assert_eq!(problem.status, 422);
        assert_eq!(problem.errors[0].pointer, "/items/1");
        let ApiError(problem) = parse::<Body>(br#"{"items": []}"#).unwrap_err();
        assert_eq!((problem.status, problem.errors[0].pointer.as_str()), (422, ""));
        assert!(problem.errors[0].message.contains("task"), "{}", problem.errors[0].message);
        let ApiError(problem) = parse::<Body>(br#"{"task": "a\u0000b", "items": []}"#).unwrap_err();
        assert_eq!((problem.status, problem.errors[0].pointer.as_str()), (422, "/task"));
    }
}
