//! Passwords: hashed with argon2id on a blocking thread. The hash type is
//! deliberately neither `Serialize` nor `Display`, and its `Debug` hides it,
//! so it can never end up in a response or a log.
//!
//! Each argon2 computation takes 19 MiB and a core for tens of
//! milliseconds, so only a few run at once ([`hashing_slots`]); a request
//! that cannot get a slot within [`SLOT_WAIT`] is told the server is busy.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash as Phc;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use std::fmt;
use std::sync::OnceLock;
use std::time::Duration;
use tokio::sync::Semaphore;

/// The shortest password accepted.
pub const MIN_LENGTH: usize = 8;
/// The longest password accepted (argon2 reads all of it).
pub const MAX_LENGTH: usize = 1024;
/// How long a sign-in waits for a free hashing slot.
pub const SLOT_WAIT: Duration = Duration::from_secs(5);

/// Why a password could not be hashed or checked.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum HashError {
    #[error("A password needs at least {MIN_LENGTH} and at most {MAX_LENGTH} characters.")]
    BadLength,
    #[error("every slot for checking passwords is taken")]
    Busy,
    #[error("cannot hash the password: {0}")]
    Failed(String),
}

/// The argon2 computations that may run at once: one per core, at most four.
fn hashing_slots() -> &'static Semaphore {
    static SLOTS: OnceLock<Semaphore> = OnceLock::new();
    SLOTS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        Semaphore::new(cores.clamp(1, 4))
    })
}

/// Runs `work` on the blocking pool once a hashing slot is free.
async fn hash_in_slot<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, HashError> {
    let permit = tokio::time::timeout(SLOT_WAIT, hashing_slots().acquire())
        .await
        .map_err(|_| HashError::Busy)?
        .map_err(|_| HashError::Busy)?;
    let done = tokio::task::spawn_blocking(work).await.map_err(|error| HashError::Failed(error.to_string()));
    drop(permit);
    done
}

/// An argon2id PHC string as stored in the database.
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordHash(String);

impl fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PasswordHash(***)")
    }
}

impl PasswordHash {
    /// A hash read from the database.
    pub fn from_stored(text: String) -> PasswordHash {
        PasswordHash(text)
    }

    /// The text to store.
    pub fn as_stored(&self) -> &str {
        &self.0
    }

    /// Hashes `password` (refusing ones shorter than [`MIN_LENGTH`] or longer
    /// than [`MAX_LENGTH`]).
    pub async fn new(password: &str) -> Result<PasswordHash, HashError> {
        let length = password.chars().count();
        if !(MIN_LENGTH..=MAX_LENGTH).contains(&length) {
            return Err(HashError::BadLength);
        }
        let password = password.to_owned();
        hash_in_slot(move || {
            Argon2::default()
                .hash_password(password.as_bytes())
                .map(|hash| PasswordHash(hash.to_string()))
                .map_err(|error| HashError::Failed(error.to_string()))
        })
        .await?
    }

    /// Whether `password` matches. Takes as long for a wrong password as for
    /// a right one; a password too long to be anyone's is not checked.
    pub async fn verify(&self, password: &str) -> Result<bool, HashError> {
        if password.len() > MAX_LENGTH * 4 {
            return Ok(false);
        }
        let (stored, password) = (self.0.clone(), password.to_owned());
        hash_in_slot(move || {
            Phc::new(&stored).is_ok_and(|hash| Argon2::default().verify_password(password.as_bytes(), &hash).is_ok())
        })
        .await
    }
}

/// A hash of a random password, checked against when the user does not
/// exist, so that a wrong name takes as long as a wrong password.
pub async fn dummy_hash() -> Result<PasswordHash, HashError> {
    static DUMMY: tokio::sync::OnceCell<PasswordHash> = tokio::sync::OnceCell::const_new();
    DUMMY.get_or_try_init(|| async { PasswordHash::new(&super::secret::random_password()).await }).await.cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only_and_never_shows_itself() {
        let hash = PasswordHash::new("correct horse").await.unwrap();
        assert!(hash.as_stored().starts_with("$argon2id$"));
        assert_eq!(hash.verify("correct horse").await, Ok(true));
        assert_eq!(hash.verify("wrong horse").await, Ok(false));
        assert_eq!(format!("{hash:?}"), "PasswordHash(***)");
    }

    #[tokio::test]
    async fn short_passwords_are_refused() {
        assert_eq!(PasswordHash::new("short").await.unwrap_err(), HashError::BadLength);
        assert_eq!(PasswordHash::new(&"x".repeat(MAX_LENGTH + 1)).await.unwrap_err(), HashError::BadLength);
    }
}
