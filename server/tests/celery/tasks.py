"""A small Celery app the integration tests run real workers of.

Broker, result backend and key prefix come from the environment, so every
test points its worker at its own Redis databases or RabbitMQ queues:

    CELERY_BROKER_URL      redis://127.0.0.1:6379/10 or amqp://guest:guest@127.0.0.1:5672//
    CELERY_RESULT_BACKEND  redis://127.0.0.1:6379/11
    CELERY_KEY_PREFIX      the broker's and the backend's global_keyprefix (optional)
"""

import os
import time

from celery import Celery

app = Celery("tasks")
app.conf.broker_url = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/10")
app.conf.result_backend = os.environ.get("CELERY_RESULT_BACKEND", "redis://127.0.0.1:6379/11")
app.conf.broker_connection_retry_on_startup = True
# Tests send their own queue names; a worker reads only its own.
app.conf.task_default_queue = os.environ.get("CELERY_DEFAULT_QUEUE", "celery")
# Tests watch STARTED in the backend as Task Starter's reconciler does.
app.conf.task_track_started = True
prefix = os.environ.get("CELERY_KEY_PREFIX")
if prefix:
    app.conf.broker_transport_options = {"global_keyprefix": prefix}
    app.conf.result_backend_transport_options = {"global_keyprefix": prefix}


class TaskFailure(Exception):
    """A handled failure: its message is the run's result."""


@app.task
def echo(*args, **kwargs):
    """Returns what it was given, to check arguments round-trip."""
    return {"args": list(args), "kwargs": kwargs}


@app.task
def add(a, b):
    return a + b


@app.task
def fail_handled(message):
    raise TaskFailure(message)


@app.task
def crash():
    raise ValueError("kaboom")


@app.task
def sleep(seconds):
    time.sleep(seconds)
    return seconds


@app.task(bind=True)
def whoami(self):
    """The headers Task Starter adds, as the Python task sees them."""
    return {
        "user": getattr(self.request, "task_starter_user", None),
        "run_as": getattr(self.request, "task_starter_run_as", None),
        "retries": self.request.retries,
        "timelimit": list(self.request.timelimit or []),
    }
