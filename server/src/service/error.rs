//! The service layer's errors, and their one conversion into a problem
//! document (which the REST API and the server functions both send). The
//! errors of the layers below are turned into these here, where they arrive.

use crate::auth::AuthError;
use crate::engine::{StartError, StoreError};
use types::{FieldError, Problem};

/// Why an operation was refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("{0}")]
    Unauthenticated(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    BadRequest(String),
    /// A well-formed request the server will not process (422).
    #[error("{0}")]
    Unprocessable(String),
    #[error("the arguments do not fit the task's schema:{}", listed(.0))]
    InvalidArguments(Vec<FieldError>),
    /// Too many starts by one caller; worth trying again after `retry_after` seconds (429).
    #[error("{detail}")]
    RateLimited { detail: String, retry_after: u64 },
    /// The server or its database is busy or away for now (503).
    #[error("{0}")]
    Unavailable(String),
    #[error(transparent)]
    Store(StoreError),
    #[error("{0}")]
    Internal(String),
}

/// One error a line: `  /number: "two" is not of type "integer"`.
fn listed(errors: &[FieldError]) -> String {
    use std::fmt::Write;
    errors.iter().fold(String::new(), |mut text, error| {
        let at = if error.pointer.is_empty() { "(arguments)" } else { &error.pointer };
        let _ = write!(text, "\n  {at}: {}", error.message);
        text
    })
}

impl ServiceError {
    pub fn not_found(what: impl std::fmt::Display) -> ServiceError {
        ServiceError::NotFound(format!("No {what}."))
    }
}

impl From<StoreError> for ServiceError {
    fn from(error: StoreError) -> ServiceError {
        if let StoreError::SearchTooSlow(limit) = error {
            return ServiceError::Unprocessable(format!(
                "The search did not finish within {} s: it reads too many runs. Narrow it by task or by time \
                 (since, until), or search for longer text.",
                limit.as_secs_f64()
            ));
        }
        if let StoreError::SearchBusy = error {
            return ServiceError::RateLimited {
                detail: "Every search connection is busy with other searches; try again in a moment.".to_owned(),
                retry_after: 1,
            };
        }
        if error.is_transient() {
            tracing::warn!(%error, "the database is unavailable");
            ServiceError::Unavailable("The database is unavailable; try again shortly.".to_owned())
        } else {
            ServiceError::Store(error)
        }
    }
}

impl From<StartError> for ServiceError {
    fn from(error: StartError) -> ServiceError {
        match error {
            StartError::Store(error) => error.into(),
            StartError::Stopped => ServiceError::Unavailable("The server is shutting down.".to_owned()),
        }
    }
}

impl From<AuthError> for ServiceError {
    fn from(error: AuthError) -> ServiceError {
        match error {
            AuthError::BadCredentials => ServiceError::Unauthenticated(error.to_string()),
            AuthError::Throttled(seconds) => {
                ServiceError::RateLimited { detail: error.to_string(), retry_after: seconds.max(1) }
            }
            AuthError::Busy => ServiceError::Unavailable(error.to_string()),
            AuthError::Invalid(message) => ServiceError::BadRequest(message),
            AuthError::NotFound(message) => ServiceError::NotFound(message),
            AuthError::Conflict(message) => ServiceError::Conflict(message),
            AuthError::Database(error) => StoreError::Database(error).into(),
            AuthError::Internal(message) => ServiceError::Internal(message),
        }
    }
}

impl From<ServiceError> for Problem {
    fn from(error: ServiceError) -> Problem {
        match error {
            ServiceError::Unauthenticated(detail) => Problem::unauthorized(detail),
            ServiceError::Forbidden(detail) => Problem::forbidden(detail),
            ServiceError::NotFound(detail) => Problem::not_found(detail),
            ServiceError::Conflict(detail) => Problem::conflict(detail),
            ServiceError::BadRequest(detail) => Problem::bad_request(detail),
            ServiceError::Unprocessable(detail) => Problem::new(422, detail),
            ServiceError::InvalidArguments(errors) => Problem::invalid_arguments(errors),
            ServiceError::RateLimited { detail, retry_after } => Problem::new(429, detail).retry_after(retry_after),
            ServiceError::Unavailable(detail) => Problem::new(503, detail),
            ServiceError::Store(error) => {
                tracing::error!(%error, kind = error.kind(), "store error");
                Problem::internal()
            }
            ServiceError::Internal(detail) => {
                tracing::error!(error = %detail, "internal error");
                Problem::internal()
            }
        }
    }
}
