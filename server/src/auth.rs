//! Who is asking: users with argon2id passwords, browser sessions kept in
//! the database (so any server process can serve them), API tokens stored as
//! hashes, and sign-in throttling. Accounts come out as the API's types, never
//! as rows. CSRF and the request side live in `web`.

mod cache;
mod hashing;
pub mod password;
pub mod secret;
mod sessions;
mod throttle;
mod tokens;
mod users;

pub use sessions::{NewSession, SessionCaller};

use crate::config::AuthConfig;
use crate::db::Db;
use cache::TtlCache;
use std::sync::Arc;
use std::time::Duration;
use throttle::Throttle;
use types::Principal;

/// How long an authenticated token or session is trusted without a database read.
const CACHE_TTL: Duration = Duration::from_secs(2);

/// Users, sessions and tokens.
#[derive(Clone)]
pub struct Accounts {
    db: Db,
    session_ttl: Duration,
    throttle: Arc<Throttle>,
    tokens: Arc<TtlCache<String, (uuid::Uuid, Principal)>>,
    sessions: Arc<TtlCache<String, SessionCaller>>,
    token_uses: Arc<TtlCache<uuid::Uuid, ()>>,
}

impl Accounts {
    pub fn new(db: Db, config: &AuthConfig) -> Accounts {
        Accounts {
            db,
            session_ttl: config.session_ttl.0,
            throttle: Arc::new(Throttle::new(config.login_attempts, config.login_window.0)),
            tokens: Arc::new(TtlCache::new(CACHE_TTL)),
            sessions: Arc::new(TtlCache::new(CACHE_TTL)),
            token_uses: Arc::new(TtlCache::new(Duration::from_mins(1))),
        }
    }
}

/// Why an account operation was refused.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("Wrong user name or password.")]
    BadCredentials,
    #[error("Too many failed sign-ins; try again in {0} s.")]
    Throttled(u64),
    /// Every slot for checking passwords is taken; try again shortly.
    #[error("The server is busy checking other sign-ins; try again in a moment.")]
    Busy,
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("database error: {0}")]
    Database(#[from] sea_orm::DbErr),
    #[error("{0}")]
    Internal(String),
}

impl From<password::HashError> for AuthError {
    fn from(error: password::HashError) -> AuthError {
        match error {
            password::HashError::BadLength => AuthError::Invalid(error.to_string()),
            password::HashError::Busy => AuthError::Busy,
            password::HashError::Failed(message) => AuthError::Internal(message),
        }
    }
}
