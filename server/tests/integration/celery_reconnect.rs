//! The Celery room's connections heal: after the broker drops them (a
//! restart, a failover, an idle timeout), the next publish works and the
//! event feed subscribes again and says so. The Redis test owns database
//! 12, and the RabbitMQ test names its connections, so each kills only its
//! own connections.

use crate::common::celery::{TIMEOUT, venv};
use base64::Engine;
use serde_json::json;
use task_starter::engine::celery::{Broker, EventFeed, TaskEventKind, TaskMessage};
use uuid::Uuid;

const BROKER: &str = "redis://127.0.0.1:6379/12";
const RABBITMQ: &str = "amqp://guest:guest@127.0.0.1:5672//";

/// Kills every client connected to database 12 (from a connection on db 0).
async fn kill_connections_on_db_12() -> usize {
    let admin = redis::Client::open("redis://127.0.0.1:6379/0").unwrap();
    let mut admin = admin.get_multiplexed_async_connection().await.unwrap();
    let list: String = redis::cmd("CLIENT").arg("LIST").query_async(&mut admin).await.unwrap();
    let ids: Vec<String> = list
        .lines()
        .filter(|line| line.split(' ').any(|field| field == "db=12"))
        .filter_map(|line| line.split(' ').find_map(|field| field.strip_prefix("id=")).map(str::to_owned))
        .collect();
    for id in &ids {
        let _: redis::RedisResult<i64> =
            redis::cmd("CLIENT").arg("KILL").arg("ID").arg(id).query_async(&mut admin).await;
    }
    ids.len()
}

