//! Notifications: when a run ends the way its task's rule asks (a failure;
//! or also the first success after a failure; or any end), a JSON message
//! is sent (POST) to the rule's webhook URLs, with a Slack-compatible `text` and
//! the run's link, through the same outbound guard as the webhook task.
//!
//! The path of an end, each step bounded:
//! - `handoff`: the engine's bookkeeping hands the end over without
//!   waiting; a bounded channel, and past it a count per task;
//! - `queue`: the intake reads the ends in batches and writes them to the
//!   outbox table (the database), `collapse`-ing a storm of one task's ends
//!   into a digest; a restart loses nothing queued;
//! - `lanes`: one per URL claims its messages as they fall due (one process
//!   of several gets each) and hands each to `delivery`, which tries it
//!   once and reschedules it on failure, so neither a backoff nor a dead
//!   webhook holds up another URL;
//! - `message`: what is sent (no arguments unless the task's config asks);
//! - `cleanup`: delivered and given-up messages go after `keep`.
//!
//! Every delivery and every final failure is in the audit log
//! (`notification_sent`, `notification_failed`) with the URL's host only:
//! webhook URLs carry secrets.

mod cleanup;
mod collapse;
mod delivery;
mod handoff;
mod lanes;
mod message;
mod queue;
mod rules;

use super::run::Ended;
use crate::clock::micros;
use crate::config::Config;
use crate::db::Db;
use crate::outbound::{OutboundError, OutboundPolicy};
use collapse::Collapse;
use delivery::Delivery;
use handoff::Handoff;
use lanes::Lanes;
use rules::Rules;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::sync::Notify;
use tokio::task::JoinHandle;

/// Ends the hand-off holds before it counts them (about 100 bytes each).
const HANDOFF_CAPACITY: usize = 10_000;
/// How much longer than a delivery's timeout a claim lasts: a message whose
/// process died is tried again after this.
const LEASE_MARGIN: Duration = Duration::from_secs(5);
/// How long a stop waits for the ends already handed over to be queued.
const STOP_GRACE: Duration = Duration::from_secs(5);

/// The notifier of one process.
pub struct Notifier {
    rules: Arc<Rules>,
    handoff: Arc<Handoff>,
    stop: Arc<Notify>,
    intake: Mutex<Option<JoinHandle<()>>>,
    /// The lanes and the clean-up, stopped with the notifier.
    loops: Vec<JoinHandle<()>>,
}

impl Notifier {
    /// Starts queuing the ends handed over and delivering the outbox's
    /// messages to the URLs of `config`'s rules.
    pub fn spawn(db: Db, config: &Config) -> Result<Notifier, OutboundError> {
        let settings = &config.notifications;
        let policy = OutboundPolicy::from(&config.outbound);
        let with_arguments =
            config.tasks.iter().filter(|(_, task)| task.notify_with_arguments).map(|(path, _)| path.clone()).collect();
        let rules = Arc::new(Rules::new(settings, with_arguments));
        let delivery = Arc::new(Delivery {
            db: db.clone(),
            client: policy.client(settings.timeout.0)?,
            policy,
            public_url: config.public_url(),
            attempts: settings.attempts,
            retry_backoff: settings.retry_backoff.0,
        });
        let lanes = Arc::new(Lanes::new(rules.targets()));
        let mut loops = lanes.spawn(&delivery, settings.timeout.0 + LEASE_MARGIN);
        let keys = rules.targets().iter().map(|target| target.key.clone()).collect();
        loops.push(tokio::spawn(cleanup::run(db.clone(), settings.keep.0, keys)));
        let collapse = Collapse {
            window: micros(settings.collapse_window.0),
            queue_limit: u64::from(settings.queue_limit.max(1)),
        };
        let (handoff, arriving) = Handoff::new(HANDOFF_CAPACITY);
        let handoff = Arc::new(handoff);
        let stop = Arc::new(Notify::new());
        let intake = queue::Intake { db, rules: Arc::clone(&rules), collapse, lanes };
        let intake = tokio::spawn(queue::run(intake, arriving, Arc::clone(&handoff), Arc::clone(&stop)));
        Ok(Notifier { rules, handoff, stop, intake: Mutex::new(Some(intake)), loops })
    }

    /// Hands `ended` over if its task's rule may tell of it; never waits.
    pub fn tell(&self, ended: &Ended) {
        if self.rules.may_tell(&ended.task, ended.state) {
            self.handoff.tell(ended.clone());
        }
    }

    /// Queues the ends handed over so far (for up to a few seconds) and
    /// stops delivering; what is queued is delivered by the next process.
    /// Deliveries under way finish, or their claims run out.
    pub async fn stop(&self) {
        self.stop.notify_one();
        let intake = self.intake.lock().unwrap_or_else(PoisonError::into_inner).take();
        if let Some(intake) = intake
            && tokio::time::timeout(STOP_GRACE, intake).await.is_err()
        {
            tracing::warn!("stopped before every ended run was queued for its notifications");
        }
        for running in &self.loops {
            running.abort();
        }
    }
}
