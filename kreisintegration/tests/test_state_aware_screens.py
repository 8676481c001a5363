"""Screens that follow the state of what they show: read-only attendance with its reason,
„Kurs abschließen“ only when allowed, the event form's series fields, all-day dates, the series summary."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from events.tests.factories import berlin, make_event
from volunteers import services
from volunteers.tests.attendance_helpers import record, register, sessions_in_past
from volunteers.tests.factories import make_course, make_volunteer

pytestmark = pytest.mark.django_db
S = Event.Status


def _html(response) -> str:
    return response.content.decode()


def test_attendance_of_a_future_session_is_read_only_with_the_reason(client, district, trainer):
    course = make_course(district, trainers=[trainer])
    register(course, [make_volunteer(district, full_name="Amira Haddad")])
    session = course.sessions.order_by("start").first()
    client.force_login(trainer)
    html = _html(
        client.get(reverse("volunteers:attendance", kwargs={"pk": course.pk, "session_pk": session.pk}))
    )
    assert "Nur Ansicht" in html
    assert "Anwesenheit kann erst ab Beginn des Termins erfasst werden." in html
    assert 'type="radio"' not in html
    assert "Anwesenheit speichern" not in html
    assert "Amira Haddad" in html and "nicht erfasst" in html


def test_attendance_of_a_completed_course_is_read_only_and_shows_what_was_recorded(client, district, trainer):
    course = make_course(district, trainers=[trainer])
    (registration,) = register(course, [make_volunteer(district, full_name="Jonas Weiß")])
    sessions = sessions_in_past(course)
    for session in sessions:
        record(trainer, session, {registration: True})
    services.complete_course(by=trainer, course=course)
    client.force_login(trainer)
    url = reverse("volunteers:attendance", kwargs={"pk": course.pk, "session_pk": sessions[0].pk})
    html = _html(client.get(url))
    assert "Der Kurs ist abgeschlossen; die Anwesenheit kann nicht mehr geändert werden." in html
    assert 'type="radio"' not in html
    assert "Jonas Weiß" in html and ">anwesend<" in html


def test_attendance_of_a_begun_session_of_a_running_course_can_be_recorded(client, district, trainer):
    course = make_course(district, trainers=[trainer])
    register(course, [make_volunteer(district)])
    session = sessions_in_past(course)[0]
    client.force_login(trainer)
    html = _html(
        client.get(reverse("volunteers:attendance", kwargs={"pk": course.pk, "session_pk": session.pk}))
    )
    assert "Nur Ansicht" not in html
    assert 'type="radio"' in html


def test_complete_course_appears_only_after_the_last_session(
    client, district, trainer, django_capture_on_commit_callbacks
):
    course = make_course(district, trainers=[trainer])
    client.force_login(trainer)
    url = reverse("volunteers:participants", kwargs={"pk": course.pk})
    complete_url = reverse("volunteers:complete", kwargs={"pk": course.pk})
    html = _html(client.get(url))
    assert complete_url not in html
    assert "Der Kurs kann erst nach dem letzten Termin abgeschlossen werden." in html
    with django_capture_on_commit_callbacks(execute=True):  # committed: the cached page is stale
        sessions_in_past(course)
    assert complete_url in _html(client.get(url))


def test_complete_course_is_gone_once_the_course_is_completed(client, district, trainer):
    course = make_course(district, trainers=[trainer])
    sessions_in_past(course)
    services.complete_course(by=trainer, course=course)
    client.force_login(trainer)
    html = _html(client.get(reverse("volunteers:participants", kwargs={"pk": course.pk})))
    assert reverse("volunteers:complete", kwargs={"pk": course.pk}) not in html
    assert "Kurs abschließen" not in html


def test_event_form_has_no_dashed_empty_choice_and_no_required_marker_on_the_interval(client, contact_unna):
    client.force_login(contact_unna)
    html = _html(client.get(reverse("events:create")))
    assert "---------" not in html
    assert "keine Maßnahme" in html
    interval_label = html[html.index('for="id_interval"') :].split("</label>")[0]
    assert "*" not in interval_label


def test_event_form_groups_the_series_fields_for_progressive_disclosure(client, contact_unna):
    client.force_login(contact_unna)
    html = _html(client.get(reverse("events:create")))
    details = html[html.index('id="recurrence-details"') :]
    for name in (
        "interval",
        "weekdays",
        "monthly_mode",
        "repeat_until",
        "repeat_count",
        "excluded_dates_text",
    ):
        assert f'name="{name}"' in details
    assert 'name="frequency"' not in details  # the choice itself stays outside
    assert "Nur für Serien (wöchentlich oder monatlich) ausfüllen." in html  # the note without JS
    assert "js/recurrence.js" in html


def test_one_off_event_saves_without_an_interval(client, contact_unna, unna):
    client.force_login(contact_unna)
    response = client.post(
        reverse("events:create"),
        {
            "municipality": unna.pk,
            "title": "Tag der offenen Tür",
            "start_date": "2026-05-09",
            "start_time": "10:00",
            "end_time": "14:00",
            "frequency": "",
            "interval": "",
            "monthly_mode": "day",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    event = Event.objects.get(title="Tag der offenen Tür")
    assert event.interval == 1


def test_all_day_event_never_shows_midnight(client, contact_unna, unna, ki_staff):
    event = make_event(
        by=contact_unna,
        municipality=unna,
        title="Interkulturelles Fest",
        start=berlin(2026, 6, 20, 0),
        end=berlin(2026, 6, 20, 23, 59),
        all_day=True,
        status=S.SUBMITTED,
    )
    client.force_login(contact_unna)
    for url in (reverse("events:mine"), reverse("events:manage", kwargs={"pk": event.pk})):
        html = _html(client.get(url))
        assert "Interkulturelles Fest" in html
        assert "00:00" not in html, url
    client.force_login(ki_staff)
    html = _html(client.get(reverse("events:review_queue")))
    assert "Interkulturelles Fest" in html and "00:00" not in html


def test_series_summary_shows_first_and_last_date_count_and_excluded_dates(client, contact_unna, unna):
    event = make_event(
        by=contact_unna,
        municipality=unna,
        title="Sprachcafé dienstags",
        start=berlin(2026, 3, 3, 18),
        frequency=Event.Frequency.WEEKLY,
        weekdays=[1],
        repeat_until=date(2026, 3, 31),
        excluded_dates=["2026-03-17"],
    )
    assert event.occurrences.count() == 4
    client.force_login(contact_unna)
    html = _html(client.get(reverse("events:manage", kwargs={"pk": event.pk})))
    assert "Termine der Serie" in html
    assert "4 Termine, vom Di, 03.03.2026 bis Di, 31.03.2026" in html
    assert "ausgenommen: 17.03.2026" in html
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = _html(client.get(reverse("events:manage", kwargs={"pk": event.pk})))
    assert "4 dates, from Tue, 3 Mar 2026 to Tue, 31 Mar 2026" in english
    assert "17 Mar 2026" in english and "17.03.2026" not in english
    assert "Tuesday, 3 Mar 2026, 18:00" in english  # the facts' start, „l, d.m.Y, H:i“ in German


def test_review_tasks_flag_a_series_as_past_only_after_its_last_date(contact_unna, unna, ki_staff):
    from events import selectors

    running = make_event(
        by=contact_unna,
        municipality=unna,
        title="Laufende Serie",
        start=timezone.now() - timedelta(days=14),
        frequency=Event.Frequency.WEEKLY,
        repeat_count=6,
        status=S.SUBMITTED,
    )
    tasks = selectors.review_tasks(ki_staff)
    assert [event.pk for event in tasks.oldest] == [running.pk]
    assert tasks.past_count == 0 and not tasks.oldest[0].is_past
