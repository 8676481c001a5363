"""The district's reference data of the public events pages, cached under the events version."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.filters import FilterError, parse_event_filter
from municipalities.models import FieldOfAction, Language, TargetGroup
from municipalities.tests.factories import DistrictFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fields(district):
    return [
        FieldOfAction.objects.create(district=district, name="Sprache & Bildung", slug="sprache"),
        FieldOfAction.objects.create(district=district, name="Sport", slug="sport"),
    ]


def _calendar(client, **params):
    return client.get(reverse("events:calendar"), params)


def test_a_second_window_reads_no_reference_rows(client, unna, fields):
    assert _calendar(client, view="month", start="2031-03-01", municipality="unna").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = _calendar(
            client, view="month", start="2031-04-01", municipality="unna", field_of_action="sport"
        )
    assert response.status_code == 200
    tables = " ".join(query["sql"].split(" FROM ", 1)[1].split(" ", 1)[0] for query in queries)
    for table in ("municipality", "fieldofaction", "targetgroup", "language"):
        assert f'"municipalities_{table}"' not in tables, tables
    assert 'value="sport" selected' in response.content.decode()


def test_a_renamed_municipality_shows_at_once(client, unna, fields, django_capture_on_commit_callbacks):
    assert ">Unna</option>" in _calendar(client, start="2031-03-01").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        unna.name = "Kreisstadt Unna"
        unna.save()
    page = _calendar(client, start="2031-05-01").content.decode()
    assert ">Kreisstadt Unna</option>" in page
    assert ">Unna</option>" not in page


def test_a_new_field_of_action_is_known_at_once_to_calendar_api_and_feed(
    client, district, unna, fields, django_capture_on_commit_callbacks
):
    api = reverse("events:api_events")
    feed = reverse("events:feed_municipality", kwargs={"slug": unna.slug})
    assert client.get(api, {"field_of_action": "sport"}).status_code == 200
    assert client.get(api, {"field_of_action": "wohnen"}).status_code == 400
    assert client.get(feed, {"field_of_action": "sport"}).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        FieldOfAction.objects.create(district=district, name="Wohnen", slug="wohnen")
    assert client.get(api, {"field_of_action": "wohnen", "start": "2031-01-01"}).status_code == 200
    assert client.get(feed, {"field_of_action": "WOHNEN"}).status_code == 200
    assert 'value="wohnen"' in _calendar(client, start="2031-06-01").content.decode()


def test_an_inactive_field_stays_usable_in_urls_but_leaves_the_choices(
    client, fields, unna, django_capture_on_commit_callbacks
):
    assert 'value="sport"' in _calendar(client, start="2031-06-01").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        fields[1].is_active = False
        fields[1].save()
    page = _calendar(client, start="2031-07-01", field_of_action="sport")
    assert page.status_code == 200
    assert 'value="sport"' not in page.content.decode()
    assert 'value="sprache"' in page.content.decode()


def test_other_districts_reference_data_stay_apart(district, fields):
    other = DistrictFactory(name="Kreis Soest", ags_prefix="05974")
    TargetGroup.objects.create(district=other, name="Senioren", slug="senioren")
    Language.objects.get_or_create(code="ar", defaults={"name": "Arabisch"})
    for _ in range(2):  # filled, then from the cache
        with pytest.raises(FilterError):
            parse_event_filter({"target_group": "senioren"}, district=district)
        assert parse_event_filter({"target_group": "senioren"}, district=other).target_group.district == other
        with pytest.raises(FilterError):
            parse_event_filter({"field_of_action": "sport"}, district=other)
        assert (
            parse_event_filter({"field_of_action": "sport"}, district=district).field_of_action == fields[1]
        )
        assert parse_event_filter({"language": "ar"}, district=other).language.code == "ar"
