"""The public JSON list of events for other websites: /api/events/."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from events.tests.public_helpers import MARCH, YEAR, at, make_event
from municipalities.tests.factories import DistrictFactory, MunicipalityFactory

S = Event.Status


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "http://testserver-site"


def api(client, **params):
    response = client.get(reverse("events:api_events"), params)
    return response, json.loads(response.content)


def window(**extra) -> dict:
    return {"start": MARCH.isoformat(), "end": (MARCH + timedelta(days=30)).isoformat(), **extra}


def test_result_shape(client, ki_staff, unna, calendar_terms):
    event = make_event(
        by=ki_staff, municipality=unna, title="Internationales Sprachcafé", start=at(date(YEAR, 3, 14)),
        location_name="Stadtbibliothek", street="Lindenplatz 1", postcode="59423", town="Unna",
        online_url="https://meet.example.org/cafe", fields_of_action=[calendar_terms["sprache"]],
        target_groups=[calendar_terms["frauen"]], languages=[calendar_terms["fa"], calendar_terms["ru"]],
    )  # fmt: skip

    response, body = api(client, **window())

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert body["count"] == 1 and body["next"] is None and body["previous"] is None
    [result] = body["results"]
    assert result == {
        "id": event.occurrences.get().pk,
        "event_id": event.pk,
        "title": "Internationales Sprachcafé",
        "description": event.description,
        "inLanguage": "de",
        "start": f"{YEAR}-03-14T18:00:00+01:00",
        "end": f"{YEAR}-03-14T20:00:00+01:00",
        "all_day": False,
        "municipality": {"slug": "unna", "name": "Unna", "ags": "05978036"},
        "location": {
            "name": "Stadtbibliothek",
            "street": "Lindenplatz 1",
            "postcode": "59423",
            "town": "Unna",
        },
        "online_url": "https://meet.example.org/cafe",
        "fields_of_action": [{"slug": "sprache", "name": "Sprache & Bildung"}],
        "target_groups": [{"slug": "frauen", "name": "Frauen"}],
        "languages": [{"code": "fa", "name": "Persisch"}, {"code": "ru", "name": "Russisch"}],
        "status": "approved",
        "url": f"http://testserver{event.get_absolute_url()}",  # the request's host, not SITE_URL
        "translations": {},
    }


@pytest.mark.parametrize("status", [S.DRAFT, S.SUBMITTED, S.RETURNED, S.REJECTED], ids=str)
def test_non_public_events_are_never_returned(client, ki_staff, contact_unna, unna, status):
    make_event(by=ki_staff, municipality=unna, title="Nicht öffentlich", status=status)
    make_event(by=ki_staff, municipality=unna, title="Öffentlich")

    for user in (None, contact_unna, ki_staff):  # not even to the people who manage them
        if user:
            client.force_login(user)
        _response, body = api(client, **window())
        assert [r["title"] for r in body["results"]] == ["Öffentlich"]
        assert body["count"] == 1


def test_cancelled_events_are_returned_marked(client, ki_staff, unna):
    make_event(by=ki_staff, municipality=unna, title="Abgesagtes Fest", status=S.CANCELLED)

    _response, body = api(client, **window())

    assert [(r["title"], r["status"]) for r in body["results"]] == [("Abgesagtes Fest", "cancelled")]


def test_other_districts_are_not_listed(client, ki_staff, unna):
    soest = DistrictFactory(name="Kreis Soest", ags_prefix="05974")
    werl = MunicipalityFactory(district=soest, name="Werl", ags="05974048")
    other = Event.objects.create(
        municipality=werl, title="Fremder Kreis", start=at(MARCH + timedelta(9)),
        end=at(MARCH + timedelta(9), 20), status=S.APPROVED,
    )  # fmt: skip
    other.occurrences.create(start=other.start, end=other.end)
    make_event(by=ki_staff, municipality=unna, title="Eigener Kreis")

    _response, body = api(client, **window())

    assert [r["title"] for r in body["results"]] == ["Eigener Kreis"]


@pytest.fixture
def filter_events(ki_staff, unna, luenen, calendar_terms):
    day = at(MARCH + timedelta(9))
    make_event(
        by=ki_staff, municipality=unna, title="Internationales Sprachcafé", start=day,
        fields_of_action=[calendar_terms["sprache"]], target_groups=[calendar_terms["frauen"]], languages=[calendar_terms["fa"]],
    )  # fmt: skip
    make_event(
        by=ki_staff, municipality=luenen, title="Basketball", start=day + timedelta(days=1),
        fields_of_action=[calendar_terms["sport"]], target_groups=[calendar_terms["jugend"]], languages=[calendar_terms["ru"]],
    )  # fmt: skip
    make_event(by=ki_staff, municipality=luenen, title="Später", start=at(MARCH + timedelta(days=60)))


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (window(), ["Internationales Sprachcafé", "Basketball"]),
        (window(municipality="unna"), ["Internationales Sprachcafé"]),
        (window(municipality="05978024"), ["Basketball"]),
        (window(field_of_action="sport"), ["Basketball"]),
        (window(target_group="frauen"), ["Internationales Sprachcafé"]),
        (window(language="ru"), ["Basketball"]),
        (window(q="Sprachcafé"), ["Internationales Sprachcafé"]),
        (window(q="internationale"), ["Internationales Sprachcafé"]),
        ({"start": (MARCH + timedelta(days=10)).isoformat(), "end": (MARCH + timedelta(days=10)).isoformat()},
         ["Basketball"]),
        ({"start": MARCH.isoformat(), "end": (MARCH + timedelta(days=90)).isoformat()},
         ["Internationales Sprachcafé", "Basketball", "Später"]),
    ],
)  # fmt: skip
def test_filters(client, filter_events, params, expected):
    response, body = api(client, **params)

    assert response.status_code == 200
    assert [r["title"] for r in body["results"]] == expected


def test_default_window_is_today_and_the_next_31_days(client, ki_staff, unna):
    today = timezone.localdate()
    make_event(by=ki_staff, municipality=unna, title="Heute", start=at(today, 23, 0))
    make_event(by=ki_staff, municipality=unna, title="In 30 Tagen", start=at(today + timedelta(days=30), 10))
    make_event(by=ki_staff, municipality=unna, title="In 31 Tagen", start=at(today + timedelta(days=31), 10))
    make_event(by=ki_staff, municipality=unna, title="Gestern", start=at(today - timedelta(days=1), 10))

    _response, body = api(client)

    assert [r["title"] for r in body["results"]] == ["Heute", "In 30 Tagen"]


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"start": "14.03.2026"}, "start"),
        ({"start": "2026-02-30"}, "start"),
        ({"end": "morgen"}, "end"),
        ({"start": "2026-03-10", "end": "2026-03-01"}, "end"),
        ({"start": "2026-01-01", "end": "2027-02-05"}, "end"),  # 401 days
        ({"municipality": "atlantis"}, "municipality"),
        ({"municipality": "99999999"}, "municipality"),
        ({"field_of_action": "nichts"}, "field_of_action"),
        ({"target_group": "nichts"}, "target_group"),
        ({"language": "xx"}, "language"),
        ({"q": "a" * 201}, "q"),
        ({"page": "zwei"}, "page"),
        ({"page": "0"}, "page"),
        ({"page": "2"}, "page"),  # beyond the last page
    ],
)
def test_bad_parameters_answer_400_naming_the_parameter(client, district, params, parameter):
    response, body = api(client, **params)

    assert response.status_code == 400
    assert response["Access-Control-Allow-Origin"] == "*"
    assert body["error"]["parameter"] == parameter
    assert body["error"]["message"]  # a German sentence for the developer of the other site


def test_window_of_exactly_400_days_is_allowed(client, district):
    response, _body = api(client, start="2026-01-01", end="2027-02-04")

    assert response.status_code == 200


def test_municipality_of_another_district_is_unknown(client, unna):
    other = MunicipalityFactory(
        district=DistrictFactory(name="Kreis Soest", ags_prefix="05974"), name="Soest", ags="05974040"
    )

    response, body = api(client, municipality=other.ags)

    assert response.status_code == 400
    assert body["error"]["parameter"] == "municipality"


def test_times_keep_local_wall_clock_across_dst(client, ki_staff, unna):
    """A weekly 18:00 series: +01:00 in winter, +02:00 in summer, 18:00 local every time."""
    first_thursday = date(YEAR, 3, 1) + timedelta(days=(3 - date(YEAR, 3, 1).weekday()) % 7)
    make_event(
        by=ki_staff, municipality=unna, title="Elterncafé donnerstags", start=at(first_thursday),
        frequency=Event.Frequency.WEEKLY, weekdays=[3], repeat_until=date(YEAR, 11, 30),
    )  # fmt: skip

    def starts(start: date, end: date) -> list[str]:
        _response, body = api(client, start=start.isoformat(), end=end.isoformat())
        return [r["start"] for r in body["results"]]

    march = starts(date(YEAR, 3, 1), date(YEAR, 4, 30))
    november = starts(date(YEAR, 10, 1), date(YEAR, 11, 30))
    everything = march + november
    assert all(value[11:19] == "18:00:00" for value in everything)
    # Last Sunday of March and of October switch the offset.
    assert {v[-6:] for v in march if v[:10] < f"{YEAR}-03-25"} == {"+01:00"}
    assert {v[-6:] for v in march if v[:10] > f"{YEAR}-04-01"} == {"+02:00"}
    assert {v[-6:] for v in november if v[:10] < f"{YEAR}-10-25"} == {"+02:00"}
    assert {v[-6:] for v in november if v[:10] > f"{YEAR}-11-01"} == {"+01:00"}
    for value in everything:
        parsed = datetime.fromisoformat(value)
        assert timezone.localtime(parsed).hour == 18
        assert parsed.utcoffset() == timezone.localtime(parsed).utcoffset()


def test_pagination_with_next_and_previous_links(client, ki_staff, unna):
    first_monday = MARCH + timedelta(days=(7 - MARCH.weekday()) % 7)
    make_event(
        by=ki_staff, municipality=unna, title="Täglicher Deutschtreff", start=at(first_monday, 9),
        frequency=Event.Frequency.WEEKLY, weekdays=[0, 1, 2, 3, 4, 5, 6], repeat_count=120,
    )  # fmt: skip
    params = {
        "start": MARCH.isoformat(),
        "end": (MARCH + timedelta(days=200)).isoformat(),
        "municipality": "unna",
    }

    response, body = api(client, **params)

    assert response.status_code == 200
    assert body["count"] == 120
    assert len(body["results"]) == 50
    assert body["previous"] is None
    next_url = urlsplit(body["next"])
    assert f"{next_url.scheme}://{next_url.netloc}" == "http://testserver"  # not SITE_URL
    assert next_url.path == reverse("events:api_events")
    query = parse_qs(next_url.query)
    assert query["page"] == ["2"] and query["municipality"] == ["unna"]
    assert query["start"] == [params["start"]] and query["end"] == [params["end"]]

    _response, second = api(client, **{k: v[0] for k, v in query.items()})
    assert len(second["results"]) == 50
    assert parse_qs(urlsplit(second["previous"]).query)["page"] == ["1"]
    _response, third = api(client, **params, page=3)
    assert len(third["results"]) == 20 and third["next"] is None
    ids = [r["id"] for page in (body, second, third) for r in page["results"]]
    assert len(set(ids)) == 120  # no row twice, none lost
    starts = [r["start"] for page in (body, second, third) for r in page["results"]]
    assert starts == sorted(starts, key=datetime.fromisoformat)


def test_empty_result_is_a_valid_first_page(client, district):
    response, body = api(client, start="2026-01-01")

    assert response.status_code == 200
    assert body == {"count": 0, "next": None, "previous": None, "results": []}


def test_query_count_does_not_grow_with_events(client, ki_staff, unna, luenen, calendar_terms):
    def add(n: int, offset: int = 0):
        for i in range(n):
            make_event(
                by=ki_staff, municipality=unna if i % 2 else luenen, title=f"Treffen {offset + i}",
                start=at(MARCH + timedelta(days=(offset + i) % 20), 10),
                fields_of_action=[calendar_terms["sprache"], calendar_terms["sport"]], target_groups=[calendar_terms["frauen"]],
                languages=[calendar_terms["fa"], calendar_terms["ru"]], status=S.CANCELLED if i % 4 == 0 else S.APPROVED,
            )  # fmt: skip

    params = window(field_of_action="sprache", municipality="unna", page="1")
    add(3)
    cache.clear()  # measure the uncached path both times (the portal district is cached too)
    with CaptureQueriesContext(connection) as few:
        assert api(client, **params)[0].status_code == 200
    add(90, offset=3)
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        response, body = api(client, **params)
    assert response.status_code == 200
    assert body["count"] == 46 and len(body["results"]) == 46
    # District, municipality, field of action, count, page of occurrences, four prefetches (with translations).
    assert len(many) == len(few) == 9


def test_post_is_not_allowed(client, district):
    assert client.post(reverse("events:api_events")).status_code == 405
