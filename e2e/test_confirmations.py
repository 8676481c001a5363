"""Task-first start pages and confirmation pages in a real browser: keyboard only, axe on each page."""

from __future__ import annotations

import re
from datetime import timedelta

from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from conftest import PASSWORD
from e2e.conftest import assert_accessible, login, save_screenshot
from events.models import Event
from events.tests.factories import make_event

S = Event.Status
TITLE = "Fastenbrechen im Stadtpark"


def test_contact_sees_tasks_first_and_calls_an_event_off_with_the_keyboard(
    page, live_server, unna, contact_unna
):
    event = make_event(
        by=contact_unna,
        municipality=unna,
        title=TITLE,
        status=S.APPROVED,
        start=timezone.now() + timedelta(days=10),
    )
    returned = make_event(by=contact_unna, municipality=unna, title="Elterncafé", status=S.RETURNED)
    Event.objects.filter(pk=returned.pk).update(review_comment="Bitte die Uhrzeit ergänzen.")
    make_event(
        by=contact_unna,
        municipality=unna,
        title="Nachbarschaftsfest",
        status=S.APPROVED,
        start=timezone.now() - timedelta(days=10),
    )

    login(page, live_server, contact_unna.email, PASSWORD)
    page.goto("/mein-bereich/")  # one municipality: „Meine Kommune“
    expect(page).to_have_url(re.compile(r"/kommunen/unna/intern/$"))
    tasks = page.get_by_role("region", name=re.compile(r"^Was auf Sie wartet: 2 Aufgaben"))
    expect(tasks).to_contain_text("Bitte die Uhrzeit ergänzen.")
    expect(tasks.get_by_role("link", name="Teilnehmendenzahl eintragen: Nachbarschaftsfest")).to_be_visible()
    assert_accessible(page)
    save_screenshot(page, "contact_tasks")

    page.goto(f"/veranstaltungen/{event.pk}/intern/")
    page.get_by_role("link", name="Absagen …").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/veranstaltungen/{event.pk}/absagen/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Veranstaltung absagen")
    consequences = page.get_by_role("region", name="Was dann passiert")
    expect(consequences).to_contain_text("als „abgesagt“ markiert")
    expect(consequences).to_contain_text("Das kann nicht rückgängig gemacht werden.")
    assert_accessible(page)
    save_screenshot(page, "event_cancel_confirmation")

    # Keyboard only: the reason, then the button (which names the consequence), then the way back.
    reason = page.get_by_label(re.compile(r"^\s*Grund der Absage"))
    reason.focus()
    page.keyboard.type("Unwetterwarnung für den Abend")
    page.keyboard.press("Tab")
    confirm = page.get_by_role("button", name="Veranstaltung absagen")
    expect(confirm).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Nicht absagen, zurück zur Veranstaltung")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(confirm).to_be_focused()
    event.refresh_from_db()
    assert event.status == S.APPROVED  # nothing happened before the button
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/veranstaltungen/{event.pk}/intern/$"))
    expect(page.get_by_role("status")).to_contain_text("als „abgesagt“ markiert")
    event.refresh_from_db()
    assert event.status == S.CANCELLED
    assert event.changes.last().comment == "Unwetterwarnung für den Abend"


def test_ki_staff_sees_waiting_count_and_goes_back_from_the_reject_confirmation(
    page, live_server, unna, contact_unna, ki_staff
):
    old = make_event(
        by=contact_unna,
        municipality=unna,
        title="Sprachcafé im März",
        status=S.SUBMITTED,
        start=timezone.now() - timedelta(days=5),
    )
    Event.objects.filter(pk=old.pk).update(submitted_at=timezone.now() - timedelta(days=12))
    make_event(
        by=contact_unna,
        municipality=unna,
        title=TITLE,
        status=S.SUBMITTED,
        start=timezone.now() + timedelta(days=5),
    )

    cache.clear()  # the factories set the status by a queryset update, which no signal sees
    login(page, live_server, ki_staff.email, PASSWORD)
    page.goto("/mein-bereich/")
    tasks = page.get_by_role("region", name="Was auf Sie wartet")
    expect(tasks).to_contain_text("2 eingereichte Veranstaltungen warten auf Prüfung")
    expect(tasks.get_by_role("listitem").first).to_contain_text("Sprachcafé im März")
    expect(tasks.get_by_role("listitem").first).to_contain_text("Termin vorbei")
    expect(
        page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Prüfung 2 warten")
    ).to_be_visible()
    assert_accessible(page)
    save_screenshot(page, "staff_tasks")

    tasks.get_by_role("link", name="Sprachcafé im März").click()
    expect(page).to_have_url(re.compile(rf"/pruefung/{old.pk}/$"))
    page.get_by_role("radio", name="Ablehnen").check()
    page.get_by_label("Kommentar an die Kommune").fill("Der Termin ist schon vorbei.")
    page.get_by_role("button", name="Entscheidung speichern").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Veranstaltung ablehnen")
    expect(page.get_by_label(re.compile(r"^\s*Begründung an die Kommune"))).to_have_value(
        "Der Termin ist schon vorbei."
    )
    assert_accessible(page)
    save_screenshot(page, "event_reject_confirmation")
    back = page.get_by_role("link", name="Nicht ablehnen, zurück zur Prüfung")
    back.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/pruefung/{old.pk}/$"))
    old.refresh_from_db()
    assert old.status == S.SUBMITTED
