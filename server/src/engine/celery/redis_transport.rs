//! Celery's messages over Redis, as kombu's Redis transport lays them out
//! (`kombu/transport/redis.py`): a queue is a list that workers BRPOP, fed
//! by LPUSH of the kombu envelope (priorities 3, 6 and 9 in lists of their
//! own); a fanout exchange (events, pidbox commands) is PUBLISH on the topic
//! `/{db}.{exchange}/{routing key}`; a direct exchange's bindings are a set
//! `_kombu.binding.{exchange}`. Every key and topic carries the app's
//! `global_keyprefix`.
//!
//! One multiplexed connection serves every call; it is dropped after an
//! error and made again on the next call, so a Redis restart heals itself.

use super::envelope;
use super::error::CeleryError;
use super::message::Outgoing;
use super::url::RedisAddress;
use redis::aio::{MultiplexedConnection, PubSub};
use redis::{AsyncConnectionConfig, Client, RedisError};
use std::sync::Mutex;
use std::time::Duration;

/// kombu's `sep`: between a queue and its priority, and in binding members.
pub const SEPARATOR: &str = "\x06\x16";
/// kombu's `priority_steps`: each priority goes to the list of the step at or below it.
const PRIORITY_STEPS: [u8; 4] = [0, 3, 6, 9];

/// A Redis server used as a Celery broker or result backend.
pub struct RedisTransport {
    address: RedisAddress,
    key_prefix: String,
    client: Client,
    connection: Mutex<Option<MultiplexedConnection>>,
    /// Bounds every connect and every command.
    timeout: Duration,
}

impl RedisTransport {
    /// A transport for `address`; nothing connects until the first call.
    pub fn new(address: RedisAddress, key_prefix: &str, timeout: Duration) -> Result<RedisTransport, CeleryError> {
        let client = Client::open(address.url.as_str()).map_err(|e| CeleryError::InvalidUrl(e.to_string()))?;
        Ok(RedisTransport { address, key_prefix: key_prefix.to_owned(), client, connection: Mutex::new(None), timeout })
    }

    pub fn address(&self) -> &RedisAddress {
        &self.address
    }

    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// `key` with the app's `global_keyprefix`, as kombu's prefixed client writes it.
    pub fn key(&self, key: &str) -> String {
        format!("{}{key}", self.key_prefix)
    }

    /// Puts a task on `queue`, as kombu's `Channel._put` does.
    pub async fn push(&self, queue: &str, message: &Outgoing) -> Result<(), CeleryError> {
        let text = envelope::wrap(message, "", queue);
        let key = self.key(&queue_for_priority(queue, message.priority));
        self.run(redis::cmd("LPUSH").arg(key).arg(text)).await.map(|_: i64| ())
    }

    /// The topic a fanout `exchange` publishes `routing_key` on (kombu's
    /// `_get_publish_topic` with `fanout_prefix` and `fanout_patterns` on).
    pub fn fanout_topic(&self, exchange: &str, routing_key: &str) -> String {
        let topic = if routing_key.is_empty() {
            format!("/{}.{exchange}", self.address.db)
        } else {
            format!("/{}.{exchange}/{routing_key}", self.address.db)
        };
        self.key(&topic)
    }

    /// Sends `message` to every queue bound to the fanout `exchange`.
    pub async fn publish_fanout(
        &self,
        exchange: &str,
        routing_key: &str,
        message: &Outgoing,
    ) -> Result<(), CeleryError> {
        let text = envelope::wrap(message, exchange, routing_key);
        let topic = self.fanout_topic(exchange, routing_key);
        self.run(redis::cmd("PUBLISH").arg(topic).arg(text)).await.map(|_: i64| ())
    }

    /// A subscription to the topics matching `pattern` (already prefixed).
    pub async fn subscribe(&self, pattern: &str) -> Result<PubSub, CeleryError> {
        let connect = async {
            let mut pubsub = self.client.get_async_pubsub().await?;
            pubsub.psubscribe(pattern).await?;
            Ok::<_, RedisError>(pubsub)
        };
        match tokio::time::timeout(self.timeout, connect).await {
            Ok(result) => result.map_err(|e| self.error(&e)),
            Err(_) => Err(self.timed_out()),
        }
    }

    /// A connection of its own, for a blocking pop that must not hold up
    /// the shared one.
    pub async fn separate_connection(&self) -> Result<MultiplexedConnection, CeleryError> {
        self.connect().await
    }

    /// BRPOP on `key` (already prefixed), waiting up to `wait` for a value.
    pub async fn pop(
        &self,
        connection: &mut MultiplexedConnection,
        key: &str,
        wait: Duration,
    ) -> Result<Option<Vec<u8>>, CeleryError> {
        let command = redis::cmd("BRPOP").arg(key).arg(wait.as_secs_f64()).clone();
        match tokio::time::timeout(wait + self.timeout, command.query_async(connection)).await {
            Ok(Ok(popped)) => {
                let popped: Option<(Vec<u8>, Vec<u8>)> = popped;
                Ok(popped.map(|(_, value)| value))
            }
            Ok(Err(error)) => Err(self.error(&error)),
            Err(_) => Err(self.timed_out()),
        }
    }

