"""A municipal event from the first draft to the public calendar, as people do it in the browser.

A contact of Unna creates a weekly language café, the Integrationszentrum sends it back
for a missing address, the contact fixes and resubmits it, the KI publishes it, and a
visitor finds it in the calendar, on its detail page and in Unna's ICS feed.
"""

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from dateutil import rrule
from django.core import mail
from django.utils import timezone, translation
from django.utils.formats import date_format
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from e2e.conftest import assert_accessible, login, save_screenshot
from events.models import Event
from municipalities.services import ensure_default_reference_data

BERLIN = ZoneInfo("Europe/Berlin")
TITLE = "Sprachcafé am Dienstag"
DESCRIPTION = "Deutsch sprechen bei Tee und Gebäck – für alle, die Deutsch lernen oder üben möchten."
LOCATION = "Begegnungsraum am Markt"
TARGET_GROUP = "Neuzugewanderte und Geflüchtete"
RETURN_COMMENT = "Bitte die Adresse ergänzen."
APPROVE_COMMENT = "Danke, jetzt ist alles vollständig."
TUESDAY = 1
SERIES_WEEKS = 6


def label(text: str) -> re.Pattern:
    """A form label as crispy-forms renders it: the text, maybe followed by the required-field "*"."""
    return re.compile(rf"^\s*{re.escape(text)}\s*\*?\s*$")


def german_date(day: date, fmt: str) -> str:
    with translation.override("de"):
        return date_format(day, fmt)


def series_dates(first: date) -> list[date]:
    """Every Tuesday from ``first`` up to the „wiederholen bis“ date six weeks later."""
    return [first + timedelta(weeks=n) for n in range(SERIES_WEEKS + 1)]


@pytest.fixture
def reference_data(district):
    ensure_default_reference_data(district=district)


@pytest.fixture
def first_tuesday():
    """A Tuesday one to two weeks ahead: in the default list window (31 days from today)."""
    today = timezone.localdate()
    return today + timedelta(days=(TUESDAY - today.weekday()) % 7 + 7)


def open_new_event_form_and_fill_it(contact: Page, first: date) -> None:
    contact.goto("/veranstaltungen/meine/")
    contact.get_by_role("link", name="Neue Veranstaltung", exact=True).click()
    expect(contact).to_have_url(re.compile(r"/veranstaltungen/neu/$"))
    expect(contact.get_by_role("heading", level=1)).to_have_text("Neue Veranstaltung")
    expect(contact.get_by_label(label("Kommune"))).to_have_value(re.compile(r"\d+"))

    contact.get_by_label(label("Titel")).fill(TITLE)
    contact.get_by_label(label("Beschreibung")).fill(DESCRIPTION)
    contact.get_by_label(label("Datum (Beginn)")).fill(first.isoformat())
    contact.get_by_label(label("Uhrzeit (Beginn)")).fill("18:00")
    contact.get_by_label(label("Uhrzeit (Ende)")).fill("20:00")

    # The recurrence only with the keyboard: Tab into the radio group, arrow to „wöchentlich“,
    # Tab through the interval to the weekday checkboxes and tick Tuesday with the space bar.
    contact.get_by_label(label("Ganztägig")).focus()
    contact.keyboard.press("Tab")
    expect(contact.get_by_role("radio", name="findet einmal statt")).to_be_focused()
    contact.keyboard.press("ArrowDown")
    weekly = contact.get_by_role("radio", name="wöchentlich", exact=True)
    expect(weekly).to_be_focused()
    expect(weekly).to_be_checked()
    contact.keyboard.press("Tab")
    expect(contact.get_by_label(label("Alle … Wochen/Monate"))).to_be_focused()
    contact.keyboard.press("Tab")
    expect(contact.get_by_role("checkbox", name="Montag", exact=True)).to_be_focused()
    contact.keyboard.press("Tab")
    tuesday = contact.get_by_role("checkbox", name="Dienstag", exact=True)
    expect(tuesday).to_be_focused()
    contact.keyboard.press("Space")
    expect(tuesday).to_be_checked()
    expect(contact.get_by_role("checkbox", name="Montag", exact=True)).not_to_be_checked()

    contact.get_by_label(label("Wiederholen bis")).fill((first + timedelta(weeks=SERIES_WEEKS)).isoformat())
    contact.get_by_label(label("Ort (Name)")).fill(LOCATION)
    contact.get_by_role("checkbox", name=TARGET_GROUP, exact=True).check()
    save_screenshot(contact, "event_form")


def submit_for_review(contact: Page) -> None:
    contact.get_by_role("link", name="Zur Prüfung einreichen").click()
    expect(contact.get_by_role("heading", level=1)).to_have_text(f"„{TITLE}“ zur Prüfung einreichen")
    contact.get_by_role("button", name="Jetzt einreichen").click()
    expect(contact).to_have_url(re.compile(r"/veranstaltungen/\d+/intern/$"))
    expect(contact.get_by_role("status")).to_contain_text("zur Prüfung eingereicht")
    expect(contact.locator("main .kern-badge")).to_have_text("zur Prüfung eingereicht")


