"""„Mein Bereich“ and „Meine Kommune“ lead with what waits for the person, with counts and links.

The query count of each start page is pinned at two data sizes, so it does not grow with the rows.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from events.tests.factories import berlin, make_event
from municipalities.models import Membership
from municipalities.tests.factories import make_contact
from outbox.models import OutboxMail
from volunteers import services as volunteer_services
from volunteers.models import Registration
from volunteers.tests.attendance_helpers import place_sessions
from volunteers.tests.factories import make_course, make_volunteer

pytestmark = pytest.mark.django_db
S = Event.Status
R = Registration.Status


def _html(response) -> str:
    return response.content.decode()


def _submitted(contact, municipality, title, *, days_ago: int, start=None):
    event = make_event(by=contact, municipality=municipality, title=title, status=S.SUBMITTED, start=start)
    Event.objects.filter(pk=event.pk).update(submitted_at=timezone.now() - timedelta(days=days_ago))
    return event


def _staff_data(contact, municipality, size: int) -> None:
    future = timezone.now() + timedelta(days=30)
    for number in range(size):
        _submitted(contact, municipality, f"Sprachcafé {number}", days_ago=number, start=future)
        OutboxMail.objects.create(
            idempotency_key=f"failed-{size}-{number}",
            recipients=["x@example.org"],
            subject="Betreff",
            status=OutboxMail.Status.FAILED,
            district_id=municipality.district_id,
        )


def test_ki_staff_start_page_lists_waiting_submissions_oldest_first_and_flags_past_ones(
    client, ki_staff, contact_unna, unna
):
    _submitted(contact_unna, unna, "Neuer Kochabend", days_ago=1, start=timezone.now() + timedelta(days=9))
    _submitted(contact_unna, unna, "Alter Nachbarschaftstreff", days_ago=20, start=berlin(2025, 3, 1, 18))
    client.force_login(ki_staff)
    html = _html(client.get(reverse("dashboard")))
    assert "2 eingereichte Veranstaltungen warten auf Prüfung" in html
    assert "1 davon liegt schon in der Vergangenheit" in html
    assert html.index("Alter Nachbarschaftstreff") < html.index("Neuer Kochabend")
    past_item = html[html.index("Alter Nachbarschaftstreff") :].split("</li>")[0]
    assert "Termin vorbei" in past_item
    assert "Termin vorbei" not in html[html.index("Neuer Kochabend") :].split("</li>")[0]
    # the tasks come before the list of tools
    assert html.index("Was auf Sie wartet") < html.index("Kommunen und Ansprechpersonen verwalten")


def test_ki_staff_start_page_counts_failed_mails_and_links_the_outbox(client, ki_staff, contact_unna, unna):
    _staff_data(contact_unna, unna, 3)
    client.force_login(ki_staff)
    html = _html(client.get(reverse("dashboard")))
    assert "3 E-Mails konnten nicht zugestellt werden" in html
    assert reverse("municipalities:mail_status") in html


@pytest.mark.django_db(transaction=True)  # the count is refreshed when a decision is committed
def test_navigation_shows_the_waiting_count_for_ki_staff_and_follows_a_decision(
    client, ki_staff, contact_unna, unna
):
    first = _submitted(contact_unna, unna, "Kochabend", days_ago=2)
    _submitted(contact_unna, unna, "Frauencafé", days_ago=1)
    cache.clear()
    client.force_login(ki_staff)
    client.get(reverse("dashboard"))  # after a cache flush, „Mein Bereich“ counts again
    html = _html(client.get(reverse("events:calendar")))
    assert 'ki-nav__count">2<span class="kern-sr-only"> warten</span>' in html
    client.post(reverse("events:review", kwargs={"pk": first.pk}), {"decision": "approve"})
    html = _html(client.get(reverse("events:calendar")))
    assert 'ki-nav__count">1<span class="kern-sr-only"> warten</span>' in html


def test_navigation_count_costs_no_query_on_other_pages(
    client, ki_staff, contact_unna, unna, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _submitted(contact_unna, unna, "Kochabend", days_ago=2)
    client.force_login(ki_staff)
    url = reverse("municipalities:mail_status")
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        html = _html(client.get(url))
    assert 'ki-nav__count">1<' in html
    assert not [q for q in queries.captured_queries if "events_event" in q["sql"]]


def test_navigation_count_is_not_shown_to_contacts(client, contact_unna, unna):
    _submitted(contact_unna, unna, "Kochabend", days_ago=2)
    client.force_login(contact_unna)
    assert "ki-nav__count" not in _html(client.get(reverse("events:calendar")))


@pytest.mark.parametrize("size", [1, 8])
def test_ki_staff_start_page_query_count_does_not_grow_with_the_data(
    client, ki_staff, contact_unna, unna, size, django_assert_max_num_queries
):
    _staff_data(contact_unna, unna, size)
    client.force_login(ki_staff)
    client.get(reverse("dashboard"))  # warm the session and the role cache
    with django_assert_max_num_queries(16):
        response = client.get(reverse("dashboard"))
    assert response.status_code == 200


def _contact_data(contact, municipality, size: int) -> None:
    long_ago = timezone.now() - timedelta(days=60)
    for number in range(size):
        returned = make_event(
            by=contact, municipality=municipality, title=f"Zurück {number}", status=S.RETURNED
        )
        Event.objects.filter(pk=returned.pk).update(review_comment=f"Bitte Ort ergänzen ({number})")
        make_event(by=contact, municipality=municipality, title=f"Entwurf {number}")
        make_event(
            by=contact, municipality=municipality, title=f"Vorbei {number}", status=S.APPROVED, start=long_ago
        )


def test_contact_start_page_shows_returned_with_comment_drafts_and_missing_participant_numbers(
    client, contact_unna, unna
):
    _contact_data(contact_unna, unna, 1)
    make_event(
        by=contact_unna,
        municipality=unna,
        title="Vorbei und gezählt",
        status=S.APPROVED,
        start=timezone.now() - timedelta(days=3),
        actual_participants=14,
    )
    make_event(
        by=contact_unna,
        municipality=unna,
        title="Kommt noch",
        status=S.APPROVED,
        start=timezone.now() + timedelta(days=3),
    )
    client.force_login(contact_unna)
    response = client.get(reverse("dashboard"), follow=True)  # one municipality: „Meine Kommune“
    assert response.redirect_chain[-1][0] == reverse("municipalities:home", kwargs={"slug": unna.slug})
    html = _html(response)
    assert "Was auf Sie wartet: 3 Aufgaben" in html
    assert "1 Veranstaltung zur Überarbeitung zurückgegeben" in html
    assert "Bitte Ort ergänzen (0)" in html
    assert "1 Entwurf noch nicht eingereicht" in html
    assert "1 vergangene Veranstaltung ohne Teilnehmendenzahl" in html
    assert "Teilnehmendenzahl eintragen: Vorbei 0" in html
    assert "Vorbei und gezählt" not in html
    assert "Kommt noch" not in html


def test_contact_start_page_shows_only_the_own_municipalitys_tasks(
    client, contact_unna, contact_luenen, unna
):
    _contact_data(contact_unna, unna, 1)
    client.force_login(contact_luenen)
    html = _html(client.get(reverse("dashboard"), follow=True))
    assert "Zurzeit wartet nichts auf Sie." in html
    assert "Zurück 0" not in html


@pytest.mark.parametrize("size", [1, 8])
def test_municipality_start_page_query_count_does_not_grow_with_the_data(
    client, contact_unna, unna, size, django_assert_max_num_queries
):
    _contact_data(contact_unna, unna, size)
    client.force_login(contact_unna)
    url = reverse("municipalities:home", kwargs={"slug": unna.slug})
    client.get(url)
    with django_assert_max_num_queries(20):
        response = client.get(url)
    assert response.status_code == 200


def test_trainer_start_page_shows_todays_session_with_record_attendance_and_the_next_one(
    client, district, trainer
):
    course = make_course(district, title="Erste Hilfe für Ehrenamtliche", trainers=[trainer], sessions=3)
    now = timezone.now()
    # Begun half an hour ago, but today in Berlin also in the first half hour after midnight.
    begun = max(
        now - timedelta(minutes=30),
        timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0),
    )
    place_sessions(course, [begun, now + timedelta(days=7), now + timedelta(days=14)])
    client.force_login(trainer)
    html = _html(client.get(reverse("dashboard")))
    assert "Ihre nächsten Kurstermine" in html
    assert html.count("Anwesenheit erfassen") == 1  # today's session, already begun
    assert "heute" in html
    assert "Anwesenheitsliste" in html  # the next session: only to look at
    assert html.index("Ihre nächsten Kurstermine") < html.index(
        "Sie sind beim Integrationszentrum als Referent"
    )


@pytest.mark.parametrize("size", [1, 6])
def test_trainer_start_page_query_count_does_not_grow_with_the_courses(
    client, district, trainer, size, django_assert_max_num_queries
):
    for number in range(size):
        make_course(district, title=f"Kurs {number}", trainers=[trainer])
    client.force_login(trainer)
    client.get(reverse("dashboard"))
    with django_assert_max_num_queries(12):
        assert client.get(reverse("dashboard")).status_code == 200


def test_volunteer_start_page_shows_next_course_and_open_offer_with_deadline(client, district, volunteer):
    taken = make_course(district, title="Interkulturelle Kompetenz", capacity=1)
    other = make_volunteer(district, full_name="Jonas Weiß")
    seat = volunteer_services.register_for_course(volunteer=other, course=taken)
    waiting = volunteer_services.register_for_course(volunteer=volunteer.volunteer, course=taken)
    volunteer_services.cancel_registration(by=other.user, registration=seat)
    waiting.refresh_from_db()
    assert waiting.status == R.OFFERED
    upcoming = make_course(district, title="Schreibwerkstatt", starts_in=timedelta(days=5))
    volunteer_services.register_for_course(volunteer=volunteer.volunteer, course=upcoming)
    client.force_login(volunteer)
    html = _html(client.get(reverse("dashboard")))
    assert "1 Platz ist für Sie frei geworden" in html
    assert "Interkulturelle Kompetenz" in html
    assert "bitte bis" in html and "annehmen oder ablehnen" in html
    assert "Ihr nächster Kurs:" in html and "Schreibwerkstatt" in html


@pytest.mark.parametrize("size", [1, 6])
def test_volunteer_start_page_query_count_does_not_grow_with_the_registrations(
    client, district, volunteer, size, django_assert_max_num_queries
):
    for number in range(size):
        volunteer_services.register_for_course(
            volunteer=volunteer.volunteer, course=make_course(district, title=f"Kurs {number}")
        )
    client.force_login(volunteer)
    client.get(reverse("dashboard"))
    with django_assert_max_num_queries(12):
        assert client.get(reverse("dashboard")).status_code == 200


def test_person_with_two_contact_municipalities_sees_both_municipalities_tasks(client, unna, luenen):
    both = make_contact(unna, email="zwei-kommunen@example.org", full_name="Aylin Öztürk")
    Membership.objects.create(user=both, municipality=luenen, role=Membership.Role.CONTACT)
    make_event(by=both, municipality=unna, title="Entwurf Unna")
    make_event(by=both, municipality=luenen, title="Entwurf Lünen")
    client.force_login(both)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200  # two municipalities: „Mein Bereich“, no redirect
    html = _html(response)
    assert "2 Entwürfe noch nicht eingereicht" in html
    assert "Entwurf Unna" in html and "Entwurf Lünen" in html


def test_ki_staff_start_page_lists_running_and_failed_report_builds_but_not_rebuilt_ones(
    client, ki_staff, district
):
    from overview.models import ConceptReport

    State = ConceptReport.State
    failed_then_rebuilt = ConceptReport.objects.create(
        district=district, year=2024, title="Integrationsbericht 2024", state=State.FAILED
    )
    ConceptReport.objects.create(
        district=district, year=2024, title="Integrationsbericht 2024", state=State.DONE
    )
    ConceptReport.objects.filter(pk=failed_then_rebuilt.pk).update(
        created_at=timezone.now() - timedelta(hours=2)
    )
    running = ConceptReport.objects.create(
        district=district, year=2025, title="Integrationsbericht 2025", state=State.RUNNING
    )
    failed = ConceptReport.objects.create(
        district=district, year=2023, title="Integrationsbericht 2023", state=State.FAILED
    )
    client.force_login(ki_staff)
    html = _html(client.get(reverse("dashboard")))
    assert "2 Konzeptberichte in Arbeit oder fehlgeschlagen" in html
    assert reverse("overview:report_detail", kwargs={"pk": running.pk}) in html
    assert reverse("overview:report_detail", kwargs={"pk": failed.pk}) in html
    assert reverse("overview:report_detail", kwargs={"pk": failed_then_rebuilt.pk}) not in html
