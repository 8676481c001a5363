"""A redis-server of one fault test (started, killed, restarted) and the Celery broker connection:
helpers shared by the Redis and mail outage tests."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time

import pytest

from kreisintegration import cache as project_cache
from kreisintegration.celery import app
from kreisintegration.tests.own_services import free_port


def redis_caches(port: int) -> dict:
    location = f"redis://127.0.0.1:{port}/0"
    options = {"socket_connect_timeout": 0.3, "socket_timeout": 0.3}
    return {
        "default": {
            "BACKEND": "kreisintegration.cache.DegradingRedisCache",
            "LOCATION": location,
            "KEY_PREFIX": "outage-test",
            "OPTIONS": options,
        },
        "ratelimit": {
            "BACKEND": "kreisintegration.cache.RateLimitRedisCache",
            "LOCATION": location,
            "KEY_PREFIX": "outage-test",
            "OPTIONS": options,
        },
    }


def start_redis(port: int, directory, *, persistent: bool = False) -> subprocess.Popen:
    # Persistent: every write is in the append-only file, so a restarted server has the old data.
    persistence = ["--appendonly", "yes", "--appendfsync", "always"] if persistent else ["--appendonly", "no"]
    process = subprocess.Popen(
        [
            shutil.which("redis-server"),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            *persistence,
        ],
        cwd=directory,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            if time.monotonic() > deadline:
                process.kill()
                raise
            time.sleep(0.05)


@pytest.fixture
def own_redis(tmp_path, settings):
    """A redis-server of this test only (so it can be killed), used by both cache aliases."""
    port = free_port()
    process = start_redis(port, tmp_path)
    settings.CACHES = redis_caches(port)
    project_cache._last_warning_at = None
    yield process
    if process.poll() is None:
        process.kill()
    process.wait(timeout=10)
    project_cache._pending.clear()


def kill_process(process) -> None:
    process.kill()
    process.wait(timeout=10)


def drop_broker_connections() -> None:
    """Forget the app's broker pools, so the next publish takes the pool of ``broker_url`` now.

    (What Celery itself does after a fork; there is no public call for it.)
    """
    app._pool = None
    app.amqp._producer_pool = None


def wait_for_task(result, log_path, timeout: float = 60) -> None:
    """Wait until the worker logged the task as done."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if f"[{result.id}] succeeded" in log_path.read_text():
            return
        time.sleep(0.2)
    pytest.fail(f"task {result.id} did not finish; worker log:\n{log_path.read_text()}")
