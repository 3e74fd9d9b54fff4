"""Celery beat's scheduler: RedBeat, one beat at a time, surviving Redis outages.

RedBeat (celery-redbeat) keeps the schedule of `CELERY_BEAT_SCHEDULE` in Redis and lets only the
beat holding its lock (`redbeat::lock`, renewed on every tick) send tasks: a second beat process
waits for the lock instead of queueing its own copy of every task, and takes over when the first
one stops (at once on a clean stop, after `CELERY_REDBEAT_LOCK_TIMEOUT` seconds if it was killed).

RedBeat alone stops beat at the first Redis error. This scheduler keeps it alive instead: while
Redis does not answer it logs a warning and tries again every few seconds; when Redis is back it
renews its lock, or takes it again if it was lost (a Redis restart without persistence, or an
outage longer than the lock's lifetime) and then reinstalls the schedule, or waits as the
standby if another beat holds it. Entries due during the outage are sent when Redis answers again
(their last run is only recorded once they are sent).
"""

import logging

from redbeat.schedulers import LUA_EXTEND_TO_SCRIPT, RedBeatScheduler, get_redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import LockError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("celery.beat")

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
RETRY_SECONDS = 5.0


class Scheduler(RedBeatScheduler):
    """`CELERY_BEAT_SCHEDULER` (settings)."""

    _schedule_installed = False
    _redis_down = False

    def setup_schedule(self):
        try:
            super().setup_schedule()
        except UNREACHABLE as exc:
            self._warn_unreachable(exc)
            self._schedule_installed = False
        else:
            self._schedule_installed = True

    def tick(self, *args, **kwargs):
        try:
            if not self._hold_lock():
                return self.max_interval  # the standby: another beat holds the lock
            if not self._schedule_installed:
                self.setup_schedule()
            interval = super().tick(*args, **kwargs)
        except UNREACHABLE as exc:
            self._warn_unreachable(exc)
            return min(RETRY_SECONDS, self.max_interval)
        if self._redis_down:
            self._redis_down = False
            logger.warning("beat: Redis answers again; scheduling resumed")
        return interval

    def _hold_lock(self) -> bool:
        """Renew the lock, or take it when this beat has none (or lost it). False: another beat
        holds it."""
        if not self.lock_key:
            return True
        if self.lock is not None:
            try:
                self.lock.extend(int(self.lock_timeout))
                return True
            except LockError:  # expired or gone with a Redis restart
                logger.warning("beat: lost the lock %s; taking it again", self.lock_key)
                self.lock = None
        lock = self._new_lock()
        if not lock.acquire(blocking=False):
            logger.debug("beat: another beat holds %s; standing by", self.lock_key)
            return False
        logger.warning("beat: acquired the lock %s; reinstalling the schedule", self.lock_key)
        self.lock = lock
        self._schedule_installed = False
        return True

    def _new_lock(self):
        """The lock as RedBeat's beat_init handler makes it (its extend sets, not adds, time)."""
        client = get_redis(self.app)
        lock = client.lock(self.lock_key, timeout=self.lock_timeout, sleep=self.max_interval)
        lock.lua_extend = client.register_script(LUA_EXTEND_TO_SCRIPT)
        return lock

    def _warn_unreachable(self, exc: Exception) -> None:
        if not self._redis_down:
            self._redis_down = True
            logger.warning(
                "beat: Redis unreachable (%s: %s); trying again every %.0f s",
                exc.__class__.__name__,
                exc,
                RETRY_SECONDS,
            )

    def close(self):
        try:
            super().close()
        except UNREACHABLE as exc:  # stopping while Redis is down: the lock expires by itself
            logger.warning("beat: could not release the lock (%s)", exc)
