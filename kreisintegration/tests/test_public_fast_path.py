"""The fast path of cached public pages (``kreisintegration.public_fast_path``).

A visitor without a session gets a cached public page before the session and the user are read
(``request.user`` is never set); everybody else takes the full middleware stack. The answer must
be the same as the full path's: headers (CSP, frame options, Vary, language), CSRF token, ETag.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from events.tests.public_helpers import MARCH, at, make_event

CALENDAR = reverse("events:calendar") + f"?start={MARCH.isoformat()}"


@pytest.fixture
def published(ki_staff, unna):
    return make_event(by=ki_staff, municipality=unna, title="Sprachcafé am Markt", start=at(MARCH))


def _took_fast_path(response) -> bool:
    # AuthenticationMiddleware (after the fast path) sets request.user on every full request.
    return not hasattr(response.wsgi_request, "user")


def _vary(response) -> set[str]:
    return {part.strip().lower() for part in response.get("Vary", "").split(",") if part.strip()}


def test_second_visit_is_answered_before_the_session_with_the_full_paths_headers(
    client, published, django_assert_num_queries
):
    first = client.get(CALENDAR)
    assert not _took_fast_path(first)
    with django_assert_num_queries(0):
        fast = client.get(CALENDAR)

    assert fast.status_code == 200 and _took_fast_path(fast)
    assert fast["X-Public-Cache"] == "hit"
    for header in ("Content-Security-Policy", "X-Frame-Options", "Content-Type", "ETag", "Content-Language"):
        assert fast[header] == first[header], header
    assert fast["X-Content-Type-Options"] == "nosniff"
    assert {"cookie", "accept-language"} <= _vary(fast)
    assert b"__public-cache-csrf-token__" not in fast.content
    assert fast.content.count(b"csrfmiddlewaretoken") == first.content.count(b"csrfmiddlewaretoken")
    assert "Sprachcafé am Markt" in fast.content.decode()


def test_a_new_visitor_on_the_fast_path_gets_a_csrf_cookie_and_a_matching_token(client, published):
    client.get(CALENDAR)
    client.cookies.clear()

    fast = client.get(CALENDAR)

    assert _took_fast_path(fast)
    assert "csrftoken" in fast.cookies
    assert b'name="csrfmiddlewaretoken" value="' in fast.content


def test_a_logged_in_person_never_gets_the_visitors_cached_page(client, published, contact_unna):
    client.get(CALENDAR)
    assert _took_fast_path(client.get(CALENDAR))

    client.force_login(contact_unna)
    page = client.get(CALENDAR)

    assert not _took_fast_path(page)
    assert page.wsgi_request.user == contact_unna
    assert "X-Public-Cache" not in page
    assert reverse("accounts:logout") in page.content.decode()  # the logged-in header


def test_languages_are_kept_apart(client, published):
    german = client.get(CALENDAR)
    client.get(CALENDAR, headers={"Accept-Language": "en"})

    english = client.get(CALENDAR, headers={"Accept-Language": "en"})
    german_again = client.get(CALENDAR)

    assert _took_fast_path(english) and _took_fast_path(german_again)
    assert english["Content-Language"] == "en" and german_again["Content-Language"] == "de"
    assert english["ETag"] != german_again["ETag"] == german["ETag"]
    assert 'lang="en"' in english.content.decode() and 'lang="de"' in german_again.content.decode()


def test_a_visitor_with_a_pending_message_takes_the_full_path(client, published):
    client.get(CALENDAR)
    client.cookies["messages"] = "anything"

    assert not _took_fast_path(client.get(CALENDAR))


def test_etag_gives_304_on_the_fast_path(client, published, django_assert_num_queries):
    etag = client.get(CALENDAR)["ETag"]

    with django_assert_num_queries(0):
        again = client.get(CALENDAR, headers={"If-None-Match": etag})

    assert again.status_code == 304 and _took_fast_path(again)
    assert again["ETag"] == etag


def test_a_committed_change_ends_the_fast_answer(
    client, published, ki_staff, django_capture_on_commit_callbacks
):
    client.get(CALENDAR)
    assert _took_fast_path(client.get(CALENDAR))

    published.title = "Sprachcafé im Rathaus"
    with django_capture_on_commit_callbacks(execute=True):
        published.save()
    fresh = client.get(CALENDAR)

    assert "X-Public-Cache" not in fresh
    assert "Sprachcafé im Rathaus" in fresh.content.decode()
    assert _took_fast_path(client.get(CALENDAR))


def test_feeds_and_the_api_take_the_fast_path_with_cors(client, published):
    api = reverse("events:api_events") + f"?start={MARCH.isoformat()}"
    feed = reverse("events:feed_municipality", kwargs={"slug": "unna"})
    for url in (api, feed):
        first = client.get(url)
        fast = client.get(url)
        assert _took_fast_path(fast), url
        assert fast.content == first.content
        for header in ("Content-Type", "Access-Control-Allow-Origin", "ETag", "Content-Disposition"):
            assert fast.get(header) == first.get(header), (url, header)
    assert client.get(api)["Access-Control-Allow-Origin"] == "*"


def test_pages_that_are_not_cached_take_the_full_path(client, published):
    login = reverse("accounts:login")
    client.get(login)

    assert not _took_fast_path(client.get(login))


def test_a_miss_reads_the_page_entry_once(client, published, monkeypatch):
    """The fast path's lookup (it missed) goes to the view's decorator, which does not ask again;
    the entry it stores then answers the next visit."""
    from django.core.cache import cache

    reads = []
    get_many = cache.get_many

    def counting(keys, *args, **kwargs):
        reads.extend(key for key in keys if key.startswith("public-page:"))
        return get_many(keys, *args, **kwargs)

    monkeypatch.setattr(cache, "get_many", counting)
    first = client.get(CALENDAR)
    assert first.status_code == 200 and not _took_fast_path(first)
    assert len(reads) == 1
    second = client.get(CALENDAR)
    assert _took_fast_path(second) and second["X-Public-Cache"] == "hit"
    assert second.content.split(b"csrfmiddlewaretoken")[0] == first.content.split(b"csrfmiddlewaretoken")[0]
