//! Which ends are told, and to which webhooks: the config's rules, read
//! once, so that the hand-off can ask for every ended run without cloning
//! a list of URLs.

use crate::config::{NotificationsConfig, NotifyOn};
use crate::fingerprint::sha256_hex;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use types::RunState;

/// A webhook URL, and how the outbox and the audit log name it.
#[derive(Debug, PartialEq, Eq)]
pub struct Target {
    /// A secret: never logged nor shown.
    pub url: String,
    /// Its SHA-256 in hex: the outbox's name for it.
    pub key: String,
    /// `https://hooks.example.com`: what a record shows of it.
    pub host: String,
}

/// Where and when one task's notifications go.
#[derive(Debug)]
pub struct Rule {
    pub targets: Vec<Arc<Target>>,
    pub on: NotifyOn,
}

/// Every rule of the config.
#[derive(Debug)]
pub struct Rules {
    default: Rule,
    tasks: HashMap<String, Rule>,
    /// Tasks whose messages carry their runs' arguments.
    with_arguments: BTreeSet<String>,
    /// Each URL once.
    targets: Vec<Arc<Target>>,
}

impl Rules {
    pub fn new(config: &NotificationsConfig, with_arguments: BTreeSet<String>) -> Rules {
        let mut targets: BTreeMap<String, Arc<Target>> = BTreeMap::new();
        let mut rule = |urls: &[String], on: NotifyOn| Rule {
            targets: urls
                .iter()
                .map(|url| {
                    let target = targets.entry(url.clone()).or_insert_with(|| {
                        Arc::new(Target { url: url.clone(), key: sha256_hex(url), host: shown_host(url) })
                    });
                    Arc::clone(target)
                })
                .collect(),
            on,
        };
        let default = rule(&config.urls, config.on);
        let tasks = config.tasks.iter().map(|(task, own)| (task.clone(), rule(&own.urls, own.on))).collect();
        let targets = targets.into_values().collect();
        Rules { default, tasks, with_arguments, targets }
    }

    /// The rule for `task`: its own, or the default.
    pub fn for_task(&self, task: &str) -> &Rule {
        self.tasks.get(task).unwrap_or(&self.default)
    }

    /// Whether an end of `task` in `state` may be told (a success under
    /// `failure_and_recovery` is, when it follows a failure).
    pub fn may_tell(&self, task: &str, state: RunState) -> bool {
        let rule = self.for_task(task);
        !rule.targets.is_empty()
            && match state {
                RunState::Failure => true,
                RunState::Success => rule.on != NotifyOn::Failure,
                RunState::Cancelled => rule.on == NotifyOn::End,
                RunState::Pending | RunState::Running => false,
            }
    }

    /// Whether messages about `task` carry its runs' arguments.
    pub fn with_arguments(&self, task: &str) -> bool {
        self.with_arguments.contains(task)
    }

    /// Every webhook, each once.
    pub fn targets(&self) -> &[Arc<Target>] {
        &self.targets
    }
}

/// `https://hooks.example.com`: what a record shows of a URL.
fn shown_host(url: &str) -> String {
    reqwest::Url::parse(url)
        .ok()
        .and_then(|url| Some(format!("{}://{}", url.scheme(), url.host_str()?)))
        .unwrap_or_else(|| "(not a URL)".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::NotifyRule;

    #[test]
    fn records_show_the_host_and_never_the_secret_path() {
        assert_eq!(shown_host("https://hooks.slack.com/services/T0/B0/secret"), "https://hooks.slack.com");
        assert_eq!(shown_host("garbage"), "(not a URL)");
    }

    #[test]
    fn each_url_is_one_target_and_rules_say_which_ends_are_told() {
        let shared = "https://hooks.example.com/a".to_owned();
        let mut config = NotificationsConfig { urls: vec![shared.clone()], ..NotificationsConfig::default() };
        config.tasks.insert("loud".to_owned(), NotifyRule { urls: vec![shared.clone()], on: NotifyOn::End });
        config.tasks.insert("quiet".to_owned(), NotifyRule { urls: Vec::new(), on: NotifyOn::End });
        let rules = Rules::new(&config, BTreeSet::from(["loud".to_owned()]));
        assert_eq!(rules.targets().len(), 1, "one lane per URL, however many rules name it");
        assert_eq!(rules.targets()[0].key, sha256_hex(&shared));
        assert!(rules.may_tell("other", RunState::Failure));
        assert!(!rules.may_tell("other", RunState::Success));
        assert!(rules.may_tell("loud", RunState::Cancelled));
        assert!(!rules.may_tell("quiet", RunState::Failure));
        assert!(rules.with_arguments("loud") && !rules.with_arguments("other"));
    }
}
