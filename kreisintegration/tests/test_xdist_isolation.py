"""Parallel test runs (pytest-xdist): each worker has its own Redis database and test database."""

import os

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection

from conftest import worker_database_url
from kreisintegration.celery import app
from kreisintegration.tests import parallel
from kreisintegration.tests.parallel import worker_redis_url


def test_worker_n_gets_the_base_database_minus_n():
    assert worker_redis_url("redis://127.0.0.1:6379/15", 0) == "redis://127.0.0.1:6379/15"
    assert worker_redis_url("redis://127.0.0.1:6379/15", 3) == "redis://127.0.0.1:6379/12"
    assert (
        worker_redis_url("redis://:secret@redis.example:6390/9", 2) == "redis://:secret@redis.example:6390/7"
    )


def test_too_many_workers_for_the_base_database_is_an_error():
    with pytest.raises(pytest.UsageError, match="gw3"):
        worker_redis_url("redis://127.0.0.1:6379/2", 3)


def test_cache_broker_and_subprocesses_use_this_workers_redis_database():
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        expected = worker_redis_url(os.environ["XDIST_BASE_REDIS_URL"], int(worker.removeprefix("gw")))
    else:
        expected = os.environ["REDIS_URL"]
    assert settings.REDIS_URL == os.environ["REDIS_URL"] == expected
    for alias in caches:
        assert settings.CACHES[alias]["LOCATION"] == expected
    assert app.conf.broker_url == expected


@pytest.mark.django_db
def test_the_worker_processes_use_this_workers_test_database():
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    name = connection.settings_dict["NAME"]
    assert name.startswith("test_")
    if worker:
        assert name.endswith(f"_{worker}")
    assert worker_database_url().endswith(f"/{name}")


@pytest.mark.django_db
def test_the_test_database_commits_without_waiting_for_the_disk():
    """Set on the test database (``parallel.django_db_setup``), so every connection to it has it."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "off"
    with parallel.raw_connection(connection.settings_dict["NAME"]) as other:
        assert other.execute("SHOW synchronous_commit").fetchone()[0] == "off"
