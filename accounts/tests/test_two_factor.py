"""Second factor: enrolment, verification after the password, recovery codes, throttling, idle logout.

These tests log in through the login form with a plain ``django.test.Client`` (the ``client``
fixture's ``force_login`` counts as verified, see the root conftest).
"""

import time
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import twofactor
from accounts.sessions import LAST_ACTIVITY_SESSION_KEY
from accounts.tests.helpers import current_code
from conftest import PASSWORD

SETUP = reverse("accounts:two_factor_setup")
VERIFY = reverse("accounts:two_factor_verify")
CODES = reverse("accounts:two_factor_recovery_codes")


def password_login(user) -> Client:
    browser = Client()
    response = browser.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return browser


def confirmed_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="App", confirmed=True)


def test_staff_without_device_is_sent_to_enrolment_from_every_page(ki_staff):
    browser = password_login(ki_staff)
    for path in ("/mein-bereich/", "/pruefung/", "/konto/profil/", "/admin/"):
        response = browser.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == f"{SETUP}?next={path.replace('/', '%2F')}"
    # Exempt: the legal pages, the health check, the second-factor pages themselves.
    for path in ("/impressum/", "/datenschutz/", "/barrierefreiheit/", "/healthz", SETUP):
        assert browser.get(path).status_code == 200, path


def test_enrolment_with_qr_code_secret_and_first_code(ki_staff):
    browser = password_login(ki_staff)
    page = browser.get(f"{SETUP}?next=/pruefung/")
    html = page.content.decode()
    assert page.status_code == 200
    assert '<img class="qr-code" src="data:image/svg+xml' in html
    device = TOTPDevice.objects.get(user=ki_staff, confirmed=False)
    assert twofactor.secret_in_groups(device) in html
    assert "Jede solche App funktioniert" in html
    assert "style=" not in html  # the strict CSP forbids inline styles

    wrong = browser.post(
        f"{SETUP}?next=/pruefung/", {"code": "000000" if current_code(device) != "000000" else "1"}
    )
    assert "Dieser Code stimmt nicht" in wrong.content.decode()
    device.refresh_from_db()
    device.throttle_reset()  # the first failure locks for a second

    response = browser.post(f"{SETUP}?next=/pruefung/", {"code": current_code(device)})
    assert response.status_code == 302
    assert response["Location"] == f"{CODES}?next=%2Fpruefung%2F"
    device.refresh_from_db()
    assert device.confirmed
    assert browser.session[DEVICE_ID_SESSION_KEY] == device.persistent_id

    codes_page = browser.get(response["Location"]).content.decode()
    codes = list(StaticToken.objects.filter(device__user=ki_staff).values_list("token", flat=True))
    assert len(codes) == 10
    assert all(code in codes_page for code in codes)
    assert "nur dieses eine Mal angezeigt" in codes_page
    download = browser.get(reverse("accounts:two_factor_recovery_download"))
    assert download["Content-Disposition"].startswith("attachment")
    assert all(code in download.content.decode() for code in codes)

    done = browser.post(f"{CODES}?next=%2Fpruefung%2F", {"action": "done"})
    assert done["Location"] == "/pruefung/"
    assert browser.get("/pruefung/").status_code == 200
    # Shown once only.
    assert not any(code in browser.get(CODES).content.decode() for code in codes)
    assert browser.get(reverse("accounts:two_factor_recovery_download")).status_code == 404


def test_password_alone_cannot_replace_an_existing_device(ki_staff):
    confirmed_device(ki_staff)
    browser = password_login(ki_staff)
    response = browser.get(SETUP)
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=ki_staff).count() == 1


def test_login_with_device_asks_for_the_code_and_goes_on_to_next(trainer):
    device = confirmed_device(trainer)
    browser = password_login(trainer)
    response = browser.get("/mein-bereich/")
    assert response["Location"] == f"{VERIFY}?next=%2Fmein-bereich%2F"
    page = browser.get(response["Location"]).content.decode()
    assert "Bestätigungscode" in page
    assert "Wiederherstellungscodes" in page

    ok = browser.post(
        f"{VERIFY}?next=%2Fmein-bereich%2F",
        {"code": current_code(device)[:3] + " " + current_code(device)[3:]},
    )
    assert ok.status_code == 302
    assert ok["Location"] == "/mein-bereich/"
    assert browser.get("/mein-bereich/").status_code == 200


