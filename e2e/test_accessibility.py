"""Every page of every role passes axe (WCAG 2.1 A/AA and best practice) in a real browser."""

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import PASSWORD
from e2e.conftest import (
    assert_accessible,
    axe_findings,
    axe_violations,
    horizontal_overflow,
    htmlcs_findings,
    login,
    save_screenshot,
    visit,
)
from events import services as event_services
from events.models import Event
from events.tests.factories import berlin, make_event
from municipalities.demo import seed_district
from municipalities.models import FieldOfAction, Language, Measure, TargetGroup
from municipalities.services import invite_contact, save_measure

PUBLIC_PAGES = [
    ("/", 200),
    ("/kommunen/", 200),
    ("/kommunen/unna/", 200),
    ("/impressum/", 200),
    ("/datenschutz/", 200),
    ("/barrierefreiheit/", 200),
    ("/veranstaltungen/", 200),
    ("/veranstaltungen/?view=month", 200),
    ("/veranstaltungen/?view=week", 200),
    ("/api/", 200),
    ("/opendata/", 200),
    ("/konto/anmelden/", 200),
    ("/konto/passwort-vergessen/", 200),
    ("/einladung/neu-anfordern/", 200),
    # An unknown invitation link answers 404, with a page that explains what to do.
    ("/einladung/ungueltig/", 404),
]

# The second-factor pages: staff and trainers (enrolled at login) see the recovery codes page and are
# sent on from the enrolment; contacts and volunteers see the enrolment (the verify page and the
# codes shown once: e2e/test_login.py).
ACCOUNT_PAGES = [
    "/konto/profil/",
    "/konto/passwort-aendern/",
    "/konto/zwei-faktor/einrichten/",
    "/konto/zwei-faktor/wiederherstellungscodes/",
]
KI_STAFF_PAGES = [
    "/kreis/",
    "/kreis/protokoll/",
    "/kommunen/neu/",
    "/kommunen/unna/ansprechpersonen/",
    "/kommunen/unna/bearbeiten/",
    "/pruefung/",
    "/veranstaltungen/meine/",
    "/veranstaltungen/neu/",
    "/veranstaltungen/import/",
    "/kreis/e-mails/",
    "/kreis/gebaerdensprache/",
    "/kreis/gebaerdensprache/neu/",
    "/foerderung/budget/",
    "/einsatzstellen/verwalten/",
    "/einsatzstellen/verwalten/neu/",
    "/foerderung/qualifikationsnachweise/",
]
CONTACT_UNNA_PAGES = [
    "/veranstaltungen/meine/",
    "/veranstaltungen/neu/",
    "/veranstaltungen/import/",
    "/kommunen/unna/massnahmen/",
    "/kommunen/unna/massnahmen/neu/",
]

# role fixture -> where „Mein Bereich“ ends up, and the role's own pages
ROLE_PAGES = {
    "ki_staff": ("/mein-bereich/", KI_STAFF_PAGES),
    "contact_unna": ("/kommunen/unna/intern/", CONTACT_UNNA_PAGES),
    "contact_luenen": ("/kommunen/luenen/intern/", []),
    "trainer": ("/mein-bereich/", []),
    "volunteer": ("/mein-bereich/", ["/ehrenamt/einsatzstellen/", "/ehrenamt/qualifikationen/"]),
}


@pytest.fixture
def full_district(unna, luenen):
    """Kreis Unna with all ten municipalities; Unna and Lünen are the fixtures' rows."""
    return seed_district()


def test_public_pages_are_accessible(page, live_server, full_district):
    violations = []
    for path, status in PUBLIC_PAGES:
        visit(page, live_server, path, status)
        expect(page.locator("h1")).to_be_visible()
        violations += axe_violations(page)
        save_screenshot(page, f"visitor{path}")
    assert not violations, "Accessibility violations:\n" + "\n".join(violations)


