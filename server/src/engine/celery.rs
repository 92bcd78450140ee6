//! The Celery runner: it starts tasks on a team's existing Celery workers
//! (Python) and follows them, on Redis or RabbitMQ, with no change to the
//! Python app. It knows the protocols and nothing of the database; the
//! engine claims and settles its runs as it does every other runner's.
//!
//! - `declared`: a configured Celery task, from arguments to message and
//!   from recorded state to outcome;
//! - `runner`, `tracker`: [`CeleryRunner`] runs one claimed run; the
//!   tracker follows every run under way here (backend reads, events);
//! - `protocol`, `repr`, `message`: Celery's protocol-2 task message (JSON);
//! - `broker`: [`Broker`], by the URL's scheme, over `redis_transport`
//!   (with kombu's `envelope`) or `amqp_transport` (`amqp_fields`,
//!   `amqp_confirms`, `amqp_consumer`);
//! - `events`, `listen`: the workers' task events, as a feed that reconnects;
//! - `backend`: the Redis result backend, read in batches;
//! - `pidbox`, `control`: `revoke`, `enable_events` and `registered`;
//! - `pyliteral`: the Python reprs of arguments in events, read as JSON;
//! - `url`, `error`: broker URLs and [`CeleryError`].

mod amqp_confirms;
mod amqp_consumer;
mod amqp_fields;
mod amqp_transport;
pub mod backend;
pub mod broker;
mod control;
pub mod declared;
mod envelope;
pub mod error;
pub mod events;
mod listen;
pub mod message;
pub mod pidbox;
pub mod protocol;
pub mod pyliteral;
mod redis_transport;
mod repr;
pub mod runner;
pub mod tracker;
pub mod url;

#[cfg(test)]
mod golden_tests;

pub use backend::{CeleryException, ResultBackend, TaskState};
pub use broker::Broker;
pub use declared::CeleryTask;
pub use error::CeleryError;
pub use events::{EventFeed, EventStream, TaskEvent, TaskEventKind};
pub use pidbox::Signal;
pub use protocol::{RUN_AS_HEADER, TaskMessage, USER_HEADER};
pub use runner::CeleryRunner;
