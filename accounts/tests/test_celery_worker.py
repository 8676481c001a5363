"""The Celery wiring, proven with a real worker process and the real Redis (not eager)."""

import email
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from accounts.tasks import deliver_mail
from kreisintegration.celery import app

pytestmark = pytest.mark.worker


@pytest.fixture
def real_worker(tmp_path):
    if not settings.REDIS_URL:
        pytest.fail("REDIS_URL must point to the test Redis (make test sets it)")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    mail_dir = tmp_path / "mail"
    env = {
        **os.environ,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
    }
    worker = subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "kreisintegration", "worker",
            "--pool=solo", "--concurrency=1", "--without-heartbeat", "--without-gossip",
            "--without-mingle", "-Q", queue, "--loglevel=INFO",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        yield queue, mail_dir, worker
    finally:
        app.conf.task_always_eager = previous
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()


def wait_for_files(directory: Path, timeout: float = 60) -> list[Path]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        files = sorted(directory.glob("*.log")) if directory.exists() else []
        if files:
            return files
        time.sleep(0.2)
    return []


def test_task_runs_on_real_worker_through_redis(real_worker):
    queue, mail_dir, worker = real_worker
    result = deliver_mail.apply_async(
        kwargs={
            "to": ["sengul@example.org"],
            "subject": "Prüfung der Celery-Anbindung",
            "text": "Hallo aus dem Worker – Grüße an Lünen.",
        },
        queue=queue,
    )
    assert result.id

    files = wait_for_files(mail_dir)
    if not files:
        worker.terminate()
        output = worker.communicate(timeout=20)[0]
        pytest.fail(f"worker delivered nothing; its log:\n{output}")
    assert len(files) == 1
    message = email.message_from_bytes(files[0].read_bytes().split(b"\n" + b"-" * 79)[0])
    assert str(email.header.make_header(email.header.decode_header(message["Subject"]))) == (
        "Prüfung der Celery-Anbindung"
    )
    body = message.get_payload(decode=True).decode(message.get_content_charset())
    assert "Hallo aus dem Worker – Grüße an Lünen." in body
