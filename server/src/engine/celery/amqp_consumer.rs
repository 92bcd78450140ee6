//! A private queue on RabbitMQ bound to one of Celery's exchanges, read on
//! a connection of its own: the event feed (`celeryev`) and pidbox replies
//! (`reply.celery.pidbox`). The queue is exclusive and auto-deleted, so it
//! goes away with the connection.

use super::amqp_fields::from_table;
use super::amqp_transport::AmqpTransport;
use super::error::CeleryError;
use super::message::Incoming;
use amqprs::FieldTable;
use amqprs::channel::{
    BasicConsumeArguments, Channel, ConsumerMessage, ExchangeDeclareArguments, QueueBindArguments,
    QueueDeclareArguments,
};
use amqprs::connection::Connection;
use tokio::sync::mpsc;

/// An exchange as Celery declares it (a redeclare must match or RabbitMQ
/// closes the channel).
#[derive(Clone, Copy, Debug)]
pub struct ExchangeSpec<'a> {
    pub name: &'a str,
    pub kind: &'a str,
    pub durable: bool,
}

/// Messages arriving on a private queue.
pub struct AmqpConsumer {
    _connection: Connection,
    _channel: Channel,
    messages: mpsc::UnboundedReceiver<ConsumerMessage>,
}

impl AmqpConsumer {
    /// Declares `exchange` and a private queue bound to it with
    /// `routing_key`, and starts consuming (auto-ack: nothing is redelivered).
    pub async fn bind(
        transport: &AmqpTransport,
        exchange: ExchangeSpec<'_>,
        queue: &str,
        routing_key: &str,
        queue_arguments: FieldTable,
    ) -> Result<AmqpConsumer, CeleryError> {
        let connection = transport.connect().await?;
        let channel = transport.bounded(connection.open_channel(None)).await?;
        let declare = ExchangeDeclareArguments::new(exchange.name, exchange.kind).durable(exchange.durable).finish();
        transport.bounded(channel.exchange_declare(declare)).await?;
        let declare =
            QueueDeclareArguments::new(queue).exclusive(true).auto_delete(true).arguments(queue_arguments).finish();
        transport.bounded(channel.queue_declare(declare)).await?;
        transport.bounded(channel.queue_bind(QueueBindArguments::new(queue, exchange.name, routing_key))).await?;
        let consume = BasicConsumeArguments::new(queue, "").manual_ack(false).finish();
        let (_, messages) = transport.bounded(channel.basic_consume_rx(consume)).await?;
        Ok(AmqpConsumer { _connection: connection, _channel: channel, messages })
    }

    /// The next message, or `None` once the channel or connection closed.
    /// A message that is not JSON is skipped.
    pub async fn next(&mut self) -> Option<Incoming> {
        loop {
            let message = self.messages.recv().await?;
            let Some(content) = message.content else { continue };
            let Ok(body) = serde_json::from_slice(&content) else { continue };
            let headers =
                message.basic_properties.as_ref().and_then(|p| p.headers()).map(from_table).unwrap_or_default();
            return Some(Incoming { headers, body });
        }
    }
}