def test_verify_ignores_a_foreign_next(trainer):
    device = confirmed_device(trainer)
    browser = password_login(trainer)
    ok = browser.post(f"{VERIFY}?next=https://evil.example/", {"code": current_code(device)})
    assert ok["Location"] == reverse("dashboard")


def test_a_code_cannot_be_used_twice(trainer):
    device = confirmed_device(trainer)
    code = current_code(device)
    first = password_login(trainer)
    assert first.post(VERIFY, {"code": code}).status_code == 302
    second = password_login(trainer)
    response = second.post(VERIFY, {"code": code})
    assert response.status_code == 200
    assert response.status_code == 200
    assert "Dieser Code stimmt nicht" in response.content.decode()


def test_recovery_code_works_once_and_says_how_many_are_left(ki_staff):
    confirmed_device(ki_staff)
    codes = twofactor.new_recovery_codes(user=ki_staff)
    browser = password_login(ki_staff)
    response = browser.post(VERIFY, {"code": codes[0].upper().replace("-", " ")}, follow=True)
    assert response.redirect_chain[0][0] == reverse("dashboard")
    assert "Sie haben noch 9 Codes" in response.content.decode()
    again = password_login(ki_staff).post(VERIFY, {"code": codes[0]})
    assert "Dieser Code stimmt nicht" in again.content.decode()


def test_wrong_codes_are_throttled_with_a_clear_message(ki_staff):
    device = confirmed_device(ki_staff)
    browser = password_login(ki_staff)
    wrong = "000000" if current_code(device) != "000000" else "111111"
    first = browser.post(VERIFY, {"code": wrong}).content.decode()
    assert "Dieser Code stimmt nicht" in first
    # Now locked (1 s, then 2, 4, 8 … after each further failure): even the right code is refused.
    locked = browser.post(VERIFY, {"code": current_code(device)}).content.decode()
    assert "nach falschen Codes kurz gesperrt" in locked
    assert "Bitte warten Sie" in locked
    assert DEVICE_ID_SESSION_KEY not in browser.session
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    # After the wait the right code works again.
    device.throttling_failure_timestamp = timezone.now() - timedelta(seconds=10)
    device.save()
    assert browser.post(VERIFY, {"code": current_code(device)}).status_code == 302


def test_regenerating_recovery_codes_needs_the_password(client, ki_staff):
    client.force_login(ki_staff)
    old = twofactor.new_recovery_codes(user=ki_staff)
    refused = client.post(CODES, {"password": "falsch"})
    assert "Das Passwort ist nicht richtig" in refused.content.decode()
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(old)
    response = client.post(CODES, {"password": PASSWORD}, follow=True)
    new = set(StaticToken.objects.values_list("token", flat=True))
    assert len(new) == 10 and not new & set(old)
    assert all(code in response.content.decode() for code in new)


def test_profile_shows_the_state(client, ki_staff, volunteer):
    client.force_login(ki_staff)
    html = client.get(reverse("accounts:profile")).content.decode()
    assert "Zwei-Faktor-Anmeldung" in html
    assert "Eingeschaltet seit" in html
    assert reverse("accounts:two_factor_disable") not in html  # required for the role
    client.force_login(volunteer)
    html = client.get(reverse("accounts:profile")).content.decode()
    assert "Ausgeschaltet" in html
    assert SETUP in html


