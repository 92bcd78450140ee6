//! Passwords: hashed with argon2id on a blocking thread. The hash type is
//! deliberately neither `Serialize` nor `Display`, and its `Debug` hides it,
//! so it can never end up in a response or a log.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash as Phc;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use std::fmt;

/// The shortest password accepted.
pub const MIN_LENGTH: usize = 8;

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

    /// Hashes `password` (refusing ones shorter than [`MIN_LENGTH`]).
    pub async fn new(password: &str) -> Result<PasswordHash, String> {
        if password.chars().count() < MIN_LENGTH {
            return Err(format!("A password needs at least {MIN_LENGTH} characters."));
        }
        let password = password.to_owned();
        tokio::task::spawn_blocking(move || {
            Argon2::default()
                .hash_password(password.as_bytes())
                .map(|hash| PasswordHash(hash.to_string()))
                .map_err(|error| format!("cannot hash the password: {error}"))
        })
        .await
        .map_err(|error| format!("cannot hash the password: {error}"))?
    }

    /// Whether `password` matches. Takes as long for a wrong password as for a right one.
    pub async fn verify(&self, password: &str) -> bool {
        let (stored, password) = (self.0.clone(), password.to_owned());
        tokio::task::spawn_blocking(move || {
            Phc::new(&stored).is_ok_and(|hash| Argon2::default().verify_password(password.as_bytes(), &hash).is_ok())
        })
        .await
        .unwrap_or(false)
    }
}

/// A hash of a random password, checked against when the user does not
/// exist, so that a wrong name takes as long as a wrong password.
pub async fn dummy_hash() -> PasswordHash {
    static DUMMY: tokio::sync::OnceCell<PasswordHash> = tokio::sync::OnceCell::const_new();
    DUMMY
        .get_or_init(|| async {
            PasswordHash::new(&super::secret::random_password()).await.unwrap_or_else(|_| PasswordHash(String::new()))
        })
        .await
        .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only_and_never_shows_itself() {
        let hash = PasswordHash::new("correct horse").await.unwrap();
        assert!(hash.as_stored().starts_with("$argon2id$"));
        assert!(hash.verify("correct horse").await);
        assert!(!hash.verify("wrong horse").await);
        assert_eq!(format!("{hash:?}"), "PasswordHash(***)");
    }

    #[tokio::test]
    async fn short_passwords_are_refused() {
        assert!(PasswordHash::new("short").await.unwrap_err().contains("at least 8"));
    }
}
