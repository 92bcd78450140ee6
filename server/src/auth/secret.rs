//! Random secrets and their hashes. Session and API tokens are 256 random
//! bits, so a fast hash (SHA-256) is enough to store them: nobody can guess
//! a token from its hash, and lookups stay cheap.

use sha2::{Digest, Sha256};

/// A new random token: `prefix` then 64 hex digits.
pub fn random_token(prefix: &str) -> String {
    let mut bytes = [0_u8; 32];
    // The OS random source failing is unrecoverable; there is no safe fallback.
    getrandom::fill(&mut bytes).unwrap_or_else(|error| panic!("the system random source failed: {error}"));
    format!("{prefix}{}", hex(&bytes))
}

/// SHA-256 of `text`, in hex.
pub fn sha256_hex(text: &str) -> String {
    hex(&Sha256::digest(text.as_bytes()))
}

/// Whether two secrets are equal, taking as long wherever they differ (so the
/// time of a comparison does not tell how much of a guess was right).
pub fn same_secret(left: &str, right: &str) -> bool {
    let (left, right) = (left.as_bytes(), right.as_bytes());
    left.len() == right.len() && left.iter().zip(right).fold(0_u8, |differ, (a, b)| differ | (a ^ b)) == 0
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    bytes
        .iter()
        .flat_map(|byte| [DIGITS[usize::from(byte >> 4)], DIGITS[usize::from(byte & 0xf)]])
        .map(char::from)
        .collect()
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
        assert_eq!(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
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