def test_volunteer_may_opt_in_and_is_then_asked_too_and_may_switch_off(volunteer):
    browser = password_login(volunteer)
    assert browser.get("/mein-bereich/").status_code == 200  # not required for volunteers
    browser.get(SETUP)
    device = TOTPDevice.objects.get(user=volunteer)
    assert browser.post(SETUP, {"code": current_code(device)}).status_code == 302

    again = password_login(volunteer)
    assert again.get("/mein-bereich/")["Location"].startswith(VERIFY)
    assert again.post(VERIFY, {"code": current_code(device, offset_steps=1)}).status_code == 302
    response = again.post(reverse("accounts:two_factor_disable"), {"password": PASSWORD})
    assert response["Location"] == reverse("accounts:profile")
    assert not TOTPDevice.objects.filter(user=volunteer).exists()
    assert not StaticDevice.objects.filter(user=volunteer).exists()


def test_switch_off_is_refused_for_staff(client, ki_staff):
    client.force_login(ki_staff)
    assert client.post(reverse("accounts:two_factor_disable"), {"password": PASSWORD}).status_code == 403
    assert TOTPDevice.objects.filter(user=ki_staff).exists()


def test_requirement_can_be_switched_off_for_the_demo(settings, ki_staff):
    settings.REQUIRE_TWO_FACTOR = False
    browser = password_login(ki_staff)
    page = browser.get("/mein-bereich/")
    assert page.status_code == 200
    assert "Empfehlung: Schützen Sie Ihr Konto mit der Zwei-Faktor-Anmeldung" in page.content.decode()


def test_verified_staff_see_no_recommendation(client, ki_staff, settings):
    settings.REQUIRE_TWO_FACTOR = False
    client.force_login(ki_staff)
    assert "Empfehlung: Schützen" not in client.get("/mein-bereich/").content.decode()


def test_test_client_force_login_counts_as_verified(client, ki_staff, contact_unna):
    client.force_login(ki_staff)
    assert client.get(reverse("events:review_queue")).status_code == 200
    client.force_login(contact_unna)
    assert not TOTPDevice.objects.filter(user=contact_unna).exists()


# --- idle sessions -------------------------------------------------------------


def age_session(browser: Client, seconds: int) -> None:
    session = browser.session
    session[LAST_ACTIVITY_SESSION_KEY] = int(time.time()) - seconds
    session.save()


@pytest.mark.parametrize(
    ("role", "timeout_setting", "minutes"),
    [("ki_staff", "SESSION_IDLE_TIMEOUT_STAFF", 30), ("volunteer", "SESSION_IDLE_TIMEOUT", 480)],
)
def test_idle_session_is_logged_out_with_a_message(client, request, settings, role, timeout_setting, minutes):
    user = request.getfixturevalue(role)
    assert getattr(settings, timeout_setting) == minutes * 60
    client.force_login(user)
    assert client.get("/mein-bereich/").status_code == 200
    age_session(client, minutes * 60 - 5)
    assert client.get("/mein-bereich/").status_code == 200  # still within the limit

    age_session(client, minutes * 60 + 5)
    response = client.get("/mein-bereich/")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next=%2Fmein-bereich%2F"
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert f"Sie wurden nach {minutes} Minuten ohne Aktivität abgemeldet" in page


def test_idle_timeout_follows_the_setting(client, ki_staff, settings):
    settings.SESSION_IDLE_TIMEOUT_STAFF = 10 * 60
    client.force_login(ki_staff)
    client.get("/mein-bereich/")
    age_session(client, 11 * 60)
    response = client.get("/mein-bereich/", follow=True)
    assert "nach 10 Minuten ohne Aktivität" in response.content.decode()


def test_activity_is_written_at_most_once_a_minute(client, volunteer):
    client.force_login(volunteer)
    client.get("/mein-bereich/")
    stamp = client.session[LAST_ACTIVITY_SESSION_KEY]
    session_key = client.session.session_key
    from django.contrib.sessions.models import Session

    before = Session.objects.get(pk=session_key).expire_date
    client.get("/mein-bereich/")
    assert client.session[LAST_ACTIVITY_SESSION_KEY] == stamp
    assert Session.objects.get(pk=session_key).expire_date == before  # no write
    age_session(client, 61)
    client.get("/mein-bereich/")
    assert client.session[LAST_ACTIVITY_SESSION_KEY] >= stamp
