"""Logging in and accepting an invitation, as a person does it in the browser."""

import re
from urllib.parse import urlsplit

from django.core import mail
from playwright.sync_api import expect

from conftest import PASSWORD
from e2e.conftest import (
    PASSWORD_LABEL,
    assert_accessible,
    login,
    login_via_form,
    next_totp_code,
    save_screenshot,
)

INVITEE = "olga.petrova@example.org"
INVITEE_NAME = "Ольга Петрова"
INVITEE_PASSWORD = "Wolga-Ufer-2026!"


def test_wrong_password_shows_german_error(page, live_server, ki_staff):
    page.goto(f"{live_server.url}/konto/anmelden/")
    page.get_by_label("E-Mail-Adresse").fill(ki_staff.email)
    page.get_by_label(PASSWORD_LABEL).fill("falsch-geraten-1")
    page.get_by_role("button", name="Anmelden").click()

    errors = page.get_by_role("alert")
    expect(errors).to_contain_text("Bitte prüfen Sie Ihre Angaben")
    expect(errors).to_contain_text(re.compile(r"E-Mail-Adresse oder Passwort (ist|sind) nicht richtig"))
    expect(page).to_have_url(re.compile(r"/konto/anmelden/$"))
    expect(page.get_by_role("button", name="Abmelden")).to_have_count(0)
    assert_accessible(page)


def test_login_with_right_password_opens_my_area(page, live_server, ki_staff):
    login_via_form(page, live_server, ki_staff.email, PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/mein-bereich/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mein Bereich")


def test_ki_staff_invites_contact_who_accepts_in_browser(page, new_context, live_server, ki_staff, unna):
    login(page, live_server, ki_staff.email, PASSWORD)
    page.goto(f"{live_server.url}/kommunen/unna/ansprechpersonen/")
    page.get_by_label("E-Mail-Adresse der Ansprechperson").fill(INVITEE)
    page.get_by_role("button", name="Einladung senden").click()
    expect(page.get_by_role("cell", name=INVITEE, exact=True)).to_be_visible()

    # The mail is queued on commit and sent by the (eager) Celery task.
    assert [message.to for message in mail.outbox] == [[INVITEE]]
    links = re.findall(r"https?://\S+/einladung/[\w-]+/", mail.outbox[0].body)
    assert len(set(links)) == 1, mail.outbox[0].body
    invitation_path = urlsplit(links[0]).path

    invitee = new_context().new_page()
    invitee.goto(live_server.url + invitation_path)
    expect(invitee.get_by_role("heading", level=1)).to_have_text("Einladung annehmen")
    assert_accessible(invitee)
    save_screenshot(invitee, "invitee_einladung_annehmen")
    invitee.get_by_label("Ihr Name").fill(INVITEE_NAME)
    invitee.get_by_label(PASSWORD_LABEL).fill(INVITEE_PASSWORD)
    invitee.get_by_label("Passwort wiederholen").fill(INVITEE_PASSWORD)
    invitee.get_by_role("button", name="Konto anlegen und Einladung annehmen").click()

    expect(invitee).to_have_url(f"{live_server.url}/kommunen/unna/intern/")
    expect(invitee.get_by_role("heading", level=1)).to_have_text("Meine Kommune: Unna")
    expect(invitee.get_by_role("status")).to_contain_text("Sie sind jetzt Ansprechperson für Unna")
    expect(invitee.get_by_text(INVITEE_NAME)).to_be_visible()
    assert_accessible(invitee)

    # The link is used up.
    invitee.goto(live_server.url + invitation_path)
    expect(invitee.get_by_role("heading", level=1)).to_have_text("Diese Einladung kann nicht genutzt werden")
    expect(invitee.get_by_text("bereits angenommen")).to_be_visible()


def test_trainer_sets_up_the_second_factor_and_then_logs_in_with_a_code(
    page, new_context, live_server, trainer
):
    import time

    from django_otp.plugins.otp_totp.models import TOTPDevice

    page.goto(f"{live_server.url}/konto/anmelden/")
    page.get_by_label("E-Mail-Adresse").fill(trainer.email)
    page.get_by_label(PASSWORD_LABEL).fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()

    # First login: the trainer has no app yet and is led through the enrolment.
    expect(page).to_have_url(re.compile(r"/konto/zwei-faktor/einrichten/\?next=%2Fmein-bereich%2F$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Zwei-Faktor-Anmeldung einrichten")
    expect(page.get_by_role("img", name=re.compile("QR-Code"))).to_be_visible()
    device = TOTPDevice.objects.get(user=trainer, confirmed=False)
    expect(page.locator("#totp-secret")).to_have_text(re.compile(r"^([A-Z2-7]{4} )+[A-Z2-7]{1,4}$"))
    assert_accessible(page)
    save_screenshot(page, "trainer_2fa_einrichten")

    right = next_totp_code(device)
    page.get_by_label("Bestätigungscode").fill("000000" if right != "000000" else "111111")
    page.get_by_role("button", name="Einrichtung abschließen").click()
    expect(page.get_by_role("alert")).to_contain_text("Dieser Code stimmt nicht")
    assert_accessible(page)
    time.sleep(1.5)  # one wrong code locks the input for a second
    page.get_by_label("Bestätigungscode").fill(next_totp_code(device))
    page.get_by_role("button", name="Einrichtung abschließen").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Wiederherstellungscodes")
    expect(
        page.get_by_role("list", name="Ihre Wiederherstellungscodes").get_by_role("listitem")
    ).to_have_count(10)
    assert_accessible(page)
    save_screenshot(page, "trainer_2fa_wiederherstellungscodes")
    page.get_by_role("button", name="Ich habe die Codes gesichert – weiter").click()
    expect(page).to_have_url(f"{live_server.url}/mein-bereich/")

    # Next login, in a fresh browser: password, then the code from the app.
    again = new_context().new_page()
    again.goto(f"{live_server.url}/konto/anmelden/")
    again.get_by_label("E-Mail-Adresse").fill(trainer.email)
    again.get_by_label(PASSWORD_LABEL).fill(PASSWORD)
    again.get_by_role("button", name="Anmelden").click()
    expect(again.get_by_role("heading", level=1)).to_have_text("Anmeldung bestätigen")
    assert_accessible(again)
    save_screenshot(again, "trainer_2fa_bestaetigen")
    again.get_by_label("Bestätigungscode").fill(next_totp_code(device))
    again.get_by_role("button", name="Bestätigen").click()
    expect(again).to_have_url(f"{live_server.url}/mein-bereich/")
    again.goto(f"{live_server.url}/konto/profil/")
    expect(again.get_by_role("region", name="Zwei-Faktor-Anmeldung")).to_contain_text("Eingeschaltet seit")
