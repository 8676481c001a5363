"""Course titles and the course calendar: one line, escaped, and never able to undo a registration."""

from __future__ import annotations

import logging

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
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
