"""The registration confirmation is rendered before the course lock and completed under it.

The stored mail must be exactly the one the templates give for the registration as committed:
seat or waiting list, the real position (in the person's language), the calendar file.
"""

from __future__ import annotations

import pytest

from outbox.models import OutboxMail
from outbox.services import render_mail
from volunteers import registration_notice, services
from volunteers.models import Registration
from volunteers.tests.factories import make_course, make_volunteer

R = Registration.Status


@pytest.fixture
def people(district):
    return [
        make_volunteer(district, full_name=f"Teilnehmerin {i}", email=f"notice{i}@example.org")
        for i in range(4)
    ]


def _stored(registration: Registration) -> OutboxMail:
    kind = "registered" if registration.status == R.REGISTERED else "waitlisted"
    return OutboxMail.objects.get(idempotency_key=f"course-{kind}:{registration.pk}")


def test_stored_mail_equals_the_mail_rendered_for_the_committed_registration(district, people):
    course = make_course(district, capacity=1, sessions=2)
    people[2].user.preferred_language = "en"
    people[2].user.save()
    registrations = [services.register_for_course(volunteer=v, course=course) for v in people[:3]]

    assert [r.status for r in registrations] == [R.REGISTERED, R.WAITLISTED, R.WAITLISTED]
    for registration in registrations:
        stored = _stored(registration)
        kind = "registered" if registration.status == R.REGISTERED else "waitlisted"
        subject, text, html = render_mail(
            template=f"course_{kind}",
            context=registration_notice.context_for(registration),
            language=registration.volunteer.user.preferred_language,
        )
        assert (stored.subject, stored.text_body, stored.html_body) == (subject, text, html)
        assert registration_notice.POSITION_PLACEHOLDER not in stored.text_body + stored.html_body
    assert "Platz 1 " in _stored(registrations[1]).text_body
    assert "You are number 2 on the waiting list" in _stored(registrations[2]).text_body
    assert [a["filename"] for a in _stored(registrations[0]).attachments] == ["kurs.ics"]
    assert _stored(registrations[1]).attachments == []


def test_a_seat_taken_between_rendering_and_the_lock_renders_the_mail_again(district, people):
    course = make_course(district, capacity=1)
    prepared = registration_notice.prepare(volunteer=people[1], course=course)
    assert prepared.status == R.REGISTERED
    services.register_for_course(volunteer=people[0], course=course)  # takes the last seat meanwhile
    waiting = Registration(course=course, volunteer=people[1], status=R.WAITLISTED, waitlist_position=1)

    assert registration_notice.completed(prepared, waiting) is None


def test_a_refused_registration_stores_no_mail(district, people):
    course = make_course(district)
    services.register_for_course(volunteer=people[0], course=course)
    with pytest.raises(services.RegistrationError):
        services.register_for_course(volunteer=people[0], course=course)

    assert OutboxMail.objects.filter(recipients__contains=[people[0].user.email]).count() == 1
