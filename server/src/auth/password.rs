//! Passwords: hashed with argon2id on the hashing threads. The hash type is
//! deliberately neither `Serialize` nor `Display`, and its `Debug` hides it,
//! so it can never end up in a response or a log.
//!
//! Each argon2 computation takes 19 MiB and a core for tens of
//! milliseconds, so only a few run at once ([`hashing_slots`]), each on a
//! thread of its own that reuses its memory (see `hashing`); a request that
//! cannot get a slot within [`SLOT_WAIT`] is told the server is busy.

use super::hashing::HashingPool;
use argon2::password_hash::phc::{Output, ParamsString, PasswordHash as Phc, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use std::fmt;
use std::sync::OnceLock;
use std::time::Duration;

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
fn hashing_slots() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    cores.clamp(1, 4)
}

/// One thread per hashing slot, each with the memory of one computation
/// at the default parameters, kept between computations until the
/// thread has been idle for half the heap trimmer's quiet period (so that
/// the trimmer, which waits for quiet, finds it freed).
fn pool() -> &'static HashingPool {
    static POOL: OnceLock<HashingPool> = OnceLock::new();
    POOL.get_or_init(|| HashingPool::start(hashing_slots(), Params::DEFAULT.block_count(), crate::heap::QUIET / 2))
}

/// A salt of the recommended length, a fresh one each time.
fn new_salt() -> Result<[u8; argon2::RECOMMENDED_SALT_LEN], HashError> {
    argon2::password_hash::try_generate_salt().map_err(failed)
}

fn failed(error: impl fmt::Display) -> HashError {
    HashError::Failed(error.to_string())
}

/// Hashes `password` with `salt` at the default parameters in `memory`:
/// the PHC string, as the `argon2` crate's own hasher writes it.
fn hash_in(memory: &mut [Block], password: &[u8], salt: &[u8]) -> Result<String, HashError> {
    let argon2 = Argon2::default();
    let mut output = [0_u8; Params::DEFAULT_OUTPUT_LEN];
    argon2.hash_password_into_with_memory(password, salt, &mut output, memory).map_err(failed)?;
    let hash = Phc {
        algorithm: Algorithm::default().ident(),
        version: Some(Version::default().into()),
        params: ParamsString::try_from(argon2.params()).map_err(failed)?,
        salt: Some(Salt::new(salt).map_err(failed)?),
        hash: Some(Output::new(&output).map_err(failed)?),
    };
    Ok(hash.to_string())
}

/// Whether `password` hashes to the stored PHC string, computed in
/// `memory` and compared in constant time. A string that is not an argon2
/// hash matches nothing; one that needs more memory than a slot holds is
/// an error.
fn matches_in(memory: &mut [Block], stored: &str, password: &[u8]) -> Result<bool, HashError> {
    let Ok(hash) = Phc::new(stored) else { return Ok(false) };
    let (Some(salt), Some(expected)) = (&hash.salt, &hash.hash) else { return Ok(false) };
    let algorithm = Algorithm::try_from(hash.algorithm.as_str());
    let version = hash.version.map_or(Ok(Version::default()), Version::try_from);
    let (Ok(algorithm), Ok(version), Ok(params)) = (algorithm, version, Params::try_from(&hash)) else {
        return Ok(false);
    };
    if params.block_count() > memory.len() {
        return Err(HashError::Failed(format!(
            "the stored hash needs {} KiB, more than the {} KiB of a hashing slot",
            params.block_count(),
            memory.len()
        )));
    }
    let mut output = [0_u8; Output::MAX_LENGTH];
    let output = output.get_mut(..expected.len()).ok_or_else(|| failed("the stored hash is too long"))?;
    if Argon2::new(algorithm, version, params).hash_password_into_with_memory(password, salt, output, memory).is_err() {
        return Ok(false);
    }
    // `Output`'s equality is constant-time.
    Ok(Output::new(output).is_ok_and(|computed| computed == *expected))
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
        let (password, salt) = (password.to_owned(), new_salt()?);
        let hash = pool().run(SLOT_WAIT, move |memory| hash_in(memory, password.as_bytes(), &salt)).await??;
        Ok(PasswordHash(hash))
    }

    /// Whether `password` matches. Takes as long for a wrong password as for
    /// a right one; a password too long to be anyone's is not checked.
    pub async fn verify(&self, password: &str) -> Result<bool, HashError> {
        if password.len() > MAX_LENGTH * 4 {
            return Ok(false);
        }
        let (stored, password) = (self.0.clone(), password.to_owned());
        pool().run(SLOT_WAIT, move |memory| matches_in(memory, &stored, password.as_bytes())).await?
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

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn hashes_made_at_once_in_reused_memory_each_verify_their_own_password() {
        let made: Vec<_> = (0..12)
            .map(|number| tokio::spawn(async move { (number, PasswordHash::new(&format!("password {number}")).await) }))
            .collect();
        let mut hashes = Vec::new();
        for hash in made {
            let (number, hash) = hash.await.unwrap();
            hashes.push((number, hash.unwrap()));
        }
        let checked: Vec<_> = hashes
            .into_iter()
            .map(|(number, hash)| {
                tokio::spawn(async move {
                    let right = hash.verify(&format!("password {number}")).await;
                    let wrong = hash.verify(&format!("password {}", number + 1)).await;
                    (number, right, wrong)
                })
            })
            .collect();
        for check in checked {
            let (number, right, wrong) = check.await.unwrap();
            assert_eq!((right, wrong), (Ok(true), Ok(false)), "password {number}");
        }
    }

    #[tokio::test]
    async fn hashes_agree_with_the_argon2_crates_own_hasher_and_verifier() {
        use argon2::{PasswordHasher, PasswordVerifier};
        let theirs = Argon2::default().hash_password(b"stored long ago").unwrap().to_string();
        let stored = PasswordHash::from_stored(theirs);
        assert_eq!(stored.verify("stored long ago").await, Ok(true));
        assert_eq!(stored.verify("stored last week").await, Ok(false));
        let ours = PasswordHash::new("made just now").await.unwrap();
        let parsed = Phc::new(ours.as_stored()).unwrap();
        assert!(Argon2::default().verify_password(b"made just now", &parsed).is_ok());
        assert_eq!(PasswordHash::from_stored("not a hash".to_owned()).verify("made just now").await, Ok(false));
    }

    #[tokio::test]
    async fn short_passwords_are_refused() {
        assert_eq!(PasswordHash::new("short").await.unwrap_err(), HashError::BadLength);
        assert_eq!(PasswordHash::new(&"x".repeat(MAX_LENGTH + 1)).await.unwrap_err(), HashError::BadLength);
    }
}