@pytest.mark.parametrize("role", list(ROLE_PAGES))
def test_pages_of_each_role_are_accessible(page, live_server, full_district, request, role):
    user = request.getfixturevalue(role)
    landing, own_pages = ROLE_PAGES[role]
    login(page, live_server, user.email, PASSWORD)

    violations = []
    visit(page, live_server, "/mein-bereich/")
    assert page.url == live_server.url + landing
    violations += axe_violations(page)
    save_screenshot(page, f"{role}{landing}")
    for path in ACCOUNT_PAGES + own_pages:
        visit(page, live_server, path)
        expect(page.locator("h1")).to_be_visible()
        violations += axe_violations(page)
        save_screenshot(page, f"{role}{path}")
    assert not violations, "Accessibility violations:\n" + "\n".join(violations)


def test_invalid_invitation_link_explains_what_to_do(page, live_server, full_district):
    visit(page, live_server, "/einladung/ungueltig/", 404)
    expect(page.get_by_role("heading", level=1)).to_have_text("Diese Einladung kann nicht genutzt werden")
    expect(page.get_by_role("link", name="Neuen Einladungslink anfordern")).to_be_visible()
    assert_accessible(page)


def test_population_is_shown_with_thousands_separator(page, live_server, full_district):
    visit(page, live_server, "/kommunen/unna/")
    expect(page.locator(".key-figure")).to_have_text("58.000")
    visit(page, live_server, "/kommunen/")
    expect(page.get_by_role("row", name="Lünen")).to_contain_text("86.000")


def test_language_switch_to_english(page, live_server, full_district):
    visit(page, live_server, "/")
    assert page.locator("html").get_attribute("lang") == "de"
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="English")).to_have_attribute("aria-current", "true")
    assert page.url == live_server.url + "/"
    assert_accessible(page)


def test_skip_link_is_first_tab_stop_and_moves_focus_to_main(page, live_server, full_district):
    visit(page, live_server, "/")
    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    expect(focused).to_have_text("Zum Inhalt springen")
    expect(focused).to_be_visible()
    assert focused.evaluate("element => element.getBoundingClientRect().top >= 0")
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()


def test_pages_reflow_at_320_px_without_horizontal_scrolling(
    page, live_server, full_district, ki_staff, contact_unna, unna
):
    """WCAG 1.4.10: at 320 CSS pixels only data tables may scroll, inside their own box."""
    invite_contact(by=ki_staff, municipality=unna, email="jürgen.böhm@example.org")
    page.set_viewport_size({"width": 320, "height": 640})
    too_wide = []
    for path, status in PUBLIC_PAGES:
        visit(page, live_server, path, status)
        if horizontal_overflow(page) > 0:
            too_wide.append(f"{path} (+{horizontal_overflow(page)} px)")
    login(page, live_server, ki_staff.email, PASSWORD)
    for path in ["/mein-bereich/", *ACCOUNT_PAGES, *KI_STAFF_PAGES, "/kommunen/unna/intern/"]:
        visit(page, live_server, path)
        expect(page.get_by_role("button", name="Abmelden")).to_be_visible()
        if horizontal_overflow(page) > 0:
            too_wide.append(f"{path} (+{horizontal_overflow(page)} px)")
        save_screenshot(page, f"320px{path}")
    assert not too_wide, "Pages wider than the screen: " + ", ".join(too_wide)


def test_accessibility_scan_reports_findings_of_both_tools(page):
    """The scan itself works: a page with known defects does not pass, and each tool sees them."""
    page.set_content(
        '<html lang="de"><head><title>Kaputt</title></head><body><main><h1>Kaputt</h1>'
        '<p style="color:#bbb;background:#fff">Kaum lesbar</p>'
        '<input type="text" name="ohne-label"></main></body></html>'
    )
    axe = "\n".join(axe_findings(page))
    assert "color-contrast" in axe
    assert "label" in axe
    htmlcs = "\n".join(htmlcs_findings(page))
    assert "1_4_3.G18.Fail" in htmlcs  # contrast
    assert "1_3_1.F68" in htmlcs  # a text field without a label
    with pytest.raises(AssertionError, match="Accessibility violations"):
        assert_accessible(page)


