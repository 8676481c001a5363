"""The Redis cache keeps one client per connection pool instead of building one per call."""

from django.core.cache import caches


def test_cache_calls_share_one_client_per_pool_and_still_work():
    cache = caches["default"]
    first = cache._cache.get_client(write=True)
    assert cache._cache.get_client(write=True) is first
    assert cache._cache.get_client() is first  # one server: reads use the same pool
    cache.set("one-client-probe", {"n": 1}, 30)
    assert cache.get_many(["one-client-probe"]) == {"one-client-probe": {"n": 1}}
    cache.delete("one-client-probe")
    assert cache.get("one-client-probe") is None
