//! Sign-in throttling: after too many failures in a window, for an account
//! or from an address, further attempts are refused until the window passes.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Failures per key within a sliding window.
pub struct Throttle {
    limit: u32,
    window: Duration,
    failures: Mutex<HashMap<String, Vec<Instant>>>,
}

impl Throttle {
    pub fn new(limit: u32, window: Duration) -> Throttle {
        Throttle { limit, window, failures: Mutex::new(HashMap::new()) }
    }

    /// `Err(wait)` when any of `keys` has used up its attempts.
    pub fn check(&self, keys: &[String]) -> Result<(), Duration> {
        let mut failures = self.failures.lock().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        let mut wait = Duration::ZERO;
        for key in keys {
            if let Some(times) = failures.get_mut(key) {
                times.retain(|at| now.duration_since(*at) < self.window);
                if times.len() >= self.limit as usize
                    && let Some(oldest) = times.first()
                {
                    wait = wait.max(self.window.saturating_sub(now.duration_since(*oldest)));
                }
            }
        }
        if wait.is_zero() { Ok(()) } else { Err(wait) }
    }

    pub fn record_failure(&self, keys: &[String]) {
        let mut failures = self.failures.lock().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        if failures.len() > 100_000 {
            failures.retain(|_, times| times.last().is_some_and(|at| now.duration_since(*at) < self.window));
        }
        for key in keys {
            failures.entry(key.clone()).or_default().push(now);
        }
    }

    /// A successful sign-in clears the account's failures.
    pub fn clear(&self, key: &str) {
        self.failures.lock().unwrap_or_else(PoisonError::into_inner).remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn too_many_failures_lock_the_key_until_the_window_passes() {
        let throttle = Throttle::new(2, Duration::from_millis(80));
        let keys = vec!["user:ann".to_owned(), "addr:1.2.3.4".to_owned()];
        assert!(throttle.check(&keys).is_ok());
        throttle.record_failure(&keys);
        throttle.record_failure(&keys);
        assert!(throttle.check(&keys).is_err());
        assert!(throttle.check(&["addr:1.2.3.4".to_owned()]).is_err(), "the address is locked too");
        std::thread::sleep(Duration::from_millis(100));
        assert!(throttle.check(&keys).is_ok());
    }

    #[test]
    fn success_clears_the_account() {
        let throttle = Throttle::new(1, Duration::from_mins(1));
        throttle.record_failure(&["user:bob".to_owned()]);
        throttle.clear("user:bob");
        assert!(throttle.check(&["user:bob".to_owned()]).is_ok());
    }
}
