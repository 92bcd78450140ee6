//! A message's AMQP properties as Celery's producer sets them, and JSON
//! values as AMQP field tables and back: Celery's task headers travel
//! as `application_headers`, which py-amqp decodes into Python values
//! (long string -> str, signed 64-bit -> int, double -> float, void -> None,
//! array -> list, table -> dict).

use super::message::{CONTENT_ENCODING, CONTENT_TYPE, Outgoing};
use amqprs::{BasicProperties, FieldName, FieldTable, FieldValue};
use serde_json::{Map, Number, Value};

/// How deep a header value may nest before it is cut (as `None`).
const MAX_DEPTH: usize = 32;

/// The AMQP properties Celery's producer sets.
pub fn properties(message: &Outgoing) -> BasicProperties {
    let mut properties = BasicProperties::default();
    properties
        .with_content_type(CONTENT_TYPE)
        .with_content_encoding(CONTENT_ENCODING)
        .with_delivery_mode(message.delivery_mode)
        .with_priority(message.priority)
        .with_headers(to_table(&message.headers));
    if let Some(id) = &message.correlation_id {
        properties.with_correlation_id(id);
    }
    if let Some(reply_to) = &message.reply_to {
        properties.with_reply_to(reply_to);
    }
    if let Some(ms) = message.expiration_ms {
        properties.with_expiration(&ms.to_string());
    }
    properties.finish()
}

/// The headers as an AMQP field table. Names longer than 255 bytes cannot
/// be sent and are left out.
pub fn to_table(headers: &Map<String, Value>) -> FieldTable {
    table(headers, 0)
}

/// An AMQP field table as JSON (timestamps as seconds, bytes as text).
pub fn from_table(table: &FieldTable) -> Map<String, Value> {
    table.as_ref().iter().map(|(name, value)| (name.to_string(), from_value(value, 0))).collect()
}

fn table(map: &Map<String, Value>, depth: usize) -> FieldTable {
    let mut table = FieldTable::new();
    for (name, value) in map {
        if let Ok(name) = FieldName::try_from(name.as_str()) {
            table.insert(name, to_value(value, depth + 1));
        }
    }
    table
}

fn to_value(value: &Value, depth: usize) -> FieldValue {
    if depth > MAX_DEPTH {
        return FieldValue::V;
    }
    match value {
        Value::Null => FieldValue::V,
        Value::Bool(flag) => FieldValue::t(*flag),
        Value::Number(number) => match number.as_i64() {
            Some(integer) => FieldValue::l(integer),
            None => FieldValue::d(number.as_f64().unwrap_or(0.0)),
        },
        // Only a text over 4 GiB has no long-string form.
        Value::String(text) => FieldValue::S(text.as_str().try_into().unwrap_or_default()),
        Value::Array(items) => {
            let items: Vec<FieldValue> = items.iter().map(|item| to_value(item, depth + 1)).collect();
            items.try_into().map_or(FieldValue::V, FieldValue::A)
        }
        Value::Object(map) => FieldValue::F(table(map, depth + 1)),
    }
}

fn from_value(value: &FieldValue, depth: usize) -> Value {
    if depth > MAX_DEPTH {
        return Value::Null;
    }
    match value {
        FieldValue::V => Value::Null,
        FieldValue::t(flag) => Value::Bool(*flag),
        FieldValue::b(n) => Value::from(*n),
        FieldValue::B(n) => Value::from(*n),
        FieldValue::s(n) => Value::from(*n),
        FieldValue::u(n) => Value::from(*n),
        FieldValue::I(n) => Value::from(*n),
        FieldValue::i(n) => Value::from(*n),
        FieldValue::l(n) => Value::from(*n),
        FieldValue::f(n) => Number::from_f64(f64::from(*n)).map_or(Value::Null, Value::Number),
        FieldValue::d(n) => Number::from_f64(*n).map_or(Value::Null, Value::Number),
        FieldValue::T(seconds) => Value::from(*seconds),
        FieldValue::S(text) => Value::String(text.to_string()),
        FieldValue::A(items) => {
            let items: Vec<FieldValue> = items.clone().into();
            Value::Array(items.iter().map(|item| from_value(item, depth + 1)).collect())
        }
        FieldValue::F(table) => {
            Value::Object(table.as_ref().iter().map(|(k, v)| (k.to_string(), from_value(v, depth + 1))).collect())
        }
        FieldValue::D(_) | FieldValue::x(_) => Value::String(format!("{value}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn celery_headers_survive_the_round_trip() {
        let headers = json!({
            "task": "tasks.echo", "retries": 0, "timelimit": [60, 2.5], "eta": null, "stamps": {},
            "argsrepr": "['é ✓']", "ignore_result": false, "nested": {"list": [1, "two", null]},
        });
        let headers = headers.as_object().unwrap();
        assert_eq!(&from_table(&to_table(headers)), headers);
    }
}
