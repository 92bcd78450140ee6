//! `[celery]`: the Celery cluster a team already runs, which tasks with
//! `kind = "celery"` are published to and followed on.

use super::ConfigDuration;
use serde::{Deserialize, Serialize};
use std::fmt;

/// `[celery]`; the runner is on when `broker_url` is set.
#[derive(Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct CeleryConfig {
    /// `redis://host:port/db` or `amqp://user:password@host:port/vhost`.
    pub broker_url: Option<String>,
    /// The Redis result backend the workers write (`redis://host:port/db`).
    pub result_backend: Option<String>,
    /// Where tasks without a `queue` of their own go.
    pub default_queue: String,
    /// Runs of declared Celery tasks that other code sends appear in the
    /// history (seen through the workers' task events).
    pub track_foreign: bool,
    /// Ask the workers to send task events, as Flower does, every 5 s.
    pub enable_events: bool,
    /// The app's `global_keyprefix`, if any.
    pub key_prefix: String,
    /// How long a start waits for an unavailable broker before its run
    /// fails with the kind `broker_unavailable`.
    pub broker_wait: ConfigDuration,
    /// How often the result backend is read for the runs under way.
    pub poll_interval: ConfigDuration,
    /// Celery runs followed at once by one process (waiting runs stay pending).
    pub max_in_flight: usize,
}

impl Default for CeleryConfig {
    fn default() -> CeleryConfig {
        CeleryConfig {
            broker_url: None,
            result_backend: None,
            default_queue: "celery".to_owned(),
            track_foreign: true,
            enable_events: false,
            key_prefix: String::new(),
            broker_wait: ConfigDuration::secs(600),
            poll_interval: ConfigDuration::millis(500),
            max_in_flight: 10_000,
        }
    }
}

impl CeleryConfig {
    /// Whether a broker is configured.
    pub fn is_on(&self) -> bool {
        self.broker_url.is_some()
    }
}

/// Without the URLs: they hold passwords.
impl fmt::Debug for CeleryConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hidden = |url: &Option<String>| url.as_ref().map(|_| "<set>");
        f.debug_struct("CeleryConfig")
            .field("broker_url", &hidden(&self.broker_url))
            .field("result_backend", &hidden(&self.result_backend))
            .field("default_queue", &self.default_queue)
            .field("track_foreign", &self.track_foreign)
            .field("enable_events", &self.enable_events)
            .field("key_prefix", &self.key_prefix)
            .field("broker_wait", &self.broker_wait)
            .field("poll_interval", &self.poll_interval)
            .field("max_in_flight", &self.max_in_flight)
            .finish()
    }
}
