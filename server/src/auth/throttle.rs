//! Sign-in throttling: after too many attempts in a window, for an account
//! or from an address, further attempts are refused until the window passes.
//!
//! An attempt is counted when it begins, before its password is checked, so
//! that guesses sent at the same time cannot all slip through; a successful
//! sign-in then takes its attempt back.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Attempts per key within a sliding window.
pub struct Throttle {
    limit: u32,
    window: Duration,
    attempts: Mutex<HashMap<String, Vec<Instant>>>,
}

impl Throttle {
    pub fn new(limit: u32, window: Duration) -> Throttle {
        Throttle { limit: limit.max(1), window, attempts: Mutex::new(HashMap::new()) }
    }

    /// Counts an attempt for each of `keys`, or `Err(wait)` without counting
    /// when any of them has used up its attempts.
    pub fn begin(&self, keys: &[String]) -> Result<(), Duration> {
        let mut attempts = self.attempts.lock().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        if attempts.len() > 100_000 {
            attempts.retain(|_, times| times.last().is_some_and(|at| now.duration_since(*at) < self.window));
        }
        let mut wait = Duration::ZERO;
        for key in keys {
            if let Some(times) = attempts.get_mut(key) {
                times.retain(|at| now.duration_since(*at) < self.window);
                if times.len() >= self.limit as usize
                    && let Some(oldest) = times.first()
                {
                    wait = wait.max(self.window.saturating_sub(now.duration_since(*oldest)));
                }
            }
        }
        if !wait.is_zero() {
            return Err(wait);
        }
        for key in keys {
            attempts.entry(key.clone()).or_default().push(now);
        }
        Ok(())
    }

    /// A successful sign-in: the account starts afresh, and the address gets
    /// its attempt back.
    pub fn succeeded(&self, account: &str, address: Option<&str>) {
        let mut attempts = self.attempts.lock().unwrap_or_else(PoisonError::into_inner);
        attempts.remove(account);
        if let Some(times) = address.and_then(|address| attempts.get_mut(address)) {
            times.pop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn too_many_attempts_lock_the_key_until_the_window_passes() {
        let throttle = Throttle::new(2, Duration::from_millis(80));
        let keys = vec!["user:ann".to_owned(), "addr:1.2.3.4".to_owned()];
        assert!(throttle.begin(&keys).is_ok());
        assert!(throttle.begin(&keys).is_ok());
        assert!(throttle.begin(&keys).is_err());
        assert!(throttle.begin(&["addr:1.2.3.4".to_owned()]).is_err(), "the address is locked too");
        std::thread::sleep(Duration::from_millis(100));
        assert!(throttle.begin(&keys).is_ok());
    }

    #[test]
    fn attempts_count_before_they_are_checked_so_a_burst_gets_only_the_limit() {
        let throttle = std::sync::Arc::new(Throttle::new(5, Duration::from_mins(1)));
        let passed: usize = (0..50)
            .map(|_| {
                let throttle = std::sync::Arc::clone(&throttle);
                std::thread::spawn(move || throttle.begin(&["user:ann".to_owned()]).is_ok())
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|thread| usize::from(thread.join().unwrap()))
            .sum();
        assert_eq!(passed, 5);
    }

    #[test]
    fn success_clears_the_account_and_returns_the_address_its_attempt() {
        let throttle = Throttle::new(1, Duration::from_mins(1));
        let keys = ["user:bob".to_owned(), "addr:a".to_owned()];
        assert!(throttle.begin(&keys).is_ok());
        throttle.succeeded("user:bob", Some("addr:a"));
        assert!(throttle.begin(&keys).is_ok());
    }
}
