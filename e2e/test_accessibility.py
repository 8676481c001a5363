"""Every page of every role passes axe (WCAG 2.1 A/AA and best practice) in a real browser."""

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from e2e.conftest import assert_accessible, axe_violations, login, save_screenshot
from municipalities.demo import seed_district
from municipalities.services import invite_contact

PUBLIC_PAGES = [
    ("/", 200),
    ("/kommunen/", 200),
    ("/kommunen/unna/", 200),
    ("/impressum/", 200),
    ("/datenschutz/", 200),
    ("/barrierefreiheit/", 200),
    ("/konto/anmelden/", 200),
    ("/konto/passwort-vergessen/", 200),
    ("/einladung/neu-anfordern/", 200),
    # An unknown invitation link answers 404, with a page that explains what to do.
    ("/einladung/ungueltig/", 404),
]

ACCOUNT_PAGES = ["/konto/profil/", "/konto/passwort-aendern/"]
KI_STAFF_PAGES = [
    "/kreis/",
    "/kommunen/neu/",
    "/kommunen/unna/ansprechpersonen/",
    "/kommunen/unna/bearbeiten/",
]

# role fixture -> where „Mein Bereich“ ends up, and the role's own pages
ROLE_PAGES = {
    "ki_staff": ("/mein-bereich/", KI_STAFF_PAGES),
    "contact_unna": ("/kommunen/unna/intern/", []),
    "contact_luenen": ("/kommunen/luenen/intern/", []),
    "trainer": ("/mein-bereich/", []),
    "volunteer": ("/mein-bereich/", []),
}


def visit(page, live_server, path, status=200):
    response = page.goto(live_server.url + path)
    assert response is not None
    assert response.status == status, f"{path} answered {response.status}, expected {status}"
    return response


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


def horizontal_overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


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


def test_axe_check_reports_serious_violations(page):
    """The scan itself works: a page with known defects does not pass."""
    page.set_content(
        '<html lang="de"><head><title>Kaputt</title></head><body><main><h1>Kaputt</h1>'
        '<p style="color:#bbb;background:#fff">Kaum lesbar</p>'
        '<input type="text" name="ohne-label"></main></body></html>'
    )
    found = "\n".join(axe_violations(page))
    assert "color-contrast" in found
    assert "label" in found
    with pytest.raises(AssertionError, match="Accessibility violations"):
        assert_accessible(page)
