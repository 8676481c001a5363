"""Readable records and the calendar's contrast, in a real browser.

* „Meine Daten“ and the Protokoll read as German and pass axe;
* every link of the month and week views keeps 4.5:1 against its background in every state:
  a day today, a day outside the month, hovered and focused.
"""

from __future__ import annotations

import calendar as calendar_module
import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import PASSWORD
from e2e.conftest import assert_accessible, axe_violations, login, save_screenshot, visit
from events import services as event_services
from events.models import Event
from events.tests.factories import berlin, make_event
from municipalities.demo import seed_district

MINIMUM_CONTRAST = 4.5

# The colour the person sees, whatever syntax the stylesheet used (KERN writes oklch()): the
# browser paints it into a 1×1 canvas and reads the pixel back. The background is the first
# opaque one up the tree, with translucent layers on top of it blended in.
COLOURS_JS = """
(element) => {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 1;
  const context = canvas.getContext('2d', {willReadFrequently: true});
  const rgba = (css) => {
    context.clearRect(0, 0, 1, 1);
    context.fillStyle = '#000';
    context.fillStyle = css;
    context.fillRect(0, 0, 1, 1);
    const [r, g, b, a] = context.getImageData(0, 0, 1, 1).data;
    return [r, g, b, a / 255];
  };
  const layers = [];
  for (let node = element; node; node = node.parentElement) {
    const colour = rgba(getComputedStyle(node).backgroundColor);
    if (getComputedStyle(node).backgroundColor === 'rgba(0, 0, 0, 0)') continue;
    layers.push(colour);
    if (colour[3] >= 1) break;
  }
  let base = [255, 255, 255];
  for (const [r, g, b, a] of layers.reverse()) {
    base = [r * a + base[0] * (1 - a), g * a + base[1] * (1 - a), b * a + base[2] * (1 - a)];
  }
  const [r, g, b, a] = rgba(getComputedStyle(element).color);
  const text = [r * a + base[0] * (1 - a), g * a + base[1] * (1 - a), b * a + base[2] * (1 - a)];
  return {text, background: base};
}
"""


def relative_luminance(rgb) -> float:
    def channel(value: float) -> float:
        value /= 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first, second) -> float:
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_contrast_formula_matches_wcag():
    assert round(contrast((0, 0, 0), (255, 255, 255)), 1) == 21.0
    assert round(contrast((118, 118, 118), (255, 255, 255)), 2) == 4.54


def _outside_day(today: date) -> date:
    """A day shown in the month view of ``today``'s month that belongs to another month."""
    first = today.replace(day=1)
    if first.weekday() != 0:
        return first - timedelta(days=1)
    last = first.replace(day=calendar_module.monthrange(first.year, first.month)[1])
    return last + timedelta(days=1)


@pytest.fixture
def calendar_events(unna, luenen, ki_staff):
    seed_district()
    today = timezone.localdate()
    outside = _outside_day(today)
    for title, day, municipality in (
        ("Sprachcafé heute", today, unna),
        ("Frauenfrühstück heute", today, luenen),
        ("Nachbarschaftsfest nebenan", outside, unna),
    ):
        make_event(
            by=ki_staff,
            municipality=municipality,
            title=title,
            start=berlin(day.year, day.month, day.day, 17),
            status=Event.Status.APPROVED,
        )
    cancelled = make_event(
        by=ki_staff,
        municipality=unna,
        title="Lesung heute",
        start=berlin(today.year, today.month, today.day, 19),
        status=Event.Status.APPROVED,
    )
    event_services.cancel_event(by=ki_staff, event=cancelled, comment="Erkrankt.")
    return {"today": today, "outside": outside}


def _link_contrasts(page, table_selector: str) -> list[str]:
    """Every link in the table, in its normal, hovered and focused state: the failing ones."""
    failures = []
    links = page.locator(f"{table_selector} a")
    count = links.count()
    assert count >= 3, f"{table_selector}: only {count} links"
    for index in range(count):
        link = links.nth(index)
        name = link.inner_text().strip()
        for state in ("normal", "hover", "focus"):
            page.mouse.move(0, 0)
            page.evaluate("document.activeElement && document.activeElement.blur()")
            if state == "hover":
                link.hover()
            elif state == "focus":
                link.focus()
            colours = link.evaluate(COLOURS_JS)
            ratio = contrast(colours["text"], colours["background"])
            if ratio < MINIMUM_CONTRAST:
                failures.append(f"{table_selector} „{name}“ {state}: {ratio:.2f}:1 {colours}")
    return failures


