//! Celery's messages over AMQP 0-9-1 (RabbitMQ), as `celery/app/amqp.py`
//! and `kombu/entity.py` publish them with the default queue settings: a
//! task goes to the default exchange `""` with the queue's name as routing
//! key, after the queue is known to exist. Nothing is dropped silently:
//! the queue is declared (passively first, so a queue the app declared with
//! other arguments, such as quorum or `x-max-priority`, is left as it is;
//! else as Celery would: durable, not auto-delete, bound to a durable direct
//! exchange of the same name), every publish is `mandatory` (an unroutable
//! message comes back and is reported) and confirmed by the broker.
//!
//! A few connections, each with one channel, serve the publishes, one at a
//! time each: a confirm waits for RabbitMQ's disk, so publishes on several
//! channels at once share its writes. After an error a connection is
//! dropped and made again on the next call.

use super::amqp_confirms::{Confirm, ConfirmForwarder};
use super::amqp_fields::properties;
use super::error::CeleryError;
use super::message::Outgoing;
use super::url::AmqpAddress;
use amqprs::callbacks::DefaultConnectionCallback;
use amqprs::channel::{
    BasicPublishArguments, Channel, ConfirmSelectArguments, ExchangeDeclareArguments, QueueBindArguments,
    QueueDeclareArguments,
};
use amqprs::connection::{Connection, OpenConnectionArguments};
use std::collections::HashSet;
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::{Mutex, mpsc};

/// Seconds between AMQP heartbeats: a dead peer is noticed within two.
const HEARTBEAT_SECONDS: u16 = 30;
/// Connections publishing at once (opened as publishes need them).
const SESSIONS: usize = 8;

/// A RabbitMQ server used as a Celery broker.
pub struct AmqpTransport {
    address: AmqpAddress,
    timeout: Duration,
    /// Shown by RabbitMQ as the connections' `connection_name`.
    name: String,
    sessions: Vec<Mutex<Option<Session>>>,
    /// Where the next publish starts looking for a free session.
    next: AtomicUsize,
}

/// The open connection, its confirm-mode channel, and what it declared.
struct Session {
    connection: Connection,
    channel: Channel,
    confirms: mpsc::UnboundedReceiver<Confirm>,
    /// The broker numbers confirms 1, 2, ... per channel.
    next_tag: u64,
    declared: HashSet<String>,
}

/// Where a publish goes.
#[derive(Clone, Copy)]
enum Target<'a> {
    Queue(&'a str),
    Fanout(&'a str),
}

impl std::fmt::Display for Target<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Queue(queue) => write!(f, "queue {queue}"),
            Target::Fanout(exchange) => write!(f, "exchange {exchange}"),
        }
    }
}

impl AmqpTransport {
    pub fn new(address: AmqpAddress, timeout: Duration, name: &str) -> AmqpTransport {
        AmqpTransport {
            address,
            timeout,
            name: name.to_owned(),
            sessions: (0..SESSIONS).map(|_| Mutex::new(None)).collect(),
            next: AtomicUsize::new(0),
        }
    }

    pub fn address(&self) -> &AmqpAddress {
        &self.address
    }

    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Puts a task on `queue` and waits for the broker to confirm it.
    pub async fn push(&self, queue: &str, message: &Outgoing) -> Result<(), CeleryError> {
        self.publish(Target::Queue(queue), message).await
    }

    /// Sends `message` to every queue bound to the fanout `exchange`
    /// (declared as kombu declares the pidbox's: not durable).
    pub async fn broadcast(&self, exchange: &str, message: &Outgoing) -> Result<(), CeleryError> {
        self.publish(Target::Fanout(exchange), message).await
    }

    /// A kept connection that turns out dead (RabbitMQ restarted or closed
    /// it since) is replaced once at once, so that costs no failed call.
    async fn publish(&self, target: Target<'_>, message: &Outgoing) -> Result<(), CeleryError> {
        let mut slot = self.free_session().await;
        let kept = slot.is_some();
        let mut result = self.publish_on(&mut slot, target, message).await;
        if result.is_err() {
            // A fresh connection next time (this one may be half-closed),
            // which declares its queues again (someone may have deleted one).
            *slot = None;
            // Silence from a kept connection means it is most likely dead too.
            if kept && matches!(result, Err(CeleryError::Unavailable { .. } | CeleryError::TimedOut { .. })) {
                result = self.publish_on(&mut slot, target, message).await;
                if result.is_err() {
                    *slot = None;
                }
            }
        }
        result
    }

