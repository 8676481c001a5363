"""KERN layout on phones: no sideways scrolling at 320 px, a menu button for the main navigation
that works with mouse and keyboard, and a plain visible navigation without JavaScript."""

from playwright.sync_api import expect

from e2e.conftest import login

DEMO_PASSWORD = "demo-pass-2026"
PHONE = {"width": 320, "height": 640}


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_key_pages_fit_into_320_px(new_context, live_server, demo_year):
    page = new_context().new_page()
    page.set_viewport_size(PHONE)
    too_wide = []

    def check(path):
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        if page_width(page) > PHONE["width"]:
            too_wide.append(f"{path}: {page_width(page)} px")

    for path in ("/", "/veranstaltungen/?view=month", "/kurse/"):
        check(path)
    # The month grid turns into a list of days: no seven columns squeezed into the screen.
    page.goto(f"{live_server.url}/veranstaltungen/?view=month")
    expect(page.locator(".calendar-month thead")).to_be_hidden()
    login(page, live_server, "ki@example.org", DEMO_PASSWORD)
    for path in ("/mein-bereich/", "/kreisuebersicht/"):
        check(path)
    assert too_wide == []
    # The wide matrix scrolls inside its own labelled, focusable region with a visible hint.
    region = page.get_by_role("region", name="Matrix: Angebote je Kommune und Handlungsfeld")
    expect(region).to_have_attribute("tabindex", "0")
    expect(page.locator("#matrix-scroll-hint")).to_be_visible()
    assert region.evaluate("el => el.scrollWidth > el.clientWidth")
    first_cell = region.locator("tbody th").first
    before = first_cell.bounding_box()["x"]
    region.evaluate("el => { el.scrollLeft = 300; }")
    assert abs(first_cell.bounding_box()["x"] - before) < 1  # sticky first column


def test_menu_button_shows_and_hides_the_navigation(new_context, live_server, district):
    page = new_context().new_page()
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/")
    nav = page.get_by_role("navigation", name="Hauptnavigation")
    button = nav.get_by_role("button", name="Menü")
    calendar_link = nav.get_by_role("link", name="Veranstaltungen")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_have_attribute("aria-controls", "main-nav-list")
    expect(calendar_link).to_be_hidden()

    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(calendar_link).to_be_visible()
    button.click()
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(calendar_link).to_be_hidden()

    # Keyboard: Enter opens, Tab reaches the links, Escape closes and returns to the button.
    button.focus()
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Tab")
    expect(nav.get_by_role("link", name="Start")).to_be_focused()
    page.keyboard.press("Escape")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_be_focused()
    page.keyboard.press("Space")
    expect(calendar_link).to_be_visible()
    calendar_link.click()
    expect(page).to_have_url(f"{live_server.url}/veranstaltungen/")
    # Signing in stays reachable with the menu closed.
    expect(page.get_by_role("link", name="Anmelden")).to_be_visible()


def test_wide_screens_show_the_navigation_without_a_button(new_context, live_server, district):
    page = new_context().new_page()
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/")
    nav = page.get_by_role("navigation", name="Hauptnavigation")
    expect(nav.get_by_role("link", name="Kurse")).to_be_visible()
    expect(nav.get_by_role("button", name="Menü")).to_be_hidden()


def test_without_javascript_the_navigation_is_a_plain_visible_list(browser, live_server, district):
    context = browser.new_context(java_script_enabled=False, locale="de-DE", viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/kurse/")
        nav = page.get_by_role("navigation", name="Hauptnavigation")
        expect(nav.get_by_role("button", name="Menü")).to_have_count(0)
        for name in ("Start", "Veranstaltungen", "Kurse", "Kommunen"):
            expect(nav.get_by_role("link", name=name, exact=True)).to_be_visible()
        # The filters are a details box that is open and works without JavaScript.
        page.goto(f"{live_server.url}/veranstaltungen/")
        expect(page.get_by_label("Suchbegriff")).to_be_visible()
        page.locator("details.ki-filters > summary").click()
        expect(page.get_by_label("Suchbegriff")).to_be_hidden()
        assert page_width(page) <= PHONE["width"]
    finally:
        context.close()


def test_filters_start_folded_on_phones_with_javascript(new_context, live_server, district):
    page = new_context().new_page()
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/veranstaltungen/")
    expect(page.get_by_label("Suchbegriff")).to_be_hidden()
    page.get_by_text("Veranstaltungen filtern").click()
    expect(page.get_by_label("Suchbegriff")).to_be_visible()
