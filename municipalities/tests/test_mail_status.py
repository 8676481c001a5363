"""„E-Mail-Versand“: KI staff see and retry the outbox of their own district only."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from outbox.models import OutboxMail

pytestmark = pytest.mark.django_db

Status = OutboxMail.Status
URL = reverse("municipalities:mail_status")


def outbox_mail(*, subject, district_id, status=Status.QUEUED, **fields) -> OutboxMail:
    return OutboxMail.objects.create(
        idempotency_key=f"test:{subject}",
        recipients=[fields.pop("to", "person@example.org")],
        subject=subject,
        text_body="Geheimer Link: /einladung/abc/",
        status=status,
        district_id=district_id,
        **fields,
    )


def test_staff_see_waiting_and_failed_mails_of_their_district_only(client, ki_staff, district, soest):
    outbox_mail(subject="Einladung Lünen", district_id=district.pk, to="olga@example.org")
    outbox_mail(
        subject="Anmeldung bestätigt: Flucht und Trauma",
        district_id=district.pk,
        status=Status.FAILED,
        attempts=8,
        last_error="SMTPRecipientsRefused: 550 mailbox unavailable",
        to="sengul@example.org",
    )
    outbox_mail(subject="Schon gesendet", district_id=district.pk, status=Status.SENT)
    outbox_mail(subject="Einladung Soest", district_id=soest.pk, status=Status.FAILED)
    outbox_mail(subject="Passwort zurücksetzen", district_id=None)
    client.force_login(ki_staff)

    response = client.get(URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Einladung Lünen" in page and "olga@example.org" in page
    assert "Anmeldung bestätigt: Flucht und Trauma" in page
    assert "550 mailbox unavailable" in page
    assert "Erneut versuchen" in page
    assert "Einladung Soest" not in page
    assert "Passwort zurücksetzen" not in page
    assert "Schon gesendet" not in page  # counted, not listed
    assert "/einladung/abc/" not in page  # bodies are never shown
    assert dict((str(label), count) for label, count in response.context["counts"]) == {
        "Wartet auf Versand": 1,
        "Wird gesendet": 0,
        "Gesendet": 1,
        "Fehlgeschlagen": 1,
    }


def test_superuser_also_sees_mails_without_district(client, district):
    admin = User.objects.create_superuser(
        email="admin@example.org", password="x-geheim-2026", full_name="Admin"
    )
    outbox_mail(subject="Passwort zurücksetzen", district_id=None)
    client.force_login(admin)

    assert "Passwort zurücksetzen" in client.get(URL).content.decode()


def test_page_needs_a_constant_number_of_queries(client, ki_staff, district, django_assert_max_num_queries):
    for number in range(30):
        outbox_mail(
            subject=f"Mail {number}",
            district_id=district.pk,
            status=[Status.QUEUED, Status.FAILED][number % 2],
        )
    client.force_login(ki_staff)

    with django_assert_max_num_queries(12):
        response = client.get(URL)
    assert len(response.context["failed"]) == len(response.context["waiting"]) == 15


def test_retry_sends_a_failed_mail_again(client, ki_staff, district, django_capture_on_commit_callbacks):
    failed = outbox_mail(subject="Einladung Bönen", district_id=district.pk, status=Status.FAILED, attempts=8)
    client.force_login(ki_staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("municipalities:mail_retry", kwargs={"pk": failed.pk}))

    assert response.status_code == 302
    assert response["Location"] == URL
    failed.refresh_from_db()
    assert failed.status == Status.SENT
    assert [message.subject for message in mail.outbox] == ["Einladung Bönen"]


def test_retry_of_a_mail_that_did_not_fail_changes_nothing(client, ki_staff, district):
    waiting = outbox_mail(subject="Wartet", district_id=district.pk, attempts=2)
    client.force_login(ki_staff)

    response = client.post(reverse("municipalities:mail_retry", kwargs={"pk": waiting.pk}), follow=True)

    assert "nicht fehlgeschlagen" in response.content.decode()
    waiting.refresh_from_db()
    assert (waiting.status, waiting.attempts) == (Status.QUEUED, 2)


def test_dashboard_links_the_status_page(client, ki_staff):
    client.force_login(ki_staff)
    assert URL in client.get(reverse("dashboard")).content.decode()
