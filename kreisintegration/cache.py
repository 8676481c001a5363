"""Cache backends that keep the portal answering while Redis is unreachable.

Redis only holds copies here (page and fragment caches, the portal district, session
copies of ``cached_db``) or short-lived counters (rate limits). Losing it must cost speed,
not availability, so every read of ``DegradingRedisCache`` becomes a miss and every write a
no-op when Redis refuses the connection or does not answer within the short socket
timeouts set in ``settings.CACHES``. Invalidations that happen while Redis is down are
lost with it; the cached entries expire by their own timeouts.

``RateLimitRedisCache`` counts in Redis (so all web processes count together) and, while
Redis is down, in a per-process memory cache: the rate limits of the public forms keep
limiting (closed) without locking everybody out (usable). See README, "Betrieb ohne Redis".
"""

from __future__ import annotations

import functools
import logging
import threading
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

REDIS_UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)
# One WARNING a minute per process is enough for monitoring; an outage would otherwise
# write one line per cache call. WARNING, not ERROR: the portal keeps working.
WARNING_INTERVAL_SECONDS = 60

_warning_lock = threading.Lock()
_last_warning_at: float | None = None


def _warn_unavailable(operation: str, error: Exception) -> None:
    global _last_warning_at
    now = time.monotonic()
    with _warning_lock:
        if _last_warning_at is not None and now - _last_warning_at < WARNING_INTERVAL_SECONDS:
            return
        _last_warning_at = now
    logger.warning("Redis cache unavailable (%s: %s); serving without cache.", operation, error)


def _degrading(fallback):
    """Run the RedisCache method; on a Redis outage log (rate-limited) and return ``fallback(...)``."""

    def decorator(method):
        @functools.wraps(method)
        def wrapped(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except REDIS_UNAVAILABLE as error:
                _warn_unavailable(method.__name__, error)
                return fallback(self, *args, **kwargs)

        return wrapped

    return decorator


def _default_value(self, key, default=None, version=None):
    return default


def _missing_key(self, key, delta=1, version=None):
    # Same answer as RedisCache for a key that does not exist; callers already handle it.
    raise ValueError(f"Key {key!r} not found.")


class DegradingRedisCache(RedisCache):
    """Django's RedisCache whose failures on a Redis outage degrade to a miss or a no-op."""

    add = _degrading(lambda self, *args, **kwargs: False)(RedisCache.add)
    get = _degrading(_default_value)(RedisCache.get)
    set = _degrading(lambda self, *args, **kwargs: None)(RedisCache.set)
    touch = _degrading(lambda self, *args, **kwargs: False)(RedisCache.touch)
    delete = _degrading(lambda self, *args, **kwargs: False)(RedisCache.delete)
    get_many = _degrading(lambda self, *args, **kwargs: {})(RedisCache.get_many)
    has_key = _degrading(lambda self, *args, **kwargs: False)(RedisCache.has_key)
    incr = _degrading(_missing_key)(RedisCache.incr)
    set_many = _degrading(lambda self, data, *args, **kwargs: list(data))(RedisCache.set_many)
    delete_many = _degrading(lambda self, *args, **kwargs: None)(RedisCache.delete_many)
    clear = _degrading(lambda self, *args, **kwargs: False)(RedisCache.clear)

    def is_available(self) -> bool:
        """One PING within the socket timeouts: what ``/healthz`` reports."""
        try:
            return bool(self._cache.get_client(write=True).ping())
        except REDIS_UNAVAILABLE:
            return False


class RateLimitRedisCache(RedisCache):
    """Rate-limit counters in Redis, in process memory while Redis is down (fail closed but usable)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._local = LocMemCache(f"ratelimit-fallback-{id(self)}", {"KEY_PREFIX": self.key_prefix})

    def _fallback(name):
        def call(self, *args, **kwargs):
            return getattr(self._local, name)(*args, **kwargs)

        return call

    add = _degrading(_fallback("add"))(RedisCache.add)
    get = _degrading(_fallback("get"))(RedisCache.get)
    set = _degrading(_fallback("set"))(RedisCache.set)
    incr = _degrading(_fallback("incr"))(RedisCache.incr)
    delete = _degrading(_fallback("delete"))(RedisCache.delete)
    clear = _degrading(_fallback("clear"))(RedisCache.clear)

    del _fallback
