"""Exactly one beat schedules, even when a second one is started by mistake.

``SingleBeatScheduler`` (``CELERY_BEAT_SCHEDULER`` with Redis) holds a lock in Redis while it
schedules and renews it at every tick. A second beat finds the lock taken and stands by without
sending anything; when the first one dies, its lock expires after ``BEAT_LOCK_SECONDS`` and the
standby takes over. The scheduled jobs are idempotent anyway, so a double run would cost work,
not correctness; the lock keeps the mails and reports from being started twice.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket

import redis
from celery.beat import PersistentScheduler
from django.conf import settings
from redis.exceptions import LockError, RedisError

logger = logging.getLogger(__name__)


def lock_key() -> str:
    return f"{os.environ.get('CACHE_KEY_PREFIX', 'ki')}:celery-beat-lock"


class SingleBeatScheduler(PersistentScheduler):
    def __init__(self, *args, **kwargs):
        self._lock_seconds = settings.BEAT_LOCK_SECONDS
        self._redis = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
        self._lock = self._redis.lock(lock_key(), timeout=self._lock_seconds, thread_local=False)
        self._holding = False
        self._standby_logged = False
        self._identity = f"{socket.gethostname()}:{os.getpid()}"
        super().__init__(*args, **kwargs)

    def _hold_lock(self) -> bool:
        try:
            if self._holding:
                self._lock.reacquire()  # renew for another BEAT_LOCK_SECONDS
                return True
            if self._lock.acquire(blocking=False):
                self._holding = True
                self._standby_logged = False
                logger.warning("Beat %s holds the beat lock and schedules.", self._identity)
                return True
        except LockError:
            logger.warning("Beat %s lost the beat lock (expired); standing by.", self._identity)
            self._holding = False
        except RedisError as error:
            # Without Redis nothing can be sent anyway (it is the broker); try again next tick.
            logger.warning("Beat %s cannot reach Redis for the beat lock: %s", self._identity, error)
            self._holding = False
            return False
        if not self._standby_logged:
            logger.warning("Beat %s: another beat holds the beat lock; standing by.", self._identity)
            self._standby_logged = True
        return False

    def tick(self, *args, **kwargs):
        # Renew well before the lock expires: never sleep longer than a third of its lifetime.
        longest_sleep = self._lock_seconds / 3
        if not self._hold_lock():
            return longest_sleep
        return min(super().tick(*args, **kwargs), longest_sleep)

    def close(self):
        if self._holding:
            with contextlib.suppress(LockError, RedisError):
                self._lock.release()  # the standby need not wait for the lock to expire
            self._holding = False
        super().close()
