"""The portal's Celery app for tests that run real beat processes (`celery -A tests.beat_app beat`):
the portal's scheduler and settings, with a schedule entry sent every second to a queue of the
test's own and RedBeat keys under a prefix of the test's own (BEAT_TEST_QUEUE, BEAT_TEST_PREFIX),
so the lock lapses and the standby polls within seconds."""

import os

from portal.celery import app

app.conf.beat_schedule = {
    "test-every-second": {
        "task": "tests.beat_app.tick",
        "schedule": 1.0,
        "options": {"queue": os.environ["BEAT_TEST_QUEUE"], "expires": 60},
    }
}
app.conf.redbeat_key_prefix = os.environ["BEAT_TEST_PREFIX"]
app.conf.beat_max_loop_interval = 1
app.conf.redbeat_lock_timeout = 5
