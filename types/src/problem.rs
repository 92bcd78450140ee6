//! Errors as RFC 9457 problem documents: the one error shape of the REST API
//! and of the console's server functions.

use serde::{Deserialize, Serialize};
use std::fmt;

/// One thing wrong with the arguments, at a JSON pointer (RFC 6901).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// Where in the arguments, e.g. `/number`; empty for the whole document.
    pub pointer: String,
    pub message: String,
}

/// An `application/problem+json` body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    /// A URI naming the kind of problem; `about:blank` when the status says it all.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// For arguments that do not fit the task's schema: one entry per error.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// Seconds after which trying again may succeed: sent as the
    /// `Retry-After` header, not in the body.
    #[serde(skip)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub retry_after: Option<u64>,
}

impl Problem {
    /// A problem with the standard title of `status`.
    pub fn new(status: u16, detail: impl Into<String>) -> Problem {
        Problem {
            kind: "about:blank".to_owned(),
            title: status_title(status).to_owned(),
            status,
            detail: detail.into(),
            errors: Vec::new(),
            retry_after: None,
        }
    }

    /// The same problem, worth trying again after `seconds`.
    #[must_use]
    pub fn retry_after(self, seconds: u64) -> Problem {
        Problem { retry_after: Some(seconds), ..self }
    }

    /// 422: the arguments do not fit the task's schema.
    pub fn invalid_arguments(errors: Vec<FieldError>) -> Problem {
        let detail = match errors.len() {
            1 => "The arguments do not fit the task's schema: 1 error.".to_owned(),
            n => format!("The arguments do not fit the task's schema: {n} errors."),
        };
        Problem { kind: "/problems/invalid-arguments".to_owned(), errors, ..Problem::new(422, detail) }
    }

    pub fn unauthorized(detail: impl Into<String>) -> Problem {
        Problem::new(401, detail)
    }

    pub fn forbidden(detail: impl Into<String>) -> Problem {
        Problem::new(403, detail)
    }

    pub fn not_found(detail: impl Into<String>) -> Problem {
        Problem::new(404, detail)
    }

    pub fn conflict(detail: impl Into<String>) -> Problem {
        Problem::new(409, detail)
    }

    pub fn bad_request(detail: impl Into<String>) -> Problem {
        Problem::new(400, detail)
    }

    pub fn internal() -> Problem {
        Problem::new(500, "Something went wrong on the server; it has been logged.")
    }
}

/// The reason phrase shown as a problem's title.
pub fn status_title(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Content",
        429 => "Too Many Requests",
        503 => "Service Unavailable",
        _ => "Internal Server Error",
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.title, self.detail)?;
        for error in &self.errors {
            let at = if error.pointer.is_empty() { "(root)" } else { &error.pointer };
            write!(f, "\n  {at}: {}", error.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for Problem {}

/// Lets server functions return `Result<T, Problem>`: transport and
/// decoding failures become problems too, so the console handles one type.
#[cfg(feature = "server-fn")]
impl server_fn::error::FromServerFnError for Problem {
    type Encoder = server_fn::codec::JsonEncoding;

    fn from_server_fn_error(value: server_fn::error::ServerFnErrorErr) -> Self {
        use server_fn::error::ServerFnErrorErr;
        match value {
            ServerFnErrorErr::Request(message) => {
                Problem::new(503, format!("The server could not be reached: {message}"))
            }
            ServerFnErrorErr::Args(message) | ServerFnErrorErr::Deserialization(message) => {
                Problem::bad_request(message)
            }
            ServerFnErrorErr::MissingArg(message) => Problem::bad_request(format!("Missing: {message}")),
            other => Problem::new(500, other.to_string()),
        }
    }
}
