"""The concept's steering screens in a real browser: axe-clean for KI staff and a contact, and
the contact's part of the story (enter Unna's value, update a measure's status)."""

import pytest
from playwright.sync_api import expect

from concept import demo
from concept.models import ConceptMeasure, Goal, IndicatorValue
from conftest import PASSWORD
from e2e.conftest import axe_violations, login, save_screenshot
from municipalities.demo import seed_district


@pytest.fixture
def concept_version(unna, luenen):
    district = seed_district()
    demo.seed(with_users=False)
    return district.concept.versions.get()


def pages_for(version, *, staff: bool) -> list[str]:
    goal = Goal.objects.get(version=version, title__startswith="Alle Kinder mit anderer Familiensprache")
    value = IndicatorValue.objects.filter(municipality__slug="unna").first()
    measure = ConceptMeasure.objects.filter(owner_municipality__slug="unna").first()
    pages = [
        "/konzept/",
        f"/konzept/{version.pk}/",
        f"/konzept/{version.pk}/zieluebersicht/",
        f"/konzept/{version.pk}/kommune/unna/",
        f"/konzept/ziele/{goal.pk}/",
        f"/konzept/massnahmen/{measure.pk}/status/",
        "/konzept/kennzahlen/werte/",
        f"/konzept/kennzahlen/werte/{value.pk}/korrigieren/",
        "/konzept/kennzahlen/import/",
    ]
    if staff:
        pages += [
            "/konzept/neu/",
            f"/konzept/{version.pk}/bearbeiten/",
            f"/konzept/{version.pk}/gliederung/",
            f"/konzept/{version.pk}/beschliessen/",
            f"/konzept/{version.pk}/ziele/neu/",
            f"/konzept/ziele/{goal.pk}/bearbeiten/",
            f"/konzept/ziele/{goal.pk}/kennzahl/",
            f"/konzept/ziele/{goal.pk}/massnahmen/neu/",
        ]
    return pages


@pytest.mark.parametrize("role", ["ki_staff", "contact_unna"])
def test_concept_pages_are_accessible(page, live_server, concept_version, request, role):
    user = request.getfixturevalue(role)
    login(page, live_server, user.email, PASSWORD)
    violations = []
    for path in pages_for(concept_version, staff=role == "ki_staff"):
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == 200, path
        expect(page.locator("h1")).to_be_visible()
        violations += [f"{path}: {v}" for v in axe_violations(page)]
        save_screenshot(page, f"{role}{path}")
    assert not violations, "Accessibility violations:\n" + "\n".join(violations)


def test_contact_enters_unnas_value_and_updates_a_measure_status(
    page, live_server, concept_version, contact_unna
):
    login(page, live_server, contact_unna.email, PASSWORD)
    page.goto(live_server.url + "/konzept/")
    page.get_by_role("link", name="Werte erfassen und korrigieren").click()
    page.get_by_label("Kennzahl").select_option(label="Kinder mit anderer Familiensprache in Kitas")
    expect(page.get_by_label("Kommune")).to_have_value(str(contact_unna.memberships.get().municipality_id))
    page.get_by_label("Jahr").fill("2026")
    page.get_by_label("Wert").fill("33,5")
    page.get_by_label("Quelle").fill("Stadt Unna, Kita-Statistik")
    page.get_by_role("button", name="Wert speichern").click()
    expect(page.get_by_role("status")).to_contain_text("Der Wert wurde gespeichert.")
    saved = IndicatorValue.objects.get(
        municipality__slug="unna", year=2026, indicator__slug="kita-familiensprache"
    )
    assert str(saved.value) == "33.5000" and saved.entered_by == contact_unna

    page.goto(live_server.url + f"/konzept/{concept_version.pk}/kommune/unna/")
    page.get_by_role("link", name="ändern").first.click()
    page.get_by_label("Status").select_option(label="abgeschlossen")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_role("status")).to_contain_text("Der Status der Maßnahme wurde gespeichert.")
    assert ConceptMeasure.objects.filter(owner_municipality__slug="unna", status="completed").count() == 1
