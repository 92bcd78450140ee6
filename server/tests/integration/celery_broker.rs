//! The Celery room against real Python Celery workers, on Redis and on
//! RabbitMQ: what we publish runs, what the workers report reads back, and
//! remote control reaches them.

use crate::common::celery::{BrokerKind, CeleryEnv, TIMEOUT};
use crate::on_both_brokers;
use serde_json::{Value, json};
use std::collections::HashSet;
use std::time::{Duration, Instant};
use task_starter::engine::celery::{
    Broker, CeleryError, EventFeed, EventStream, Signal, TaskEvent, TaskEventKind, TaskMessage, TaskState,
};
use uuid::Uuid;

const RUN_WITHIN: Duration = Duration::from_secs(30);

fn task(env: &CeleryEnv, name: &str, args: Value) -> TaskMessage {
    let mut message = TaskMessage::new(Uuid::new_v4(), name, &env.queue);
    let Value::Array(args) = args else { panic!("positional arguments are a list") };
    message.args = args;
    message
}

fn ended(state: &TaskState) -> bool {
    matches!(state, TaskState::Success { .. } | TaskState::Failure(_) | TaskState::Revoked)
}

/// An event feed that has connected (so no event sent from now on is missed).
async fn connected_events(broker: &Broker) -> EventStream {
    let mut events = broker.events(1_000);
    let first = tokio::time::timeout(TIMEOUT * 2, events.recv()).await.expect("the event feed connects");
    assert_eq!(first, Some(EventFeed::Connected));
    events
}

/// Events about `ids` until `done` says enough, or the time is up.
async fn events_until(events: &mut EventStream, ids: &[String], done: impl Fn(&[TaskEvent]) -> bool) -> Vec<TaskEvent> {
    events_until_within(events, ids, RUN_WITHIN, done).await
}

/// As [`events_until`], waiting at most `within`.
async fn events_until_within(
    events: &mut EventStream,
    ids: &[String],
    within: Duration,
    done: impl Fn(&[TaskEvent]) -> bool,
) -> Vec<TaskEvent> {
    let deadline = tokio::time::Instant::now() + within;
    let mut seen = Vec::new();
    while !done(&seen) {
        match tokio::time::timeout_at(deadline, events.recv()).await {
            Ok(Some(EventFeed::Task(event))) if ids.contains(&event.task_id) => seen.push(*event),
            Ok(Some(_)) => {}
            Ok(None) | Err(_) => break,
        }
    }
    seen
}

/// The worker's registered tasks. A worker that just said "ready" may not
/// listen to broadcasts yet (on Redis a broadcast is a PUBLISH, gone if no
/// one is subscribed), so ask again, as an operator would.
async fn registered_of(broker: &Broker, hostname: &str) -> Vec<String> {
    for _ in 0..10 {
        let mut workers = broker.registered(Duration::from_secs(1)).await.unwrap();
        if let Some(tasks) = workers.remove(hostname) {
            return tasks;
        }
    }
    panic!("{hostname} never answered registered");
}

fn kinds_of(events: &[TaskEvent], id: &str) -> HashSet<TaskEventKind> {
    events.iter().filter(|e| e.task_id == id).map(|e| e.kind).collect()
}

