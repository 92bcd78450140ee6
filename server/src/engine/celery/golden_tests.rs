//! Our messages against Celery's own, captured from Python by
//! `server/tests/celery/capture.py` (Celery and kombu 5.7.0), field by
//! field. The only values not compared are the ones that differ between
//! any two Python sends too, each named where it is skipped:
//! - `origin`: the sender's `gen<pid>@<host>`;
//! - `reply_to`: the sending thread's oid (a uuid3 of host, pid and thread);
//! - `delivery_tag`: a fresh uuid4 per message on Redis;
//! - `expiration`: milliseconds until `expires`, from the sending clock;
//! - a pidbox command's `clock` and `expires` headers: a Lamport clock and now + timeout.

use super::amqp_fields::{from_table, properties, to_table};
use super::envelope;
use super::pidbox::{Command, Signal};
use super::protocol::TaskMessage;
use super::redis_transport::{RedisTransport, queue_for_priority};
use super::url::RedisAddress;
use serde_json::{Map, Value, json};
use std::time::Duration;
use time::macros::datetime;
use uuid::Uuid;

const QUEUE: &str = "task_starter_golden";

fn fixture(name: &str) -> Value {
    let text = match name {
        "task_plain" => include_str!("../../../tests/celery/fixtures/task_plain.json"),
        "task_full" => include_str!("../../../tests/celery/fixtures/task_full.json"),
        "revoke" => include_str!("../../../tests/celery/fixtures/revoke.json"),
        _ => unreachable!(),
    };
    serde_json::from_str(text).unwrap()
}

fn id() -> Uuid {
    Uuid::parse_str("6f1c1a44-5a57-4c55-8a4e-0a8a4d1f0e3b").unwrap()
}

/// `send_task("tasks.add", args=[2, 3], queue=QUEUE)`.
fn plain() -> TaskMessage {
    let mut task = TaskMessage::new(id(), "tasks.add", QUEUE);
    task.args = vec![json!(2), json!(3)];
    task
}

/// The `full` case of capture.py.
fn full() -> TaskMessage {
    let mut task = TaskMessage::new(id(), "tasks.echo", QUEUE);
    task.args = json!([1, "é ✓", 2.5, null, true, {"nested": [1, 2]}]).as_array().unwrap().clone();
    task.kwargs = json!({"x": [1, 2], "ü": null, "big": 12_345_678_901_234_567_u64}).as_object().unwrap().clone();
    task.time_limit = Some(Duration::from_mins(1));
    task.soft_time_limit = Some(Duration::from_secs(50));
    task.priority = Some(5);
    task.expires = Some(datetime!(2030-01-02 03:04:05.678901 UTC));
    task.user = Some("alice".into());
    task.run_as = Some("bob".into());
    task
}

fn without(value: &Value, skipped: &[&str]) -> Map<String, Value> {
    let mut map = value.as_object().unwrap().clone();
    for key in skipped {
        map.remove(*key);
    }
    map
}

fn assert_same(ours: &Map<String, Value>, theirs: &Map<String, Value>, what: &str) {
    let keys = |map: &Map<String, Value>| map.keys().cloned().collect::<std::collections::BTreeSet<_>>();
    assert_eq!(keys(ours), keys(theirs), "{what}: the same fields");
    for (key, value) in theirs {
        assert_eq!(&ours[key], value, "{what}: field {key:?}");
    }
}

