"""The second factor cannot be skipped with the password alone (issue 12, item 1).

A session that has passed only the password must not read or change second-factor material:
no new recovery codes, no download of codes, no switching off, no new or replacement device.
The only exception is the first enrolment of a person without a confirmed device.

These tests log in through the login form with a plain ``django.test.Client`` (the ``client``
fixture's ``force_login`` counts as verified, see the root conftest).
"""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import twofactor
from accounts.models import User
from accounts.sessions import HAD_TWO_FACTOR_SESSION_KEY
from accounts.tests.helpers import current_code
from conftest import PASSWORD
from kreisintegration.middleware import TWO_FACTOR_EXEMPT_VIEWS

SETUP = reverse("accounts:two_factor_setup")
VERIFY = reverse("accounts:two_factor_verify")
CODES = reverse("accounts:two_factor_recovery_codes")
DOWNLOAD = reverse("accounts:two_factor_recovery_download")
DISABLE = reverse("accounts:two_factor_disable")
STAFF_PAGES = (
    reverse("municipalities:district"),
    reverse("municipalities:audit_log"),
    reverse("volunteers:volunteer_search"),
)
# What a recovery code looks like on a page ("abcde-fghjk", see twofactor.RECOVERY_ALPHABET).
CODE_PATTERN = re.compile(r"\b[2-9a-hjkmnp-z]{5}-[2-9a-hjkmnp-z]{5}\b")
# The code prompt shows this made-up example of the format.
EXAMPLE_CODE = "abcde-fghjk"


def codes_shown(html: str) -> set[str]:
    return set(CODE_PATTERN.findall(html)) - {EXAMPLE_CODE}


@pytest.fixture
def admin_user(db):
    return User.objects.create_superuser(
        email="admin-test@example.org", password=PASSWORD, full_name="Aleksandra Wiśniewska"
    )


@pytest.fixture(params=["ki_staff", "trainer", "admin_user"])
def staff_member(request):
    """Every role that must pass the second factor, with its app and its ten recovery codes."""
    user = request.getfixturevalue(request.param)
    device = TOTPDevice.objects.create(user=user, name="App", confirmed=True)
    codes = twofactor.new_recovery_codes(user=user)
    return user, device, codes


def password_login(user) -> Client:
    browser = Client()
    response = browser.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return browser


def stored_codes(user) -> set[str]:
    return set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))


