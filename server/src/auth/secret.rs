//! Random secrets and their hashes. Session and API tokens are 256 random
//! bits, so a fast hash (SHA-256) is enough to store them: nobody can guess
//! a token from its hash, and lookups stay cheap.

use crate::fingerprint::hex;
pub use crate::fingerprint::sha256_hex;

/// A new random token: `prefix` then 64 hex digits.
pub fn random_token(prefix: &str) -> String {
    let mut bytes = [0_u8; 32];
    // The OS random source failing is unrecoverable; there is no safe fallback.
    getrandom::fill(&mut bytes).unwrap_or_else(|error| panic!("the system random source failed: {error}"));
    format!("{prefix}{}", hex(&bytes))
}

/// Whether two secrets are equal, taking as long wherever they differ (so the
/// time of a comparison does not tell how much of a guess was right).
pub fn same_secret(left: &str, right: &str) -> bool {
    let (left, right) = (left.as_bytes(), right.as_bytes());
    left.len() == right.len() && left.iter().zip(right).fold(0_u8, |differ, (a, b)| differ | (a ^ b)) == 0
}

/// A password for a new account: 20 characters that are easy to copy.
pub fn random_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0_u8; 20];
    getrandom::fill(&mut bytes).unwrap_or_else(|error| panic!("the system random source failed: {error}"));
    bytes.iter().map(|byte| char::from(ALPHABET[usize::from(*byte) % ALPHABET.len()])).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_prefixed() {
        let (first, second) = (random_token("ts_"), random_token("ts_"));
        assert!(first.starts_with("ts_") && first.len() == 3 + 64);
        assert_ne!(first, second);
        assert_eq!(random_password().len(), 20);
    }

    #[test]
    fn secrets_compare_equal_only_when_they_are() {
        assert!(same_secret("abc123", "abc123"));
        assert!(!same_secret("abc123", "abc124"));
        assert!(!same_secret("abc123", "abc12"));
        assert!(!same_secret("", "a"));
    }
}
