"""The trainer's participant table comes from the fragment cache, keyed by what it shows: a repeated
request does not render the rows again, and recorded attendance or a cancellation shows at once."""

from __future__ import annotations

import pytest
from django.urls import reverse

from volunteers import services
from volunteers.tests.attendance_helpers import sessions_in_past
from volunteers.tests.factories import make_course, make_volunteer

ROWS = "volunteers/trainer/_participant_rows.html"
WAITING = "volunteers/trainer/_waiting_lists.html"


@pytest.fixture
def course(district, trainer):
    return make_course(district, title="Flucht und Trauma – Grundlagen", sessions=2, trainers=[trainer])


def _rendered(response) -> set[str]:
    return {template.name for template in response.templates}


def _rows(response) -> str:
    html = response.content.decode()
    start = html.index("Teilnehmende (angemeldet")
    return html[start : html.index("</tbody>", start)]


def test_participant_rows_are_rendered_once_and_follow_every_change(
    client, trainer, district, unna, course, django_capture_on_commit_callbacks
):
    volunteers = [
        make_volunteer(district, municipality=unna, full_name="Şengül Yıldız", email="sengul@example.org"),
        make_volunteer(district, municipality=None, full_name="Ahmad Al-Hassan", email="ahmad@example.org"),
    ]
    first, second = (services.register_for_course(volunteer=v, course=course) for v in volunteers)
    session = sessions_in_past(course)[0]
    url = reverse("volunteers:participants", kwargs={"pk": course.pk})
    client.force_login(trainer)
    page = client.get(url)
    assert ROWS in _rendered(page)
    again = client.get(url)
    assert ROWS not in _rendered(again)
    assert _rows(again) == _rows(page)
    assert "ahmad@example.org" in _rows(again) and "0 von 2" in _rows(again)

    # Committed (the test's transaction never is): the cached page is stale from then on.
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(by=second.volunteer.user, registration=second)
        services.record_attendance(by=trainer, session=session, registration=first, present=True)
    fresh = client.get(url)
    assert ROWS in _rendered(fresh)
    assert "ahmad@example.org" not in _rows(fresh)
    assert "1 von 2" in _rows(fresh)


def test_waiting_list_and_offers_follow_a_cancellation(
    client, trainer, district, django_capture_on_commit_callbacks
):
    course = make_course(district, capacity=1, trainers=[trainer])
    volunteers = [
        make_volunteer(district, full_name="Şengül Yıldız", email="sengul@example.org"),
        make_volunteer(district, full_name="Jürgen Böhm", email="juergen@example.org"),
    ]
    first, second = (services.register_for_course(volunteer=v, course=course) for v in volunteers)
    url = reverse("volunteers:participants", kwargs={"pk": course.pk})
    client.force_login(trainer)
    page = client.get(url)
    assert [r.pk for r in page.context["waitlist"]] == [second.pk]
    again = client.get(url)
    assert WAITING not in _rendered(again)
    assert "Keine offenen Angebote." in again.content.decode()

    with django_capture_on_commit_callbacks(execute=True):  # committed: the cached page is stale
        services.cancel_registration(by=first.volunteer.user, registration=first)  # seat → offered to Jürgen
    fresh = client.get(url)
    html = fresh.content.decode()
    assert WAITING in _rendered(fresh)
    assert "Niemand wartet." in html
    assert "Keine offenen Angebote." not in html
