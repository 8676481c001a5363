"""Security headers on public and staff pages (check --deploy itself: test_project.py)."""

import pytest
from django.urls import reverse

EXPECTED = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def assert_security_headers(response):
    for header, value in EXPECTED.items():
        assert response[header] == value, header
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_public_page_sends_the_security_headers(client, district):
    assert_security_headers(client.get("/"))


@pytest.mark.parametrize(
    "path",
    [reverse("events:review_queue"), reverse("accounts:profile"), reverse("accounts:two_factor_setup")],
)
def test_staff_and_account_pages_send_the_security_headers(client, ki_staff, contact_unna, path):
    client.force_login(contact_unna if path == reverse("accounts:two_factor_setup") else ki_staff)
    response = client.get(path)
    assert response.status_code == 200
    assert_security_headers(response)


def test_second_factor_pages_are_not_cached(client, contact_unna):
    client.force_login(contact_unna)
    response = client.get(reverse("accounts:two_factor_setup"))
    assert "no-store" in response["Cache-Control"]


def test_https_gets_hsts_in_production(client, district, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000; includeSubDomains")
