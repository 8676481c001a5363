"""Grants and placements in the overview and the concept report: counted from real rows, matching the
budget page, shown on the dashboard, as a chapter of the PDF and as sheets of the XLSX."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from engagement.models import (
    Application,
    InitiativeNewcomer,
    PaymentRequest,
    Placement,
    PlacementInterest,
    ProofOfUse,
)
from engagement.selectors import budget_overview
from engagement.tests.factories import YEAR, make_application, make_organisation, successor_programme
from overview.engagement_figures import engagement_figures
from overview.figures import compute_figures
from overview.report_engagement import engagement_chapter, engagement_sheets
from overview.tests.report_fixtures import sample_figures
from volunteers.tests.factories import make_volunteer

pytestmark = pytest.mark.django_db


@pytest.fixture
def grants(district, unna, luenen):
    cafe = make_organisation(district)
    verein = make_organisation(district, name="Deutsch-Syrischer Verein Kamen", full_name="Ahmad Al-Hassan")
    both = make_application(cafe, amount="1200.00", status=Application.Status.APPROVED, area_code="2")
    both.municipalities.set([unna, luenen])
    only_unna = make_application(
        verein,
        title="Demokratiewerkstatt",
        amount="800.00",
        status=Application.Status.APPROVED,
        area_code="4",
    )
    only_unna.municipalities.set([unna])
    make_application(verein, title="Noch offen", amount="300.00", area_code="4")  # submitted, not counted
    make_application(
        cafe,
        title="Letztes Jahr",
        amount="500.00",
        status=Application.Status.APPROVED,
        starts_on=date(YEAR - 1, 3, 1),
    )
    PaymentRequest.objects.create(
        application=both, amount=Decimal("700"), status=PaymentRequest.Status.PAID, paid_on=date(YEAR, 4, 1)
    )
    accepted = ProofOfUse.objects.create(
        application=both,
        status=ProofOfUse.Status.ACCEPTED,
        volunteers_reached=6,
        newcomers_reached=25,
        newcomers_became_volunteers=5,  # a number only: counted are the persons with consent below
    )
    submitted = ProofOfUse.objects.create(
        application=only_unna, status=ProofOfUse.Status.SUBMITTED, volunteers_reached=99
    )
    consent = {"consent_on": date(YEAR, 5, 1), "consent_version": "2026-12"}
    for name in ("Hamid Rahimi", "Oksana Melnyk"):
        InitiativeNewcomer.objects.create(proof=accepted, full_name=name, **consent)
    InitiativeNewcomer.objects.create(proof=accepted, withdrawn_at=timezone.now(), **consent)  # withdrawn
    InitiativeNewcomer.objects.create(proof=submitted, full_name="Not yet accepted", **consent)
    placement = Placement.objects.create(
        district=district, organisation=cafe, municipality=luenen, title="Lesepatenschaft",
        description="Vorlesen in der Kita.", schedule="mittwochs", contact="02306 1234",
    )  # fmt: skip
    for number, placed in enumerate([True, False]):
        user = make_volunteer(district, full_name=f"Leyla Kaya {number}").user
        PlacementInterest.objects.create(
            placement=placement, user=user, status="placed" if placed else "interested",
            contact_consent_at=timezone.now(), placed_at=timezone.now() if placed else None,
        )  # fmt: skip
    return both, only_unna


def test_grants_and_placements_are_counted_per_measure_area_and_municipality(district, grants):
    figures = engagement_figures(district=district, year=YEAR)

    assert (figures["grants"], figures["initiatives"], figures["approved"], figures["paid"]) == (
        2,
        2,
        2000.0,
        700.0,
    )
    assert [(a["code"], a["grants"], a["approved"], a["paid"]) for a in figures["by_area"]] == [
        ("2", 1, 1200.0, 700.0), ("4", 1, 800.0, 0.0),
    ]  # fmt: skip
    assert figures["by_municipality"] == {
        "unna": {"grants": 2, "approved": 2000.0}, "luenen": {"grants": 1, "approved": 1200.0},
    }  # fmt: skip
    # only the accepted proof counts, and of its newcomers only those whose consent stands
    assert (figures["volunteers_reached"], figures["newcomers_reached"], figures["newcomer_volunteers"]) == (
        6,
        25,
        2,
    )


def test_placements_filled_are_counted_in_the_year_they_were_made(district, grants):
    figures = engagement_figures(district=district, year=timezone.localdate().year)
    assert (
        figures["placements_published"],
        figures["placement_interests"],
        figures["placements_filled"],
    ) == (1, 2, 1)
    assert figures["placed_by_municipality"] == {"luenen": 1}


def test_money_per_measure_area_matches_the_budget_page(district, grants):
    figures = engagement_figures(district=district, year=YEAR)
    budget = budget_overview(district=district, programme=successor_programme(), year=YEAR)
    page = {
        line.area.code: (float(line.approved), float(line.paid)) for line in budget.lines if line.approved
    }
    assert {a["code"]: (a["approved"], a["paid"]) for a in figures["by_area"]} == page


def test_overview_figures_carry_the_engagement_part(district, grants):
    figures = compute_figures(district=district, year=YEAR)
    assert figures["engagement"]["grants"] == 2


def test_dashboard_shows_grants_and_adds_initiatives_newcomers_to_newcomer_volunteers(
    client, ki_staff, district, grants
):
    client.force_login(ki_staff)
    page = client.get(reverse("overview:dashboard"), {"year": YEAR}).content.decode()
    assert "Förderung lokaler Initiativen und Einsatzstellen" in page
    assert "Maßnahmen zur Förderung von Demokratiebildung" in page
    assert "laut anerkannten Verwendungsnachweisen" in page


def test_report_chapter_and_sheets_from_stored_figures(district):
    figures = sample_figures(district)
    chapter = engagement_chapter(figures)
    rows = dict(chapter["rows"])
    assert rows["bewilligt (€)"] == "3.500,00 €"
    assert rows["Neuzugewanderte, die Ehrenamtliche geworden sind (Portal und Initiativen)"] == "12"
    unna = next(row for row in chapter["municipalities"] if row["name"] == "Unna")
    assert (unna["grants"], unna["approved"], unna["placed"]) == ("2", "2.500,00", "2")
    assert chapter["areas"][0]["approved"] == "2.500,00"
    facts, areas, municipalities = engagement_sheets(figures)
    assert ["vermittelte Ehrenamtliche", 2] in facts.rows
    assert sum(row[4] for row in areas.rows) == figures["engagement"]["approved"]
    assert ["Unna", 2, 2500.0, 2] in municipalities.rows
    old = {key: value for key, value in figures.items() if key != "engagement"}
    assert engagement_sheets(old) == [] and engagement_chapter(old) is None