def test_accessibility_scan_fails_on_minor_axe_findings_too(page):
    """Every axe impact counts, not only serious and critical ones (here a moderate one)."""
    page.set_content(
        '<html lang="de"><head><title>Zwei Hauptbereiche</title></head><body>'
        "<main><h1>Eins</h1></main><main><p>Zwei</p></main></body></html>"
    )
    found = axe_findings(page)
    assert any("[moderate]" in line for line in found), found


# --- events and measures, with real data -------------------------------------------------

# Paths are formatted with the ids and dates of ``event_pages_data``; (path, expected status).
EVENT_PUBLIC_PAGES = [
    ("/veranstaltungen/", 200),
    ("/veranstaltungen/?view=month&start={month}", 200),
    ("/veranstaltungen/?view=week&start={first}", 200),
    (
        "/veranstaltungen/?municipality=unna&field_of_action=sprache-bildung&target_group=neuzugewanderte"
        "&language=ar&q=Sprachcaf%C3%A9",
        200,
    ),
    ("/veranstaltungen/?view=month&start={month}&municipality=unna&target_group=neuzugewanderte", 200),
    ("/veranstaltungen/?view=week&start={first}&field_of_action=sprache-bildung", 200),
    # A broken filter answers 400 with a German explanation instead of the results.
    ("/veranstaltungen/?start=morgen", 400),
    ("/veranstaltungen/{approved}/", 200),
    ("/veranstaltungen/{cancelled}/", 200),
    # Today's month and week: an event today, and one on a day of the grid outside the month.
    ("/veranstaltungen/?view=month", 200),
    ("/veranstaltungen/?view=week", 200),
]
EVENT_CONTACT_PAGES = [
    "/veranstaltungen/meine/",
    "/veranstaltungen/meine/?status=returned",
    "/veranstaltungen/neu/",
    "/veranstaltungen/{approved}/intern/",
    "/veranstaltungen/{returned}/intern/",
    "/veranstaltungen/{approved}/bearbeiten/",
    "/veranstaltungen/{returned}/bearbeiten/",
    "/veranstaltungen/{returned}/einreichen/",
    "/veranstaltungen/{submitted}/einreichen/",
    # An unpublished event's detail page, which only its managers see (with a note saying so).
    "/veranstaltungen/{submitted}/",
    "/veranstaltungen/import/",
    "/kommunen/unna/massnahmen/",
    "/kommunen/unna/massnahmen/neu/",
    "/kommunen/unna/massnahmen/{measure}/",
    "/kommunen/unna/massnahmen/{measure}/bearbeiten/",
]
EVENT_KI_STAFF_PAGES = [
    "/pruefung/",
    "/pruefung/?municipality=unna",
    "/pruefung/{submitted}/",
    "/pruefung/{approved}/",
]
EVENT_REFLOW_PAGES = [
    "/veranstaltungen/",
    "/veranstaltungen/?view=month&start={month}",
    # This month as a day list on the phone, with today's event and one outside the month.
    "/veranstaltungen/?view=month",
    # A month without events: the scrolling grid has no link, so the box itself takes focus.
    "/veranstaltungen/?view=month&start=2020-02-01",
    "/veranstaltungen/?view=week&start={first}",
    "/veranstaltungen/{approved}/",
    "/veranstaltungen/meine/",
    "/veranstaltungen/neu/",
    "/veranstaltungen/{approved}/intern/",
    "/veranstaltungen/{returned}/einreichen/",
    "/veranstaltungen/import/",
    "/kommunen/unna/massnahmen/",
    "/kommunen/unna/massnahmen/{measure}/",
    "/pruefung/",
    "/pruefung/{submitted}/",
]
IMPORT_WITH_ERRORS = (
    "titel;beginn_datum;beginn_uhrzeit;zielgruppen\n"
    "Frauenfrühstück;31.02.2026;09:30;frauen\n"
    ";15.03.2026;25:00;unbekannte Gruppe\n"
    "Nähcafé / مقهى الخياطة;morgen;;\n"
)


