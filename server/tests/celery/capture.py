"""Captures what Celery itself puts on the wire, as golden fixtures for the
Rust encoder's unit tests (server/src/engine/celery/protocol.rs and friends).

Run it again after a Celery upgrade and diff the fixtures:

    ~/.cache/task-starter/venv/bin/python server/tests/celery/capture.py

It needs the Redis (db 15) and RabbitMQ (guest) the tests use. It writes
server/tests/celery/fixtures/<case>.json, each holding what `send_task` (or
`control.revoke`) published: on Redis the raw kombu envelope LPUSHed to the
queue's list (or PUBLISHed on the fanout topic), on RabbitMQ the message as
basic_get returns it. Values that are random or time-based stay as Celery
made them; the Rust tests name the ones they ignore.
"""

import base64
import datetime
import json
import os
import sys
import threading
import time

import amqp
import celery
import kombu
import redis
from celery import Celery

HERE = os.path.dirname(os.path.abspath(__file__))
REDIS_URL = "redis://127.0.0.1:6379/15"
AMQP_URL = "amqp://guest:guest@127.0.0.1:5672//"
QUEUE = "task_starter_golden"
TASK_ID = "6f1c1a44-5a57-4c55-8a4e-0a8a4d1f0e3b"

CASES = {
    # The least a caller gives: a name and positional arguments.
    "plain": dict(name="tasks.add", args=[2, 3]),
    # Everything Task Starter sends: kwargs, unicode, limits, retries left,
    # priority, an expiry, and the two headers the Python task reads.
    "full": dict(
        name="tasks.echo",
        args=[1, "é ✓", 2.5, None, True, {"nested": [1, 2]}],
        kwargs={"x": [1, 2], "ü": None, "big": 12345678901234567},
        time_limit=60,
        soft_time_limit=50,
        priority=5,
        expires=datetime.datetime(2030, 1, 2, 3, 4, 5, 678901, tzinfo=datetime.timezone.utc),
        headers={"task_starter_user": "alice", "task_starter_run_as": "bob"},
    ),
}


def app_for(broker):
    app = Celery("capture", broker=broker, backend=None)
    app.conf.broker_connection_retry_on_startup = True
    return app


def capture_redis(case):
    r = redis.Redis.from_url(REDIS_URL)
    keys = [QUEUE] + [f"{QUEUE}\x06\x16{p}" for p in (3, 6, 9)]
    r.delete(*keys)
    app = app_for(REDIS_URL)
    app.send_task(task_id=TASK_ID, queue=QUEUE, **CASES[case])
    found = [(k, r.lrange(k, 0, -1)) for k in keys]
    found = [(k, items) for k, items in found if items]
    assert len(found) == 1 and len(found[0][1]) == 1, found
    key, [raw] = found[0]
    r.delete(*keys)
    envelope = json.loads(raw)
    return {
        "list_key": key,
        "envelope": envelope,
        "decoded_body": json.loads(base64.b64decode(envelope["body"])),
    }


def amqp_message_to_json(msg):
    props = dict(msg.properties)
    return {
        "delivery_info": {
            "exchange": msg.delivery_info["exchange"],
            "routing_key": msg.delivery_info["routing_key"],
        },
        "properties": props,
        "body": json.loads(msg.body),
    }


def capture_amqp(case):
    app = app_for(AMQP_URL)
    app.send_task(task_id=TASK_ID, queue=QUEUE, **CASES[case])
    conn = amqp.Connection("127.0.0.1:5672", userid="guest", password="guest")
    conn.connect()
    ch = conn.channel()
    # How Celery declared the queue, to declare it the same way.
    _, count, _ = ch.queue_declare(QUEUE, passive=True)
    msg = ch.basic_get(QUEUE, no_ack=True)
    assert msg is not None and count == 1, count
    # Purged, not deleted: kombu's producer pool (shared by URL) remembers
    # it declared the queue, and would not declare it again in this process.
    conn.close()
    return amqp_message_to_json(msg)


def capture_revoke_redis():
    """The revoke broadcast, as the fanout topic carries it on Redis."""
    r = redis.Redis.from_url(REDIS_URL)
    sub = r.pubsub()
    sub.psubscribe("/15.celery.pidbox*")
    sub.get_message(timeout=2)  # the subscribe confirmation
    app = app_for(REDIS_URL)
    app.control.revoke([TASK_ID], terminate=True, signal="SIGTERM")
    msg = None
    deadline = time.time() + 5
    while msg is None and time.time() < deadline:
        m = sub.get_message(timeout=1)
        if m and m["type"] == "pmessage":
            msg = m
    assert msg is not None
    envelope = json.loads(msg["data"])
    return {
        "channel": msg["channel"].decode(),
        "envelope": envelope,
        "decoded_body": json.loads(base64.b64decode(envelope["body"])),
    }


def capture_revoke_amqp():
    conn = amqp.Connection("127.0.0.1:5672", userid="guest", password="guest")
    conn.connect()
    ch = conn.channel()
    ch.exchange_declare("celery.pidbox", "fanout", durable=False, auto_delete=False)
    q, _, _ = ch.queue_declare("", exclusive=True)
    ch.queue_bind(q, "celery.pidbox", "")
    app = app_for(AMQP_URL)
    app.control.revoke([TASK_ID], terminate=True, signal="SIGTERM")
    msg = None
    deadline = time.time() + 5
    while msg is None and time.time() < deadline:
        msg = ch.basic_get(q, no_ack=True)
        time.sleep(0.05)
    assert msg is not None
    conn.close()
    return amqp_message_to_json(msg)


def write(name, data):
    data = {"celery": celery.__version__, "kombu": kombu.__version__, **data}
    with open(os.path.join(HERE, "fixtures", f"{name}.json"), "w") as f:
        json.dump(data, f, indent=2, ensure_ascii=False, sort_keys=True)
        f.write("\n")


def main():
    for case in CASES:
        write(f"task_{case}", {"redis": capture_redis(case), "amqp": capture_amqp(case)})
    write("revoke", {"redis": capture_revoke_redis(), "amqp": capture_revoke_amqp()})
    conn = amqp.Connection("127.0.0.1:5672", userid="guest", password="guest")
    conn.connect()
    conn.channel().queue_delete(QUEUE)
    conn.close()
    print("captured", ", ".join(sorted(os.listdir(os.path.join(HERE, "fixtures")))))


if __name__ == "__main__":
    sys.exit(main())
