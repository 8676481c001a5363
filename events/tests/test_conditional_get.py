"""Conditional GET (ETag / If-None-Match → 304) on the API, the feeds and the public pages; CORS preflight."""

from __future__ import annotations

import pytest
from django.urls import reverse

from events.models import Event
from events.tests.public_helpers import MARCH, at, make_event


@pytest.fixture
def published(ki_staff, unna):
    return make_event(by=ki_staff, municipality=unna, title="Sprachcafé", start=at(MARCH))


def urls(event) -> list[str]:
    return [
        reverse("events:api_events") + f"?start={MARCH.isoformat()}",
        reverse("events:feed_district"),
        reverse("events:feed_municipality", kwargs={"slug": "unna"}),
        reverse("events:calendar") + f"?start={MARCH.isoformat()}",
        reverse("events:detail", kwargs={"pk": event.pk}),
    ]


def test_second_request_with_the_etag_gets_304_without_rendering(
    client, published, django_assert_max_num_queries
):
    for url in urls(published):
        first = client.get(url)
        assert first.status_code == 200, url
        etag = first["ETag"]

        with django_assert_max_num_queries(0):
            again = client.get(url, headers={"If-None-Match": etag})

        assert again.status_code == 304, url
        assert again.content == b""
        assert again["ETag"] == etag


def test_a_change_of_the_data_gives_a_new_etag(
    client, published, ki_staff, unna, django_capture_on_commit_callbacks
):
    url = reverse("events:api_events") + f"?start={MARCH.isoformat()}"
    etag = client.get(url)["ETag"]

    with django_capture_on_commit_callbacks(execute=True):
        make_event(by=ki_staff, municipality=unna, title="Neu im März", start=at(MARCH))
    response = client.get(url, headers={"If-None-Match": etag})

    assert response.status_code == 200
    assert response["ETag"] != etag
    assert "Neu im März" in response.content.decode()


def test_etag_differs_by_language_and_vary_says_so(client, published):
    url = reverse("events:calendar") + f"?start={MARCH.isoformat()}"
    german = client.get(url)
    client.cookies["django_language"] = "en"
    english = client.get(url)

    assert german["ETag"] != english["ETag"]
    vary = {part.strip().lower() for part in german["Vary"].split(",")}
    assert {"accept-language", "cookie"} <= vary
    assert client.get(url, headers={"If-None-Match": german["ETag"]}).status_code == 200


def test_logged_in_pages_carry_no_etag(client, published, contact_unna):
    client.force_login(contact_unna)
    response = client.get(reverse("events:detail", kwargs={"pk": published.pk}))

    assert response.status_code == 200
    assert not response.has_header("ETag")


def test_unpublished_event_is_never_answered_304(client, ki_staff, unna):
    event = make_event(by=ki_staff, municipality=unna, title="Entwurf", status=Event.Status.DRAFT)
    response = client.get(reverse("events:detail", kwargs={"pk": event.pk}), headers={"If-None-Match": "*"})

    assert response.status_code == 404


def test_api_answers_the_cors_preflight(client, published):
    response = client.options(
        reverse("events:api_events"),
        headers={"Origin": "https://www.unna.de", "Access-Control-Request-Method": "GET"},
    )

    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response["Access-Control-Allow-Methods"]
    assert "If-None-Match" in response["Access-Control-Allow-Headers"]
    api = client.get(reverse("events:api_events"))
    assert api["Access-Control-Expose-Headers"] == "ETag"


def test_without_a_stored_page_the_answer_is_rendered_then_compared(client, published):
    from django.core.cache import cache

    url = reverse("events:feed_district")
    etag = client.get(url)["ETag"]
    cache.clear()  # as after a Redis restart: versions start anew, so the old ETag no longer matches

    response = client.get(url, headers={"If-None-Match": etag})

    assert response.status_code == 200
    assert client.get(url, headers={"If-None-Match": response["ETag"]}).status_code == 304