@pytest.fixture
def event_pages_data(full_district, unna, contact_unna, ki_staff):
    """Events in every state, relative to today so that they show in the default calendar views."""
    today = timezone.localdate()
    first = today + timedelta(days=(1 - today.weekday()) % 7 + 7)  # a Tuesday 1–2 weeks ahead
    language = FieldOfAction.objects.get(district=full_district, slug="sprache-bildung")
    newcomers = TargetGroup.objects.get(district=full_district, slug="neuzugewanderte")
    families = TargetGroup.objects.get(district=full_district, slug="familien")
    languages = Language.objects.filter(code__in=["de", "ar", "uk"])
    measure = save_measure(
        by=contact_unna,
        measure=Measure(
            municipality=unna,
            title="Sprachcafés in der Innenstadt",
            provider="Caritas Unna",
            status=Measure.Status.RUNNING,
            starts_on=today - timedelta(days=90),
            funding="KOMM-AN NRW",
            contact="sprachcafe@unna.example",
            description="Wöchentliche Treffen zum Deutschüben.\nمرحبا بالجميع – alle sind willkommen.",
        ),
        fields_of_action=[language],
        target_groups=[newcomers],
        languages=languages,
    )

    def event(title, *, day=first, hour=18, target_groups=(newcomers,), **fields):
        return make_event(
            by=contact_unna,
            municipality=unna,
            title=title,
            start=berlin(day.year, day.month, day.day, hour),
            target_groups=target_groups,
            **fields,
        )

    approved = event(
        "Sprachcafé am Dienstag",
        measure=measure,
        description="Deutsch sprechen bei Tee und Gebäck.\nمقهى اللغة: نتحدث الألمانية معًا.",
        frequency=Event.Frequency.WEEKLY,
        weekdays=[1],
        repeat_until=first + timedelta(weeks=6),
        location_name="Begegnungsraum am Markt",
        street="Markt 1",
        postcode="59423",
        town="Unna",
        online_url="https://meet.example.org/sprachcafe",
        organiser="Caritas Unna",
        public_contact="sprachcafe@unna.example",
        accessibility_notes="Stufenloser Zugang, barrierefreies WC",
        fields_of_action=[language],
        languages=languages,
    )
    cancelled = event("Lesung: Geschichten aus der Ukraine", day=first + timedelta(days=2), hour=19)
    submitted = event(
        "Elterncafé mit Kinderbetreuung",
        hour=10,
        target_groups=[newcomers, families],
        description="Austausch für Eltern – Kinderbetreuung im Nebenraum.",
    )
    returned = event("Interkulturelles Frühlingsfest", day=first + timedelta(days=4), hour=15)
    # The states where contrast problems hide: an event today, one in the month grid outside the month.
    today_event = event("Offene Sprechstunde im Rathaus", day=today, hour=12)
    month_end = (today.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    outside_day = (
        month_end + timedelta(days=1) if month_end.weekday() < 6 else today.replace(day=1) - timedelta(days=1)
    )
    outside_event = event("Nachbarschaftsfest am Monatswechsel", day=outside_day, hour=16)
    for item in (approved, cancelled, submitted, returned, today_event, outside_event):
        event_services.submit_event(by=contact_unna, event=item)
    for item in (approved, cancelled, today_event, outside_event):
        event_services.decide_event(by=ki_staff, event=item, decision="approve")
    event_services.cancel_event(by=contact_unna, event=cancelled, comment="Die Autorin ist erkrankt.")
    event_services.decide_event(
        by=ki_staff, event=returned, decision="return", comment="Bitte Ort und Uhrzeit ergänzen."
    )
    return SimpleNamespace(
        first=first.isoformat(),
        month=first.replace(day=1).isoformat(),
        approved=approved.pk,
        cancelled=cancelled.pk,
        submitted=submitted.pk,
        returned=returned.pk,
        measure=measure.pk,
    )


def scan(page, live_server, paths, data, *, prefix, status=200) -> list[str]:
    violations = []
    for path in paths:
        path, expected = path if isinstance(path, tuple) else (path, status)
        path = path.format(**vars(data))
        visit(page, live_server, path, expected)
        expect(page.locator("h1")).to_be_visible()
        violations += axe_violations(page)
        save_screenshot(page, f"{prefix}{path}")
    return violations


def test_calendar_and_event_pages_are_accessible(page, live_server, event_pages_data):
    violations = scan(page, live_server, EVENT_PUBLIC_PAGES, event_pages_data, prefix="visitor")
    assert not violations, "Accessibility violations:\n" + "\n".join(violations)


def test_scanned_month_shows_events_today_and_outside_the_month(page, live_server, event_pages_data):
    """The scans of this month's grid look at a marked today and at a day of the next or previous month."""
    visit(page, live_server, "/veranstaltungen/?view=month")
    today = page.locator("td.calendar-day--today")
    expect(today).to_have_attribute("aria-current", "date")
    expect(today.get_by_role("link", name="Offene Sprechstunde im Rathaus")).to_be_visible()
    outside = page.locator("td.calendar-day--outside", has_text="Nachbarschaftsfest am Monatswechsel")
    expect(outside).to_have_count(1)


def test_filtered_calendar_shows_the_matching_event(page, live_server, event_pages_data):
    """The scans of filtered views above look at real results, not at an empty page."""
    path, _status = EVENT_PUBLIC_PAGES[3]
    visit(page, live_server, path)
    expect(page.get_by_role("link", name="Sprachcafé am Dienstag").first).to_be_visible()
    expect(page.get_by_role("link", name="Elterncafé mit Kinderbetreuung")).to_have_count(0)
    expect(page.get_by_role("link", name="Lesung: Geschichten aus der Ukraine")).to_have_count(0)
    visit(page, live_server, "/veranstaltungen/?view=week&start={first}".format(**vars(event_pages_data)))
    expect(page.get_by_role("cell", name="Lesung: Geschichten aus der Ukraine")).to_contain_text("abgesagt")


def test_event_and_measure_pages_of_contact_are_accessible(page, live_server, event_pages_data, contact_unna):
    login(page, live_server, contact_unna.email, PASSWORD)
    violations = scan(page, live_server, EVENT_CONTACT_PAGES, event_pages_data, prefix="contact_unna")

    # Forms after a failed attempt: the error summary and the marked fields.
    visit(page, live_server, "/veranstaltungen/neu/")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_role("alert")).to_contain_text("Bitte prüfen Sie Ihre Angaben")
    violations += axe_violations(page)
    save_screenshot(page, "contact_unna_event_form_errors")

    visit(page, live_server, "/kommunen/unna/massnahmen/neu/")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_role("alert")).to_contain_text("Bitte prüfen Sie Ihre Angaben")
    violations += axe_violations(page)

    visit(page, live_server, "/veranstaltungen/import/")
    page.get_by_label("Datei (CSV oder XLSX)").set_input_files(
        files=[{"name": "programm.csv", "mimeType": "text/csv", "buffer": IMPORT_WITH_ERRORS.encode()}]
    )
    page.get_by_role("button", name="Prüfen und importieren").click()
    expect(page.get_by_role("heading", name="Es wurde nichts gespeichert")).to_be_visible()
    errors = page.get_by_role("table", name="Fehler in der Datei")
    expect(errors.get_by_role("row")).to_have_count(1 + 5)  # header + one row per problem
    expect(errors.get_by_role("row", name="4 beginn_datum morgen")).to_contain_text("Kein Datum")
    violations += axe_violations(page)
    save_screenshot(page, "contact_unna_import_errors")
    assert not violations, "Accessibility violations:\n" + "\n".join(violations)


