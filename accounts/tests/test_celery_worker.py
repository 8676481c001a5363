"""The Celery wiring, proven with a real worker process and the real Redis (not eager)."""

import email

import pytest

from accounts.tasks import deliver_mail
from conftest import wait_for_files

pytestmark = pytest.mark.worker


def test_task_runs_on_real_worker_through_redis(real_worker):
    mail_dir, log_path = real_worker
    result = deliver_mail.apply_async(
        kwargs={
            "to": ["sengul@example.org"],
            "subject": "Prüfung der Celery-Anbindung",
            "text": "Hallo aus dem Worker – Grüße an Lünen.",
        },
    )
    assert result.id

    files = wait_for_files(mail_dir)
    if not files:
        pytest.fail(f"worker delivered nothing; its log:\n{log_path.read_text()}")
    assert len(files) == 1
    message = email.message_from_bytes(files[0].read_bytes().split(b"\n" + b"-" * 79)[0])
    assert str(email.header.make_header(email.header.decode_header(message["Subject"]))) == (
        "Prüfung der Celery-Anbindung"
    )
    body = message.get_payload(decode=True).decode(message.get_content_charset())
    assert "Hallo aus dem Worker – Grüße an Lünen." in body
