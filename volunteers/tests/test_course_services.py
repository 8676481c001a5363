"""The course services on their own: ``save_course`` (course and sessions under the course's lock)
and ``record_attendances`` (one session's list, all rows or none)."""

from __future__ import annotations

from datetime import timedelta
from itertools import count

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from municipalities.models import DistrictRole
from municipalities.permissions import districts_administered_by
from municipalities.tests.factories import DistrictFactory, make_district_role
from volunteers import services
from volunteers.course_forms import CourseForm, CourseSessionFormSet
from volunteers.models import Attendance, Course, Registration
from volunteers.tests.factories import make_course, make_volunteer

S = Course.Status
R = Registration.Status


def validated_forms(by, course: Course | None = None, **changes) -> tuple[CourseForm, CourseSessionFormSet]:
    """The course form and its session formset as the page sends them, validated; ``changes`` overrides fields."""
    instance = course or Course()
    first = timezone.localtime(timezone.now() + timedelta(days=30))
    data = {
        "title": course.title if course else "Interkulturelle Kompetenz im Ehrenamt",
        "topic": course.topic if course else "Interkulturelle Kompetenz",
        "capacity": str(course.capacity) if course else "12",
        "registration_closes": (first - timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
        "teaching_units": "6",
        "min_attendance_percent": "80",
        "status": course.status if course else S.DRAFT,
        "sessions-INITIAL_FORMS": "0",
        "sessions-TOTAL_FORMS": "1",
        "sessions-MIN_NUM_FORMS": "1",
        "sessions-MAX_NUM_FORMS": "1000",
        "sessions-0-day": first.date().isoformat(),
        "sessions-0-start_time": "18:00",
        "sessions-0-end_time": "21:00",
    }
    existing = list(course.sessions.order_by("start")) if course else []
    if existing:
        data["sessions-INITIAL_FORMS"] = data["sessions-TOTAL_FORMS"] = str(len(existing))
        for index, session in enumerate(existing):
            start, end = timezone.localtime(session.start), timezone.localtime(session.end)
            data[f"sessions-{index}-id"] = str(session.pk)
            data[f"sessions-{index}-day"] = start.date().isoformat()
            data[f"sessions-{index}-start_time"] = start.strftime("%H:%M")
            data[f"sessions-{index}-end_time"] = end.strftime("%H:%M")
    data.update(changes)
    form = CourseForm(data, instance=instance, districts=districts_administered_by(by))
    formset = CourseSessionFormSet(data, instance=form.instance, prefix="sessions")
    assert form.is_valid(), form.errors
    assert formset.is_valid(), formset.errors
    return form, formset


PEOPLE = count()


def fill(course: Course, people: int) -> list[Registration]:
    """``people`` new volunteers register, in order (seats first, then the waiting list)."""
    return [
        services.register_for_course(
            volunteer=make_volunteer(course.district, email=f"person{next(PEOPLE)}@example.org"),
            course=course,
        )
        for _ in range(people)
    ]


# --- save_course --------------------------------------------------------------------------


def test_save_course_creates_a_draft_with_its_sessions(district, ki_staff):
    form, formset = validated_forms(ki_staff)

    saved = services.save_course(by=ki_staff, course_form=form, sessions=formset)

    assert saved.created and saved.offered == 0 and saved.called_off is None
    course = Course.objects.get(pk=saved.course.pk)
    assert (course.district, course.status, course.sessions.count()) == (district, S.DRAFT, 1)


def test_save_course_refuses_seats_taken_since_the_form_was_checked(district, ki_staff):
    course = make_course(district, capacity=5)
    fill(course, 1)
    form, formset = validated_forms(ki_staff, course, capacity="2")  # valid: one seat taken
    fill(course, 2)  # meanwhile two more people take a seat

    with pytest.raises(ValidationError) as caught:
        services.save_course(by=ki_staff, course_form=form, sessions=formset)

    assert "Inzwischen sind 3 Plätze vergeben" in caught.value.message_dict["capacity"][0]
    course.refresh_from_db()
    assert course.capacity == 5


def test_save_course_offers_the_seats_of_a_raised_capacity(district, ki_staff):
    course = make_course(district, capacity=1)
    registrations = fill(course, 4)
    form, formset = validated_forms(ki_staff, course, capacity="3")
    mail.outbox.clear()

    saved = services.save_course(by=ki_staff, course_form=form, sessions=formset)

    assert not saved.created and saved.offered == 2
    statuses = [Registration.objects.get(pk=r.pk).status for r in registrations]
    assert statuses == [R.REGISTERED, R.OFFERED, R.OFFERED, R.WAITLISTED]


def test_save_course_hands_a_cancellation_to_cancel_course(district, ki_staff):
    course = make_course(district, capacity=2)
    registrations = fill(course, 3)
    form, formset = validated_forms(ki_staff, course, status=S.CANCELLED)

    saved = services.save_course(by=ki_staff, course_form=form, sessions=formset)

    assert saved.called_off == 3
    course.refresh_from_db()
    assert course.status == S.CANCELLED
    assert {Registration.objects.get(pk=r.pk).status for r in registrations} == {R.CANCELLED}


def test_save_course_refuses_a_status_the_course_can_no_longer_take(district, ki_staff):
    course = make_course(district)
    form, formset = validated_forms(ki_staff, course, status=S.PUBLISHED)
    Course.objects.filter(pk=course.pk).update(status=S.COMPLETED)  # completed meanwhile

    with pytest.raises(ValidationError) as caught:
        services.save_course(by=ki_staff, course_form=form, sessions=formset)

    assert "status" in caught.value.message_dict
    assert Course.objects.get(pk=course.pk).status == S.COMPLETED


def test_save_course_refuses_staff_of_another_district(district, ki_staff):
    course = make_course(district)
    form, formset = validated_forms(ki_staff, course, title="Gekapert")
    stranger = make_district_role(
        DistrictFactory(name="Kreis Soest", ags_prefix="05974"), DistrictRole.Role.KI_STAFF
    )

    with pytest.raises(PermissionDenied):
        services.save_course(by=stranger, course_form=form, sessions=formset)

    assert Course.objects.get(pk=course.pk).title == "Grundlagen Asyl- und Aufenthaltsrecht"


# --- record_attendances -------------------------------------------------------------------


@pytest.fixture
def running(district, trainer):
    """A course with two participants and one on the waiting list; its first session has begun."""
    course = make_course(district, capacity=2, trainers=[trainer])
    registrations = fill(course, 3)
    session = course.sessions.order_by("start").first()
    session.start = timezone.now() - timedelta(hours=1)
    session.save(update_fields=["start"])
    return course, session, registrations


def test_record_attendances_records_every_row(running, trainer):
    _course, session, (first, second, _waiting) = running

    recorded = services.record_attendances(
        by=trainer, session=session, answers=[(first, True), (second, False)]
    )

    assert recorded == 2
    assert dict(Attendance.objects.filter(session=session).values_list("registration_id", "present")) == {
        first.pk: True,
        second.pk: False,
    }


def test_record_attendances_saves_nothing_when_one_row_is_refused(running, trainer):
    _course, session, (first, _second, waiting) = running
    assert waiting.status == R.WAITLISTED

    with pytest.raises(services.RegistrationError):
        services.record_attendances(by=trainer, session=session, answers=[(first, True), (waiting, True)])

    assert not Attendance.objects.filter(session=session).exists()


def test_record_attendances_refuses_a_trainer_of_another_course(running, district):
    _course, session, (first, _second, _waiting) = running
    other_trainer = make_district_role(district, DistrictRole.Role.TRAINER, email="andere@example.org")
    make_course(district, title="Anderer Kurs", trainers=[other_trainer])

    with pytest.raises(PermissionDenied):
        services.record_attendances(by=other_trainer, session=session, answers=[(first, True)])

    assert not Attendance.objects.exists()


# --- the workflow tables ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "choices"),
    [
        (S.DRAFT, {S.DRAFT, S.PUBLISHED, S.CANCELLED}),
        (S.PUBLISHED, {S.PUBLISHED, S.CANCELLED}),
        (S.CANCELLED, {S.CANCELLED}),
        (S.COMPLETED, {S.COMPLETED}),  # „abgeschlossen“ only through complete_course
    ],
)
def test_the_course_form_offers_the_steps_of_the_table(district, status, choices):
    from volunteers.workflow import course_status_choices

    assert set(course_status_choices(make_course(district, status=status))) == choices


def test_registration_actions_depend_on_status_and_person(district, ki_staff, volunteer):
    from volunteers.workflow import REGISTRATION

    course = make_course(district, capacity=1)
    stranger = fill(course, 1)[0]
    mine = services.register_for_course(volunteer=volunteer.volunteer, course=course)  # waiting list

    assert REGISTRATION.allowed_actions(mine, volunteer) == {"cancel"}
    assert REGISTRATION.allowed_actions(mine, ki_staff) == {"cancel"}
    assert REGISTRATION.allowed_actions(stranger, volunteer) == set()
    mine.status = R.OFFERED
    assert REGISTRATION.allowed_actions(mine, volunteer) == {"cancel", "accept_offer", "decline_offer"}
    assert REGISTRATION.allowed_actions(mine, ki_staff) == {"cancel"}