on_both_brokers!(a_task_with_arguments_runs_and_its_result_round_trips, |kind| async move {
    let env = CeleryEnv::new(kind, "roundtrip");
    let broker = env.broker();
    let mut echo = task(&env, "tasks.echo", json!([1, "é ✓ 日本", 2.5, -7, null, true, {"nested": [1, 2]}]));
    echo.kwargs =
        json!({"big": 9_007_199_254_740_993_u64, "ü": "ß", "list": [0.1, 1e300]}).as_object().unwrap().clone();
    let mut whoami = task(&env, "tasks.whoami", json!([]));
    whoami.user = Some("alice".into());
    whoami.run_as = Some("bob".into());
    whoami.time_limit = Some(Duration::from_mins(1));
    whoami.soft_time_limit = Some(Duration::from_secs(50));
    // Published before any worker runs: the queue is made as Celery makes it.
    broker.publish(&echo).await.unwrap();
    broker.publish(&whoami).await.unwrap();
    let _worker = env.worker();

    let state = env.wait_for(&echo.id.to_string(), RUN_WITHIN, ended).await;
    let TaskState::Success { result } = state else { panic!("echo ended {state:?}") };
    assert_eq!(result, json!({"args": echo.args, "kwargs": echo.kwargs}), "unicode and numbers come back as sent");

    let state = env.wait_for(&whoami.id.to_string(), RUN_WITHIN, ended).await;
    let TaskState::Success { result } = state else { panic!("whoami ended {state:?}") };
    assert_eq!(result, json!({"user": "alice", "run_as": "bob", "retries": 0, "timelimit": [60, 50]}));
});

on_both_brokers!(a_handled_failure_and_a_crash_read_back_with_type_message_and_traceback, |kind| async move {
    let env = CeleryEnv::new(kind, "failures");
    let _worker = env.worker();
    let broker = env.broker();
    let handled = task(&env, "tasks.fail_handled", json!(["the order was already shipped"]));
    let crash = task(&env, "tasks.crash", json!([]));
    broker.publish(&handled).await.unwrap();
    broker.publish(&crash).await.unwrap();

    let TaskState::Failure(exc) = env.wait_for(&handled.id.to_string(), RUN_WITHIN, ended).await else { panic!() };
    assert_eq!((exc.exc_type.as_str(), exc.exc_module.as_deref()), ("TaskFailure", Some("tasks")));
    assert_eq!(exc.message(), "the order was already shipped");

    let TaskState::Failure(exc) = env.wait_for(&crash.id.to_string(), RUN_WITHIN, ended).await else { panic!() };
    assert_eq!(exc.summary(), "ValueError: kaboom");
    let traceback = exc.traceback.expect("a crash keeps its traceback");
    assert!(traceback.contains("Traceback") && traceback.contains("raise ValueError(\"kaboom\")"), "{traceback}");
});

on_both_brokers!(an_unknown_task_name_fails_as_not_registered_in_backend_and_events, |kind| async move {
    let env = CeleryEnv::new(kind, "unknown");
    let broker = env.broker();
    let mut events = connected_events(&broker).await;
    let _worker = env.worker();
    let unknown = task(&env, "tasks.no_such_task", json!([1]));
    broker.publish(&unknown).await.unwrap();

    let TaskState::Failure(exc) = env.wait_for(&unknown.id.to_string(), RUN_WITHIN, ended).await else { panic!() };
    assert!(exc.is_not_registered(), "{exc:?}");
    assert_eq!(exc.summary(), "NotRegistered: tasks.no_such_task");
    let id = unknown.id.to_string();
    let seen = events_until(&mut events, std::slice::from_ref(&id), |seen| !seen.is_empty()).await;
    assert_eq!(seen[0].kind, TaskEventKind::Failed);
    assert_eq!(seen[0].exception.as_deref(), Some("NotRegistered('tasks.no_such_task')"));
});

