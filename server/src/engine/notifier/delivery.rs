//! One try of one message: POST it to its URL through the outbound guard,
//! then record the result in the outbox with its audit entry: sent; tried
//! again later (with doubling waits); or, when the tries are used up, given
//! up. The audit log and the logs show the URL's host only.

use super::message::{RunSummary, Telling, message};
use super::rules::Target;
use crate::db::Db;
use crate::engine::store::NewAuditEvent;
use crate::engine::store::notifications::{self, Claimed, Settled};
use crate::outbound::{OutboundPolicy, refused};
use serde_json::json;
use std::time::Duration;
use types::{Actor, ActorKind, AuditAction};

/// The longest wait between two tries.
const LONGEST_WAIT: Duration = Duration::from_mins(5);

/// What every try needs.
pub struct Delivery {
    pub db: Db,
    pub client: reqwest::Client,
    pub policy: OutboundPolicy,
    /// `https://console.example.com`: runs' links start with it.
    pub public_url: String,
    /// Tries per message.
    pub attempts: u32,
    /// The wait after the first failed try.
    pub retry_backoff: Duration,
}

impl Delivery {
    /// Tries `claimed` once and records how it went.
    pub async fn deliver(&self, target: &Target, claimed: Claimed) {
        let telling = Telling { event: claimed.event, count: claimed.count, digest: claimed.digest };
        let (outcome, may_retry) = match serde_json::from_str::<RunSummary>(&claimed.run) {
            Ok(run) => (self.post(&target.url, &message(&run, telling, &self.public_url)).await, true),
            Err(error) => (Err(format!("the queued message cannot be read: {error}")), false),
        };
        let mut detail = json!({ "event": claimed.event.as_str(), "to": target.host, "attempts": claimed.attempt });
        if claimed.digest {
            detail["count"] = json!(claimed.count);
        }
        let tries_left = u32::try_from(claimed.attempt).is_ok_and(|attempt| attempt < self.attempts.max(1));
        let recorded = match outcome {
            Ok(()) => {
                let audit = audit(&claimed, AuditAction::NotificationSent, detail);
                notifications::settle(&self.db, &claimed, Settled::Sent { audit: &audit }).await
            }
            Err(error) if may_retry && tries_left => {
                let wait = self.wait_after(claimed.attempt);
                notifications::settle(&self.db, &claimed, Settled::Later { wait, error: &error }).await
            }
            Err(error) => {
                tracing::warn!(run = %claimed.run_id, to = %target.host, %error, "a notification could not be delivered");
                detail["error"] = json!(error);
                let audit = audit(&claimed, AuditAction::NotificationFailed, detail);
                notifications::settle(&self.db, &claimed, Settled::GivenUp { error: &error, audit: &audit }).await
            }
        };
        if let Err(error) = recorded {
            // Its claim runs out and the message is tried again.
            tracing::error!(%error, to = %target.host, "could not record a notification's delivery");
        }
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

    /// The wait after try `attempt` failed: `retry_backoff`, doubling.
    fn wait_after(&self, attempt: i32) -> Duration {
        let doublings = u32::try_from(attempt.saturating_sub(1)).unwrap_or(0).min(20);
        self.retry_backoff.saturating_mul(1 << doublings).min(LONGEST_WAIT)
    }
}

fn audit(claimed: &Claimed, action: AuditAction, detail: serde_json::Value) -> NewAuditEvent {
    NewAuditEvent {
        actor: Actor { kind: ActorKind::System, name: "notifications".to_owned() },
        as_user: None,
        action,
        target: Some(claimed.run_id.to_string()),
        address: None,
        user_agent: None,
        detail: Some(detail),
    }
}
