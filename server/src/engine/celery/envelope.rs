//! kombu's virtual-transport envelope: how a message travels over Redis,
//! where there are no AMQP frames. The JSON text kombu pushes (LPUSH) to a queue's
//! list (tasks, pidbox replies) or publishes on a fanout topic (events,
//! pidbox commands): the body in base64 beside its headers and properties,
//! with `delivery_info` naming the exchange and routing key it was sent to.

use super::error::CeleryError;
use super::message::{CONTENT_ENCODING, CONTENT_TYPE, Incoming, Outgoing};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Value, json};
use uuid::Uuid;

/// kombu's envelope of `message`, sent to `exchange` with `routing_key`
/// (`""` and the queue's name for a task: the default exchange).
pub fn wrap(message: &Outgoing, exchange: &str, routing_key: &str) -> String {
    let mut properties = Map::new();
    if let Some(id) = &message.correlation_id {
        properties.insert("correlation_id".into(), json!(id));
    }
    if let Some(reply_to) = &message.reply_to {
        properties.insert("reply_to".into(), json!(reply_to));
    }
    if let Some(ms) = message.expiration_ms {
        properties.insert("expiration".into(), json!(ms.to_string()));
    }
    properties.insert("delivery_mode".into(), json!(message.delivery_mode));
    properties.insert("delivery_info".into(), json!({"exchange": exchange, "routing_key": routing_key}));
    properties.insert("priority".into(), json!(message.priority));
    properties.insert("body_encoding".into(), json!("base64"));
    // kombu tags each message with a fresh uuid (its ack emulation keys on it).
    properties.insert("delivery_tag".into(), json!(Uuid::new_v4().to_string()));
    json!({
        "body": STANDARD.encode(&message.body),
        "content-encoding": CONTENT_ENCODING,
        "content-type": CONTENT_TYPE,
        "headers": message.headers,
        "properties": properties,
    })
    .to_string()
}

/// The headers and JSON body of an envelope read from Redis.
pub fn unwrap(text: &[u8]) -> Result<Incoming, CeleryError> {
    let envelope: Value = serde_json::from_slice(text).map_err(|e| malformed(&e))?;
    let content_type = envelope.get("content-type").and_then(Value::as_str).unwrap_or(CONTENT_TYPE);
    if content_type != CONTENT_TYPE {
        return Err(CeleryError::Malformed(format!("a {content_type} message (only JSON is read)")));
    }
    let encoding = envelope.pointer("/properties/body_encoding").and_then(Value::as_str);
    let body = match envelope.get("body") {
        Some(Value::String(text)) if encoding == Some("base64") => {
            let bytes = STANDARD.decode(text).map_err(|e| malformed(&e))?;
            serde_json::from_slice(&bytes).map_err(|e| malformed(&e))?
        }
        Some(Value::String(text)) => serde_json::from_str(text).map_err(|e| malformed(&e))?,
        Some(other) => other.clone(),
        None => return Err(CeleryError::Malformed("an envelope without a body".into())),
    };
    let headers = match envelope.get("headers") {
        Some(Value::Object(headers)) => headers.clone(),
        _ => Map::new(),
    };
    Ok(Incoming { headers, body })
}

fn malformed(error: &dyn std::fmt::Display) -> CeleryError {
    CeleryError::Malformed(format!("a Redis message envelope: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_wrapped_unwraps_to_the_same_headers_and_body() {
        let mut headers = Map::new();
        headers.insert("clock".into(), json!(3));
        let message = Outgoing {
            body: br#"{"method": "ping", "\u00fc": "\u00e9"}"#.to_vec(),
            headers: headers.clone(),
            correlation_id: None,
            reply_to: None,
            delivery_mode: 2,
            priority: 0,
            expiration_ms: None,
        };
        let incoming = unwrap(wrap(&message, "celery.pidbox", "").as_bytes()).unwrap();
        assert_eq!(incoming.headers, headers);
        assert_eq!(incoming.body, json!({"method": "ping", "ü": "é"}));
    }

    #[test]
    fn a_pickled_message_is_refused_not_misread() {
        let text = br#"{"body": "gASV", "content-type": "application/x-python-serialize", "properties": {"body_encoding": "base64"}}"#;
        assert!(matches!(unwrap(text), Err(CeleryError::Malformed(_))));
    }
}