on_both_brokers!(workers_task_events_arrive_from_received_to_succeeded_and_failed, |kind| async move {
    use TaskEventKind::{Failed, Received, Started, Succeeded};
    let env = CeleryEnv::new(kind, "events");
    let broker = env.broker();
    let mut events = connected_events(&broker).await;
    let _worker = env.worker();
    let add = task(&env, "tasks.add", json!([2, 3]));
    let crash = task(&env, "tasks.crash", json!([]));
    broker.publish(&add).await.unwrap();
    broker.publish(&crash).await.unwrap();
    let (add_id, crash_id) = (add.id.to_string(), crash.id.to_string());
    let ids = [add_id.clone(), crash_id.clone()];
    let seen = events_until(&mut events, &ids, |seen| {
        kinds_of(seen, &add_id).contains(&Succeeded) && kinds_of(seen, &crash_id).contains(&Failed)
    })
    .await;
    assert_eq!(kinds_of(&seen, &add_id), HashSet::from([Received, Started, Succeeded]), "{seen:#?}");
    assert_eq!(kinds_of(&seen, &crash_id), HashSet::from([Received, Started, Failed]), "{seen:#?}");
    let received = seen.iter().find(|e| e.task_id == add_id && e.kind == Received).unwrap();
    assert_eq!((received.name.as_deref(), received.args.as_deref()), (Some("tasks.add"), Some("[2, 3]")));
    let succeeded = seen.iter().find(|e| e.task_id == add_id && e.kind == Succeeded).unwrap();
    assert_eq!(succeeded.result.as_deref(), Some("5"));
    assert!(succeeded.hostname.as_deref().is_some_and(|h| h.starts_with(&env.name)));
    let failed = seen.iter().find(|e| e.task_id == crash_id && e.kind == Failed).unwrap();
    assert_eq!(failed.exception.as_deref(), Some("ValueError('kaboom')"));
    assert!(failed.traceback.as_deref().is_some_and(|t| t.contains("kaboom")));
});

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_prefork_worker_batches_its_task_events_as_task_multi_and_they_are_read() {
    use futures::StreamExt;
    let env = CeleryEnv::new(BrokerKind::Redis, "multi");
    // Watch the raw topic beside the feed, to see the batches themselves.
    let client = redis::Client::open(env.broker_url.as_str()).unwrap();
    let mut raw = client.get_async_pubsub().await.unwrap();
    raw.psubscribe(format!("{}/10.celeryev/task.multi", env.key_prefix)).await.unwrap();
    let broker = env.broker();
    let mut events = connected_events(&broker).await;
    let _worker = env.worker();
    let add = task(&env, "tasks.add", json!([40, 2]));
    broker.publish(&add).await.unwrap();
    let id = add.id.to_string();
    let seen = events_until(&mut events, std::slice::from_ref(&id), |seen| {
        kinds_of(seen, &id).contains(&TaskEventKind::Succeeded)
    })
    .await;
    assert!(kinds_of(&seen, &id).contains(&TaskEventKind::Started), "{seen:#?}");
    let batch = tokio::time::timeout(TIMEOUT, raw.on_message().next()).await.expect("a task.multi batch").unwrap();
    assert!(batch.get_channel_name().ends_with("celeryev/task.multi"));
}

on_both_brokers!(a_revoked_queued_task_never_runs_and_ends_revoked, |kind| async move {
    let env = CeleryEnv::new(kind, "revoke");
    let broker = env.broker();
    let mut events = connected_events(&broker).await;
    let _worker = env.worker();
    // The one pool process is busy, so the next task waits its turn.
    let busy = task(&env, "tasks.sleep", json!([3]));
    broker.publish(&busy).await.unwrap();
    env.wait_for(&busy.id.to_string(), RUN_WITHIN, |s| matches!(s, TaskState::Started { .. })).await;
    let queued = task(&env, "tasks.echo", json!(["must not run"]));
    broker.publish(&queued).await.unwrap();
    broker.revoke(&[queued.id.to_string()], false, Signal::Term).await.unwrap();

    let id = queued.id.to_string();
    let seen = events_until(&mut events, std::slice::from_ref(&id), |seen| {
        kinds_of(seen, &id).contains(&TaskEventKind::Revoked)
    })
    .await;
    assert!(!kinds_of(&seen, &id).contains(&TaskEventKind::Started), "it never ran: {seen:#?}");
    assert!(kinds_of(&seen, &id).contains(&TaskEventKind::Revoked), "{seen:#?}");
    assert!(matches!(env.wait_for(&busy.id.to_string(), RUN_WITHIN, ended).await, TaskState::Success { .. }));
    assert_eq!(env.backend().state(&id).await.unwrap(), TaskState::Revoked);
});

