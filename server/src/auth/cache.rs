//! A small time-bounded cache of authenticated callers, so that a busy API
//! token does not cost a database read per request. Revoking or signing out
//! in this process removes the entry at once; other processes see it within
//! the time to live.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

pub struct TtlCache<K, V> {
    ttl: Duration,
    entries: Mutex<HashMap<K, (V, Instant)>>,
}

impl<K: Eq + Hash + Clone, V: Clone> TtlCache<K, V> {
    pub fn new(ttl: Duration) -> TtlCache<K, V> {
        TtlCache { ttl, entries: Mutex::new(HashMap::new()) }
    }

    pub fn get(&self, key: &K) -> Option<V> {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries.get(key).filter(|(_, at)| at.elapsed() < self.ttl).map(|(value, _)| value.clone())
    }

    pub fn insert(&self, key: K, value: V) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.len() > 10_000 {
            entries.retain(|_, (_, at)| at.elapsed() < self.ttl);
        }
        entries.insert(key, (value, Instant::now()));
    }

    pub fn remove_where(&self, mut doomed: impl FnMut(&V) -> bool) {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner).retain(|_, (value, _)| !doomed(value));
    }
}
