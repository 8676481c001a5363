"""Municipal contacts and the second factor (issue 12, decision): optional by default, switched on
from „Mein Konto“; compulsory with ``TWO_FACTOR_FOR_CONTACTS=required``.

Logins go through the login form with a plain ``django.test.Client`` (the ``client`` fixture's
``force_login`` counts as verified, see the root conftest).
"""

import os
import subprocess
import sys

from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.tests.helpers import current_code
from conftest import PASSWORD
from municipalities.permissions import needs_second_factor

SETUP = reverse("accounts:two_factor_setup")
VERIFY = reverse("accounts:two_factor_verify")
PROFILE = reverse("accounts:profile")
DISABLE = reverse("accounts:two_factor_disable")


def password_login(user) -> Client:
    browser = Client()
    response = browser.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return browser


def home_of(municipality) -> str:
    return reverse("municipalities:home", kwargs={"slug": municipality.slug})


def test_by_default_contacts_may_switch_it_on_and_are_then_asked(contact_unna, unna):
    assert django_settings.TWO_FACTOR_FOR_CONTACTS == "optional"
    assert not needs_second_factor(contact_unna)
    browser = password_login(contact_unna)
    assert browser.get(home_of(unna)).status_code == 200  # not compulsory
    profile = browser.get(PROFILE).content.decode()
    assert "Ausgeschaltet" in profile and SETUP in profile

    browser.get(SETUP)
    device = TOTPDevice.objects.get(user=contact_unna, confirmed=False)
    assert browser.post(SETUP, {"code": current_code(device)}).status_code == 302
    assert DISABLE in browser.get(PROFILE).content.decode()  # may switch it off again

    again = password_login(contact_unna)
    assert again.get(home_of(unna))["Location"].startswith(VERIFY)
    assert again.post(VERIFY, {"code": current_code(device, offset_steps=1)}).status_code == 302
    assert again.get(home_of(unna)).status_code == 200


def test_when_required_contacts_must_enrol_and_cannot_switch_it_off(settings, contact_unna, unna, volunteer):
    settings.TWO_FACTOR_FOR_CONTACTS = "required"
    assert needs_second_factor(contact_unna)
    assert not needs_second_factor(volunteer)
    browser = password_login(contact_unna)
    response = browser.get(home_of(unna))
    assert response.status_code == 302
    assert response["Location"].startswith(SETUP)

    browser.get(SETUP)
    device = TOTPDevice.objects.get(user=contact_unna, confirmed=False)
    assert browser.post(SETUP, {"code": current_code(device)}).status_code == 302
    assert browser.get(home_of(unna)).status_code == 200
    assert DISABLE not in browser.get(PROFILE).content.decode()
    assert browser.post(DISABLE, {"password": PASSWORD}).status_code == 403
    assert TOTPDevice.objects.filter(user=contact_unna, confirmed=True).exists()
    # Volunteers are not affected.
    assert password_login(volunteer).get("/mein-bereich/").status_code == 200


def test_an_unknown_value_stops_the_start():
    env = {
        **os.environ,
        "TWO_FACTOR_FOR_CONTACTS": "sometimes",
        "DJANGO_SETTINGS_MODULE": "kreisintegration.settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "TWO_FACTOR_FOR_CONTACTS must be 'optional' or 'required'" in result.stderr