on_both_brokers!(a_running_task_revoked_with_terminate_is_killed_on_a_prefork_worker, |kind| async move {
    let env = CeleryEnv::new(kind, "terminate");
    let broker = env.broker();
    let mut events = connected_events(&broker).await;
    let _worker = env.worker();
    let long = task(&env, "tasks.sleep", json!([60]));
    broker.publish(&long).await.unwrap();
    let id = long.id.to_string();
    env.wait_for(&id, RUN_WITHIN, |s| matches!(s, TaskState::Started { .. })).await;
    let started = Instant::now();
    broker.revoke(&[&id], true, Signal::Term).await.unwrap();
    let seen = events_until(&mut events, std::slice::from_ref(&id), |seen| {
        kinds_of(seen, &id).contains(&TaskEventKind::Revoked)
    })
    .await;
    let revoked = seen.iter().find(|e| e.kind == TaskEventKind::Revoked).expect("a task-revoked event");
    assert!(revoked.terminated, "{revoked:?}");
    assert!(started.elapsed() < Duration::from_secs(30), "killed, not waited for");
    assert_eq!(env.wait_for(&id, RUN_WITHIN, ended).await, TaskState::Revoked);
});

on_both_brokers!(registered_lists_the_tasks_of_every_worker, |kind| async move {
    let env = CeleryEnv::new(kind, "registered");
    let worker = env.worker();
    let broker = env.broker();
    let tasks = registered_of(&broker, &worker.hostname).await;
    for name in ["tasks.add", "tasks.crash", "tasks.echo", "tasks.fail_handled", "tasks.sleep", "tasks.whoami"] {
        assert!(tasks.iter().any(|t| t == name), "{name} in {tasks:?}");
    }
    assert!(!tasks.iter().any(|t| t.starts_with("celery.")), "built-ins left out: {tasks:?}");
});

on_both_brokers!(enable_events_makes_a_worker_started_without_events_send_them, |kind| async move {
    let env = CeleryEnv::new(kind, "enable");
    let broker = env.broker();
    let mut events = connected_events(&broker).await;
    // Celery's defaults: no task events, worker heartbeats (so the worker's
    // event dispatcher is on; with neither, enable_events cannot start it).
    let worker = env.worker_with(&[]);
    // As Task Starter (and Flower) do: ask again every few seconds, since a
    // worker busy starting may not hear the first broadcast. Each round
    // sends a task and waits for its events.
    let mut seen = Vec::new();
    for _ in 0..6 {
        broker.enable_events().await.unwrap();
        let _ = broker.registered(Duration::from_secs(1)).await.unwrap();
        let add = task(&env, "tasks.add", json!([1, 1]));
        broker.publish(&add).await.unwrap();
        let id = add.id.to_string();
        let round = events_until_within(&mut events, std::slice::from_ref(&id), Duration::from_secs(10), |seen| {
            kinds_of(seen, &id).contains(&TaskEventKind::Succeeded)
        })
        .await;
        if kinds_of(&round, &id).contains(&TaskEventKind::Succeeded) {
            return;
        }
        seen.extend(round);
    }
    panic!("no task events after enable_events: {seen:#?}\n{}", worker.log());
});

on_both_brokers!(publishing_while_the_broker_is_unreachable_fails_fast_with_a_transient_error, |kind| async move {
    let url = match kind {
        BrokerKind::Redis => "redis://127.0.0.1:1/10",
        BrokerKind::RabbitMq => "amqp://guest:guest@127.0.0.1:1//",
    };
    let broker = Broker::new(url, "", TIMEOUT).unwrap();
    let message = TaskMessage::new(Uuid::new_v4(), "tasks.add", "celery");
    for _ in 0..2 {
        let started = Instant::now();
        let error = broker.publish(&message).await.unwrap_err();
        assert!(matches!(error, CeleryError::Unavailable { .. }), "{error:?}");
        assert!(error.is_transient());
        assert!(started.elapsed() < Duration::from_secs(2), "took {:?}", started.elapsed());
        assert!(!error.to_string().contains("guest:guest"), "no credentials in {error}");
    }
    let error = broker.registered(Duration::from_secs(1)).await.unwrap_err();
    assert!(error.is_transient(), "{error:?}");
});