/// Publishes a worker's `task-started` event as kombu does on Redis
/// database `db` (at `url`); returns the task id it names.
async fn publish_started_event(url: &str, db: u8) -> String {
    let id = Uuid::new_v4().to_string();
    let event = json!({"type": "task-started", "uuid": id, "hostname": "celery@elsewhere", "timestamp": 1.0e9});
    let body = base64::engine::general_purpose::STANDARD.encode(event.to_string());
    let envelope = json!({"body": body, "content-encoding": "utf-8", "content-type": "application/json",
        "headers": {"hostname": "celery@elsewhere"}, "properties": {"body_encoding": "base64", "delivery_info":
        {"exchange": "celeryev", "routing_key": "task.started"}, "delivery_mode": 1, "priority": 0,
        "delivery_tag": Uuid::new_v4().to_string()}});
    let client = redis::Client::open(url).unwrap();
    let mut connection = client.get_multiplexed_async_connection().await.unwrap();
    let _: i64 = redis::cmd("PUBLISH")
        .arg(format!("/{db}.celeryev/task.started"))
        .arg(envelope.to_string())
        .query_async(&mut connection)
        .await
        .unwrap();
    id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_redis_drops_the_connections_publishing_works_and_the_event_feed_comes_back() {
    let queue = format!("ts.reconnect-{}", Uuid::new_v4().simple());
    let broker = Broker::new(BROKER, "", TIMEOUT).unwrap();
    let mut events = broker.events(100);
    assert_eq!(tokio::time::timeout(TIMEOUT, events.recv()).await.unwrap(), Some(EventFeed::Connected));
    broker.publish(&TaskMessage::new(Uuid::new_v4(), "tasks.add", &queue)).await.unwrap();

    let killed = kill_connections_on_db_12().await;
    assert!(killed >= 2, "the publisher's and the feed's connections ({killed} killed)");

    // The kept connection is dead: the publish notices and uses a new one.
    broker.publish(&TaskMessage::new(Uuid::new_v4(), "tasks.add", &queue)).await.unwrap();
    let again = tokio::time::timeout(TIMEOUT * 2, events.recv()).await.expect("the feed subscribes again");
    assert_eq!(again, Some(EventFeed::Connected), "the caller learns it may have missed events");

    // A worker's event, as kombu publishes it, arrives on the new subscription.
    let id = publish_started_event(BROKER, 12).await;
    let Some(EventFeed::Task(event)) = tokio::time::timeout(TIMEOUT, events.recv()).await.unwrap() else { panic!() };
    assert_eq!((event.kind, event.task_id.as_str()), (TaskEventKind::Started, id.as_str()));

    let client = redis::Client::open(BROKER).unwrap();
    let mut connection = client.get_multiplexed_async_connection().await.unwrap();
    let length: i64 = redis::cmd("LLEN").arg(&queue).query_async(&mut connection).await.unwrap();
    assert_eq!(length, 2, "both tasks are on the queue");
    let _: i64 = redis::cmd("DEL").arg(&queue).query_async(&mut connection).await.unwrap();
}

/// Closes every RabbitMQ connection whose client named itself `name`.
fn close_rabbitmq_connections(name: &str) -> usize {
    let listing = std::process::Command::new("rabbitmqctl")
        .args(["list_connections", "-q", "--no-table-headers", "pid", "client_properties"])
        .output()
        .expect("rabbitmqctl runs (the RabbitMQ tests need it beside the server)");
    let listing = String::from_utf8_lossy(&listing.stdout);
    let pids: Vec<&str> =
        listing.lines().filter(|line| line.contains(name)).filter_map(|line| line.split_whitespace().next()).collect();
    for pid in &pids {
        let closed = std::process::Command::new("rabbitmqctl").args(["close_connection", pid, "test"]).output();
        assert!(closed.is_ok_and(|out| out.status.success()), "closing {pid}");
    }
    pids.len()
}

/// Runs Python (py-amqp, from the Celery venv) against the local RabbitMQ.
fn python_amqp(code: &str) -> String {
    let script = format!(
        "import amqp, json, sys\nc = amqp.Connection('127.0.0.1:5672', userid='guest', password='guest')\n\
         c.connect()\nch = c.channel()\n{code}\nc.close()\n"
    );
    let out = std::process::Command::new(venv().join("bin/python")).args(["-c", &script]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_rabbitmq_closes_the_connections_publishing_works_and_the_event_feed_comes_back() {
    let unique = Uuid::new_v4().simple().to_string();
    let (name, queue) = (format!("task-starter-test-{unique}"), format!("ts.reconnect-{unique}"));
    let broker = Broker::named(RABBITMQ, "", TIMEOUT, &name).unwrap();
    let mut events = broker.events(100);
    assert_eq!(tokio::time::timeout(TIMEOUT, events.recv()).await.unwrap(), Some(EventFeed::Connected));
    broker.publish(&TaskMessage::new(Uuid::new_v4(), "tasks.add", &queue)).await.unwrap();

    let closed = close_rabbitmq_connections(&name);
    assert!(closed >= 2, "the publisher's and the feed's connections ({closed} closed)");

    broker.publish(&TaskMessage::new(Uuid::new_v4(), "tasks.add", &queue)).await.unwrap();
    let again = tokio::time::timeout(TIMEOUT * 2, events.recv()).await.expect("the feed binds again");
    assert_eq!(again, Some(EventFeed::Connected), "the caller learns it may have missed events");

    let id = Uuid::new_v4().to_string();
    let event = json!({"type": "task-started", "uuid": id, "hostname": "celery@elsewhere", "timestamp": 1.0e9});
    python_amqp(&format!(
        "ch.basic_publish(amqp.Message({:?}, content_type='application/json', content_encoding='utf-8'), \
         exchange='celeryev', routing_key='task.started')",
        event.to_string()
    ));
    let Some(EventFeed::Task(event)) = tokio::time::timeout(TIMEOUT, events.recv()).await.unwrap() else { panic!() };
    assert_eq!((event.kind, event.task_id.as_str()), (TaskEventKind::Started, id.as_str()));

    let count = python_amqp(&format!(
        "print(ch.queue_declare({queue:?}, passive=True).message_count)\nch.queue_delete({queue:?})\nch.exchange_delete({queue:?})"
    ));
    assert_eq!(count, "2", "both tasks are on the queue");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quiet_redis_event_feed_stays_subscribed_past_its_ping() {
    // Database 15: nothing else of the tests publishes there.
    let broker = Broker::new("redis://127.0.0.1:6379/15", "", TIMEOUT).unwrap();
    let mut events = broker.events(100);
    assert_eq!(tokio::time::timeout(TIMEOUT, events.recv()).await.unwrap(), Some(EventFeed::Connected));
    // The feed pings after 15 quiet seconds; a ping it misread would end
    // the subscription and say Connected again.
    let quiet = tokio::time::timeout(std::time::Duration::from_secs(18), events.recv()).await;
    assert!(quiet.is_err(), "the feed resubscribed after its ping: {quiet:?}");
    // And it still hears events after the ping.
    let id = publish_started_event("redis://127.0.0.1:6379/15", 15).await;
    let heard = tokio::time::timeout(TIMEOUT, events.recv()).await.expect("an event after the ping");
    let Some(EventFeed::Task(event)) = heard else { panic!("{heard:?}") };
    assert_eq!(event.task_id, id);
}
