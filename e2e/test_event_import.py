"""The progress page of a big event import in the browser: accessible, fits 320 px, and the
script (no inline script: CSP) follows the status until the result page."""

from __future__ import annotations

from playwright.sync_api import expect

from conftest import PASSWORD
from e2e.conftest import assert_accessible, horizontal_overflow, login, save_screenshot
from events.models import EventImport


def test_import_progress_page_is_accessible_and_follows_the_import(page, live_server, contact_unna, unna):
    job = EventImport.objects.create(municipality=unna, created_by=contact_unna, row_count=150)
    login(page, live_server, contact_unna.email, PASSWORD)
    page.goto(f"{live_server.url}/veranstaltungen/import/{job.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Veranstaltungen werden importiert")
    status = page.get_by_role("status")
    expect(status).to_contain_text("wartet")
    expect(page.get_by_role("link", name="Aktualisieren")).to_be_hidden()  # the script polls instead
    assert_accessible(page)
    save_screenshot(page, "event_import_progress")
    page.set_viewport_size({"width": 320, "height": 640})
    assert horizontal_overflow(page) <= 0

    EventImport.objects.filter(pk=job.pk).update(state=EventImport.State.DONE, created_count=150)
    page.wait_for_url(f"{live_server.url}/veranstaltungen/meine/", timeout=15_000)
    expect(page.get_by_text("150 Veranstaltungen wurden als Entwurf angelegt.")).to_be_visible()
