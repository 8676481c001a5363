"""The masthead and footer of ``base.html``: a visitor's are rendered once per process and key
(``templatetags/page_chrome.py``) and must be exactly what rendering them per request gives."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache

from municipalities.models import District
from municipalities.templatetags import page_chrome

URLS = [
    "/",
    "/veranstaltungen/",
    "/veranstaltungen/?view=month&start=2026-03-01",
    "/veranstaltungen/?q=%3Cb%3E%22Caf%C3%A9%22+%26+mehr&start=2026-03-01",
    "/kurse/",
    "/kommunen/",
    "/impressum/",
]
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


def _page(client, url: str, language: str) -> bytes:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, url
    return TOKEN.sub(b'name="csrfmiddlewaretoken" value=""', response.content)


@pytest.mark.parametrize("language", ["de", "en", "ar"])
def test_remembered_masthead_and_footer_are_what_rendering_gives(client, district, language):
    fresh = {}
    for url in URLS:
        page_chrome._memo.clear()
        cache.clear()
        fresh[url] = _page(client, url, language)
    # Now each page after the others, with the masthead and footer remembered from earlier pages.
    page_chrome._memo.clear()
    for url in [*URLS, *reversed(URLS)]:
        cache.clear()
        assert _page(client, url, language) == fresh[url], url
    assert page_chrome._memo  # they were remembered


def test_the_language_switcher_returns_to_this_page_with_this_requests_token(client, district):
    page_chrome._memo.clear()
    for url in URLS[2:4]:
        cache.clear()
        response = client.get(url)
        html = response.content.decode()
        next_value = re.search(r'<input type="hidden" name="next" value="([^"]*)">', html).group(1)
        expected = url.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
        assert next_value == expected
        token = re.search(
            r'class="ki-language">\s*<input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)"', html
        )
        assert token and token.group(1) not in ("", page_chrome._TOKEN_MARK)
        assert page_chrome._PATH_MARK not in html and page_chrome._TOKEN_MARK not in html


def test_a_changed_district_name_shows_at_once(client, district):
    page_chrome._memo.clear()
    cache.clear()
    assert district.ki_name in client.get("/veranstaltungen/").content.decode()
    District.objects.filter(pk=district.pk).update(ki_name="Kommunales Integrationszentrum Neu")
    cache.clear()  # the cached portal district and pages (a save through the admin bumps them)
    html = client.get("/veranstaltungen/").content.decode()
    assert html.count("Kommunales Integrationszentrum Neu") == 2  # masthead and footer


def test_a_logged_in_person_gets_their_own_navigation(client, district, ki_staff):
    page_chrome._memo.clear()
    cache.clear()
    assert "Mein Bereich" not in client.get("/veranstaltungen/").content.decode()
    client.force_login(ki_staff)
    html = client.get("/veranstaltungen/").content.decode()
    assert "Mein Bereich" in html and "Abmelden" in html
