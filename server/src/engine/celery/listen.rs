//! The event feeds: a subscription to the workers' task events that
//! outlives broker restarts. On Redis it is PSUBSCRIBE on kombu's fanout
//! topic `/{db}.celeryev/task.*` (pinged when quiet, to notice a dead
//! connection); on RabbitMQ a private queue bound to the `celeryev` topic
//! exchange with `task.#`. After each (re)connection the feed says
//! [`EventFeed::Connected`], so the caller can catch up on what it missed.

use super::amqp_consumer::{AmqpConsumer, ExchangeSpec};
use super::amqp_transport::AmqpTransport;
use super::envelope;
use super::events::{EVENT_EXCHANGE, EventFeed, parse_events};
use super::message::Incoming;
use super::redis_transport::RedisTransport;
use amqprs::{FieldName, FieldTable, FieldValue};
use futures::StreamExt;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use uuid::Uuid;

/// A quiet subscription is pinged after this long.
const PING_WHEN_QUIET: Duration = Duration::from_secs(15);
/// Waits between reconnection attempts grow to this.
const MAX_BACKOFF: Duration = Duration::from_secs(30);
/// Events RabbitMQ keeps for us while we are slow; older ones are dropped
/// (the caller's reconciler reads the backend anyway).
const MAX_QUEUED_EVENTS: i64 = 100_000;

/// Feeds task events from Redis into `sender` until it is closed.
pub async fn redis_feed(redis: Arc<RedisTransport>, sender: mpsc::Sender<EventFeed>) {
    let pattern = redis.fanout_topic(EVENT_EXCHANGE, "task.*");
    let mut backoff = Backoff::default();
    while !sender.is_closed() {
        match redis.subscribe(&pattern).await {
            Ok(pubsub) => {
                backoff.reset();
                if sender.send(EventFeed::Connected).await.is_err() {
                    return;
                }
                let (mut sink, mut stream) = pubsub.split();
                loop {
                    tokio::select! {
                        message = stream.next() => {
                            let Some(message) = message else { break };
                            match envelope::unwrap(message.get_payload_bytes()) {
                                Ok(incoming) => {
                                    if !forward(&incoming, &sender).await {
                                        return;
                                    }
                                }
                                Err(error) => tracing::debug!(%error, "Celery events: a message that is not an event"),
                            }
                        }
                        () = tokio::time::sleep(PING_WHEN_QUIET) => {
                            // A subscribed connection answers ["pong", ""], not +PONG.
                            let ping = tokio::time::timeout(redis.timeout(), sink.ping::<redis::Value>()).await;
                            if !matches!(ping, Ok(Ok(_))) {
                                break;
                            }
                        }
                    }
                }
                tracing::warn!(redis = %redis.address(), "Celery events: the subscription ended; subscribing again");
            }
            Err(error) => tracing::warn!(%error, "Celery events: cannot subscribe"),
        }
        tokio::time::sleep(backoff.next()).await;
    }
}

/// Feeds task events from RabbitMQ into `sender` until it is closed.
pub async fn amqp_feed(amqp: Arc<AmqpTransport>, sender: mpsc::Sender<EventFeed>) {
    // As Celery declares it: a durable topic exchange.
    let exchange = ExchangeSpec { name: EVENT_EXCHANGE, kind: "topic", durable: true };
    let mut backoff = Backoff::default();
    while !sender.is_closed() {
        let queue = format!("celeryev.task-starter.{}", Uuid::new_v4());
        let mut arguments = FieldTable::new();
        if let Ok(name) = FieldName::try_from("x-max-length") {
            arguments.insert(name, FieldValue::l(MAX_QUEUED_EVENTS));
        }
        match AmqpConsumer::bind(&amqp, exchange, &queue, "task.#", arguments).await {
            Ok(mut consumer) => {
                backoff.reset();
                if sender.send(EventFeed::Connected).await.is_err() {
                    return;
                }
                while let Some(incoming) = consumer.next().await {
                    if !forward(&incoming, &sender).await {
                        return;
                    }
                }
                tracing::warn!(amqp = %amqp.address(), "Celery events: the consumer ended; binding again");
            }
            Err(error) => tracing::warn!(%error, "Celery events: cannot bind to the event exchange"),
        }
        tokio::time::sleep(backoff.next()).await;
    }
}

/// Sends the message's task events on; `false` once nobody listens.
async fn forward(incoming: &Incoming, sender: &mpsc::Sender<EventFeed>) -> bool {
    for event in parse_events(&incoming.body) {
        if sender.send(EventFeed::Task(Box::new(event))).await.is_err() {
            return false;
        }
    }
    true
}

/// 0.5 s, doubling to [`MAX_BACKOFF`].
#[derive(Default)]
struct Backoff(u32);

impl Backoff {
    fn next(&mut self) -> Duration {
        let wait = Duration::from_millis(500).saturating_mul(1 << self.0.min(6));
        self.0 += 1;
        wait.min(MAX_BACKOFF)
    }

    fn reset(&mut self) {
        self.0 = 0;
    }
}
