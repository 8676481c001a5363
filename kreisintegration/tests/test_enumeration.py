"""No user enumeration: known, unknown and inactive addresses get identical answers.

Complements accounts/tests/test_auth.py and the invitation and sign-up tests by
comparing whole pages (only the CSRF token and CSP nonce differ per response).
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from conftest import PASSWORD
from municipalities import services

LOGIN = reverse("accounts:login")


def page(response) -> tuple[int, str, str]:
    html = response.content.decode()
    html = re.sub(r'(name="csrfmiddlewaretoken" value|nonce)="[^"]*"', "", html)
    # The login form shows the address typed in: compare the pages without it.
    html = re.sub(r'value="[^"]*@example\.org"', 'value=""', html)
    return response.status_code, response.get("Location", ""), html


@pytest.fixture
def inactive(district):
    return User.objects.create_user(
        email="unbestaetigt@example.org", full_name="Ольга Петрова", password=PASSWORD, is_active=False
    )


def test_login_unknown_inactive_and_wrong_password_look_the_same(client, ki_staff, inactive):
    unknown = page(client.post(LOGIN, {"username": "niemand@example.org", "password": PASSWORD}))
    wrong = page(client.post(LOGIN, {"username": ki_staff.email, "password": "falsch-falsch"}))
    not_active = page(client.post(LOGIN, {"username": inactive.email, "password": PASSWORD}))
    assert unknown == wrong == not_active
    assert unknown[0] == 200
    assert "E-Mail-Adresse oder Passwort ist nicht richtig" in unknown[2]


def test_lockout_is_the_same_for_known_and_unknown_addresses(client, ki_staff, settings):
    settings.AXES_FAILURE_LIMIT = 3
    answers = {}
    for address in (ki_staff.email, "niemand@example.org"):
        for _ in range(3):
            client.post(LOGIN, {"username": address, "password": "falsch-falsch"})
        answers[address] = page(client.post(LOGIN, {"username": address, "password": "falsch-falsch"}))
    known, unknown = answers.values()
    assert known == unknown
    assert known[0] == 429


def test_password_reset_for_inactive_unknown_and_known_looks_the_same(
    client, ki_staff, inactive, django_capture_on_commit_callbacks
):
    url = reverse("accounts:password_reset")
    answers = []
    for address in (ki_staff.email, inactive.email, "niemand@example.org"):
        with django_capture_on_commit_callbacks(execute=True):
            answers.append(page(client.post(url, {"email": address})))
    assert answers[0] == answers[1] == answers[2]
    assert answers[0][0] == 302
    # Only the active, known account gets a mail.
    assert [message.to for message in mail.outbox] == [[ki_staff.email]]


def test_invitation_renewal_pages_are_identical_for_known_and_unknown(client, ki_staff, unna):
    services.invite_contact(by=ki_staff, municipality=unna, email="neu@example.org")
    url = reverse("municipalities:invitation_renewal")
    known = client.post(url, {"email": "neu@example.org"}, follow=True)
    unknown = client.post(url, {"email": "unbekannt@example.org"}, follow=True)
    assert known.redirect_chain == unknown.redirect_chain
    assert page(known) == page(unknown)


def test_signup_pages_are_identical_for_new_and_existing_addresses(client, district, unna, ki_staff):
    url = reverse("volunteers:signup")
    data = {
        "full_name": "Ahmad Al-Hassan",
        "password1": "Sonnenblume-im-Garten-77",
        "password2": "Sonnenblume-im-Garten-77",
        "municipality": "",
        "privacy": "on",
    }
    new = client.post(url, {**data, "email": "ganz-neu@example.org"}, follow=True)
    existing = client.post(url, {**data, "email": ki_staff.email}, follow=True)
    assert new.redirect_chain == existing.redirect_chain
    assert page(new) == page(existing)