def test_password_alone_cannot_make_recovery_codes_and_get_in(staff_member):
    user, _device, old_codes = staff_member
    browser = password_login(user)
    assert browser.get("/mein-bereich/")["Location"] == f"{VERIFY}?next=%2Fmein-bereich%2F"

    # The attack: the password posted to the recovery-codes page makes no new codes …
    response = browser.post(CODES, {"password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)
    assert stored_codes(user) == set(old_codes)
    assert StaticToken.objects.filter(device__user=user).count() == 10
    assert twofactor.NEW_CODES_SESSION_KEY not in browser.session
    # … and shows none, neither on the page nor as a download.
    for path in (CODES, DOWNLOAD, VERIFY):
        page = browser.get(path, follow=True)
        assert not codes_shown(page.content.decode()), path
    assert browser.get(DOWNLOAD)["Location"].startswith(VERIFY)

    # So there is no code to type in: a made-up one fails, nothing staff-only opens.
    wrong = browser.post(VERIFY, {"code": "zzzzz-zzzzz"})
    assert "Dieser Code stimmt nicht" in wrong.content.decode()
    assert DEVICE_ID_SESSION_KEY not in browser.session
    for path in STAFF_PAGES:
        response = browser.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(VERIFY), path

    # The owner's codes still work (after the 1-second lock the wrong code above caused).
    StaticDevice.objects.get(user=user).throttle_reset()
    owner = password_login(user)
    assert owner.post(VERIFY, {"code": old_codes[0]}).status_code == 302
    assert owner.session[DEVICE_ID_SESSION_KEY].startswith("otp_static")
    assert owner.get(STAFF_PAGES[0]).status_code in (200, 403)  # 403: trainers may not see it


def test_password_alone_cannot_switch_off_or_replace_the_device(staff_member, settings):
    user, device, old_codes = staff_member
    browser = password_login(user)
    assert browser.post(DISABLE, {"password": PASSWORD})["Location"].startswith(VERIFY)
    assert browser.get(SETUP)["Location"].startswith(VERIFY)
    assert browser.post(SETUP, {"code": "123456"})["Location"].startswith(VERIFY)
    assert list(TOTPDevice.objects.filter(user=user)) == [device]
    assert stored_codes(user) == set(old_codes)


def test_guards_hold_in_the_views_even_where_the_middleware_lets_a_session_pass(volunteer):
    """A session that began before the person set up the second factor (e.g. elsewhere) is not
    sent to the code prompt by the middleware (see ``HAD_TWO_FACTOR_SESSION_KEY``); the views
    themselves must still refuse it."""
    browser = password_login(volunteer)
    assert browser.session[HAD_TWO_FACTOR_SESSION_KEY] is False
    device = TOTPDevice.objects.create(user=volunteer, name="App", confirmed=True)
    old_codes = twofactor.new_recovery_codes(user=volunteer)

    assert browser.post(CODES, {"password": PASSWORD})["Location"].startswith(VERIFY)
    assert browser.post(DISABLE, {"password": PASSWORD})["Location"].startswith(VERIFY)
    assert browser.get(DOWNLOAD)["Location"].startswith(VERIFY)
    assert browser.get(SETUP)["Location"].startswith(VERIFY)
    assert list(TOTPDevice.objects.filter(user=volunteer)) == [device]
    assert stored_codes(volunteer) == set(old_codes)


def test_first_enrolment_still_works_and_shows_the_first_codes_once(trainer):
    browser = password_login(trainer)
    assert browser.get("/mein-bereich/")["Location"].startswith(SETUP)
    browser.get(SETUP)
    device = TOTPDevice.objects.get(user=trainer, confirmed=False)
    response = browser.post(SETUP, {"code": current_code(device)})
    assert response["Location"] == CODES
    page = browser.get(CODES).content.decode()
    codes = stored_codes(trainer)
    assert len(codes) == 10 and all(code in page for code in codes)
    assert all(code in browser.get(DOWNLOAD).content.decode() for code in codes)
    # Once enrolled, the same verified session may make new codes with the password.
    browser.post(CODES, {"action": "done"})
    assert browser.post(CODES, {"password": PASSWORD}).status_code == 302
    assert len(stored_codes(trainer)) == 10 and not stored_codes(trainer) & codes


def test_a_secret_seen_before_the_owner_enrols_is_worthless(trainer):
    """The set-up page is open to the password alone for a person without an app (first
    enrolment); the secret it shows must not become the owner's app's secret later."""
    attacker = password_login(trainer)
    attacker.get(SETUP)
    seen = TOTPDevice.objects.get(user=trainer, confirmed=False)

    owner = password_login(trainer)
    owner.get(SETUP)
    owners = TOTPDevice.objects.get(user=trainer, confirmed=False)
    assert owners.pk != seen.pk and owners.bin_key != seen.bin_key
    assert owner.post(SETUP, {"code": current_code(owners)})["Location"] == CODES
    assert list(TOTPDevice.objects.filter(user=trainer)) == [owners]

    # The attacker's code from the secret seen earlier opens nothing, and the set-up is closed now.
    assert attacker.post(SETUP, {"code": current_code(seen)})["Location"].startswith(VERIFY)
    refused = attacker.post(VERIFY, {"code": current_code(seen)})
    assert "Dieser Code stimmt nicht" in refused.content.decode()
    assert DEVICE_ID_SESSION_KEY not in attacker.session
    assert list(TOTPDevice.objects.filter(user=trainer)) == [owners]


def test_reloading_the_set_up_page_keeps_the_secret(ki_staff):
    browser = password_login(ki_staff)
    first = browser.get(SETUP).content.decode()
    device = TOTPDevice.objects.get(user=ki_staff, confirmed=False)
    assert twofactor.secret_in_groups(device) in first
    assert twofactor.secret_in_groups(device) in browser.get(SETUP).content.decode()
    assert TOTPDevice.objects.filter(user=ki_staff).count() == 1


# --- the exempt list, view by view ------------------------------------------------

# Every URL name a session may reach before the second factor, and why that is safe. A new entry
# in TWO_FACTOR_EXEMPT_VIEWS fails the test below until it is added here with its reason.
EXEMPT_VIEWS = {
    "accounts:two_factor_verify": "the code prompt itself; it reads no secret and makes nothing",
    "accounts:two_factor_setup": (
        "first enrolment only: with a confirmed device the view sends an unverified session to "
        "the code prompt, so the password alone cannot replace the app"
    ),
    "accounts:logout": "ends the session",
    "set_language": "stores the interface language in a cookie",
    "healthz": "public health check without personal data",
    "imprint": "public legal page",
    "privacy": "public legal page",
    "accessibility": "public legal page",
    "municipalities:district_theme": "public stylesheet with the district's colour, loaded by every page",
    "municipalities:district_logo": "the district's public logo image",
}
# What an unverified staff member with a device gets from each exempt view (GET): status and,
# for a redirect, where to.
EXEMPT_VIEW_PATHS = {
    "accounts:two_factor_verify": (VERIFY, 200, None),
    "accounts:two_factor_setup": (SETUP, 302, VERIFY),
    "accounts:logout": (reverse("accounts:logout"), 405, None),  # POST only
    "set_language": (reverse("set_language"), 302, "/"),  # a GET changes nothing
    "healthz": (reverse("healthz"), 200, None),
    "imprint": (reverse("imprint"), 200, None),
    "privacy": (reverse("privacy"), 200, None),
    "accessibility": (reverse("accessibility"), 200, None),
    "municipalities:district_theme": (reverse("municipalities:district_theme"), 200, None),
    # no logo uploaded: not found, and nothing else
    "municipalities:district_logo": (
        reverse("municipalities:district_logo", kwargs={"slug": "kreis-ohne-logo"}),
        404,
        None,
    ),
}


def test_exempt_list_is_exactly_the_reviewed_table():
    assert set(TWO_FACTOR_EXEMPT_VIEWS) == set(EXEMPT_VIEWS)
    assert set(EXEMPT_VIEW_PATHS) == set(EXEMPT_VIEWS)
    # Second-factor material is never exempt: these views need a verified session.
    for name in (
        "accounts:two_factor_recovery_codes",
        "accounts:two_factor_recovery_download",
        "accounts:two_factor_disable",
    ):
        assert name not in TWO_FACTOR_EXEMPT_VIEWS


@pytest.mark.parametrize("view_name", sorted(EXEMPT_VIEWS))
def test_each_exempt_view_gives_an_unverified_session_no_second_factor_material(view_name, ki_staff):
    device = TOTPDevice.objects.create(user=ki_staff, name="App", confirmed=True)
    codes = twofactor.new_recovery_codes(user=ki_staff)
    browser = password_login(ki_staff)
    path, status, location = EXEMPT_VIEW_PATHS[view_name]
    response = browser.get(path)
    assert response.status_code == status
    if location is not None:
        assert response["Location"].startswith(location)
    body = response.content.decode()
    assert not codes_shown(body)
    assert twofactor.secret_in_groups(device) not in body
    assert list(TOTPDevice.objects.filter(user=ki_staff)) == [device]
    assert stored_codes(ki_staff) == set(codes)
    assert DEVICE_ID_SESSION_KEY not in browser.session
