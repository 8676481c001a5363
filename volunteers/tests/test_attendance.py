"""Participant lists, attendance, completion and certificates, plus the permission matrix of these URLs.

Courses are run the way the office runs them: volunteers register through the service, the
sessions then lie in the past (moved there by the test), attendance is recorded and the course
completed through the services.
"""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from municipalities.models import DistrictRole
from municipalities.tests.factories import DistrictFactory, make_district_role
from volunteers import services
from volunteers.models import Attendance, Course, Registration
from volunteers.tests.attendance_helpers import record, register, sessions_in_past
from volunteers.tests.factories import make_course, make_volunteer

R = Registration.Status


# --- helpers shared by the other test modules of these views ----------------------------


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def course(district, trainer):
    return make_course(district, title="Flucht und Trauma – Grundlagen", sessions=4, trainers=[trainer])


@pytest.fixture
def participants(district, unna, luenen):
    return [
        make_volunteer(district, municipality=unna, full_name="Şengül Yıldız", email="sengul@example.org"),
        make_volunteer(district, municipality=luenen, full_name="Ahmad Al-Hassan", email="ahmad@example.org"),
        make_volunteer(district, municipality=None, full_name="Ольга Петрова", email="olga@example.org"),
    ]


# --- participant list ------------------------------------------------------------------


def test_participants_page_shows_participants_waitlist_and_offers(
    client, trainer, district, unna, participants
):
    course = make_course(district, capacity=2, trainers=[trainer])
    _first, second, _third = register(course, participants)
    fourth = make_volunteer(district, full_name="Jürgen Böhm", email="juergen@example.org")
    register(course, [fourth])
    services.cancel_registration(by=second.volunteer.user, registration=second)  # seat → offered to third

    client.force_login(trainer)
    response = client.get(reverse("volunteers:participants", kwargs={"pk": course.pk}))

    assert response.status_code == 200
    registrations = response.context["registrations"]
    assert [r.volunteer.user.full_name for r in registrations] == ["Şengül Yıldız"]
    assert [r.volunteer.user.full_name for r in response.context["offered"]] == ["Ольга Петрова"]
    assert [(r.waitlist_position, r.volunteer.user.full_name) for r in response.context["waitlist"]] == [
        (2, "Jürgen Böhm")
    ]
    page = response.content.decode()
    assert "sengul@example.org" in page and "Unna" in page
    assert "ahmad@example.org" not in page  # cancelled
    for session in course.sessions.all():
        assert reverse("volunteers:attendance", kwargs={"pk": course.pk, "session_pk": session.pk}) in page
    assert reverse("volunteers:participants_export", kwargs={"pk": course.pk, "fmt": "pdf"}) in page
    assert reverse("volunteers:participants_export", kwargs={"pk": course.pk, "fmt": "csv"}) in page


def test_only_ki_staff_see_the_funding_evidence_buttons(client, trainer, ki_staff, course):
    evidence = reverse("volunteers:course_evidence", kwargs={"pk": course.pk, "fmt": "pdf"})
    url = reverse("volunteers:participants", kwargs={"pk": course.pk})
    client.force_login(trainer)
    assert evidence not in client.get(url).content.decode()
    client.force_login(ki_staff)
    assert evidence in client.get(url).content.decode()


def test_trainer_of_another_course_cannot_open_the_list(client, trainer, district, course):
    other_trainer = make_district_role(district, DistrictRole.Role.TRAINER, full_name="Ahmad Al-Hassan")
    make_course(district, title="Konfliktlösung", trainers=[other_trainer])
    client.force_login(other_trainer)
    # Not a course they run: it does not exist for them (the permission shape: out of scope → 404).
    assert client.get(reverse("volunteers:participants", kwargs={"pk": course.pk})).status_code == 404
    session = course.sessions.first()
    url = reverse("volunteers:attendance", kwargs={"pk": course.pk, "session_pk": session.pk})
    assert client.post(url, {}).status_code == 404


# (+1: django-otp loads the staff member's verified second-factor device)
PARTICIPANTS_PAGE_QUERIES = 13  # incl. one audit log entry