    /// A session no one is publishing on, preferring open ones; else the
    /// next one in turn, once it is free.
    async fn free_session(&self) -> tokio::sync::MutexGuard<'_, Option<Session>> {
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        let mut closed = None;
        for offset in 0..SESSIONS {
            let index = (start + offset) % SESSIONS;
            if let Ok(guard) = self.sessions[index].try_lock() {
                if guard.is_some() {
                    return guard;
                }
                closed = closed.or(Some(guard));
            }
        }
        match closed {
            Some(guard) => guard,
            None => self.sessions[start % SESSIONS].lock().await,
        }
    }

    async fn publish_on(
        &self,
        slot: &mut Option<Session>,
        target: Target<'_>,
        message: &Outgoing,
    ) -> Result<(), CeleryError> {
        if slot.is_none() {
            *slot = Some(self.open_session().await?);
        }
        let Some(session) = slot.as_mut() else { return Err(self.unavailable("no session")) };
        let key = target.to_string();
        if !session.declared.contains(&key) {
            match target {
                Target::Queue(queue) => self.declare_task_queue(session, queue).await?,
                Target::Fanout(exchange) => {
                    let declare = ExchangeDeclareArguments::new(exchange, "fanout").finish();
                    self.bounded(session.channel.exchange_declare(declare)).await?;
                }
            }
            session.declared.insert(key);
        }
        let arguments = match target {
            Target::Queue(queue) => BasicPublishArguments::new("", queue).mandatory(true).finish(),
            // No worker listening is no error for a broadcast.
            Target::Fanout(exchange) => BasicPublishArguments::new(exchange, "").finish(),
        };
        self.bounded(session.channel.basic_publish(properties(message), message.body.clone(), arguments)).await?;
        session.next_tag += 1;
        let tag = session.next_tag;
        self.confirmation(session, tag).await.map_err(|error| match (error, target) {
            (CeleryError::Unroutable { .. }, Target::Queue(queue)) => {
                CeleryError::Unroutable { queue: queue.to_owned() }
            }
            (other, _) => other,
        })
    }

    /// Waits for the broker's verdict on message `tag`: a return (it comes
    /// before the ack) makes an acked message unroutable.
    async fn confirmation(&self, session: &mut Session, tag: u64) -> Result<(), CeleryError> {
        let deadline = tokio::time::Instant::now() + self.timeout;
        let mut returned = None;
        loop {
            let confirm = match tokio::time::timeout_at(deadline, session.confirms.recv()).await {
                Err(_) => return Err(self.timed_out()),
                Ok(None) => return Err(self.unavailable("the channel closed")),
                Ok(Some(confirm)) => confirm,
            };
            match confirm {
                Confirm::Returned { code, text } => returned = Some(format!("{code} {text}")),
                Confirm::Ack { tag: acked, multiple } if acked == tag || (multiple && acked > tag) => {
                    return match returned {
                        Some(_) => Err(CeleryError::Unroutable { queue: String::new() }),
                        None => Ok(()),
                    };
                }
                Confirm::Nack { tag: nacked, multiple } if nacked == tag || (multiple && nacked > tag) => {
                    return Err(CeleryError::Refused("the broker did not accept the message (nack)".into()));
                }
                Confirm::Closed(reason) => return Err(self.unavailable(&reason)),
                // Verdicts on earlier messages that already timed out.
                Confirm::Ack { .. } | Confirm::Nack { .. } => {}
            }
        }
    }

    /// The queue exists as the app made it, or is made as Celery makes it.
    async fn declare_task_queue(&self, session: &mut Session, queue: &str) -> Result<(), CeleryError> {
        let passive = QueueDeclareArguments::new(queue).passive(true).finish();
        if self.bounded(session.channel.queue_declare(passive)).await.is_ok() {
            return Ok(());
        }
        // A failed passive declare closes the channel: open another.
        let (channel, confirms) = self.open_channel(&session.connection).await?;
        session.channel = channel;
        session.confirms = confirms;
        session.next_tag = 0;
        let exchange = ExchangeDeclareArguments::new(queue, "direct").durable(true).finish();
        self.bounded(session.channel.exchange_declare(exchange)).await?;
        self.bounded(session.channel.queue_declare(QueueDeclareArguments::durable_client_named(queue))).await?;
        self.bounded(session.channel.queue_bind(QueueBindArguments::new(queue, queue, queue))).await
    }

    async fn open_session(&self) -> Result<Session, CeleryError> {
        let connection = self.connect().await?;
        let (channel, confirms) = self.open_channel(&connection).await?;
        Ok(Session { connection, channel, confirms, next_tag: 0, declared: HashSet::new() })
    }

    /// A new connection, for this transport's publishes or a caller's own
    /// consumer (events, pidbox replies).
    pub async fn connect(&self) -> Result<Connection, CeleryError> {
        let address = &self.address;
        let arguments = OpenConnectionArguments::new(&address.host, address.port, &address.username, &address.password)
            .virtual_host(&address.vhost)
            .heartbeat(HEARTBEAT_SECONDS)
            .connection_name(&self.name)
            .finish();
        let connection = self.bounded(Connection::open(&arguments)).await?;
        self.bounded(connection.register_callback(DefaultConnectionCallback)).await?;
        Ok(connection)
    }

    async fn open_channel(
        &self,
        connection: &Connection,
    ) -> Result<(Channel, mpsc::UnboundedReceiver<Confirm>), CeleryError> {
        let channel = self.bounded(connection.open_channel(None)).await?;
        let (sender, confirms) = mpsc::unbounded_channel();
        self.bounded(channel.register_callback(ConfirmForwarder(sender))).await?;
        self.bounded(channel.confirm_select(ConfirmSelectArguments::default())).await?;
        Ok((channel, confirms))
    }

    /// Runs one broker operation within the timeout, its error typed.
    pub async fn bounded<T>(
        &self,
        operation: impl Future<Output = Result<T, amqprs::error::Error>>,
    ) -> Result<T, CeleryError> {
        match tokio::time::timeout(self.timeout, operation).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(error)) => Err(self.error(&error)),
            Err(_) => Err(self.timed_out()),
        }
    }

    fn error(&self, error: &amqprs::error::Error) -> CeleryError {
        let text = error.to_string();
        if text.contains("ACCESS_REFUSED") || text.contains("NOT_ALLOWED") || text.contains("PRECONDITION_FAILED") {
            CeleryError::Refused(format!("RabbitMQ at {}: {text}", self.address))
        } else {
            self.unavailable(&text)
        }
    }

    fn unavailable(&self, reason: &str) -> CeleryError {
        CeleryError::Unavailable { address: self.address.to_string(), reason: reason.to_owned() }
    }

    pub(crate) fn timed_out(&self) -> CeleryError {
        CeleryError::TimedOut { address: self.address.to_string(), after: self.timeout }
    }
}
