"""Qualifications that expire: the expiry date, renewal, „abgelaufen“ on the pages, matching, reminder."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from outbox.models import OutboxMail
from volunteers import services
from volunteers.models import Qualification, VolunteerQualification, add_months, expiry_date
from volunteers.selfservice.export import export_own_data
from volunteers.tests.factories import make_volunteer

pytestmark = pytest.mark.django_db


@pytest.fixture
def first_aid(district):
    return Qualification.objects.create(
        district=district, name="Erste Hilfe", slug="erste-hilfe", validity_months=24
    )


@pytest.fixture
def basic(district):
    return Qualification.objects.create(district=district, name="Grundqualifizierung", slug="grund")


@pytest.mark.parametrize(
    ("earned_on", "months", "valid_until"),
    [
        (date(2026, 3, 15), 24, date(2028, 3, 14)),
        (date(2026, 1, 31), 1, date(2026, 2, 27)),  # 31 January + 1 month → 28 February, the day before
        (date(2027, 12, 1), 1, date(2027, 12, 31)),
        (date(2026, 11, 30), 3, date(2027, 2, 27)),
    ],
)
def test_expiry_date_is_the_day_before_the_same_day_months_later(district, earned_on, months, valid_until):
    qualification = Qualification(district=district, name="x", slug="x", validity_months=months)
    assert expiry_date(qualification, earned_on) == valid_until


def test_a_qualification_without_validity_never_expires(basic):
    assert expiry_date(basic, date(2026, 3, 15)) is None
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)


def test_granting_again_later_renews_and_earlier_changes_nothing(district, first_aid):
    volunteer = make_volunteer(district)
    held = services.grant_qualification(
        volunteer=volunteer, qualification=first_aid, earned_on=date(2024, 5, 1)
    )
    assert held.valid_until == date(2026, 4, 30)
    held.expiry_reminder_sent_at = timezone.now()
    held.save()

    services.grant_qualification(volunteer=volunteer, qualification=first_aid, earned_on=date(2023, 1, 1))
    held.refresh_from_db()
    assert (held.earned_on, held.valid_until) == (date(2024, 5, 1), date(2026, 4, 30))

    services.grant_qualification(volunteer=volunteer, qualification=first_aid, earned_on=date(2026, 4, 20))
    held.refresh_from_db()
    assert (held.earned_on, held.valid_until) == (date(2026, 4, 20), date(2028, 4, 19))
    assert held.expiry_reminder_sent_at is None  # the renewed one gets its own reminder
    assert VolunteerQualification.objects.count() == 1


def test_reminder_goes_out_once_within_the_window_with_name_and_date(district, first_aid, basic, settings):
    settings.VOLUNTEERS_QUALIFICATION_REMINDER_DAYS = 30
    today = date(2026, 12, 7)
    due = make_volunteer(district, email="faellig@example.org", full_name="Ayşe Demir")
    later = make_volunteer(district, email="spaeter@example.org")
    never = make_volunteer(district, email="nie@example.org")
    expired = make_volunteer(district, email="abgelaufen@example.org")
    held = VolunteerQualification.objects.create(
        volunteer=due,
        qualification=first_aid,
        earned_on=date(2025, 1, 1),
        valid_until=today + timedelta(days=30),
    )
    VolunteerQualification.objects.create(
        volunteer=later,
        qualification=first_aid,
        earned_on=date(2025, 1, 1),
        valid_until=today + timedelta(days=31),
    )
    VolunteerQualification.objects.create(volunteer=never, qualification=basic, earned_on=date(2020, 1, 1))
    VolunteerQualification.objects.create(
        volunteer=expired,
        qualification=first_aid,
        earned_on=date(2024, 1, 1),
        valid_until=today - timedelta(days=1),
    )

    assert services.send_qualification_expiry_reminders(today=today) == 1
    assert services.send_qualification_expiry_reminders(today=today) == 0
    assert services.send_qualification_expiry_reminders(today=today + timedelta(days=1)) == 1  # „later“ now

    mail = OutboxMail.objects.get(recipients=["faellig@example.org"])
    assert mail.subject == "Ihre Qualifikation „Erste Hilfe“ läuft bald ab"
    assert "noch bis zum 06.01.2027 gültig" in mail.text_body
    assert reverse("engagement:qualification_proofs") in mail.text_body
    held.refresh_from_db()
    assert held.expiry_reminder_sent_at is not None
    assert OutboxMail.objects.count() == 2


def test_no_reminder_to_a_deleted_account(district, first_aid):
    from volunteers.selfservice.deletion import delete_volunteer_account

    volunteer = make_volunteer(district)
    VolunteerQualification.objects.create(
        volunteer=volunteer,
        qualification=first_aid,
        earned_on=date(2025, 1, 1),
        valid_until=timezone.localdate(),
    )
    delete_volunteer_account(user=volunteer.user)
    assert services.send_qualification_expiry_reminders() == 0


def test_own_page_and_ki_search_mark_an_expired_qualification(client, district, first_aid, basic, ki_staff):
    volunteer = make_volunteer(district, full_name="Jonas Becker")
    today = timezone.localdate()
    VolunteerQualification.objects.create(
        volunteer=volunteer, qualification=first_aid, earned_on=today - timedelta(days=800),
        valid_until=today - timedelta(days=3),
    )  # fmt: skip
    VolunteerQualification.objects.create(volunteer=volunteer, qualification=basic, earned_on=today)
    expired_label = f"abgelaufen am {(today - timedelta(days=3)):%d.%m.%Y}"

    client.force_login(volunteer.user)
    page = client.get(reverse("volunteers:my_courses")).content.decode()
    assert expired_label in page
    assert page.count("abgelaufen am") == 1  # the one without validity is not marked
    proofs_page = client.get(reverse("engagement:qualification_proofs")).content.decode()
    assert expired_label in proofs_page

    client.force_login(ki_staff)
    search = client.get(
        reverse("volunteers:volunteer_search"), {"qualification": first_aid.slug}
    ).content.decode()
    assert "Jonas Becker" in search
    assert expired_label in search


def test_own_data_export_holds_the_expiry_of_each_qualification(district, first_aid):
    volunteer = make_volunteer(district)
    services.grant_qualification(volunteer=volunteer, qualification=first_aid, earned_on=date(2026, 3, 15))
    [exported] = export_own_data(user=volunteer.user)["volunteer"]["qualifications"]
    assert exported["earned_on"] == "2026-03-15"
    assert exported["valid_until"] == "2028-03-14"
    assert exported["source"] == "course"
    assert exported["expiry_reminder_sent_at"] is None


def test_completing_a_course_grants_its_qualification_with_the_expiry(
    district, unna, luenen, trainer, first_aid
):
    from volunteers.tests.attendance_helpers import record, register, sessions_in_past
    from volunteers.tests.factories import make_course

    course = make_course(district, sessions=2, min_attendance_percent=50, trainers=[trainer])
    course.qualification = first_aid
    course.save(update_fields=["qualification"])
    present, absent = (
        make_volunteer(district, email="da@example.org"),
        make_volunteer(district, email="weg@example.org"),
    )
    registrations = register(course, [present, absent])
    for session in sessions_in_past(course):
        record(trainer, session, {registrations[0]: True, registrations[1]: False})

    services.complete_course(by=trainer, course=course)

    held = VolunteerQualification.objects.get()
    today = timezone.localdate()
    assert (held.volunteer, held.course, held.source) == (present, course, "course")
    assert (held.earned_on, held.valid_until) == (today, expiry_date(first_aid, today))
    assert held.valid_until == add_months(today, 24) - timedelta(days=1)
