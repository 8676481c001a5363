"""Real Celery workers for the concept-report tests (overview and e2e): the ``control_dir`` and
``start_worker`` fixtures (``media_root`` is the root conftest's). Import the fixtures into a
test module to use them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import worker_database_url

from .report_fixtures import make_reference_data, sample_figures


@dataclass
class Worker:
    process: subprocess.Popen
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def kill(self) -> None:
        """SIGKILL: the worker gets no chance to finish, acknowledge or clean up."""
        self.process.kill()
        self.process.wait(timeout=20)


@pytest.fixture
def control_dir(tmp_path, district, unna, luenen):
    make_reference_data(district)
    control = tmp_path / "control"
    control.mkdir()
    (control / "figures.json").write_text(json.dumps(sample_figures(district)), encoding="utf-8")
    return control


@pytest.fixture
def start_worker(settings, tmp_path, media_root, control_dir):
    """Start real workers on a queue of their own; tasks sent during the test go there."""
    from kreisintegration.celery import app

    if not settings.REDIS_URL:
        pytest.fail("REDIS_URL must point to the test Redis (make test sets it)")
    queue = f"test-report-{uuid.uuid4().hex[:8]}"
    workers: list[Worker] = []

    def start(name: str = "a", **extra_env: str) -> Worker:
        log = tmp_path / f"worker-{name}.log"
        env = {
            **os.environ,
            "DATABASE_URL": worker_database_url(),
            "MEDIA_ROOT": str(media_root),
            "OVERVIEW_TEST_CONTROL_DIR": str(control_dir),
            **extra_env,
        }
        process = subprocess.Popen(
            [
                sys.executable, "-m", "overview.tests.report_worker_main",
                "--pool=solo", "--concurrency=1", "--without-heartbeat", "--without-gossip",
                "--without-mingle", "-Q", queue, "--loglevel=INFO", "-n", f"{name}-{queue}@%h",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        worker = Worker(process, log)
        workers.append(worker)
        return worker

    previous = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    try:
        yield start
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = previous
        for worker in workers:
            if worker.process.poll() is None:
                worker.process.terminate()
                try:
                    worker.process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    worker.process.kill()
        with app.connection_for_write() as broker:
            broker.default_channel.queue_purge(queue)
