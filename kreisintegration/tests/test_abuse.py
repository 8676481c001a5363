"""Abuse protection of the public forms: rate limits (django-ratelimit) and honeypots.

Every limited endpoint: N POSTs are answered as usual, the next one gets the German
429 page, another client address is not affected, and the answer never tells whether
an account exists. The limits are lowered per test through ``settings.RATELIMITS``
(the root conftest clears the cache, so every test starts counting from zero).
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.urls import reverse

from accounts.models import User
from municipalities import services
from municipalities.models import Invitation
from volunteers.models import Registration, Volunteer
from volunteers.tests.factories import make_course

OTHER_IP = "203.0.113.77"
NEW_PASSWORD = "Sonnenblume-im-Garten-77"
TOO_MANY = "Zu viele Anfragen – bitte versuchen Sie es in einer Stunde erneut."


def signup_data(email: str) -> dict:
    return {
        "full_name": "Ольга Петрова",
        "email": email,
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "municipality": "",
        "privacy": "on",
        "website": "",
    }


def email_data(email: str) -> dict:
    return {"email": email, "website": ""}


# scope → (URL name, form data for an address, expected status of an accepted POST)
EMAIL_FORMS = {
    "signup": ("volunteers:signup", signup_data, 302),
    "password_reset": ("accounts:password_reset", email_data, 302),
    "invitation_renewal": ("municipalities:invitation_renewal", email_data, 302),
}


def limit(settings, scope: str, **per_hour):
    settings.RATELIMITS = {**django_settings.RATELIMITS, scope: per_hour}


def without_tokens(response) -> str:
    """The page without what differs on every response anyway (CSRF token, CSP nonce)."""
    html = response.content.decode()
    return re.sub(r'(name="csrfmiddlewaretoken" value|nonce)="[^"]*"', "", html)


def assert_too_many(response):
    assert response.status_code == 429
    html = response.content.decode()
    assert TOO_MANY in html
    assert "<h1>Zu viele Anfragen</h1>" in html


def test_every_public_form_has_sensible_default_limits():
    limits = django_settings.RATELIMITS
    for scope in ("signup", "password_reset", "invitation_renewal"):
        assert 1 <= limits[scope]["email"] <= limits[scope]["ip"] <= 100
    assert limits["signup"] == {"ip": 20, "email": 5}
    assert set(limits["invitation_accept"]) == {"ip", "token"}
    assert set(limits["course_registration"]) == {"ip", "user"}


@pytest.mark.parametrize("scope", EMAIL_FORMS)
def test_limit_per_client_address(
    client, district, unna, settings, scope, django_capture_on_commit_callbacks
):
    name, data, ok = EMAIL_FORMS[scope]
    limit(settings, scope, ip=3, email=100)
    url = reverse(name)
    for number in range(3):
        response = client.post(url, data(f"person{number}@example.org"))
        assert response.status_code == ok, number
    mails_before = len(mail.outbox)
    users_before = User.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        assert_too_many(client.post(url, data("noch-jemand@example.org")))
    # A refused request does nothing.
    assert len(mail.outbox) == mails_before
    assert User.objects.count() == users_before
    # Another client address is not affected, and GET still shows the form.
    assert client.post(url, data("andere@example.org"), REMOTE_ADDR=OTHER_IP).status_code == ok
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("scope", EMAIL_FORMS)
def test_limit_per_target_address_across_client_addresses(client, district, unna, settings, scope):
    name, data, ok = EMAIL_FORMS[scope]
    limit(settings, scope, ip=100, email=2)
    url = reverse(name)
    # Spelling variants of one address count together.
    assert client.post(url, data("ziel@example.org"), REMOTE_ADDR="198.51.100.1").status_code == ok
    assert client.post(url, data(" Ziel@Example.org "), REMOTE_ADDR="198.51.100.2").status_code in (ok, 200)
    assert_too_many(client.post(url, data("ZIEL@example.org"), REMOTE_ADDR="198.51.100.3"))
    # Another address from the same client goes through.
    assert client.post(url, data("jemand-anders@example.org"), REMOTE_ADDR="198.51.100.3").status_code == ok


@pytest.mark.parametrize("scope", EMAIL_FORMS)
def test_limited_answer_is_the_same_for_known_and_unknown_addresses(
    client, district, unna, ki_staff, settings, scope
):
    name, data, _ok = EMAIL_FORMS[scope]
    limit(settings, scope, ip=100, email=1)
    url = reverse(name)
    client.post(url, data(ki_staff.email))
    client.post(url, data("niemand@example.org"))
    client.get(reverse("home"))  # shows (and so consumes) the success messages of the two requests
    known = client.post(url, data(ki_staff.email))
    unknown = client.post(url, data("niemand@example.org"))
    assert_too_many(known)
    assert known.status_code == unknown.status_code
    assert without_tokens(known) == without_tokens(unknown)


def test_invitation_acceptance_is_limited_per_token_and_address(client, ki_staff, unna, settings):
    limit(settings, "invitation_accept", ip=100, token=3)
    _invitation, token = services.invite_contact(by=ki_staff, municipality=unna, email="neu@example.org")
    url = reverse("municipalities:invitation_accept", kwargs={"token": token})
    wrong = {"full_name": "Ahmad Al-Hassan", "password1": "kurz", "password2": "anders"}
    for address in ("198.51.100.1", "198.51.100.2", "198.51.100.3"):
        assert client.post(url, wrong, REMOTE_ADDR=address).status_code == 200
    good = {"full_name": "Ahmad Al-Hassan", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    assert_too_many(client.post(url, good, REMOTE_ADDR="198.51.100.4"))
    assert not User.objects.filter(email="neu@example.org").exists()
    assert Invitation.objects.open().count() == 1

    settings.RATELIMITS = {**settings.RATELIMITS, "invitation_accept": {"ip": 2, "token": 100}}
    _other, other_token = services.invite_contact(by=ki_staff, municipality=unna, email="zwei@example.org")
    other_url = reverse("municipalities:invitation_accept", kwargs={"token": other_token})
    assert client.post(other_url, wrong).status_code == 200
    assert client.post(other_url, wrong).status_code == 200
    assert_too_many(client.post(other_url, good))
    # Someone else, elsewhere, accepts their invitation as usual.
    assert client.post(other_url, good, REMOTE_ADDR=OTHER_IP).status_code == 302
    assert User.objects.filter(email="zwei@example.org").exists()


def test_course_registration_is_limited_per_account(client, volunteer, settings):
    limit(settings, "course_registration", ip=100, user=2)
    courses = [make_course(volunteer.volunteer.district, title=f"Kurs {n}") for n in range(3)]
    client.force_login(volunteer)
    for course in courses[:2]:
        response = client.post(reverse("volunteers:register", kwargs={"pk": course.pk}))
        assert response.status_code == 302
    assert_too_many(client.post(reverse("volunteers:register", kwargs={"pk": courses[2].pk})))
    assert Registration.objects.filter(volunteer=volunteer.volunteer).count() == 2


def test_course_registration_is_limited_per_client_address(client, volunteer, district, settings):
    limit(settings, "course_registration", ip=2, user=100)
    course = make_course(district)
    url = reverse("volunteers:register", kwargs={"pk": course.pk})
    client.force_login(volunteer)
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302  # the second time: "already registered"
    assert_too_many(client.post(url))
    assert client.post(url, REMOTE_ADDR=OTHER_IP).status_code == 302


def test_limits_can_be_switched_off(client, district, unna, settings):
    limit(settings, "password_reset", ip=1, email=1)
    settings.RATELIMIT_ENABLE = False
    url = reverse("accounts:password_reset")
    for _ in range(3):
        assert client.post(url, email_data("a@example.org")).status_code == 302


# --- honeypots ------------------------------------------------------------------------------

HONEYPOT_PAGES = ["volunteers:signup", "accounts:password_reset", "municipalities:invitation_renewal"]


@pytest.mark.parametrize("name", HONEYPOT_PAGES)
def test_public_forms_have_the_accessible_honeypot(client, district, unna, name):
    html = client.get(reverse(name)).content.decode()
    assert html.count('name="website"') == 1
    assert '<div class="kern-sr-only" aria-hidden="true">' in html
    assert 'tabindex="-1"' in html
    assert "Bitte lassen Sie dieses Feld leer." in html
    # Not among the visible, labelled form fields (no crispy wrapper, no required marker).
    assert 'id="div_id_website"' not in html


def test_filled_honeypot_on_password_reset_answers_as_usual_but_sends_nothing(
    client, ki_staff, django_capture_on_commit_callbacks
):
    url = reverse("accounts:password_reset")
    with django_capture_on_commit_callbacks(execute=True):
        bot = client.post(url, {"email": ki_staff.email, "website": "https://spam.example"})
    assert len(mail.outbox) == 0
    with django_capture_on_commit_callbacks(execute=True):
        person = client.post(url, {"email": ki_staff.email, "website": ""})
    assert bot.status_code == person.status_code == 302
    assert bot["Location"] == person["Location"]
    assert len(mail.outbox) == 1


def test_filled_honeypot_on_invitation_renewal_answers_as_usual_but_tells_nobody(
    client, ki_staff, unna, django_capture_on_commit_callbacks
):
    services.invite_contact(by=ki_staff, municipality=unna, email="neu@example.org")
    mail.outbox.clear()
    url = reverse("municipalities:invitation_renewal")
    with django_capture_on_commit_callbacks(execute=True):
        bot = client.post(url, {"email": "neu@example.org", "website": "x"}, follow=True)
    assert len(mail.outbox) == 0
    with django_capture_on_commit_callbacks(execute=True):
        person = client.post(url, {"email": "neu@example.org", "website": ""}, follow=True)
    assert len(mail.outbox) == 1
    assert bot.status_code == person.status_code == 200
    assert bot.redirect_chain == person.redirect_chain
    assert [str(m) for m in bot.context["messages"]] == [str(m) for m in person.context["messages"]]


def test_filled_honeypot_with_invalid_data_still_looks_like_success(client, district, unna):
    response = client.post(reverse("volunteers:signup"), {"email": "kaputt", "website": "bot"})
    assert response.status_code == 302
    assert response["Location"] == reverse("volunteers:signup_done")
    assert Volunteer.objects.count() == 0
