"""The rules of seats, waiting list and offers, exercised on the real database."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone

from volunteers import services
from volunteers.models import Course, Registration, VolunteerQualification
from volunteers.tests.factories import make_course, make_volunteer

R = Registration.Status


@pytest.fixture
def people(district):
    return [
        make_volunteer(district, full_name=f"Teilnehmerin {i}", email=f"tn{i}@example.org") for i in range(6)
    ]


def statuses(course):
    return list(course.registrations.order_by("pk").values_list("status", "waitlist_position"))


def test_seats_then_waiting_list_in_order(district, people):
    course = make_course(district, capacity=2)
    for volunteer in people[:5]:
        services.register_for_course(volunteer=volunteer, course=course)
    assert statuses(course) == [
        (R.REGISTERED, None), (R.REGISTERED, None), (R.WAITLISTED, 1), (R.WAITLISTED, 2), (R.WAITLISTED, 3),
    ]  # fmt: skip


def test_registering_twice_is_refused(district, people):
    course = make_course(district)
    services.register_for_course(volunteer=people[0], course=course)
    with pytest.raises(services.RegistrationError, match="bereits angemeldet"):
        services.register_for_course(volunteer=people[0], course=course)
    assert course.registrations.count() == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"registration_closes": timezone.now() - timedelta(minutes=1)}, "Anmeldeschluss"),
        ({"status": Course.Status.CANCELLED}, "keine Anmeldung"),
        ({"status": Course.Status.DRAFT}, "keine Anmeldung"),
        ({"registration_opens": timezone.now() + timedelta(days=1)}, "Die Anmeldung beginnt"),
    ],
)
def test_registration_window_and_status_are_enforced(district, people, change, message):
    course = make_course(district)
    Course.objects.filter(pk=course.pk).update(**change)
    with pytest.raises(services.RegistrationError, match=message):
        services.register_for_course(volunteer=people[0], course=course)
    assert not course.registrations.exists()


def test_cancel_offers_the_seat_to_the_first_waiting_person(
    district, people, django_capture_on_commit_callbacks
):
    course = make_course(district, capacity=1, title="Flucht und Trauma")
    first = services.register_for_course(volunteer=people[0], course=course)
    second = services.register_for_course(volunteer=people[1], course=course)
    third = services.register_for_course(volunteer=people[2], course=course)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(by=people[0].user, registration=first)
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == R.OFFERED
    assert second.offer_expires_at - timezone.now() > timedelta(hours=47)
    assert third.status == R.WAITLISTED and third.waitlist_position == 2
    offer_mail = next(m for m in mail.outbox if m.to == [people[1].user.email])
    assert offer_mail.subject == "Ein Platz ist frei geworden: Flucht und Trauma"
    assert "Platz annehmen" in offer_mail.body and "48 Stunden" in offer_mail.body

    # A new registration while an offer is open goes to the waiting list, not to the seat.
    late = services.register_for_course(volunteer=people[3], course=course)
    assert late.status == R.WAITLISTED and late.waitlist_position == 3

    services.accept_offer(by=people[1].user, registration=second)
    second.refresh_from_db()
    assert second.status == R.REGISTERED
    assert course.registrations.filter(status__in=Registration.SEAT_STATUSES).count() == 1


def test_declined_offer_moves_on(district, people):
    course = make_course(district, capacity=1)
    first = services.register_for_course(volunteer=people[0], course=course)
    second = services.register_for_course(volunteer=people[1], course=course)
    third = services.register_for_course(volunteer=people[2], course=course)
    services.cancel_registration(by=people[0].user, registration=first)
    second.refresh_from_db()
    services.decline_offer(by=people[1].user, registration=second)
    third.refresh_from_db()
    assert (second.__class__.objects.get(pk=second.pk).status, third.status) == (R.CANCELLED, R.OFFERED)


def test_expired_offer_moves_on_and_cannot_be_accepted(district, people):
    course = make_course(district, capacity=1)
    first = services.register_for_course(volunteer=people[0], course=course)
    second = services.register_for_course(volunteer=people[1], course=course)
    third = services.register_for_course(volunteer=people[2], course=course)
    services.cancel_registration(by=people[0].user, registration=first)
    Registration.objects.filter(pk=second.pk).update(offer_expires_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(services.RegistrationError, match="abgelaufen"):
        services.accept_offer(by=people[1].user, registration=second)
    assert services.expire_offers() == 1
    second.refresh_from_db()
    third.refresh_from_db()
    assert (second.status, third.status) == (R.CANCELLED, R.OFFERED)
    assert services.expire_offers() == 0  # running the task again changes nothing


def test_someone_elses_offer_cannot_be_accepted(district, people):
    course = make_course(district, capacity=1)
    first = services.register_for_course(volunteer=people[0], course=course)
    second = services.register_for_course(volunteer=people[1], course=course)
    services.cancel_registration(by=people[0].user, registration=first)
    second.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.accept_offer(by=people[2].user, registration=second)
    second.refresh_from_db()
    assert second.status == R.OFFERED


def test_closed_registration_ends_the_waiting_list(district, people, django_capture_on_commit_callbacks):
    course = make_course(district, capacity=1)
    services.register_for_course(volunteer=people[0], course=course)
    waiting = services.register_for_course(volunteer=people[1], course=course)
    Course.objects.filter(pk=course.pk).update(registration_closes=timezone.now() - timedelta(minutes=1))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.expire_offers()
    waiting.refresh_from_db()
    assert waiting.status == R.CANCELLED
    assert mail.outbox[0].subject.startswith("Warteliste geschlossen")
    assert "Anmeldeschluss" in mail.outbox[0].body


def test_reminder_is_sent_once_even_when_the_task_runs_twice(
    district, people, django_capture_on_commit_callbacks
):
    course = make_course(district, starts_in=timedelta(days=1, hours=12), title="Konfliktlösung im Ehrenamt")
    services.register_for_course(volunteer=people[0], course=course)
    services.register_for_course(volunteer=people[1], course=course)
    later = make_course(district, starts_in=timedelta(days=10))
    services.register_for_course(volunteer=people[2], course=later)
    mail.outbox.clear()
    # The beat task runs a day before the first session (the factory puts sessions at 18:00, so
    # "now" must not be the wall clock: between 12 and 18 UTC the course would be 2½ days away).
    run_at = course.sessions.order_by("start").first().start - timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_reminders(now=run_at) == 2
        assert services.send_reminders(now=run_at) == 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted([people[0].user.email, people[1].user.email])
    reminder = mail.outbox[0]
    assert reminder.subject == "Erinnerung: Konfliktlösung im Ehrenamt beginnt bald"
    assert reminder.attachments[0][0] == "kurs.ics"
    assert "BEGIN:VEVENT" in reminder.attachments[0][1]


def test_confirmation_mail_has_text_part_and_ics(district, people, django_capture_on_commit_callbacks):
    course = make_course(district, title="Deutsch vermitteln als Ehrenamtliche", sessions=3)
    with django_capture_on_commit_callbacks(execute=True):
        services.register_for_course(volunteer=people[0], course=course)
    message = mail.outbox[0]
    assert message.subject == "Anmeldung bestätigt: Deutsch vermitteln als Ehrenamtliche"
    assert "Sie sind verbindlich angemeldet" in message.body
    assert message.alternatives[0][1] == "text/html"
    name, content, mimetype = message.attachments[0]
    assert (name, mimetype) == ("kurs.ics", "text/calendar")
    assert content.count("BEGIN:VEVENT") == 3


def test_attendance_threshold_decides_certificate_and_qualification(district, people, trainer):
    from volunteers.models import Qualification

    qualification = Qualification.objects.create(district=district, name="Grundqualifizierung", slug="grund")
    course = make_course(district, sessions=4, capacity=3, trainers=[trainer], qualification=qualification)
    course.min_attendance_percent = 75
    course.save()
    regs = [services.register_for_course(volunteer=v, course=course) for v in people[:2]]
    past = timezone.now() - timedelta(days=30)
    for number, session in enumerate(course.sessions.order_by("start")):
        session.start = past + timedelta(days=number)
        session.end = session.start + timedelta(hours=3)
        session.save()
    sessions = list(course.sessions.order_by("start"))
    for number, session in enumerate(sessions):
        services.record_attendance(
            by=trainer, session=session, registration=regs[0], present=number != 3
        )  # 3 of 4
        services.record_attendance(
            by=trainer, session=session, registration=regs[1], present=number < 2
        )  # 2 of 4
    assert services.complete_course(by=trainer, course=course) == {"attended": 1, "no_show": 1}
    regs[0].refresh_from_db()
    regs[1].refresh_from_db()
    assert regs[0].status == R.ATTENDED and len(regs[0].certificate_code) == 10
    assert regs[1].status == R.NO_SHOW and regs[1].certificate_code == ""
    assert list(VolunteerQualification.objects.values_list("volunteer", flat=True)) == [people[0].pk]


def test_attendance_for_a_future_session_is_refused(district, people, trainer):
    course = make_course(district, trainers=[trainer])
    registration = services.register_for_course(volunteer=people[0], course=course)
    with pytest.raises(services.RegistrationError, match="ab Beginn"):
        services.record_attendance(
            by=trainer, session=course.sessions.first(), registration=registration, present=True
        )
    assert not registration.attendances.exists()


def test_other_trainer_cannot_record_attendance(district, people, trainer):
    from municipalities.models import DistrictRole
    from municipalities.tests.factories import make_district_role

    course = make_course(district, trainers=[trainer], starts_in=timedelta(days=-1))
    other = make_district_role(district, DistrictRole.Role.TRAINER)
    Course.objects.filter(pk=course.pk).update(registration_closes=timezone.now() + timedelta(days=1))
    registration = Registration.objects.create(course=course, volunteer=people[0], status=R.REGISTERED)
    with pytest.raises(PermissionDenied):
        services.record_attendance(
            by=other, session=course.sessions.first(), registration=registration, present=True
        )


@pytest.mark.django_db(transaction=True)
def test_simultaneous_registrations_never_exceed_capacity(district):
    """40 people press „anmelden“ at the same moment for 10 seats: real parallel connections."""
    course = make_course(district, capacity=10)
    volunteers = [make_volunteer(district, email=f"parallel{i}@example.org") for i in range(40)]
    barrier = threading.Barrier(len(volunteers))
    errors = []

    def register(volunteer):
        try:
            barrier.wait(timeout=30)
            services.register_for_course(volunteer=volunteer, course=course)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(volunteers)) as pool:
        list(pool.map(register, volunteers))

    assert errors == []
    counts = {
        status: course.registrations.filter(status=status).count() for status in (R.REGISTERED, R.WAITLISTED)
    }
    assert counts == {R.REGISTERED: 10, R.WAITLISTED: 30}
    positions = sorted(
        course.registrations.filter(status=R.WAITLISTED).values_list("waitlist_position", flat=True)
    )
    assert positions == list(range(1, 31))
    # The waiting list is in the order people got the lock: by position = by time of creation.
    by_time = list(
        course.registrations.filter(status=R.WAITLISTED)
        .order_by("created_at", "pk")
        .values_list("waitlist_position", flat=True)
    )
    assert by_time == list(range(1, 31))


def test_cancelling_a_course_ends_all_registrations_and_tells_everyone(
    district, people, ki_staff, django_capture_on_commit_callbacks
):
    course = make_course(district, capacity=1, title="Begleitung zu Behörden")
    services.register_for_course(volunteer=people[0], course=course)
    services.register_for_course(volunteer=people[1], course=course)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.cancel_course(by=ki_staff, course=course, reason="Referentin erkrankt") == 2
    course.refresh_from_db()
    assert course.status == Course.Status.CANCELLED
    assert set(course.registrations.values_list("status", flat=True)) == {R.CANCELLED}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([people[0].user.email, people[1].user.email])
    assert mail.outbox[0].subject == "Kurs abgesagt: Begleitung zu Behörden"
    assert "Referentin erkrankt" in mail.outbox[0].body


def test_only_ki_staff_cancel_courses(district, people, trainer):
    course = make_course(district, trainers=[trainer])
    with pytest.raises(PermissionDenied):
        services.cancel_course(by=trainer, course=course)


def test_catalogue_hides_courses_that_have_begun_even_before_their_deadline(district):
    from volunteers.selectors import catalogue_base

    running = make_course(district, title="Läuft schon", starts_in=timedelta(days=-1))
    Course.objects.filter(pk=running.pk).update(registration_closes=timezone.now() + timedelta(days=5))
    upcoming = make_course(district, title="Kommt noch")
    assert list(catalogue_base(district=district)) == [upcoming]
