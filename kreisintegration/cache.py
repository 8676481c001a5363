"""Cache backends that keep the portal answering while Redis is unreachable.

Redis only holds copies here (page and fragment caches, the portal district, session
copies of ``cached_db``) or short-lived counters (rate limits). Losing it must cost speed,
not availability, so every read of ``DegradingRedisCache`` becomes a miss and every write a
no-op when Redis refuses the connection or does not answer within the short socket
timeouts set in ``settings.CACHES``. Keys whose write or delete was lost are deleted once
Redis answers again (``_pending``), so old data in a restarted Redis cannot come back.

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
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
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


def _degrading(fallback, *, written_keys=None):
    """Run the RedisCache method; on a Redis outage log (rate-limited) and return ``fallback(...)``.

    ``written_keys(*args, **kwargs)`` names the keys a writing method would have changed: they
    are deleted once Redis answers again (see ``_pending``).
    """

    def decorator(method):
        @functools.wraps(method)
        def wrapped(self, *args, **kwargs):
            try:
                if _pending:
                    # Before the call: a read must not return what an outage failed to delete.
                    _replay_lost_writes(self)
                return method(self, *args, **kwargs)
            except REDIS_UNAVAILABLE as error:
                _warn_unavailable(method.__name__, error)
                if written_keys is not None:
                    _remember_lost_write(self, written_keys(*args, **kwargs))
                return fallback(self, *args, **kwargs)

        return wrapped

    return decorator


def _one_key(key, *args, version=None, **kwargs):
    return [(key, version)]


def _many_keys(keys, *args, version=None, **kwargs):
    return [(key, version) for key in keys]


# Keys whose delete or write was lost to an outage, per Redis location, in this process. Redis may
# come back with its old data (restart with persistence, network partition): a session deleted
# at logout would then come back from the cache. So these keys are deleted as soon as Redis
# answers again. Bounded: beyond it the cache is flushed instead (copies only, nothing lost).
MAX_PENDING_KEYS = 10_000
_pending_lock = threading.Lock()
_pending: dict[tuple[str, ...], set[str] | None] = {}  # None: too many, flush the cache


def _remember_lost_write(self, keys) -> None:
    made = [self.make_and_validate_key(key, version=version) for key, version in keys]
    with _pending_lock:
        pending = _pending.setdefault(tuple(self._servers), set())
        if pending is None:
            return
        pending.update(made)
        if len(pending) > MAX_PENDING_KEYS:
            _pending[tuple(self._servers)] = None


def _replay_lost_writes(self) -> None:
    location = tuple(self._servers)
    with _pending_lock:
        if location not in _pending:
            return
        pending = _pending.pop(location)
    try:
        if pending is None:
            self._cache.clear()
        elif pending:
            self._cache.delete_many(list(pending))
    except REDIS_UNAVAILABLE:
        with _pending_lock:
            current = _pending.get(location, set())
            _pending[location] = None if pending is None or current is None else pending | current
        raise
    else:
        logger.warning(
            "Redis cache reachable again; dropped %s entries written during the outage.",
            "all" if pending is None else len(pending),
        )


def _default_value(self, key, default=None, version=None):
    return default


def _missing_key(self, key, delta=1, version=None):
    # Same answer as RedisCache for a key that does not exist; callers already handle it.
    raise ValueError(f"Key {key!r} not found.")


class OneClientPerPool(RedisCacheClient):
    """Django builds a new ``redis.Redis`` for every cache call, and each fills a table of about
    170 response callbacks: measurable on every request that reads its session and a page from
    the cache. A client only wraps its connection pool and is safe to share between threads, so
    one per pool is kept (connections still come from, and go back to, the pool)."""

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients_by_pool", {})
        client = clients.get(id(pool))
        if client is None or client.connection_pool is not pool:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client


# Add 1 to each key, or start a missing one at ARGV[1] (RedisCache.incr costs two round trips per
# key: EXISTS, then INCR). Integers are stored unpickled, so the values stay readable by ``get``.
_INCR_OR_SET = (
    "for _, key in ipairs(KEYS) do "
    "if redis.call('EXISTS', key) == 1 then redis.call('INCR', key) "
    "else redis.call('SET', key, ARGV[1]) end end"
)


def _incr_or_set_many(self, keys, start: int, version=None) -> None:
    made = [self.make_and_validate_key(key, version=version) for key in keys]
    self._cache.get_client(write=True).eval(_INCR_OR_SET, len(made), *made, start)


class DegradingRedisCache(RedisCache):
    """Django's RedisCache whose failures on a Redis outage degrade to a miss or a no-op."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = OneClientPerPool

    add = _degrading(lambda self, *args, **kwargs: False, written_keys=_one_key)(RedisCache.add)
    get = _degrading(_default_value)(RedisCache.get)
    set = _degrading(lambda self, *args, **kwargs: None, written_keys=_one_key)(RedisCache.set)
    touch = _degrading(lambda self, *args, **kwargs: False)(RedisCache.touch)
    delete = _degrading(lambda self, *args, **kwargs: False, written_keys=_one_key)(RedisCache.delete)
    get_many = _degrading(lambda self, *args, **kwargs: {})(RedisCache.get_many)
    has_key = _degrading(lambda self, *args, **kwargs: False)(RedisCache.has_key)
    incr = _degrading(_missing_key, written_keys=_one_key)(RedisCache.incr)
    set_many = _degrading(lambda self, data, *args, **kwargs: list(data), written_keys=_many_keys)(
        RedisCache.set_many
    )
    delete_many = _degrading(lambda self, *args, **kwargs: None, written_keys=_many_keys)(
        RedisCache.delete_many
    )
    clear = _degrading(lambda self, *args, **kwargs: False)(RedisCache.clear)
    # The data versions of public_cache, bumped in one round trip (a lost bump: the keys are
    # deleted once Redis answers again, like any lost write).
    incr_or_set_many = _degrading(lambda self, *args, **kwargs: None, written_keys=_many_keys)(
        _incr_or_set_many
    )

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
        self._class = OneClientPerPool
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
