"""SQL and tsquery metacharacters in searches: a search with punctuation still finds what it should.

The searches use the ORM and websearch_to_tsquery, so nothing reaches SQL as code; these
tests make sure odd input also never reaches PostgreSQL in a form it refuses (NUL,
overflowing dates) and that a search with punctuation still finds what it should. Every page
with metacharacters in every parameter: ``test_query_injection_pages.py``.
"""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from events.models import Event
from events.tests.factories import berlin, make_event
from kreisintegration.tests.metacharacters import METACHARACTERS
from municipalities.models import Language
from volunteers.tests.factories import make_volunteer


@pytest.fixture
def sprachcafe(unna, contact_unna):
    return make_event(
        by=contact_unna,
        municipality=unna,
        title="Internationales Sprachcafé",
        description="Deutsch üben bei Kaffee & Kuchen – 100% kostenlos",
        start=berlin(2026, 3, 14, 18),
        status=Event.Status.APPROVED,
    )


def api_titles(client, q: str) -> list[str]:
    response = client.get(reverse("events:api_events"), {"q": q, "start": "2026-03-01", "end": "2026-03-31"})
    assert response.status_code in (200, 400), q
    body = json.loads(response.content)
    if response.status_code == 400:
        assert body["error"]["parameter"] == "q"
        return []
    return [result["title"] for result in body["results"]]


@pytest.mark.parametrize("value", METACHARACTERS)
def test_search_with_metacharacters_answers_and_never_matches_everything_by_accident(
    client, sprachcafe, value
):
    make_event(
        by=sprachcafe.created_by,
        municipality=sprachcafe.municipality,
        title="Fahrradwerkstatt",
        start=berlin(2026, 3, 15, 10),
        status=Event.Status.APPROVED,
    )
    titles = api_titles(client, value)
    # Punctuation alone is no search term: at most what contains it literally is found.
    assert "Fahrradwerkstatt" not in titles
    page = client.get(reverse("events:calendar"), {"q": value, "start": "2026-03-01"})
    assert page.status_code in (200, 400)
    assert Event.objects.filter(title="Fahrradwerkstatt").exists(), "nothing was dropped"


@pytest.mark.parametrize("suffix", ["'", '"', "!", ":*", "&", "|", ";--", "\\", "(", ")", "%", "_"])
def test_search_term_with_punctuation_still_finds_the_event(client, sprachcafe, suffix):
    assert api_titles(client, f"Sprachcafé{suffix}") == ["Internationales Sprachcafé"]
    page = client.get(reverse("events:calendar"), {"q": f"Sprachcafé{suffix}", "start": "2026-03-01"})
    assert page.status_code == 200
    assert "Internationales Sprachcafé" in page.content.decode()


def test_literal_percent_and_underscore_are_not_wildcards(client, sprachcafe):
    assert api_titles(client, "100%") == ["Internationales Sprachcafé"]
    assert api_titles(client, "Sprach_af") == []
    assert api_titles(client, "%") == []


def test_volunteer_search_with_metacharacters(client, ki_staff, district, unna):
    Language.objects.get_or_create(code="ti", defaults={"name": "Tigrinya"})
    make_volunteer(district, email="saba@example.org", full_name="Saba O'Brien", municipality=unna)
    client.force_login(ki_staff)
    url = reverse("volunteers:volunteer_search")
    for value in METACHARACTERS:
        for parameter in ("qualification", "language", "municipality", "page"):
            response = client.get(url, {parameter: value})
            assert response.status_code in (200, 400), (parameter, value)
    assert client.get(url).status_code == 200
