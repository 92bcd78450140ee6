//! How many runs one principal may start: a bucket per user or token that
//! holds `starts_per_minute` starts and fills again at that rate, so a
//! burst up to the limit goes through at once and a runaway caller (a
//! script in a loop, bulk re-runs repeated) is told to wait (429 with
//! `Retry-After`) instead of filling the queue. Kept in memory: each
//! process counts its own starts.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use types::{ActorKind, Principal};

/// Buckets kept before the full ones (idle callers) are dropped.
const KEPT: usize = 4096;

/// Why a start is refused.
#[derive(Debug, PartialEq)]
pub enum Refusal {
    /// Try again after this long.
    Wait(Duration),
    /// More runs than the limit at once: never possible; ask for fewer.
    TooMany { limit: u32 },
}

#[derive(Clone, Copy, Debug)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// The buckets of every principal that started runs lately.
#[derive(Debug)]
pub struct StartBudget {
    per_minute: u32,
    buckets: Mutex<HashMap<(ActorKind, String), Bucket>>,
}

impl StartBudget {
    /// `per_minute` starts a minute per principal; 0 for no limit.
    pub fn new(per_minute: u32) -> StartBudget {
        StartBudget { per_minute, buckets: Mutex::new(HashMap::new()) }
    }

    /// Takes `count` starts from `principal`'s bucket, or says how long to wait.
    pub fn take(&self, principal: &Principal, count: u64) -> Result<(), Refusal> {
        self.take_at(principal, count, Instant::now())
    }

    fn take_at(&self, principal: &Principal, count: u64, now: Instant) -> Result<(), Refusal> {
        if self.per_minute == 0 || count == 0 {
            return Ok(());
        }
        let capacity = f64::from(self.per_minute);
        #[allow(clippy::cast_precision_loss)] // counts are bounded far below 2^52
        let wanted = count as f64;
        if wanted > capacity {
            return Err(Refusal::TooMany { limit: self.per_minute });
        }
        let per_second = capacity / 60.0;
        let Ok(mut buckets) = self.buckets.lock() else { return Ok(()) };
        if buckets.len() >= KEPT {
            buckets.retain(|_, bucket| {
                bucket.tokens + per_second * now.duration_since(bucket.at).as_secs_f64() < capacity
            });
        }
        let bucket =
            buckets.entry((principal.kind, principal.name.clone())).or_insert(Bucket { tokens: capacity, at: now });
        bucket.tokens = (bucket.tokens + per_second * now.duration_since(bucket.at).as_secs_f64()).min(capacity);
        bucket.at = now;
        if bucket.tokens >= wanted {
            bucket.tokens -= wanted;
            return Ok(());
        }
        let missing = wanted - bucket.tokens;
        Err(Refusal::Wait(Duration::from_secs_f64(missing / per_second).max(Duration::from_secs(1))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use types::Role;

    fn caller(name: &str) -> Principal {
        Principal::new(ActorKind::Token, name, Role::Operator)
    }

    #[test]
    fn a_burst_up_to_the_limit_passes_and_the_next_start_waits_for_the_refill() {
        let budget = StartBudget::new(600);
        let now = Instant::now();
        assert_eq!(budget.take_at(&caller("crm"), 600, now), Ok(()));
        match budget.take_at(&caller("crm"), 1, now) {
            Err(Refusal::Wait(wait)) => assert!(wait >= Duration::from_millis(100) && wait <= Duration::from_secs(1)),
            other => panic!("expected a wait, got {other:?}"),
        }
        assert_eq!(budget.take_at(&caller("other"), 1, now), Ok(()), "each principal has its own bucket");
        assert_eq!(budget.take_at(&caller("crm"), 10, now + Duration::from_secs(1)), Ok(()), "10 a second come back");
    }

    #[test]
    fn more_than_the_limit_at_once_is_never_possible_and_no_limit_allows_anything() {
        assert_eq!(
            StartBudget::new(100).take_at(&caller("a"), 101, Instant::now()),
            Err(Refusal::TooMany { limit: 100 })
        );
        assert_eq!(StartBudget::new(0).take_at(&caller("a"), 1_000_000, Instant::now()), Ok(()));
    }
}
