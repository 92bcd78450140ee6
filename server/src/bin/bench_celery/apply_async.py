"""Celery's own rate, for the Celery bench: N `send_task` calls of
`tasks.add` in a row from one Python thread, as an app's code sends them.
Run from server/tests/celery with the broker in CELERY_BROKER_URL; prints
tasks per second."""

import sys
import time

from tasks import app

count, queue = int(sys.argv[1]), sys.argv[2]
app.send_task("tasks.add", args=(0, 0), queue=queue)  # connected before timing
started = time.perf_counter()
for number in range(count):
    app.send_task("tasks.add", args=(number, 1), queue=queue)
print(count / (time.perf_counter() - started))
