//! Sending pidbox commands and collecting the workers' replies on each
//! transport. On Redis a reply queue is a list, bound to the reply exchange
//! by a member of kombu's binding set for as long as the call lasts; on
//! RabbitMQ it is a private queue bound to `reply.celery.pidbox`.

use super::amqp_consumer::{AmqpConsumer, ExchangeSpec};
use super::amqp_transport::AmqpTransport;
use super::envelope;
use super::error::CeleryError;
use super::pidbox::{Command, MAX_REPLIES, PIDBOX_EXCHANGE, REPLY_EXCHANGE, replies};
use super::redis_transport::{RedisTransport, SEPARATOR};
use amqprs::FieldTable;
use serde_json::Value;
use std::time::Duration;
use tokio::time::Instant;
use uuid::Uuid;

/// A worker's answer: its node name and what it replied.
pub type Reply = (String, Value);

/// Sends `command` to every worker on Redis; with `collect`, gathers the
/// replies that arrive within it.
pub async fn call_redis(
    redis: &RedisTransport,
    command: &Command,
    collect: Option<Duration>,
) -> Result<Vec<Reply>, CeleryError> {
    let Some(within) = collect else {
        return redis
            .publish_fanout(PIDBOX_EXCHANGE, "", &command.message(None, redis.timeout()))
            .await
            .map(|()| vec![]);
    };
    let (oid, ticket) = (Uuid::new_v4().to_string(), Uuid::new_v4().to_string());
    let queue = redis.key(&format!("{oid}.{REPLY_EXCHANGE}"));
    let table = redis.key(&format!("_kombu.binding.{REPLY_EXCHANGE}"));
    let member = format!("{oid}{SEPARATOR}{SEPARATOR}{oid}.{REPLY_EXCHANGE}");
    let mut connection = redis.separate_connection().await?;
    redis.run::<i64>(redis::cmd("SADD").arg(&table).arg(&member)).await?;
    let collected = async {
        redis.publish_fanout(PIDBOX_EXCHANGE, "", &command.message(Some((&ticket, &oid)), within)).await?;
        let deadline = Instant::now() + within;
        let mut collected = Vec::new();
        while collected.len() < MAX_REPLIES {
            let left = deadline.saturating_duration_since(Instant::now());
            if left < Duration::from_millis(10) {
                break;
            }
            let Some(text) = redis.pop(&mut connection, &queue, left).await? else { break };
            if let Ok(reply) = envelope::unwrap(&text) {
                collected.extend(replies(&reply.headers, &reply.body, &ticket));
            }
        }
        Ok::<_, CeleryError>(collected)
    }
    .await;
    // Best effort: a left-over binding only costs workers a lookup.
    let _: Result<i64, _> = redis.run(redis::cmd("SREM").arg(&table).arg(&member)).await;
    let _: Result<i64, _> = redis.run(redis::cmd("DEL").arg(&queue)).await;
    collected
}

/// Sends `command` to every worker on RabbitMQ; with `collect`, gathers the
/// replies that arrive within it.
pub async fn call_amqp(
    amqp: &AmqpTransport,
    command: &Command,
    collect: Option<Duration>,
) -> Result<Vec<Reply>, CeleryError> {
    let Some(within) = collect else {
        return amqp.broadcast(PIDBOX_EXCHANGE, &command.message(None, amqp.timeout())).await.map(|()| vec![]);
    };
    let (oid, ticket) = (Uuid::new_v4().to_string(), Uuid::new_v4().to_string());
    // As kombu's Mailbox declares the reply exchange: direct, not durable.
    let exchange = ExchangeSpec { name: REPLY_EXCHANGE, kind: "direct", durable: false };
    let queue = format!("{oid}.{REPLY_EXCHANGE}");
    let mut consumer = AmqpConsumer::bind(amqp, exchange, &queue, &oid, FieldTable::new()).await?;
    amqp.broadcast(PIDBOX_EXCHANGE, &command.message(Some((&ticket, &oid)), within)).await?;
    let deadline = Instant::now() + within;
    let mut collected = Vec::new();
    while collected.len() < MAX_REPLIES {
        match tokio::time::timeout_at(deadline, consumer.next()).await {
            Ok(Some(reply)) => collected.extend(replies(&reply.headers, &reply.body, &ticket)),
            Ok(None) | Err(_) => break,
        }
    }
    Ok(collected)
}