def test_review_pages_of_ki_staff_are_accessible(page, live_server, event_pages_data, ki_staff):
    login(page, live_server, ki_staff.email, PASSWORD)
    violations = scan(page, live_server, EVENT_KI_STAFF_PAGES, event_pages_data, prefix="ki_staff")

    # Returning without a comment is refused with an explanation.
    visit(page, live_server, f"/pruefung/{event_pages_data.submitted}/")
    page.get_by_role("radio", name="Zur Überarbeitung zurückgeben").check()
    page.get_by_role("button", name="Entscheidung speichern").click()
    expect(page.get_by_role("alert")).to_contain_text("Bitte schreiben Sie, was geändert werden soll")
    violations += axe_violations(page)
    save_screenshot(page, "ki_staff_review_errors")
    assert not violations, "Accessibility violations:\n" + "\n".join(violations)


def test_event_pages_reflow_at_320_px_without_horizontal_scrolling(
    page, live_server, event_pages_data, ki_staff
):
    """WCAG 1.4.10 for the calendar (the month grid scrolls inside its own box) and the review.

    axe runs at this width too: a scrolling box must be reachable with the keyboard.
    """
    page.set_viewport_size({"width": 320, "height": 640})
    login(page, live_server, ki_staff.email, PASSWORD)
    too_wide, violations = [], []
    for path in EVENT_REFLOW_PAGES:
        path = path.format(**vars(event_pages_data))
        visit(page, live_server, path)
        if horizontal_overflow(page) > 0:
            too_wide.append(f"{path} (+{horizontal_overflow(page)} px)")
        violations += axe_violations(page)
        save_screenshot(page, f"320px{path}")
    assert not too_wide, "Pages wider than the screen: " + ", ".join(too_wide)
    assert not violations, "Accessibility violations at 320 px:\n" + "\n".join(violations)


