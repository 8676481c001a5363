"""The newcomers' languages in a real browser: right-to-left Arabic and Persian pass axe, mirror the
layout and reflow at 320 px; the Leichte-Sprache and sign-language pages pass axe too."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from e2e.conftest import axe_violations, save_screenshot
from events.models import Event
from events.tests.factories import make_event
from municipalities.demo import seed_district
from volunteers.tests.factories import make_course


@pytest.fixture
def public_pages(unna, luenen, contact_unna):
    """The district with a published event (Arabic title) and a course: the pages a newcomer opens."""
    seed_district()
    event = make_event(
        by=contact_unna,
        municipality=unna,
        title="مقهى اللغة – Sprachcafé International",
        start=timezone.now() + timedelta(days=3),
        status=Event.Status.APPROVED,
        description="Deutsch üben bei Tee und Gebäck. نتحدث الألمانية معًا.",
    )
    course = make_course(unna.district, title="Rolle und Grenzen des Ehrenamts")
    return [
        "/",
        "/leichte-sprache/",
        "/gebaerdensprache/",
        "/veranstaltungen/",
        "/veranstaltungen/?view=month",
        event.get_absolute_url(),
        "/kurse/",
        course.get_absolute_url(),
        "/ehrenamt/registrieren/",
        "/ehrenamt/registrieren/gesendet/",
        "/impressum/",
        "/datenschutz/",
        "/barrierefreiheit/",
    ]


def open_in(new_context, live_server, language: str):
    context = new_context()
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    return context.new_page()


def horizontal_overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def heading_text_edges(page) -> dict:
    """Where the first heading's text starts and ends, and the edges of the content column."""
    return page.evaluate(
        """() => {
            const h1 = document.querySelector('main h1');
            const range = document.createRange();
            range.selectNodeContents(h1);
            const text = range.getBoundingClientRect();
            const box = h1.getBoundingClientRect();
            return {textLeft: text.left, textRight: text.right, boxLeft: box.left, boxRight: box.right};
        }"""
    )


@pytest.mark.parametrize("language", ["ar", "fa"])
def test_right_to_left_pages_are_accessible_and_mirrored(new_context, live_server, public_pages, language):
    page = open_in(new_context, live_server, language)
    violations = []
    for path in public_pages:
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == 200, path
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        expect(page.locator("html")).to_have_attribute("lang", language)
        violations += axe_violations(page)
        save_screenshot(page, f"{language}{path}")
    assert not violations, "Accessibility violations:\n" + "\n".join(violations)

    page.goto(live_server.url + "/")
    edges = heading_text_edges(page)
    # Mirrored: the heading's text hangs from the right edge of its column, not the left.
    assert abs(edges["textRight"] - edges["boxRight"]) < 2
    assert edges["textLeft"] - edges["boxLeft"] > 2
    brand = page.locator(".ki-header__brand").bounding_box()
    switch = page.locator(".ki-language").bounding_box()
    assert brand["x"] > switch["x"], "in right-to-left the portal's name stands on the right"


def test_leichte_sprache_page_is_accessible_and_german_in_every_interface(
    new_context, live_server, public_pages
):
    for language in ("de", "ar"):
        page = open_in(new_context, live_server, language)
        page.goto(live_server.url + "/leichte-sprache/")
        expect(page.locator(".ki-easy")).to_have_attribute("lang", "de")
        expect(page.get_by_role("heading", level=1)).to_have_text("Informationen in Leichter Sprache")
        violations = axe_violations(page)
        assert not violations, "Accessibility violations:\n" + "\n".join(violations)
        page.goto(live_server.url + "/gebaerdensprache/")
        violations = axe_violations(page)
        assert not violations, "Accessibility violations:\n" + "\n".join(violations)


def test_start_page_links_leichte_sprache_and_sign_language(page, live_server, public_pages):
    page.goto(live_server.url + "/")
    page.get_by_role("main").get_by_role("link", name="Leichte Sprache: Informationen zum Portal").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Informationen in Leichter Sprache")
    page.get_by_role("contentinfo").get_by_role("link", name="Gebärdensprache").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Informationen in Deutscher Gebärdensprache")


