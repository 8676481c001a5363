"""Course mails go through the real Celery worker and Redis: recipient, text and attachment."""

import pytest

from conftest import read_mail_file, read_mail_messages, wait_for_files, wait_for_mail
from volunteers import services
from volunteers.tests.factories import make_course, make_volunteer

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_registration_confirmation_is_delivered_by_the_worker(district, real_worker):
    mail_dir, log_path = real_worker
    volunteer = make_volunteer(district, email="oelfa@example.org", full_name="Ölfa Şahin")
    course = make_course(district, title="Interkulturelle Kompetenz", sessions=2)

    services.register_for_course(volunteer=volunteer, course=course)  # commits; the mail is queued

    files = wait_for_files(mail_dir)
    assert files, f"worker delivered nothing; its log:\n{log_path.read_text()}"
    message = read_mail_file(files[0])
    assert message["To"] == "oelfa@example.org"
    assert message["Subject"] == "Anmeldung bestätigt: Interkulturelle Kompetenz"
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "Guten Tag Ölfa Şahin" in text
    assert "Sie sind verbindlich angemeldet" in text
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Interkulturelle Kompetenz" in html
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "kurs.ics"
    assert attachment.get_content().count("BEGIN:VEVENT") == 2


def test_freed_seat_offer_is_delivered_by_the_worker(district, real_worker):
    mail_dir, log_path = real_worker
    first = make_volunteer(district, email="erste@example.org", full_name="Erste Person")
    second = make_volunteer(district, email="zweite@example.org", full_name="Nguyễn Thị Lan")
    course = make_course(district, title="Flucht und Trauma", capacity=1)
    registration = services.register_for_course(volunteer=first, course=course)
    services.register_for_course(volunteer=second, course=course)

    services.cancel_registration(by=first.user, registration=registration)

    offer = wait_for_mail(mail_dir, lambda m: m["Subject"].startswith("Ein Platz ist frei geworden"))
    assert offer is not None, f"no offer mail; worker log:\n{log_path.read_text()}"
    assert offer["To"] == "zweite@example.org"
    assert "48 Stunden" in offer.get_body(preferencelist=("plain",)).get_content()


def test_qualification_expiry_reminder_is_delivered_once_by_the_worker(district, real_worker):
    from datetime import timedelta

    from django.utils import timezone

    from outbox.tasks import send_pending_mail
    from volunteers import tasks
    from volunteers.models import Qualification, VolunteerQualification

    mail_dir, log_path = real_worker
    first_aid = Qualification.objects.create(
        district=district, name="Erste Hilfe am Kind", slug="erste-hilfe", validity_months=24
    )
    volunteer = make_volunteer(district, email="hafsa@example.org", full_name="Hafsa Yılmaz")
    valid_until = timezone.localdate() + timedelta(days=10)
    VolunteerQualification.objects.create(
        volunteer=volunteer, qualification=first_aid, earned_on=valid_until, valid_until=valid_until
    )

    # The beat tasks, run by the worker in order: the reminder, then the outbox (a mail stored by a
    # task in the worker is handed to the default queue, which this test's worker does not read).
    tasks.send_qualification_expiry_reminders.delay()
    send_pending_mail.delay()
    reminder = wait_for_mail(mail_dir, lambda m: m["To"] == "hafsa@example.org")
    assert reminder is not None, f"no reminder; worker log:\n{log_path.read_text()}"
    # A long non-ASCII subject is folded onto the next line; the parser keeps the fold's space.
    assert reminder["Subject"].strip() == "Ihre Qualifikation „Erste Hilfe am Kind“ läuft bald ab"
    text = reminder.get_body(preferencelist=("plain",)).get_content()
    assert f"noch bis zum {valid_until:%d.%m.%Y} gültig" in text
    assert "/ehrenamt/qualifikationen/" in text

    # Run again, then once more after a second person's qualification became due: the worker runs
    # the tasks in order, so when the second person's mail is there, the repeat has run as well.
    tasks.send_qualification_expiry_reminders.delay()
    other = make_volunteer(district, email="jonas@example.org", full_name="Jonas Becker")
    VolunteerQualification.objects.create(
        volunteer=other, qualification=first_aid, earned_on=valid_until, valid_until=valid_until
    )
    tasks.send_qualification_expiry_reminders.delay()
    send_pending_mail.delay()
    assert wait_for_mail(mail_dir, lambda m: m["To"] == "jonas@example.org") is not None, log_path.read_text()
    # Every message of every file: the file backend names a file by the second and the connection
    # object's id, so two sends within one second may share a file (a new connection object can take
    # the freed one's memory); each message still counts once.
    recipients = [message["To"] for path in wait_for_files(mail_dir) for message in read_mail_messages(path)]
    assert sorted(recipients) == ["hafsa@example.org", "jonas@example.org"]  # Hafsa's only once
