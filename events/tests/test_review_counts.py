"""The write path of events at scale: the navigation's count of waiting submissions, kept per
district, recounted only for the districts whose events changed, repaired after a cache flush;
a new event's lists written without reading them first."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events import review_counts, services
from events.models import Event
from events.tests.factories import make_event
from municipalities.tests.factories import DistrictFactory, MunicipalityFactory, UserFactory, make_contact


@pytest.fixture
def soest_town(soest):
    return MunicipalityFactory(district=soest, name="Soest", ags="05974040")


def _submit(contact, municipality, title: str, capture) -> Event:
    start = timezone.now() + timedelta(days=20)
    event = make_event(by=contact, municipality=municipality, title=title, start=start)
    with capture(execute=True):
        return services.submit_event(by=contact, event=event)


def test_a_saved_event_recounts_only_its_own_district(
    ki_staff, soest_staff, contact_unna, unna, soest_town, django_capture_on_commit_callbacks
):
    _submit(contact_unna, unna, "Kochabend", django_capture_on_commit_callbacks)
    _submit(make_contact(soest_town), soest_town, "Sprachcafé", django_capture_on_commit_callbacks)
    assert review_counts.cached_review_waiting_count(ki_staff) == 1
    assert review_counts.cached_review_waiting_count(soest_staff) == 1
    cache.set(f"review-waiting:{soest_town.district_id}", 7, timeout=None)  # not to be recounted
    _submit(contact_unna, unna, "Frauencafé", django_capture_on_commit_callbacks)
    assert review_counts.cached_review_waiting_count(ki_staff) == 2
    assert review_counts.cached_review_waiting_count(soest_staff) == 7


@pytest.mark.parametrize("other_districts", [1, 4])
def test_recount_after_a_saved_event_costs_the_same_queries_however_many_districts_wait(
    other_districts, contact_unna, unna, django_capture_on_commit_callbacks
):
    for number in range(other_districts):
        district = DistrictFactory(name=f"Kreis {number}", slug=f"kreis-{number}", ags_prefix=f"0{number}")
        town = MunicipalityFactory(district=district, name=f"Ort {number}", ags=f"0{number}000001")
        _submit(make_contact(town), town, f"Treff {number}", django_capture_on_commit_callbacks)
    event = make_event(by=contact_unna, municipality=unna, start=timezone.now() + timedelta(days=20))
    with django_capture_on_commit_callbacks() as callbacks:
        services.submit_event(by=contact_unna, event=event)
    with CaptureQueriesContext(connection) as queries:
        for callback in callbacks:
            callback()
    counting = [q["sql"] for q in queries.captured_queries if "events_event" in q["sql"]]
    assert len(queries.captured_queries) == 1  # the districts of the municipalities with their counts
    assert len(counting) == 1


def test_moving_an_event_to_another_district_recounts_both(
    ki_staff, soest_staff, contact_unna, unna, soest_town, django_capture_on_commit_callbacks
):
    event = _submit(contact_unna, unna, "Kochabend", django_capture_on_commit_callbacks)
    assert review_counts.cached_review_waiting_count(ki_staff) == 1
    moved = Event.objects.get(pk=event.pk)
    moved.municipality = soest_town
    with django_capture_on_commit_callbacks(execute=True):
        moved.save()
    assert review_counts.cached_review_waiting_count(ki_staff) == 0
    assert review_counts.cached_review_waiting_count(soest_staff) == 1


def test_a_decision_lowers_the_count(ki_staff, contact_unna, unna, django_capture_on_commit_callbacks):
    event = _submit(contact_unna, unna, "Kochabend", django_capture_on_commit_callbacks)
    _submit(contact_unna, unna, "Frauencafé", django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_event(by=ki_staff, event=event, decision="approve")
    assert review_counts.cached_review_waiting_count(ki_staff) == 1


def test_superuser_count_sums_every_district_and_is_repaired_after_a_new_district(
    client, contact_unna, unna, soest_town, django_capture_on_commit_callbacks
):
    admin = UserFactory(email="admin@example.org", is_superuser=True, is_staff=True)
    _submit(contact_unna, unna, "Kochabend", django_capture_on_commit_callbacks)
    _submit(make_contact(soest_town), soest_town, "Sprachcafé", django_capture_on_commit_callbacks)
    cache.clear()
    assert review_counts.cached_review_waiting_count(admin) is None
    review_counts.refresh_review_counts()  # what „Mein Bereich“ does after a flush
    assert review_counts.cached_review_waiting_count(admin) == 2
    with django_capture_on_commit_callbacks(execute=True):
        DistrictFactory(name="Kreis Neu", slug="kreis-neu", ags_prefix="09999")
    assert review_counts.cached_review_waiting_count(admin) is None
    review_counts.refresh_review_counts()
    assert review_counts.cached_review_waiting_count(admin) == 2


def test_dashboard_repairs_the_count_of_its_district_after_a_flush(
    client, ki_staff, contact_unna, unna, django_capture_on_commit_callbacks
):
    _submit(contact_unna, unna, "Kochabend", django_capture_on_commit_callbacks)
    cache.clear()
    assert review_counts.cached_review_waiting_count(ki_staff) is None
    client.force_login(ki_staff)
    client.get(reverse("dashboard"))
    assert review_counts.cached_review_waiting_count(ki_staff) == 1


def test_a_new_events_lists_are_stored_without_reading_them_first(contact_unna, unna, calendar_terms):
    event = Event(municipality=unna, title="Sprachcafé", start=timezone.now() + timedelta(days=20))
    event.end = event.start + timedelta(hours=2)
    with CaptureQueriesContext(connection) as queries:
        services.save_event(
            by=contact_unna,
            event=event,
            fields_of_action=[calendar_terms["sprache"], calendar_terms["sport"]],
            target_groups=[calendar_terms["frauen"]],
            languages=[calendar_terms["ar"]],
        )
    reads = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("SELECT")
        and any(table in q["sql"] for table in ("fieldofaction", "targetgroup", "language"))
        and "INNER JOIN" in q["sql"]
    ]
    assert reads == []  # the (empty) lists are not read before they are written
    stored = Event.objects.get(pk=event.pk)
    assert {f.slug for f in stored.fields_of_action.all()} == {"sprache", "sport"}
    assert [g.slug for g in stored.target_groups.all()] == ["frauen"]
    assert [language.code for language in stored.languages.all()] == ["ar"]