def decide(ki: Page, *, decision: str, comment: str, expected_message: str) -> None:
    ki.goto("/pruefung/")
    expect(ki.get_by_role("heading", level=1)).to_have_text("Eingereichte Veranstaltungen prüfen")
    ki.get_by_role("row", name=TITLE).get_by_role("link", name=TITLE).click()
    expect(ki).to_have_url(re.compile(r"/pruefung/\d+/$"))
    expect(ki.get_by_role("heading", level=1)).to_have_text(TITLE)
    ki.get_by_role("radio", name=decision).check()
    ki.get_by_label("Kommentar an die Kommune").fill(comment)
    ki.get_by_role("button", name="Entscheidung speichern").click()
    expect(ki).to_have_url(re.compile(r"/pruefung/$"))
    expect(ki.get_by_role("status")).to_contain_text(expected_message)
    expect(ki.get_by_role("cell", name="Nichts zu prüfen")).to_be_visible()


def mails_to(address: str) -> list:
    return [message for message in mail.outbox if address in message.to]


def test_contact_creates_weekly_event_ki_returns_and_publishes_it_visitor_finds_it(
    page, new_context, live_server, reference_data, unna, contact_unna, ki_staff, first_tuesday
):
    dates = series_dates(first_tuesday)
    last = dates[-1]

    # --- the contact creates the series and submits it ---------------------------------
    contact = page
    login(contact, live_server, contact_unna.email, PASSWORD)
    open_new_event_form_and_fill_it(contact, first_tuesday)
    contact.get_by_role("button", name="Speichern").click()

    expect(contact).to_have_url(re.compile(r"/veranstaltungen/(\d+)/intern/$"))
    pk = int(re.search(r"/veranstaltungen/(\d+)/intern/", contact.url).group(1))
    expect(contact.get_by_role("status")).to_contain_text("als Entwurf gespeichert")
    expect(contact.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(contact.locator("main .kern-badge")).to_have_text("Entwurf")
    expect(contact.get_by_role("heading", name=f"{len(dates)} Termine")).to_be_visible()
    expect(contact.get_by_text(f"wöchentlich (Di) bis {last:%d.%m.%Y}")).to_be_visible()
    event = Event.objects.get(pk=pk)
    assert (event.frequency, event.weekdays, event.repeat_until) == ("weekly", [TUESDAY], last)
    assert [o.start for o in event.occurrences.all()] == [
        datetime.combine(day, time(18), tzinfo=BERLIN) for day in dates
    ]
    assert list(event.target_groups.values_list("name", flat=True)) == [TARGET_GROUP]

    submit_for_review(contact)
    (submission,) = mails_to(ki_staff.email)
    assert submission.subject == "Neue Einreichung zur Prüfung"
    assert TITLE in submission.body
    assert f"/pruefung/{pk}/" in submission.body

    # --- the KI sends it back: the address is missing ----------------------------------
    ki = new_context().new_page()
    login(ki, live_server, ki_staff.email, PASSWORD)
    decide(
        ki,
        decision="Zur Überarbeitung zurückgeben",
        comment=RETURN_COMMENT,
        expected_message=f"„{TITLE}“ wurde mit Ihrem Kommentar zurückgegeben.",
    )
    (returned,) = mails_to(contact_unna.email)
    assert returned.subject == f"Bitte überarbeiten: {TITLE}"
    assert RETURN_COMMENT in returned.body
    assert f"/veranstaltungen/{pk}/intern/" in returned.body

    # --- the contact reads the comment, adds the address and resubmits -----------------
    contact.goto("/veranstaltungen/meine/")
    row = contact.get_by_role("row", name=TITLE)
    expect(row).to_contain_text("zur Überarbeitung zurückgegeben")
    expect(row).to_contain_text(RETURN_COMMENT)
    row.get_by_role("link", name=TITLE).click()
    expect(contact).to_have_url(re.compile(rf"/veranstaltungen/{pk}/intern/$"))
    expect(contact.locator(".kern-alert--warning")).to_contain_text(
        "Das Integrationszentrum bittet um Überarbeitung"
    )
    expect(contact.locator(".kern-alert--warning")).to_contain_text(RETURN_COMMENT)

    contact.get_by_role("link", name="Bearbeiten", exact=True).click()
    expect(contact.get_by_role("heading", level=1)).to_have_text(f"„{TITLE}“ bearbeiten")
    # The rule chosen by keyboard is still there when the form is opened again.
    expect(contact.get_by_role("radio", name="wöchentlich", exact=True)).to_be_checked()
    expect(contact.get_by_role("checkbox", name="Dienstag", exact=True)).to_be_checked()
    contact.get_by_label(label("Straße und Hausnummer")).fill("Markt 1")
    contact.get_by_label(label("PLZ")).fill("59423")
    contact.get_by_label(label("Ort")).fill("Unna")
    contact.get_by_role("button", name="Speichern").click()
    expect(contact).to_have_url(re.compile(rf"/veranstaltungen/{pk}/intern/$"))
    expect(contact.get_by_role("status")).to_contain_text("Die Änderungen wurden gespeichert.")
    expect(contact.get_by_text("Markt 1, 59423 Unna")).to_be_visible()
    submit_for_review(contact)
    assert len(mails_to(ki_staff.email)) == 2

    # --- the KI publishes it ------------------------------------------------------------
    decide(
        ki,
        decision="Veröffentlichen",
        comment=APPROVE_COMMENT,
        expected_message=f"„{TITLE}“ ist veröffentlicht.",
    )
    returned_mail, published = mails_to(contact_unna.email)
    assert returned_mail is returned
    assert published.subject == f"Veröffentlicht: {TITLE}"
    assert APPROVE_COMMENT in published.body
    assert Event.objects.get(pk=pk).status == Event.Status.APPROVED

    # --- a visitor finds it in the calendar ---------------------------------------------
    visitor = new_context().new_page()
    visitor.goto("/veranstaltungen/")
    expect(visitor.get_by_role("heading", level=1)).to_contain_text("Veranstaltungskalender")
    today = timezone.localdate()
    in_list_window = [day for day in dates if day <= today + timedelta(days=30)]
    expect(visitor.get_by_role("link", name=TITLE)).to_have_count(len(in_list_window))
    expect(visitor.get_by_role("heading", name=german_date(first_tuesday, "l, j. F Y"))).to_be_visible()

    visitor.get_by_role("link", name="Monat", exact=True).click()
    visitor.get_by_label("von", exact=True).fill(first_tuesday.replace(day=1).isoformat())
    visitor.get_by_role("button", name="Filter anwenden").click()
    expect(visitor.get_by_role("heading", level=2, name=german_date(first_tuesday, "F Y"))).to_be_visible()
    # The month grid runs from the Monday before the 1st to the Sunday after the last day.
    month_first = first_tuesday.replace(day=1)
    grid_first = month_first - timedelta(days=month_first.weekday())
    next_month = (month_first + timedelta(days=32)).replace(day=1)
    grid_last = next_month - timedelta(days=1)
    grid_last += timedelta(days=6 - grid_last.weekday())
    in_grid = [day for day in dates if grid_first <= day <= grid_last]
    expect(visitor.locator("table.calendar-month").get_by_role("link", name=TITLE)).to_have_count(
        len(in_grid)
    )
    expect(visitor.get_by_role("status")).to_have_text(f"{len(in_grid)} Termine gefunden.")
    first_cell = visitor.locator("td", has_text=german_date(first_tuesday, "l, j. F Y"))
    expect(first_cell).to_contain_text("18:00 Uhr")
    save_screenshot(visitor, "calendar_month")

    first_cell.get_by_role("link", name=TITLE).click()
    expect(visitor).to_have_url(re.compile(rf"/veranstaltungen/{pk}/$"))
    expect(visitor.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(visitor.get_by_text(f"Regelmäßig: wöchentlich (Di) bis {last:%d.%m.%Y}")).to_be_visible()
    expect(visitor.get_by_text("Markt 1, 59423 Unna")).to_be_visible()
    expect(visitor.get_by_text(TARGET_GROUP)).to_be_visible()
    dates_list = visitor.get_by_role("listitem").filter(has_text="18:00–20:00 Uhr")
    expect(dates_list).to_have_count(len(dates))
    expect(dates_list.first).to_have_text(f"{german_date(first_tuesday, 'l, j. F Y')}, 18:00–20:00 Uhr")
    # Internal things stay internal.
    expect(visitor.get_by_text(RETURN_COMMENT)).to_have_count(0)
    expect(visitor.get_by_role("link", name="Bearbeiten")).to_have_count(0)
    assert_accessible(visitor)
    save_screenshot(visitor, "event_detail")

    # --- and in Unna's calendar feed, as one series with an RRULE -----------------------
    response = visitor.request.get("/events/feed/unna.ics")
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.body())
    (vevent,) = [c for c in calendar.walk("VEVENT") if str(c.get("SUMMARY")) == TITLE]
    assert vevent["DTSTART"].dt == datetime.combine(first_tuesday, time(18), tzinfo=BERLIN)
    assert vevent["DTEND"].dt == datetime.combine(first_tuesday, time(20), tzinfo=BERLIN)
    rule = vevent["RRULE"]
    assert rule["FREQ"] == ["WEEKLY"]
    assert rule["BYDAY"] == ["TU"]
    expanded = rrule.rrulestr(rule.to_ical().decode(), dtstart=vevent["DTSTART"].dt)
    assert [start.date() for start in expanded] == dates
    assert "Markt 1, 59423 Unna" in str(vevent["LOCATION"])
    assert f"/veranstaltungen/{pk}/" in str(vevent["URL"])