def test_mail_status_page_with_waiting_and_failed_mails_is_accessible(
    page, live_server, full_district, ki_staff
):
    from outbox.models import OutboxMail

    for subject, status, error in [
        (
            "Einladung: Ansprechperson für Bönen",
            OutboxMail.Status.QUEUED,
            "ConnectionRefusedError: [Errno 111]",
        ),
        ("Anmeldung bestätigt: Flucht und Trauma", OutboxMail.Status.FAILED, "SMTPRecipientsRefused: 550"),
    ]:
        OutboxMail.objects.create(
            idempotency_key=subject,
            recipients=["şengül.yıldız@example.org"],
            subject=subject,
            status=status,
            attempts=3,
            last_error=error,
            district_id=full_district.pk,
        )
    login(page, live_server, ki_staff.email, PASSWORD)
    visit(page, live_server, "/kreis/e-mails/")
    expect(page.get_by_role("button", name=re.compile("Erneut versuchen.*Flucht und Trauma"))).to_be_visible()
    violations = axe_violations(page)
    save_screenshot(page, "ki_staff_mail_status")

    page.get_by_role("button", name=re.compile("Erneut versuchen.*Flucht und Trauma")).click()
    expect(page.get_by_role("status")).to_contain_text("wird erneut gesendet")
    violations += axe_violations(page)
    assert not violations, "Accessibility violations:\n" + "\n".join(violations)


def test_protokoll_page_with_entries_is_accessible(
    page, live_server, full_district, unna, contact_unna, ki_staff
):
    """The audit log with access entries and model changes, filtered and unfiltered."""
    from accounts.audit import record_audit_event
    from accounts.models import AuditEvent

    event = make_event(by=contact_unna, municipality=unna, title="Sprachcafé", status=Event.Status.SUBMITTED)
    event_services.decide_event(by=ki_staff, event=event, decision="approve")
    record_audit_event(
        actor=ki_staff,
        action=AuditEvent.Action.SEARCHED_VOLUNTEERS,
        district_id=unna.district_id,
        details={"criteria": {"language": "ti"}, "page": 1},
    )
    login(page, live_server, ki_staff.email, PASSWORD)
    violations = []
    for path in ["/kreis/protokoll/", "/kreis/protokoll/?kind=review_decision"]:
        visit(page, live_server, path)
        expect(page.locator("table")).to_contain_text("Entscheidung: veröffentlicht")
        violations += axe_violations(page)
        save_screenshot(page, "ki_staff_protokoll")
    assert not violations, "Accessibility violations:\n" + "\n".join(violations)
