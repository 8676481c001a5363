"""Course titles and the course calendar: one line, escaped, and never able to undo a registration."""

from __future__ import annotations

import logging
import zoneinfo
from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from municipalities.tests.ical_checks import assert_valid_calendar, raw_titles, storable_characters
from municipalities.text import single_line
from volunteers import ics, services
from volunteers.course_forms import CourseForm
from volunteers.models import Course, Registration
from volunteers.tests.factories import make_course, make_volunteer

example_number = iter(range(10**6))


@settings(max_examples=40)  # a course, a volunteer and a mail per example
@given(title=raw_titles, topics=st.text(storable_characters, max_size=40))
def test_registration_with_any_stored_course_title_is_saved_and_its_mail_has_a_valid_calendar(
    district, django_capture_on_commit_callbacks, title, topics
):
    number = next(example_number)
    course = make_course(district, sessions=2)
    # As a row from before the rule (or written by code that skipped validation) would have it.
    Course.objects.filter(pk=course.pk).update(title=title)
    course.sessions.update(topics=topics)
    course.refresh_from_db()
    volunteer = make_volunteer(district, email=f"ics-{number}@example.org")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        registration = services.register_for_course(volunteer=volunteer, course=course)

    assert Registration.objects.filter(pk=registration.pk, status=Registration.Status.REGISTERED).exists()
    [message] = mail.outbox
    [(name, content, mimetype)] = message.attachments
    assert (name, mimetype) == ("kurs.ics", "text/calendar")
    calendar = assert_valid_calendar(content.encode())
    assert {str(vevent["SUMMARY"]) for vevent in calendar.walk("VEVENT")} == {single_line(title)}
    # The same file as course_ics() builds directly.
    assert_valid_calendar(ics.course_ics(course).encode())


def test_a_failing_calendar_attachment_never_rolls_back_the_registration(
    district, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    course = make_course(district)
    volunteer = make_volunteer(district, email="ohne-anhang@example.org")

    def broken_calendar(course):
        raise ValueError("cannot build the calendar")

    monkeypatch.setattr(ics, "course_ics", broken_calendar)
    with django_capture_on_commit_callbacks(execute=True):
        registration = services.register_for_course(volunteer=volunteer, course=course)

    assert Registration.objects.filter(pk=registration.pk).exists()
    [message] = mail.outbox
    assert message.subject.startswith("Anmeldung bestätigt")
    assert message.attachments == []
    warnings = [record for record in caplog.records if record.name == "volunteers.services"]
    assert [record.levelno for record in warnings] == [logging.WARNING]


def test_course_form_normalises_the_title_and_the_model_refuses_line_breaks(district):
    assert CourseForm.base_fields["title"].clean(" Deutsch\r\nvermitteln\t ") == "Deutsch vermitteln"
    course = make_course(district)
    course.title = "Deutsch\nvermitteln"
    with pytest.raises(ValidationError) as error:
        course.full_clean()
    assert "title" in error.value.message_dict


def test_course_calendar_carries_a_time_zone_for_its_own_years_with_the_right_offsets(district):
    # One session in winter and one in summer, a year and a half from now: the VTIMEZONE must give
    # a client without its own time zone database both offsets, and cover no more than those years
    # (icalendar's default, 1970–2038, made every confirmation mail about 3 KB larger).
    year = timezone.localdate().year + 1
    course = make_course(district, sessions=0)
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    for month in (1, 7):
        start = datetime(year, month, 15, 18, 0, tzinfo=berlin)
        course.sessions.create(start=start, end=start + timedelta(hours=2))

    calendar = assert_valid_calendar(ics.course_ics(course).encode())

    [vtimezone] = calendar.walk("VTIMEZONE")
    assert str(vtimezone["TZID"]) == "Europe/Berlin"
    covered = sorted(
        part["DTSTART"].dt.year for part in vtimezone.walk() if part.name in ("STANDARD", "DAYLIGHT")
    )
    assert covered[0] == timezone.localdate().year and covered[-1] <= year + 1
    winter, summer = sorted(calendar.walk("VEVENT"), key=lambda vevent: vevent["DTSTART"].dt)
    assert winter["DTSTART"].params["TZID"] == "Europe/Berlin"
    # Resolved with the file's own VTIMEZONE (what a client does), not with Python's database.
    offsets = {
        part.name: part["TZOFFSETTO"].td for part in vtimezone.walk() if part.name in ("STANDARD", "DAYLIGHT")
    }
    assert offsets == {"STANDARD": timedelta(hours=1), "DAYLIGHT": timedelta(hours=2)}
    assert winter["DTSTART"].dt.replace(tzinfo=None) == datetime(year, 1, 15, 18, 0)
    assert summer["DTSTART"].dt.replace(tzinfo=None) == datetime(year, 7, 15, 18, 0)
