//! Notifications: when a run ends the way its task's rule asks (a failure;
//! or also the first success after a failure; or any end), a JSON message
//! is sent (POST) to the rule's webhook URLs, with a Slack-compatible `text` and
//! the run's link. Each delivery is tried `attempts` times with doubling
//! waits, through the same outbound guard as the webhook task, and recorded
//! in the audit log (`notification_sent`, `notification_failed`) with the
//! URL's host only: webhook URLs carry secrets.
//!
//! The process that records a run's end notifies about it, so each end is
//! told once however many processes share the database. Deliveries still
//! waiting when the process stops are not made.

use super::run::Ended;
use super::store::{self, NewAuditEvent};
use crate::clock::from_rfc3339;
use crate::config::{NotificationsConfig, NotifyOn};
use crate::db::Db;
use crate::outbound::{OutboundPolicy, refused};
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Semaphore, mpsc};
use types::{Actor, ActorKind, AuditAction, Run, RunState};

/// Deliveries in flight at once.
const CONCURRENT: usize = 16;
/// The longest error message quoted in a message's text.
const QUOTED: usize = 500;

/// What a message announces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    Failure,
    /// A success after a failure of the same task.
    Recovery,
    Success,
    Cancelled,
}

impl Event {
    fn word(self) -> &'static str {
        match self {
            Event::Failure => "failure",
            Event::Recovery => "recovery",
            Event::Success => "success",
            Event::Cancelled => "cancelled",
        }
    }
}

/// Where notifications go, and how.
pub struct Notifier {
    db: Db,
    config: NotificationsConfig,
    client: reqwest::Client,
    policy: OutboundPolicy,
    /// `https://console.example.com`: runs' links start with it.
    public_url: String,
    slots: Semaphore,
}

impl Notifier {
    /// Starts notifying about the ends that arrive on the returned sender.
    pub fn spawn(
        db: Db,
        config: NotificationsConfig,
        policy: OutboundPolicy,
        public_url: String,
    ) -> Result<mpsc::UnboundedSender<Ended>, crate::outbound::OutboundError> {
        let client = policy.client(config.timeout.0)?;
        let notifier = Arc::new(Notifier { db, config, client, policy, public_url, slots: Semaphore::new(CONCURRENT) });
        let (ends, mut arriving) = mpsc::unbounded_channel::<Ended>();
        tokio::spawn(async move {
            while let Some(ended) = arriving.recv().await {
                if notifier.config.rule_for(&ended.task).urls.is_empty() {
                    continue;
                }
                let notifier = Arc::clone(&notifier);
                tokio::spawn(async move { notifier.consider(ended).await });
            }
        });
        Ok(ends)
    }

    /// Tells the rule's URLs about `ended` if the rule asks for it.
    async fn consider(&self, ended: Ended) {
        let rule = self.config.rule_for(&ended.task);
        let run = match store::read::run(&self.db, ended.id).await {
            Ok(Some(run)) => run,
            // Trimmed already: nothing left to link to.
            Ok(None) => return,
            Err(error) => {
                tracing::warn!(run = %ended.id, %error, "cannot read an ended run to notify about it");
                return;
            }
        };
        let Some(event) = self.event(rule.on, &run).await else { return };
        let message = message(&run, event, &self.public_url);
        for url in &rule.urls {
            let _slot = self.slots.acquire().await;
            self.deliver(&run, event, url, &message).await;
        }
    }

    /// What `run`'s end announces under `on`, if anything.
    async fn event(&self, on: NotifyOn, run: &Run) -> Option<Event> {
        match (run.state, on) {
            (RunState::Failure, _) => Some(Event::Failure),
            (RunState::Success, NotifyOn::End) => Some(Event::Success),
            (RunState::Cancelled, NotifyOn::End) => Some(Event::Cancelled),
            (RunState::Success, NotifyOn::FailureAndRecovery) => {
                let created_at = from_rfc3339(&run.created_at)?;
                match store::read::previous_end(&self.db, &run.task, created_at, run.id.0).await {
                    Ok(Some(RunState::Failure)) => Some(Event::Recovery),
                    Ok(_) => None,
                    Err(error) => {
                        tracing::warn!(run = %run.id, %error, "cannot tell whether a success follows a failure");
                        None
                    }
                }
            }
            _ => None,
        }
    }

