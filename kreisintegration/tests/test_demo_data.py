"""`seed_demo` shows what the product is for: municipalities that differ, two years to compare,
courses that are plausible (no public holidays, units that match the sessions), no „Beispiel“."""

from datetime import date, timedelta
from io import StringIO

from django.core.management import call_command
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from municipalities.holidays import is_public_holiday, nrw_public_holidays
from municipalities.models import FieldOfAction, FundingProgramme, Municipality
from volunteers.models import Course, CourseSession, teaching_units_for


def test_nrw_public_holidays_of_2026():
    holidays = nrw_public_holidays(2026)
    assert len(holidays) == 11
    assert holidays[date(2026, 4, 3)] == "Karfreitag"
    assert holidays[date(2026, 4, 6)] == "Ostermontag"
    assert holidays[date(2026, 5, 14)] == "Christi Himmelfahrt"
    assert holidays[date(2026, 5, 25)] == "Pfingstmontag"
    assert holidays[date(2026, 6, 4)] == "Fronleichnam"
    assert is_public_holiday(date(2026, 11, 1)) and not is_public_holiday(date(2026, 10, 31))


def test_teaching_units_are_45_minutes_each():
    assert teaching_units_for(45) == 1
    assert teaching_units_for(135) == 3
    assert str(teaching_units_for(90 + 22.5)) == "2.5"


def _seed_demo(settings) -> None:
    settings.DEBUG = True  # demo accounts, and with them the events and courses
    call_command("seed_demo", stdout=StringIO())


def _approved_per_municipality(year: int) -> dict[str, int]:
    rows = Municipality.objects.annotate(
        offers=Count(
            "events",
            filter=Q(events__status=Event.Status.APPROVED, events__start__year=year),
        )
    ).values_list("slug", "offers")
    return dict(rows)


def check_municipalities_differ_in_size_offers_and_gaps():
    year = timezone.localdate().year
    offers = _approved_per_municipality(year)
    assert len(offers) == 10
    assert len(set(offers.values())) >= 5, offers
    populations = dict(Municipality.objects.values_list("slug", "population"))
    per_10k = {slug: offers[slug] / populations[slug] * 10_000 for slug in offers}
    assert max(per_10k.values()) > 3 * min(per_10k.values()), per_10k
    # the largest town is not the one with the most offers
    assert max(populations, key=populations.get) != max(offers, key=offers.get)
    # gaps: a municipality without any offer in some fields of action, and the fields differ
    fields = FieldOfAction.objects.filter(district__slug="kreis-unna")
    gaps = {}
    for municipality in Municipality.objects.all():
        covered = set(
            fields.filter(
                events__municipality=municipality,
                events__status=Event.Status.APPROVED,
                events__start__year=year,
            ).values_list("slug", flat=True)
        )
        gaps[municipality.slug] = set(fields.values_list("slug", flat=True)) - covered
    assert all(gaps.values()), "every municipality has at least one gap"
    assert len({frozenset(g) for g in gaps.values()}) >= 5


def check_previous_year_has_held_events_and_trends_go_both_ways():
    year = timezone.localdate().year
    previous = Event.objects.filter(start__year=year - 1, status=Event.Status.APPROVED)
    assert previous.count() >= 20
    assert not previous.filter(actual_participants=None).exists()
    assert set(previous.values_list("municipality__slug", flat=True)) == set(
        Municipality.objects.values_list("slug", flat=True)
    )
    now, before = _approved_per_municipality(year), _approved_per_municipality(year - 1)
    assert any(now[slug] > before[slug] for slug in now)
    assert any(now[slug] < before[slug] for slug in now)
    assert any(now[slug] == before[slug] for slug in now)


def check_course_sessions_avoid_sundays_and_public_holidays():
    sessions = CourseSession.objects.all()
    assert sessions.count() >= 20
    for session in sessions:
        day = timezone.localtime(session.start).date()
        assert not is_public_holiday(day) and day.weekday() != 6, (session, day)


def check_teaching_units_match_the_sessions():
    courses = Course.objects.prefetch_related("sessions")
    assert courses.count() >= 10
    for course in courses:
        assert course.teaching_units == course.scheduled_teaching_units(), course.title
        for session in course.sessions.all():
            minutes = (session.end - session.start) / timedelta(minutes=1)
            assert minutes % 45 == 0, (course.title, minutes)


def check_public_pages_do_not_call_the_programme_an_example(client):
    assert not FundingProgramme.objects.filter(name__icontains="Beispiel").exists()
    pages = [reverse("volunteers:catalogue")] + [
        course.get_absolute_url() for course in Course.objects.filter(status=Course.Status.PUBLISHED)[:5]
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200
        assert (
            "Beispiel)" not in response.content.decode()
            and "ab 2025, Beispiel" not in response.content.decode()
        )


def test_seed_demo_shows_what_the_product_is_for(db, settings, client):
    """One run of the real command (it takes a while), then each property in turn."""
    _seed_demo(settings)
    check_municipalities_differ_in_size_offers_and_gaps()
    check_previous_year_has_held_events_and_trends_go_both_ways()
    check_course_sessions_avoid_sundays_and_public_holidays()
    check_teaching_units_match_the_sessions()
    check_public_pages_do_not_call_the_programme_an_example(client)
    # and a second run creates nothing twice
    before = Event.objects.count(), CourseSession.objects.count()
    _seed_demo(settings)
    assert (Event.objects.count(), CourseSession.objects.count()) == before


def test_an_own_programme_name_stays_when_the_defaults_are_ensured_again(db):
    # The former placeholder "… (ab 2025, Beispiel)" is renamed by migration 0007 of municipalities
    # (tested in municipalities/tests/test_successor_programme_migration.py).
    from municipalities.services import ensure_default_funding_programmes

    ensure_default_funding_programmes()
    FundingProgramme.objects.filter(code="komm-an-nrw-2").update(name="KOMM-AN, eigener Name")
    ensure_default_funding_programmes()
    assert FundingProgramme.objects.get(code="komm-an-nrw-2").name == "KOMM-AN, eigener Name"
