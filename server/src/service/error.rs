//! The service layer's errors, and their one conversion into a problem
//! document (which the REST API and the server functions both send).

use sea_orm::DbErr;
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
    #[error("the arguments do not fit the task's schema:{}", listed(.0))]
    InvalidArguments(Vec<FieldError>),
    #[error("{0}")]
    TooManyAttempts(String),
    #[error("database error: {0}")]
    Database(#[from] DbErr),
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

impl From<ServiceError> for Problem {
    fn from(error: ServiceError) -> Problem {
        match error {
            ServiceError::Unauthenticated(detail) => Problem::unauthorized(detail),
            ServiceError::Forbidden(detail) => Problem::forbidden(detail),
            ServiceError::NotFound(detail) => Problem::not_found(detail),
            ServiceError::Conflict(detail) => Problem::conflict(detail),
            ServiceError::BadRequest(detail) => Problem::bad_request(detail),
            ServiceError::InvalidArguments(errors) => Problem::invalid_arguments(errors),
            ServiceError::TooManyAttempts(detail) => Problem::new(429, detail),
            ServiceError::Database(error) => {
                tracing::error!(%error, "database error");
                Problem::internal()
            }
            ServiceError::Internal(detail) => {
                tracing::error!(error = %detail, "internal error");
                Problem::internal()
            }
        }
    }
}
