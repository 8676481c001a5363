"""Fixtures of the kreisintegration tests that are defined in helper modules."""

from kreisintegration.tests.own_redis import own_redis  # noqa: F401 - a redis-server of one test
