"""Property-based tests of the public query parameters (JSON API and calendar).

Arbitrary strings for every parameter, through the real URL and the real test
database: the answer is 200, or 400 naming the parameter, never a 500.
"""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from hypothesis import example, given
from hypothesis import strategies as st

from events.models import Event
from events.tests.factories import berlin, make_event
from municipalities.models import FieldOfAction, Language, TargetGroup

API = reverse("events:api_events")
CALENDAR = reverse("events:calendar")
API_PARAMS = ("start", "end", "municipality", "field_of_action", "target_group", "language", "q", "page")
CALENDAR_PARAMS = (*API_PARAMS[:-1], "view", "page", "month", "week")

# Any text a URL can carry (no lone surrogates: they cannot be sent as UTF-8).
any_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)
values = st.one_of(
    any_text,
    st.dates().map(lambda d: d.isoformat()),  # year 1 … 9999
    st.integers().map(str),
    st.sampled_from(
        ["unna", "05978036", "sprache", "ar", "de", "month", "week", "list", "2026-03", "2026-W11"]
    ),
    st.sampled_from(
        ["'", '"', "%", "_", "\\", ";--", "'); DROP TABLE events_event;--", "&", "|", "!", ":*", "\x00"]
    ),
)


@pytest.fixture
def public_data(unna, contact_unna, ki_staff):
    district = unna.district
    sprache = FieldOfAction.objects.create(district=district, name="Sprache & Bildung", slug="sprache")
    group = TargetGroup.objects.create(district=district, name="Familien", slug="familien")
    arabic = Language.objects.get_or_create(code="ar", defaults={"name": "Arabisch"})[0]
    make_event(
        by=contact_unna,
        municipality=unna,
        title="Internationales Sprachcafé",
        description="Deutsch üben bei Kaffee und Kuchen",
        start=berlin(2026, 3, 10, 18),
        frequency=Event.Frequency.WEEKLY,
        repeat_count=8,
        fields_of_action=[sprache],
        target_groups=[group],
        languages=[arabic],
        status=Event.Status.APPROVED,
    )


def assert_json_answer(response, sent: dict):
    assert response.status_code in (200, 400), (sent, response.status_code)
    body = json.loads(response.content)
    if response.status_code == 400:
        error = body["error"]
        assert error["message"]
        assert error["parameter"] in sent, (sent, error)
    else:
        assert isinstance(body["results"], list)
        assert body["count"] >= len(body["results"])


@pytest.mark.parametrize("parameter", API_PARAMS)
@given(value=values)
@example(value="9999-12-31")
@example(value="0001-01-01")
@example(value="\x00")
def test_api_any_single_parameter_gives_200_or_400_naming_it(client, public_data, parameter, value):
    response = client.get(API, {parameter: value})
    assert_json_answer(response, {parameter: value})
    if response.status_code == 400:
        assert json.loads(response.content)["error"]["parameter"] == parameter


@given(params=st.dictionaries(st.sampled_from(API_PARAMS), values, max_size=len(API_PARAMS)))
def test_api_any_combination_of_parameters_gives_200_or_400(client, public_data, params):
    assert_json_answer(client.get(API, params), params)


@given(params=st.dictionaries(st.sampled_from(CALENDAR_PARAMS), values, max_size=len(CALENDAR_PARAMS)))
@example(params={"view": "month", "start": "9999-12-31"})
@example(params={"view": "week", "start": "0001-01-01"})
@example(params={"view": "month", "end": "9999-12-31", "start": "9999-12-01"})
def test_calendar_any_parameters_give_a_page_never_a_500(client, public_data, params):
    response = client.get(CALENDAR, params)
    assert response.status_code in (200, 400), (params, response.status_code)
    html = response.content.decode()
    assert "<h1" in html
    if response.status_code == 400:
        assert response.context["filter_error"].parameter in params


@given(params=st.dictionaries(st.sampled_from(API_PARAMS[:-1]), values, max_size=4))
def test_ics_feeds_ignore_or_refuse_parameters_but_never_fail(client, public_data, params):
    response = client.get(reverse("events:feed_district"), params)
    assert response.status_code in (200, 400)