fn check_task(case: &str, task: &TaskMessage) {
    let golden = fixture(case);
    let now = datetime!(2026-01-01 00:00:00 UTC);
    let message = task.encode(now).unwrap();
    let body: Value = serde_json::from_slice(&message.body).unwrap();
    let headers = Value::Object(message.headers.clone());

    // RabbitMQ: the properties as py-amqp decoded them.
    let amqp = &golden["amqp"];
    assert_eq!(amqp["delivery_info"], json!({"exchange": "", "routing_key": QUEUE}), "{case}: sent to the queue");
    assert_eq!(body, amqp["body"], "{case}: body");
    let their_properties = &amqp["properties"];
    assert_same(&without(&headers, &["origin"]), &without(&their_properties["application_headers"], &["origin"]), case);
    assert_eq!(
        from_table(&to_table(&message.headers)),
        message.headers,
        "{case}: the headers survive the AMQP field table"
    );
    let ours = properties(&message);
    assert_eq!(ours.content_type().map(String::as_str), their_properties["content_type"].as_str());
    assert_eq!(ours.content_encoding().map(String::as_str), their_properties["content_encoding"].as_str());
    assert_eq!(ours.correlation_id().map(String::as_str), their_properties["correlation_id"].as_str());
    assert_eq!(ours.delivery_mode().map(u64::from), their_properties["delivery_mode"].as_u64());
    assert_eq!(ours.priority().map(u64::from), their_properties["priority"].as_u64());
    assert_eq!(ours.expiration().is_some(), their_properties.get("expiration").is_some(), "{case}: expiration");

    // Redis: kombu's envelope, on the list of the message's priority.
    let redis = &golden["redis"];
    assert_eq!(queue_for_priority(QUEUE, message.priority), redis["list_key"].as_str().unwrap(), "{case}: list");
    let envelope_text = envelope::wrap(&message, "", QUEUE);
    let ours: Value = serde_json::from_str(&envelope_text).unwrap();
    let theirs = &redis["envelope"];
    assert_same(
        &without(&ours, &["body", "headers", "properties"]),
        &without(theirs, &["body", "headers", "properties"]),
        case,
    );
    assert_same(&without(&ours["headers"], &["origin"]), &without(&theirs["headers"], &["origin"]), case);
    let skipped = ["delivery_tag", "reply_to", "expiration"];
    assert_same(&without(&ours["properties"], &skipped), &without(&theirs["properties"], &skipped), case);
    for key in skipped {
        assert_eq!(ours["properties"].get(key).is_some(), theirs["properties"].get(key).is_some(), "{case}: {key}");
    }
    assert_eq!(envelope::unwrap(envelope_text.as_bytes()).unwrap().body, redis["decoded_body"], "{case}: body");
}

#[test]
fn a_plain_task_is_what_send_task_sends() {
    check_task("task_plain", &plain());
}

#[test]
fn a_task_with_everything_task_starter_sets_is_what_send_task_sends() {
    check_task("task_full", &full());
}

#[test]
fn a_revoke_is_what_control_revoke_broadcasts() {
    let golden = fixture("revoke");
    let message = Command::revoke(&[id().to_string()], true, Signal::Term).message(None, Duration::from_secs(1));
    let body: Value = serde_json::from_slice(&message.body).unwrap();
    assert_eq!(body, golden["amqp"]["body"]);
    assert_eq!(golden["amqp"]["delivery_info"], json!({"exchange": "celery.pidbox", "routing_key": ""}));
    let keys = |value: &Value| value.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    // Values skipped: the Lamport clock and now + timeout.
    assert_eq!(
        keys(&Value::Object(message.headers.clone())),
        keys(&golden["amqp"]["properties"]["application_headers"])
    );

    let redis =
        RedisTransport::new(RedisAddress::parse("redis://127.0.0.1:6379/15").unwrap(), "", Duration::from_secs(1));
    assert_eq!(redis.unwrap().fanout_topic("celery.pidbox", ""), golden["redis"]["channel"].as_str().unwrap());
    let ours: Value = serde_json::from_str(&envelope::wrap(&message, "celery.pidbox", "")).unwrap();
    let theirs = &golden["redis"]["envelope"];
    assert_same(
        &without(&ours["properties"], &["delivery_tag"]),
        &without(&theirs["properties"], &["delivery_tag"]),
        "revoke",
    );
    assert_eq!(keys(&ours), keys(theirs));
}
