"""Removes what one integration test left on the brokers (called by the
Rust harness when the test ends): on Redis every key under the test's key
prefix in the broker and backend databases; on RabbitMQ the test's queue
and the exchange Celery declared for it.

    python cleanup.py redis <key prefix> <broker url> <backend url>
    python cleanup.py amqp <queue>
"""

import sys


def redis_cleanup(prefix, *urls):
    import redis

    if not prefix:
        raise SystemExit("refusing to clean Redis without a key prefix")
    for url in urls:
        client = redis.Redis.from_url(url)
        keys = list(client.scan_iter(match=prefix + "*", count=1000))
        if keys:
            client.delete(*keys)


def amqp_cleanup(queue):
    import amqp

    conn = amqp.Connection("127.0.0.1:5672", userid="guest", password="guest")
    conn.connect()
    channel = conn.channel()
    channel.queue_delete(queue)
    channel.exchange_delete(queue)
    conn.close()


if __name__ == "__main__":
    kind, *rest = sys.argv[1:]
    redis_cleanup(*rest) if kind == "redis" else amqp_cleanup(*rest)