    /// Runs one command on the shared connection, within the timeout.
    pub async fn run<T: redis::FromRedisValue>(&self, command: &redis::Cmd) -> Result<T, CeleryError> {
        self.run_within(command, self.timeout).await
    }

    /// Runs one command allowed to wait up to `wait` on the server (BRPOP).
    /// A kept connection that turns out dead (Redis restarted since) is
    /// replaced once at once, so a restart costs no failed call.
    pub async fn run_within<T: redis::FromRedisValue>(
        &self,
        command: &redis::Cmd,
        wait: Duration,
    ) -> Result<T, CeleryError> {
        let mut retried = false;
        loop {
            let (mut connection, kept) = self.connection().await?;
            match tokio::time::timeout(wait + self.timeout, command.query_async(&mut connection)).await {
                Ok(Ok(value)) => return Ok(value),
                Ok(Err(error)) if is_connection_error(&error) => {
                    self.forget();
                    if kept && !retried {
                        retried = true;
                        continue;
                    }
                    return Err(self.error(&error));
                }
                Ok(Err(error)) => return Err(self.error(&error)),
                Err(_) => {
                    self.forget();
                    // Silence from a kept connection means it is most likely dead too.
                    if kept && !retried {
                        retried = true;
                        continue;
                    }
                    return Err(self.timed_out());
                }
            }
        }
    }

    /// The kept connection (and `true`), or a new one.
    async fn connection(&self) -> Result<(MultiplexedConnection, bool), CeleryError> {
        if let Some(connection) = self.cached() {
            return Ok((connection, true));
        }
        let connection = self.connect().await?;
        if let Ok(mut slot) = self.connection.lock() {
            *slot = Some(connection.clone());
        }
        Ok((connection, false))
    }

    async fn connect(&self) -> Result<MultiplexedConnection, CeleryError> {
        // The client's own response timeout stays off: BRPOP waits longer
        // than any plain command, and each call here bounds itself.
        let config = AsyncConnectionConfig::new().set_connection_timeout(Some(self.timeout)).set_response_timeout(None);
        let connect = self.client.get_multiplexed_async_connection_with_config(&config);
        match tokio::time::timeout(self.timeout, connect).await {
            Ok(Ok(connection)) => Ok(connection),
            Ok(Err(error)) => Err(self.error(&error)),
            Err(_) => Err(self.timed_out()),
        }
    }

    fn cached(&self) -> Option<MultiplexedConnection> {
        self.connection.lock().ok().and_then(|slot| slot.clone())
    }

    fn forget(&self) {
        if let Ok(mut slot) = self.connection.lock() {
            *slot = None;
        }
    }

    pub(crate) fn error(&self, error: &RedisError) -> CeleryError {
        if is_connection_error(error) {
            CeleryError::Unavailable { address: self.address.to_string(), reason: error.to_string() }
        } else {
            CeleryError::Refused(format!("Redis at {}: {error}", self.address))
        }
    }

    pub(crate) fn timed_out(&self) -> CeleryError {
        CeleryError::TimedOut { address: self.address.to_string(), after: self.timeout }
    }
}

fn is_connection_error(error: &RedisError) -> bool {
    error.is_io_error() || error.is_connection_dropped() || error.is_connection_refusal() || error.is_timeout()
}

/// kombu's `_q_for_pri`: the list a message of `priority` goes to.
pub fn queue_for_priority(queue: &str, priority: u8) -> String {
    let step = PRIORITY_STEPS.iter().copied().filter(|step| *step <= priority).max().unwrap_or(0);
    if step == 0 { queue.to_owned() } else { format!("{queue}{SEPARATOR}{step}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priorities_go_to_kombus_lists() {
        assert_eq!(queue_for_priority("q", 0), "q");
        assert_eq!(queue_for_priority("q", 2), "q");
        assert_eq!(queue_for_priority("q", 5), "q\x06\x163");
        assert_eq!(queue_for_priority("q", 6), "q\x06\x166");
        assert_eq!(queue_for_priority("q", 255), "q\x06\x169");
    }

    #[test]
    fn topics_carry_the_database_and_the_prefix() {
        let address = RedisAddress::parse("redis://127.0.0.1:6379/12").unwrap();
        let transport = RedisTransport::new(address, "app:", Duration::from_secs(1)).unwrap();
        assert_eq!(transport.fanout_topic("celeryev", "task.multi"), "app:/12.celeryev/task.multi");
        assert_eq!(transport.fanout_topic("celery.pidbox", ""), "app:/12.celery.pidbox");
    }
}