def test_switching_to_arabic_with_the_language_button(page, live_server, public_pages):
    page.goto(live_server.url + "/kurse/")
    page.get_by_role("button", name="العربيّة").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("heading", level=1)).to_contain_text("دورات للمتطوعين")
    expect(page.get_by_role("button", name="العربيّة")).to_have_attribute("aria-current", "true")


@pytest.mark.parametrize("language", ["ar", "fa"])
def test_right_to_left_pages_reflow_at_320_px(new_context, live_server, public_pages, language):
    """WCAG 1.4.10 in right-to-left: nothing wider than the screen, nothing cut off at the start edge."""
    page = open_in(new_context, live_server, language)
    page.set_viewport_size({"width": 320, "height": 640})
    too_wide = []
    for path in public_pages:
        page.goto(live_server.url + path)
        if horizontal_overflow(page) > 0:
            too_wide.append(f"{path} (+{horizontal_overflow(page)} px)")
        # In RTL an overflow would hang out to the left, where no scrollbar reaches it (visually
        # hidden helpers such as the honeypot field are clipped on purpose).
        cut = page.evaluate(
            """() => [...document.querySelectorAll('main *, header *, footer *')]
                .filter(e => e.getClientRects().length && e.getBoundingClientRect().left < -1
                        && getComputedStyle(e).position !== 'absolute'
                        && !e.closest('.kern-sr-only'))
                .map(e => e.tagName + '.' + e.className).slice(0, 3)"""
        )
        if cut:
            too_wide.append(f"{path} cut at the left: {cut}")
        save_screenshot(page, f"320px-{language}{path}")
    assert not too_wide, "Pages wider than the screen: " + ", ".join(too_wide)


def test_volunteer_area_in_arabic_is_accessible(new_context, live_server, public_pages, volunteer):
    from conftest import PASSWORD
    from e2e.conftest import login

    page = new_context().new_page()
    login(page, live_server, volunteer.email, PASSWORD)
    page.context.add_cookies([{"name": "django_language", "value": "ar", "url": live_server.url}])
    violations = []
    for path in ("/ehrenamt/", "/ehrenamt/profil/"):
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == 200, path
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        violations += axe_violations(page)
        save_screenshot(page, f"ar{path}")
    assert not violations, "Accessibility violations:\n" + "\n".join(violations)


def test_placements_in_arabic_are_accessible(
    new_context, live_server, public_pages, volunteer, ki_staff, unna
):
    """The placement list and a placement's page with the interest form and the consent, right-to-left."""
    from conftest import PASSWORD
    from e2e.conftest import login
    from engagement.tests.placement_helpers import language, publish
    from volunteers.models import VolunteerLanguage

    VolunteerLanguage.objects.create(volunteer=volunteer.volunteer, language=language("ar"))
    placement = publish(ki_staff, unna, languages=["ar"])
    page = new_context().new_page()
    login(page, live_server, volunteer.email, PASSWORD)
    page.context.add_cookies([{"name": "django_language", "value": "ar", "url": live_server.url}])
    violations = []
    for path in ("/ehrenamt/einsatzstellen/", placement.get_absolute_url()):
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == 200, path
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        violations += axe_violations(page)
        save_screenshot(page, f"ar{path}")
    expect(page.get_by_role("heading", level=2, name="إبداء الاهتمام")).to_be_visible()
    page.get_by_role("button", name="إبداء الاهتمام").click()
    expect(page.get_by_text("تم حفظ اهتمامك")).to_be_visible()
    violations += axe_violations(page)
    page.goto(live_server.url + "/ehrenamt/einsatzstellen/")
    expect(page.get_by_text("لقد أبديت اهتمامك")).to_be_visible()
    violations += axe_violations(page)
    assert not violations, "Accessibility violations:\n" + "\n".join(violations)
