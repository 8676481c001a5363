"""A second beat started by mistake does not schedule: it stands by until the first is gone.

Two real ``celery beat`` processes on the test Redis, with a lock lifetime of 10 seconds (renewed
every 3.3 s, so a busy machine does not let the lock lapse while the first beat is alive).
"""

import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
from django.conf import settings

from conftest import worker_database_url

pytestmark = pytest.mark.worker

HOLDS = "holds the beat lock and schedules"
STANDS_BY = "another beat holds the beat lock; standing by"


def _start_beat(directory, name: str, prefix: str):
    log = directory / f"{name}.log"
    env = {
        **os.environ,
        "DATABASE_URL": worker_database_url(),
        "CACHE_KEY_PREFIX": prefix,
        "BEAT_LOCK_SECONDS": "10",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "kreisintegration", "beat", "--loglevel=WARNING",
         "--schedule", str(directory / f"{name}-schedule"), "--pidfile", str(directory / f"{name}.pid")],
        cwd=settings.BASE_DIR, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    return process, log


def _wait_for_line(log, text: str, *, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while text not in log.read_text():
        if time.monotonic() > deadline:
            raise AssertionError(
                f"{log.name} did not log {text!r} within {timeout} s:\n{log.read_text()[-3000:]}"
            )
        time.sleep(0.1)


def _stop(process) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=20)


def test_a_second_beat_stands_by_and_takes_over_when_the_first_is_killed(tmp_path):
    if not settings.REDIS_URL:
        pytest.fail("REDIS_URL must point to the test Redis (make test sets it)")
    prefix = f"beat-test-{uuid.uuid4().hex[:8]}"
    first, first_log = _start_beat(tmp_path, "first", prefix)
    second = None
    try:
        _wait_for_line(first_log, HOLDS)
        second, second_log = _start_beat(tmp_path, "second", prefix)
        _wait_for_line(second_log, STANDS_BY)
        assert HOLDS not in second_log.read_text()

        _stop(first)  # SIGKILL: no goodbye, the lock has to expire
        _wait_for_line(second_log, HOLDS, timeout=60)
    finally:
        _stop(first)
        if second is not None:
            _stop(second)
