//! The config of operating many runs: which argument paths are indexed for
//! search, how long the audit log keeps its entries, and where and when
//! failure notifications go.

use super::ConfigDuration;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `[audit]`
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct AuditConfig {
    /// How long an entry is kept (notifications: `notifications.keep`).
    pub keep: ConfigDuration,
}

impl Default for AuditConfig {
    fn default() -> AuditConfig {
        AuditConfig { keep: ConfigDuration::secs(90 * 86_400) }
    }
}

/// `[search]`
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct SearchConfig {
    /// Argument paths (`customer`, `order.region`) searched often enough to
    /// index on SQLite; PostgreSQL's one index serves every path.
    pub indexed_arguments: Vec<String>,
    /// How long one search may take; a longer one is stopped in the
    /// database and answered 422 (narrow it by task or time).
    pub timeout: ConfigDuration,
    /// Connections of their own that searches run on, so that searches
    /// never take the engine's.
    pub connections: u32,
}

impl Default for SearchConfig {
    fn default() -> SearchConfig {
        SearchConfig { indexed_arguments: Vec::new(), timeout: ConfigDuration::secs(2), connections: 2 }
    }
}

/// Which ends of a run are told.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum NotifyOn {
    /// Runs that end in failure.
    #[default]
    Failure,
    /// Failures, and the first success after a failure of the same task.
    FailureAndRecovery,
    /// Every end: success, failure, cancelled.
    End,
}

/// Where and when one task's notifications go.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Default)]
#[serde(default, deny_unknown_fields)]
pub struct NotifyRule {
    /// Webhook URLs that get a JSON POST (with a Slack-compatible `text`).
    /// They are secrets to many services: never logged nor shown.
    pub urls: Vec<String>,
    pub on: NotifyOn,
}

/// `[notifications]`: the default rule, and `[notifications.tasks."path"]`
/// rules that replace it for one task (`urls = []` silences a task).
/// Messages wait in the database (the notification outbox) until they are
/// delivered, so a restart loses none.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct NotificationsConfig {
    pub urls: Vec<String>,
    pub on: NotifyOn,
    pub tasks: BTreeMap<String, NotifyRule>,
    /// Deliveries tried per message (the first and its retries).
    pub attempts: u32,
    /// The wait before the first retry; it doubles for each further one (up
    /// to 5 minutes). A message waiting for its retry holds no delivery slot.
    pub retry_backoff: ConfigDuration,
    /// How long one delivery may take.
    pub timeout: ConfigDuration,
    /// How long the records of deliveries are kept in the audit log, and
    /// delivered (or given up) messages in the outbox.
    pub keep: ConfigDuration,
    /// A storm's window: the first end of a task is told at once, and its
    /// further ends (of the same kind, to the same URL) within this window
    /// are told as one message, "N more failures of TASK", when the window
    /// ends. `"0s"` tells every end on its own.
    pub collapse_window: ConfigDuration,
    /// Messages that may wait for one URL; past it, further ends are counted
    /// into one message per task and kind, so a dead webhook's queue stays
    /// bounded.
    pub queue_limit: u32,
}

impl Default for NotificationsConfig {
    fn default() -> NotificationsConfig {
        NotificationsConfig {
            urls: Vec::new(),
            on: NotifyOn::Failure,
            tasks: BTreeMap::new(),
            attempts: 5,
            retry_backoff: ConfigDuration::secs(2),
            timeout: ConfigDuration::secs(10),
            keep: ConfigDuration::secs(14 * 86_400),
            collapse_window: ConfigDuration::secs(60),
            queue_limit: 1000,
        }
    }
}

impl NotificationsConfig {
    /// The rule for `task`: its own, or the default.
    pub fn rule_for(&self, task: &str) -> NotifyRule {
        self.tasks.get(task).cloned().unwrap_or_else(|| NotifyRule { urls: self.urls.clone(), on: self.on })
    }

    /// Whether any task may be notified about.
    pub fn any(&self) -> bool {
        !self.urls.is_empty() || self.tasks.values().any(|rule| !rule.urls.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_task_rule_replaces_the_default() {
        let config: NotificationsConfig = toml::from_str(
            r#"
            urls = ["https://hooks.example.com/a"]
            [tasks."quiet.task"]
            urls = []
            [tasks."loud.task"]
            urls = ["https://hooks.example.com/b"]
            on = "end"
            "#,
        )
        .unwrap();
        assert_eq!(config.rule_for("other").urls, ["https://hooks.example.com/a"]);
        assert_eq!(config.rule_for("other").on, NotifyOn::Failure);
        assert!(config.rule_for("quiet.task").urls.is_empty());
        assert_eq!(config.rule_for("loud.task").on, NotifyOn::End);
        assert!(config.any());
        assert!(!NotificationsConfig::default().any());
    }
}
