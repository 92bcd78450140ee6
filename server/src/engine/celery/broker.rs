//! [`Broker`]: one handle over a Celery broker, Redis or RabbitMQ as the
//! URL's scheme says, for what Task Starter does there: publish task
//! messages, follow task events, and send pidbox commands.

use super::amqp_transport::AmqpTransport;
use super::control::{Reply, call_amqp, call_redis};
use super::error::CeleryError;
use super::events::EventStream;
use super::listen::{amqp_feed, redis_feed};
use super::pidbox::{Command, Signal, registered_tasks};
use super::protocol::TaskMessage;
use super::redis_transport::RedisTransport;
use super::url::BrokerUrl;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;
use tokio::sync::mpsc;

/// Most task ids one revoke command carries.
pub const MAX_REVOKE_IDS: usize = 1_000;

/// A Celery broker; cheap to clone (clones share the connection).
#[derive(Clone)]
pub struct Broker {
    transport: Transport,
}

#[derive(Clone)]
enum Transport {
    Redis(Arc<RedisTransport>),
    Amqp(Arc<AmqpTransport>),
}

impl Broker {
    /// A broker for Celery's `broker_url`. `key_prefix` is the app's
    /// `broker_transport_options["global_keyprefix"]` (Redis only; used
    /// as is). `timeout` bounds every connect and every broker round trip.
    /// Nothing connects until the first call.
    pub fn new(url: &str, key_prefix: &str, timeout: Duration) -> Result<Broker, CeleryError> {
        Broker::named(url, key_prefix, timeout, "task-starter")
    }

    /// As [`Broker::new`], with the name RabbitMQ shows for the connections
    /// (e.g. `task-starter@host`, to tell `serve` processes apart).
    pub fn named(url: &str, key_prefix: &str, timeout: Duration, name: &str) -> Result<Broker, CeleryError> {
        let transport = match BrokerUrl::parse(url)? {
            BrokerUrl::Redis(address) => Transport::Redis(Arc::new(RedisTransport::new(address, key_prefix, timeout)?)),
            BrokerUrl::Amqp(address) => Transport::Amqp(Arc::new(AmqpTransport::new(address, timeout, name))),
        };
        Ok(Broker { transport })
    }

    /// Where the broker is, without credentials, for logs.
    pub fn describe(&self) -> String {
        match &self.transport {
            Transport::Redis(redis) => redis.address().to_string(),
            Transport::Amqp(amqp) => amqp.address().to_string(),
        }
    }

    /// Publishes a task. `Ok` means the broker holds the message (on
    /// RabbitMQ: confirmed and routed to the queue). An error that
    /// [`CeleryError::is_transient`] calls for trying again later. Delivery
    /// is at least once: when a kept connection dies mid-publish the
    /// message is sent again on a new one, so in rare cases (the broker
    /// got it but its answer was lost) the task is queued twice.
    pub async fn publish(&self, task: &TaskMessage) -> Result<(), CeleryError> {
        let message = task.encode(OffsetDateTime::now_utc())?;
        match &self.transport {
            Transport::Redis(redis) => redis.push(&task.queue, &message).await,
            Transport::Amqp(amqp) => amqp.push(&task.queue, &message).await,
        }
    }

    /// Tells every worker to revoke these tasks: a queued one is discarded
    /// when a worker receives it; with `terminate`, a running one's process
    /// gets `signal`. Workers answer nothing; the outcome shows in events
    /// (`task-revoked`) and in the backend (`REVOKED`).
    pub async fn revoke<S: AsRef<str>>(
        &self,
        task_ids: &[S],
        terminate: bool,
        signal: Signal,
    ) -> Result<(), CeleryError> {
        for batch in task_ids.chunks(MAX_REVOKE_IDS) {
            self.call(&Command::revoke(batch, terminate, signal), None).await?;
        }
        Ok(())
    }

    /// Tells every worker to send task events (as `celery control enable_events`).
    pub async fn enable_events(&self) -> Result<(), CeleryError> {
        self.call(&Command::enable_events(), None).await.map(drop)
    }

    /// Asks every worker which tasks it has, waiting `within` for replies:
    /// `{worker node name: [task name]}` (Celery's built-in `celery.*` left out).
    pub async fn registered(&self, within: Duration) -> Result<BTreeMap<String, Vec<String>>, CeleryError> {
        Ok(registered_tasks(self.call(&Command::registered(), Some(within)).await?))
    }

    async fn call(&self, command: &Command, collect: Option<Duration>) -> Result<Vec<Reply>, CeleryError> {
        match &self.transport {
            Transport::Redis(redis) => call_redis(redis, command, collect).await,
            Transport::Amqp(amqp) => call_amqp(amqp, command, collect).await,
        }
    }

    /// Follows the workers' task events, reconnecting as needed. The feed
    /// holds up to `capacity` events the caller has not read; then it waits.
    pub fn events(&self, capacity: usize) -> EventStream {
        let (sender, receiver) = mpsc::channel(capacity.max(1));
        let task = match &self.transport {
            Transport::Redis(redis) => tokio::spawn(redis_feed(Arc::clone(redis), sender)),
            Transport::Amqp(amqp) => tokio::spawn(amqp_feed(Arc::clone(amqp), sender)),
        };
        EventStream { receiver, task }
    }
}

impl std::fmt::Debug for Broker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Broker").field("at", &self.describe()).finish()
    }
}
