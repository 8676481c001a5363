"""The overview pages pass the axe scan and reflow at 320 px, with a year of demo data behind them."""

from playwright.sync_api import expect

from e2e.conftest import axe_violations, horizontal_overflow, login, save_screenshot, visit
from municipalities.models import FieldOfAction

DEMO_PASSWORD = "demo-pass-2026"


def test_overview_pages_are_accessible(page, live_server, demo_year):
    field = FieldOfAction.objects.get(slug="sprache-bildung")
    staff_pages = [
        "/kreisuebersicht/",
        "/kreisuebersicht/?year=2026&field_of_action=sprache-bildung",
        f"/kreisuebersicht/zelle/unna/{field.slug}/?year=2026",
        "/kommunen/unna/vergleich/",
        "/konzeptbericht/",
        f"/konzeptbericht/{demo_year.pk}/",
        f"/konzeptbericht/vergleich/?a={demo_year.pk}&b={demo_year.pk}",
        "/konzeptbericht/texte/2026/",
    ]
    login(page, live_server, "ki@example.org", DEMO_PASSWORD)
    violations = []
    for path in staff_pages:
        visit(page, live_server, path)
        expect(page.locator("h1")).to_be_visible()
        violations += axe_violations(page)
        save_screenshot(page, f"overview{path}")

    contact = page.context.browser.new_context(locale="de-DE").new_page()
    login(contact, live_server, "kontakt-unna@example.org", DEMO_PASSWORD)
    visit(contact, live_server, "/kommunen/unna/vergleich/")
    expect(contact.locator("h1")).to_contain_text("Unna")
    violations += axe_violations(contact)
    assert not violations, "Accessibility violations:\n" + "\n".join(violations)


def test_overview_pages_reflow_at_320_px(page, live_server, demo_year):
    page.set_viewport_size({"width": 320, "height": 640})
    login(page, live_server, "ki@example.org", DEMO_PASSWORD)
    too_wide = []
    for path in [
        "/kreisuebersicht/",
        "/konzeptbericht/",
        f"/konzeptbericht/{demo_year.pk}/",
        "/kommunen/unna/vergleich/",
    ]:
        visit(page, live_server, path)
        if horizontal_overflow(page) > 0:
            too_wide.append(f"{path} (+{horizontal_overflow(page)} px)")
    assert not too_wide, "Pages wider than the screen: " + ", ".join(too_wide)