    /// Tries `url` until it answers 2xx or the attempts are used up, then
    /// records what happened.
    async fn deliver(&self, run: &Run, event: Event, url: &str, message: &serde_json::Value) {
        let host = shown_host(url);
        let mut wait = self.config.retry_backoff.0;
        let mut last_error = String::new();
        let attempts = self.config.attempts.max(1);
        for attempt in 1..=attempts {
            match self.post(url, message).await {
                Ok(()) => {
                    self.record(
                        run,
                        AuditAction::NotificationSent,
                        json!({ "event": event.word(), "to": host, "attempts": attempt }),
                    )
                    .await;
                    return;
                }
                Err(error) => last_error = error,
            }
            if attempt < attempts {
                tokio::time::sleep(wait).await;
                wait = wait.saturating_mul(2).min(Duration::from_mins(5));
            }
        }
        tracing::warn!(run = %run.id, to = %host, error = %last_error, "a notification could not be delivered");
        let detail = json!({ "event": event.word(), "to": host, "attempts": attempts, "error": last_error });
        self.record(run, AuditAction::NotificationFailed, detail).await;
    }

    /// One POST; the error says why, without the URL.
    async fn post(&self, url: &str, message: &serde_json::Value) -> Result<(), String> {
        let url = self.policy.check_url(url).map_err(|_| "the URL is refused by the outbound policy".to_owned())?;
        let response = self.client.post(url).json(message).send().await.map_err(|error| match refused(&error) {
            Some(_) => "the address is refused by the outbound policy".to_owned(),
            None => error.without_url().to_string(),
        })?;
        let status = response.status();
        if status.is_success() { Ok(()) } else { Err(format!("answered {status}")) }
    }

    async fn record(&self, run: &Run, action: AuditAction, detail: serde_json::Value) {
        let event = NewAuditEvent {
            actor: Actor { kind: ActorKind::System, name: "notifications".to_owned() },
            as_user: None,
            action,
            target: Some(run.id.to_string()),
            address: None,
            user_agent: None,
            detail: Some(detail),
        };
        if let Err(error) = store::append_audit(&self.db, std::slice::from_ref(&event)).await {
            tracing::error!(%error, "could not record a notification in the audit log");
        }
    }
}

/// The JSON sent: Slack's `text`, and the run for programs.
fn message(run: &Run, event: Event, public_url: &str) -> serde_json::Value {
    let link = format!("{}/runs/{}", public_url.trim_end_matches('/'), run.id);
    let headline = match event {
        Event::Failure => format!("Run of {} failed", run.task),
        Event::Recovery => format!("{} succeeded again after a failure", run.task),
        Event::Success => format!("Run of {} succeeded", run.task),
        Event::Cancelled => format!("Run of {} was cancelled", run.task),
    };
    let reason = run
        .error
        .as_ref()
        .map(|error| format!("{}: {}", error.kind, error.message))
        .or_else(|| (event == Event::Failure).then(|| run.result.clone().unwrap_or_default()))
        .filter(|reason| !reason.is_empty())
        .map(|reason| format!("\n> {}", reason.chars().take(QUOTED).collect::<String>()))
        .unwrap_or_default();
    json!({
        "text": format!("{headline}{reason}\n{link}"),
        "event": event.word(),
        "link": link,
        "run": run,
    })
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

    #[test]
    fn records_show_the_host_and_never_the_secret_path() {
        assert_eq!(shown_host("https://hooks.slack.com/services/T0/B0/secret"), "https://hooks.slack.com");
        assert_eq!(shown_host("garbage"), "(not a URL)");
    }
}