def test_participants_page_query_count_does_not_grow(
    client, ki_staff, district, unna, django_assert_max_num_queries
):
    course = make_course(district, capacity=14, sessions=3)
    register(course, [make_volunteer(district, municipality=unna) for _ in range(2)])
    client.force_login(ki_staff)
    url = reverse("volunteers:participants", kwargs={"pk": course.pk})
    cache.clear()  # measure the uncached path (sessions, portal district, fragments)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    register(course, [make_volunteer(district, municipality=unna) for _ in range(12)])
    register(course, [make_volunteer(district) for _ in range(3)])  # the course is full: they wait
    cache.clear()  # measure the uncached path (sessions, portal district, fragments)
    with django_assert_max_num_queries(PARTICIPANTS_PAGE_QUERIES):
        response = client.get(url)
    assert len(response.context["registrations"]) == 14
    assert len(response.context["waitlist"]) == 3
    cache.clear()  # measure the uncached path (sessions, portal district, fragments)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)


# --- attendance --------------------------------------------------------------------

# (+1: django-otp loads the staff member's verified second-factor device)
ATTENDANCE_PAGE_QUERIES = 11  # incl. one audit log entry


def test_attendance_page_query_count_does_not_grow(client, ki_staff, district, unna):
    client.force_login(ki_staff)
    counts = []
    for size in (2, 14):
        course = make_course(district, capacity=30, sessions=2)
        registrations = register(course, [make_volunteer(district, municipality=unna) for _ in range(size)])
        session = sessions_in_past(course)[0]
        record(ki_staff, session, dict.fromkeys(registrations, True))
        url = reverse("volunteers:attendance", kwargs={"pk": course.pk, "session_pk": session.pk})
        cache.clear()  # measure the uncached path (sessions, portal district, fragments)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert len(response.context["form"].fields) == size
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1] <= ATTENDANCE_PAGE_QUERIES


def test_attendance_form_saves_every_row_at_once(client, trainer, course, participants):
    first, second, _third = register(course, participants)
    session = sessions_in_past(course)[0]
    client.force_login(trainer)
    url = reverse("volunteers:attendance", kwargs={"pk": course.pk, "session_pk": session.pk})

    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'type="radio"' in html and "<legend" in html and "Şengül Yıldız" in html

    response = client.post(url, {f"registration_{first.pk}": "1", f"registration_{second.pk}": "0"})

    assert response.status_code == 302
    assert response["Location"] == reverse("volunteers:participants", kwargs={"pk": course.pk})
    recorded = dict(Attendance.objects.filter(session=session).values_list("registration_id", "present"))
    assert recorded == {first.pk: True, second.pk: False}  # the third row was left empty: unchanged
    assert set(Attendance.objects.values_list("recorded_by", flat=True)) == {trainer.pk}
    assert "Anwesenheit für 2 Personen gespeichert." in messages_of(response)

    # A correction overwrites what was recorded.
    assert client.post(url, {f"registration_{first.pk}": "0"}).status_code == 302
    assert Attendance.objects.get(session=session, registration=first).present is False


def test_attendance_form_shows_what_was_recorded(client, trainer, course, participants):
    first, *_rest = register(course, participants)
    session = sessions_in_past(course)[0]
    record(trainer, session, {first: True})
    client.force_login(trainer)
    response = client.get(
        reverse("volunteers:attendance", kwargs={"pk": course.pk, "session_pk": session.pk})
    )
    form = response.context["form"]
    assert form[f"registration_{first.pk}"].initial == "1"


def test_attendance_before_the_session_starts_is_refused_and_nothing_saved(
    client, trainer, course, participants
):
    first, second, _third = register(course, participants)
    later = course.sessions.order_by("start").first()  # still in the future
    client.force_login(trainer)
    url = reverse("volunteers:attendance", kwargs={"pk": course.pk, "session_pk": later.pk})

    assert "Anwesenheit kann erst ab Beginn des Termins erfasst werden." in client.get(url).content.decode()
    response = client.post(url, {f"registration_{first.pk}": "1", f"registration_{second.pk}": "1"})

    assert response.status_code == 200
    assert "Anwesenheit kann erst ab Beginn des Termins erfasst werden." in messages_of(response)
    assert not Attendance.objects.exists()


