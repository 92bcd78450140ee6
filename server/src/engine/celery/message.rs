//! One message as every Celery transport carries it: a JSON body, the
//! application headers, and the few AMQP properties Celery sets. The task
//! encoder and the pidbox build these; each transport puts them on its wire.

use serde_json::{Map, Value};

/// Every body this room sends is JSON in UTF-8, as Celery's default serializer.
pub const CONTENT_TYPE: &str = "application/json";
/// The body's text encoding.
pub const CONTENT_ENCODING: &str = "utf-8";
/// Kept by the broker across its restarts (AMQP `delivery_mode` 2).
pub const PERSISTENT: u8 = 2;

/// A message ready for a transport.
#[derive(Clone, Debug, PartialEq)]
pub struct Outgoing {
    /// The JSON body, already serialised once.
    pub body: Vec<u8>,
    /// AMQP application headers (Celery's task headers, or the pidbox clock).
    pub headers: Map<String, Value>,
    /// The task id, for task messages.
    pub correlation_id: Option<String>,
    /// Where RPC-style replies would go; Celery sends `""` when there is none.
    pub reply_to: Option<String>,
    pub delivery_mode: u8,
    /// 0-255 on AMQP (meaningful with `x-max-priority`); on Redis 0 is the
    /// highest and values go to kombu's priority lists.
    pub priority: u8,
    /// AMQP per-message TTL in milliseconds (from a task's `expires`).
    pub expiration_ms: Option<u64>,
}

/// A message as a transport received it: headers and the decoded body.
#[derive(Clone, Debug, PartialEq)]
pub struct Incoming {
    pub headers: Map<String, Value>,
    pub body: Value,
}
