"""Logging in and accepting an invitation, as a person does it in the browser."""

import re
from urllib.parse import urlsplit

from django.core import mail
from playwright.sync_api import expect

from conftest import PASSWORD
from e2e.conftest import PASSWORD_LABEL, assert_accessible, login, save_screenshot

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
    login(page, live_server, ki_staff.email, PASSWORD)
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