def test_attendance_with_an_unknown_value_saves_nothing(client, trainer, course, participants):
    first, second, _third = register(course, participants)
    session = sessions_in_past(course)[0]
    client.force_login(trainer)
    url = reverse("volunteers:attendance", kwargs={"pk": course.pk, "session_pk": session.pk})
    response = client.post(url, {f"registration_{first.pk}": "1", f"registration_{second.pk}": "vielleicht"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Attendance.objects.exists()


def test_empty_attendance_form_saves_nothing_and_says_so(client, trainer, course, participants):
    register(course, participants)
    session = sessions_in_past(course)[0]
    client.force_login(trainer)
    url = reverse("volunteers:attendance", kwargs={"pk": course.pk, "session_pk": session.pk})
    response = client.post(url, {})
    assert response.status_code == 302
    assert "nichts wurde gespeichert" in messages_of(response)[0]
    assert not Attendance.objects.exists()


def test_session_of_another_course_is_not_found(client, trainer, district, course):
    other = make_course(district, title="Rolle und Grenzen des Ehrenamts", trainers=[trainer])
    foreign_session = other.sessions.first()
    client.force_login(trainer)
    url = reverse("volunteers:attendance", kwargs={"pk": course.pk, "session_pk": foreign_session.pk})
    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code == 404


def test_registration_of_another_course_in_the_form_is_ignored(
    client, trainer, district, course, participants
):
    first, *_rest = register(course, participants[:1])
    other = make_course(district, title="Begleitung zu Behörden", trainers=[trainer])
    (foreign,) = register(other, participants[1:2])
    session = sessions_in_past(course)[0]
    client.force_login(trainer)
    url = reverse("volunteers:attendance", kwargs={"pk": course.pk, "session_pk": session.pk})
    client.post(url, {f"registration_{first.pk}": "1", f"registration_{foreign.pk}": "1"})
    assert list(Attendance.objects.values_list("registration_id", flat=True)) == [first.pk]


# --- completion and certificate ---------------------------------------------------------


def run_threshold_course(district, trainer, participants):
    """4 sessions, 75 % needed: Şengül present 3 times, Ahmad twice."""
    course = make_course(district, sessions=4, min_attendance_percent=75, trainers=[trainer])
    sengul, ahmad = register(course, participants[:2])
    sessions = sessions_in_past(course)
    for number, session in enumerate(sessions):
        record(trainer, session, {sengul: number < 3, ahmad: number < 2})
    return course, sengul, ahmad


def test_completion_gives_certificate_only_from_the_threshold(client, trainer, district, participants):
    course, sengul, ahmad = run_threshold_course(district, trainer, participants)
    client.force_login(trainer)

    response = client.post(reverse("volunteers:complete", kwargs={"pk": course.pk}))

    assert response.status_code == 302
    assert messages_of(response) == [
        "Der Kurs ist abgeschlossen: 1 Person hat teilgenommen (Bescheinigung), "
        "1 Person hat die Mindestanwesenheit nicht erreicht."
    ]
    sengul.refresh_from_db()
    ahmad.refresh_from_db()
    assert (sengul.status, bool(sengul.certificate_code)) == (R.ATTENDED, True)
    assert (ahmad.status, ahmad.certificate_code) == (R.NO_SHOW, "")

    client.force_login(sengul.volunteer.user)
    pdf = client.get(reverse("volunteers:certificate", kwargs={"pk": sengul.pk}))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    client.force_login(ahmad.volunteer.user)
    assert client.get(reverse("volunteers:certificate", kwargs={"pk": ahmad.pk})).status_code == 404


def test_completion_before_the_last_session_is_refused_with_a_message(client, ki_staff, course, participants):
    register(course, participants)
    client.force_login(ki_staff)
    response = client.post(reverse("volunteers:complete", kwargs={"pk": course.pk}))
    assert response.status_code == 302
    assert messages_of(response) == ["Der Kurs kann erst nach dem letzten Termin abgeschlossen werden."]
    course.refresh_from_db()
    assert course.status == Course.Status.PUBLISHED


def test_no_certificate_before_completion(client, trainer, district, participants):
    _course, sengul, _ahmad = run_threshold_course(district, trainer, participants)
    client.force_login(sengul.volunteer.user)
    assert client.get(reverse("volunteers:certificate", kwargs={"pk": sengul.pk})).status_code == 404


def test_certificate_is_for_its_owner_and_the_districts_staff_only(
    client, trainer, ki_staff, district, participants, volunteer
):
    course, sengul, ahmad = run_threshold_course(district, trainer, participants)
    services.complete_course(by=trainer, course=course)
    url = reverse("volunteers:certificate", kwargs={"pk": sengul.pk})

    soest = DistrictFactory(name="Kreis Soest", slug="kreis-soest", ags_prefix="05974")
    for outsider in (ahmad.volunteer.user, volunteer, make_district_role(soest, "ki_staff")):
        client.force_login(outsider)
        assert client.get(url).status_code == 404, outsider
    client.force_login(trainer)  # no role that has certificates: refused
    assert client.get(url).status_code == 403
    client.force_login(ki_staff)
    assert client.get(url).status_code == 200
    client.logout()
    assert client.get(url)["Location"].startswith(reverse("accounts:login"))