def test_calendar_links_keep_4_5_to_1_in_every_state(page, live_server, calendar_events):
    today, outside = calendar_events["today"], calendar_events["outside"]
    page.set_viewport_size({"width": 1280, "height": 900})
    visit(page, live_server, f"/veranstaltungen/?view=month&start={today.replace(day=1).isoformat()}")
    month = page.locator("table.calendar-month")
    today_cell = month.locator("td.calendar-day--today")
    expect(today_cell.get_by_role("link")).to_have_count(3)
    expect(
        month.locator("td.calendar-day--outside").get_by_role("link", name="Nachbarschaftsfest nebenan")
    ).to_be_visible()
    failures = _link_contrasts(page, "table.calendar-month")
    assert not axe_violations(page)
    save_screenshot(page, "calendar_month_today_outside")

    monday = today - timedelta(days=today.weekday())
    visit(page, live_server, f"/veranstaltungen/?view=week&start={monday.isoformat()}")
    expect(page.locator("table.calendar-week tr[aria-current=date]").get_by_role("link")).to_have_count(3)
    failures += _link_contrasts(page, "table.calendar-week")
    assert not axe_violations(page)
    save_screenshot(page, "calendar_week_today")
    assert not failures, "\n".join(failures)
    assert outside.month != today.month


@pytest.fixture
def rich_volunteer_in_browser(volunteer, unna, district, trainer):
    from volunteers.services import register_for_course
    from volunteers.tests.factories import make_course

    profile = volunteer.volunteer
    profile.municipality = unna
    profile.phone = "+49 2303 123456"
    profile.save()
    course = make_course(district, title="Interkulturelle Kompetenz", trainers=[trainer])
    register_for_course(volunteer=profile, course=course)
    return volunteer


def test_meine_daten_page_reads_as_german_and_is_accessible(page, live_server, rich_volunteer_in_browser):
    volunteer = rich_volunteer_in_browser
    login(page, live_server, volunteer.email, PASSWORD)
    visit(page, live_server, "/ehrenamt/profil/")
    page.get_by_role("link", name="Meine Daten ansehen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Meine Daten")
    main = page.locator("main")
    expect(main.get_by_role("heading", name="Ihr Konto")).to_be_visible()
    expect(main).to_contain_text("+49 2303 123456")
    expect(main).to_contain_text("Interkulturelle Kompetenz")
    expect(main).not_to_contain_text("full_name")
    expect(main).not_to_contain_text("True")
    assert re.search(r"\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2} Uhr", main.inner_text())
    with page.expect_download() as download:
        page.get_by_role("link", name="Als PDF herunterladen").click()
    assert download.value.suggested_filename.endswith(".pdf")
    assert_accessible(page)
    save_screenshot(page, "volunteer_meine_daten")
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page)


def test_protokoll_reads_as_german_with_names_and_is_accessible(
    page, live_server, unna, contact_unna, ki_staff
):
    seed_district()
    event = make_event(by=contact_unna, municipality=unna, title="Sprachcafé", status=Event.Status.SUBMITTED)
    event_services.decide_event(by=ki_staff, event=event, decision="approve")
    login(page, live_server, ki_staff.email, PASSWORD)
    visit(page, live_server, "/kreis/protokoll/")
    table = page.locator("main table")
    expect(table).to_contain_text("Status: zur Prüfung eingereicht → veröffentlicht")
    expect(table).to_contain_text(f"Geprüft von: leer → {ki_staff.full_name}")
    expect(table).to_contain_text("Person: " + contact_unna.full_name)
    for raw in ("None", "reviewed_by", "#"):
        expect(table).not_to_contain_text(raw)
    assert re.search(r"\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}\s+Uhr", table.inner_text())
    assert_accessible(page)
    save_screenshot(page, "ki_staff_protokoll_readable")
