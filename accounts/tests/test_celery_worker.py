"""The Celery wiring, proven with a real worker process and the real Redis (not eager)."""

import pytest

from conftest import read_mail_file, wait_for_files
from outbox.models import OutboxMail
from outbox.services import send_templated_mail

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_outbox_mail_is_sent_by_a_real_worker_through_redis(real_worker, ki_staff):
    mail_dir, log_path = real_worker

    stored = send_templated_mail(  # autocommit: stored and handed to the worker at once
        to="sengul@example.org",
        template="password_reset",
        context={"user": ki_staff, "reset_path": "/konto/passwort-neu/abc/def/"},
        language="de",
    )

    files = wait_for_files(mail_dir)
    if not files:
        pytest.fail(f"worker delivered nothing; its log:\n{log_path.read_text()}")
    assert len(files) == 1
    message = read_mail_file(files[0])
    assert message["To"] == "sengul@example.org"
    assert "/konto/passwort-neu/abc/def/" in message.get_body(preferencelist=("plain",)).get_content()
    mail = OutboxMail.objects.get(pk=stored.pk)
    assert mail.status == OutboxMail.Status.SENT
    assert mail.text_body == ""  # the one-time link does not stay in the database
