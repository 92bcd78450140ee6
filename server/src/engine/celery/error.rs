//! The Celery room's errors: what went wrong talking to a broker or a
//! result backend, typed so the engine can tell "try again later" (the
//! broker is away) from "this will never work" (a bad URL, a refused login).

use std::time::Duration;

/// Everything that can go wrong in `engine::celery`.
#[derive(Debug, thiserror::Error)]
pub enum CeleryError {
    /// The URL cannot be used (scheme, host, database number, vhost).
    #[error("invalid Celery URL: {0}")]
    InvalidUrl(String),
    /// `rediss://` or `amqps://`: this build speaks plain TCP only.
    #[error("TLS broker URLs ({0}://) are not supported by this build; use a TLS-terminating proxy or a plain URL")]
    TlsUnsupported(&'static str),
    /// The broker could not be reached or went away; the operation may be retried later.
    #[error("the broker at {address} is unavailable: {reason}")]
    Unavailable { address: String, reason: String },
    /// The broker did not answer within the bound.
    #[error("the broker at {address} did not answer within {after:?}")]
    TimedOut { address: String, after: Duration },
    /// The broker refused the operation (login, permissions, a queue declared differently).
    #[error("the broker refused: {0}")]
    Refused(String),
    /// The broker took the message but could not route it to any queue.
    #[error("the broker could not route the message to queue {queue:?}")]
    Unroutable { queue: String },
    /// The result backend could not be reached or answered with an error.
    #[error("the result backend is unavailable: {0}")]
    Backend(String),
    /// Something on the wire was not what Celery writes.
    #[error("unexpected data from Celery: {0}")]
    Malformed(String),
    /// Our own message would be too large or could not be encoded.
    #[error("cannot encode the message: {0}")]
    Encode(String),
}

impl CeleryError {
    /// Whether waiting and trying again may succeed (the broker or backend was away or slow).
    pub fn is_transient(&self) -> bool {
        matches!(self, CeleryError::Unavailable { .. } | CeleryError::TimedOut { .. } | CeleryError::Backend(_))
    }
}

impl From<serde_json::Error> for CeleryError {
    fn from(error: serde_json::Error) -> CeleryError {
        CeleryError::Encode(error.to_string())
    }
}
