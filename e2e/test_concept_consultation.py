"""The consultation story in a real browser, every new page checked with axe:
KI opens the consultation, Unna's contact reads, comments and agrees, Lünen objects with reasons,
the KI answers, records the Kreistag's adoption, the public page shows the concept; an advice
meeting with a follow-up appears on the owner's start page."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from concept.models import ConceptVersion, MunicipalityPosition
from concept.tests.factories import (
    ConceptVersionFactory,
    GoalFactory,
    GoalIndicatorFactory,
    PillarFieldFactory,
)
from conftest import PASSWORD
from e2e.conftest import assert_accessible, login

TODAY = timezone.localdate()


@pytest.fixture
def draft(district, unna, luenen):
    version = ConceptVersionFactory(
        concept__district=district, title="Integrationskonzept Kreis Unna 2026–2030"
    )
    pillar_field = PillarFieldFactory(pillar__version=version, pillar__title="Integration durch Bildung")
    goal = GoalFactory(
        version=version,
        field_of_action=pillar_field.field_of_action,
        title="Mehr Kita-Kinder mit Sprachförderung",
    )
    GoalIndicatorFactory(goal=goal, target_value=Decimal("60"), target_year=2030)
    return version


def go(page, live_server, path):
    response = page.goto(live_server.url + path)
    assert response is not None and response.status == 200, path
    expect(page.locator("h1")).to_be_visible()
    assert_accessible(page)


def test_consultation_adoption_and_advice_story(
    page, live_server, draft, ki_staff, contact_unna, contact_luenen, new_context
):
    base = f"/konzept/fassung/{draft.pk}"
    login(page, live_server, ki_staff.email, PASSWORD)
    go(page, live_server, f"{base}/beteiligung/eroeffnen/")
    page.get_by_label("Frist für Stellungnahmen").fill((TODAY + datetime.timedelta(days=21)).isoformat())
    page.get_by_role("button", name="Beteiligung eröffnen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Stand der Beteiligung")
    assert_accessible(page)

    unna = new_context().new_page()
    login(unna, live_server, contact_unna.email, PASSWORD)
    go(unna, live_server, f"{base}/entwurf/")
    expect(unna.get_by_role("heading", name="Mehr Kita-Kinder mit Sprachförderung")).to_be_visible()
    go(unna, live_server, f"{base}/beteiligung/unna/")
    unna.get_by_role("button", name="Ich habe den Entwurf gelesen").click()
    unna.get_by_label("Bezieht sich auf").select_option(label="Mehr Kita-Kinder mit Sprachförderung")
    unna.get_by_label(re.compile(r"^\s*Anmerkung\s*\*?\s*$")).fill("Bitte Abendkurse für Eltern ergänzen.")
    unna.get_by_role("button", name="Anmerkung speichern").click()
    unna.get_by_label("Einvernehmen erklärt").check()
    unna.get_by_role("button", name="Stellungnahme abgeben").click()
    expect(unna.get_by_text("Die Stellungnahme Ihrer Kommune ist gespeichert.")).to_be_visible()
    assert_accessible(unna)

    luenen = new_context().new_page()
    login(luenen, live_server, contact_luenen.email, PASSWORD)
    go(luenen, live_server, f"{base}/beteiligung/luenen/")
    expect(luenen.get_by_text("Bitte Abendkurse")).to_have_count(0)
    luenen.get_by_label("Widerspruch").check()
    luenen.get_by_role("button", name="Stellungnahme abgeben").click()
    expect(luenen.get_by_role("alert")).to_contain_text("Bitte begründen Sie einen Widerspruch")
    assert_accessible(luenen)
    luenen.get_by_label("Widerspruch").check()
    luenen.get_by_label("Begründung / Anmerkungen").fill("Die Kita-Quote ist für Lünen nicht erreichbar.")
    luenen.get_by_role("button", name="Stellungnahme abgeben").click()
    expect(luenen.get_by_text("Die Stellungnahme Ihrer Kommune ist gespeichert.")).to_be_visible()
    assert dict(MunicipalityPosition.objects.values_list("municipality__slug", "position")) == {
        "unna": "agreed",
        "luenen": "objection",
    }

    go(page, live_server, f"{base}/beteiligung/")
    page.get_by_label("Antwort", exact=True).fill("Wir nehmen das in die Maßnahmen auf.")
    page.get_by_role("button", name="Antworten").click()
    unna.reload()
    expect(unna.get_by_text("Wir nehmen das in die Maßnahmen auf.")).to_be_visible()

    go(page, live_server, f"{base}/beschliessen/")
    page.get_by_label("beschlossen am").fill(TODAY.isoformat())
    page.get_by_label("beschlossen durch").fill("Kreistag")
    page.get_by_label("Drucksache / Vorlage Nr.").fill("DS 2026/117")
    page.get_by_role("button", name="Beschluss speichern").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Integrationskonzept Kreis Unna 2026–2030")
    expect(page.get_by_text("Kreistag am")).to_be_visible()
    expect(page.get_by_text("Bitte Abendkurse")).to_have_count(0)
    expect(page.get_by_text("nicht erreichbar")).to_have_count(0)
    assert_accessible(page)
    draft.refresh_from_db()
    assert draft.status == ConceptVersion.Status.ADOPTED

    go(page, live_server, "/beratung/unna/neu/")
    page.get_by_label("Datum des Gesprächs").fill(TODAY.isoformat())
    page.get_by_label("Teilnehmende").fill("M. Schäfer (KI), Ş. Yıldız (Integrationsbeauftragte)")
    page.get_by_label("Vereinbarung 1", exact=True).fill("Raumliste schicken")
    page.get_by_label("Vereinbarung 1: zuständig").select_option(label=contact_unna.full_name)
    page.get_by_label("Vereinbarung 1: fällig am").fill(TODAY.isoformat())
    page.get_by_role("button", name="Gespräch speichern").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Beratungsgespräch Unna")
    assert_accessible(page)

    go(unna, live_server, "/beratung/unna/")
    go(unna, live_server, "/kommunen/unna/intern/")
    expect(unna.get_by_role("heading", name="Meine Vereinbarungen aus Beratungsgesprächen")).to_be_visible()
