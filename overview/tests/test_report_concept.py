"""The concept chapters of the report: goals with charts and values, measures, municipalities,
consultation and adoption, the progress report (Sachstandsbericht) and the XLSX sheets.

The PDF is read with poppler's ``pdftotext`` (what a reader copies out of it), the workbook with
openpyxl. The overview's own figures are the hand-written sample (``report_fixtures``); the
concept is real data in the database.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from concept.models import (
    ConceptVersion,
    IndicatorValue,
    MunicipalityPosition,
)
from concept.tests.factories import (
    ConceptMeasureFactory,
    GoalFactory,
    GoalIndicatorFactory,
    IndicatorFactory,
)
from kreisintegration.tests.pdf_checks import assert_accessible_pdf
from municipalities.tests.factories import MunicipalityFactory
from overview import concept_figures, services
from overview.models import ConceptReport
from overview.tests.concept_helpers import GOAL, INDICATOR, OBJECTION, make_concept, pdf_text

from .report_fixtures import YEAR, read_workbook

pytestmark = pytest.mark.usefixtures("media_root")


@pytest.fixture
def concept(district, reference, unna, luenen):
    return make_concept(district, reference, unna, luenen)


def build(district, *, kind=ConceptReport.Kind.OVERVIEW, year=YEAR) -> ConceptReport:
    report = services.create_report(by=None, district=district, year=year, kind=kind)
    services.build_report(report_id=report.pk)
    report.refresh_from_db()
    assert report.state == ConceptReport.State.DONE, report.error
    return report


def read(name: str) -> bytes:
    with default_storage.open(name, "rb") as handle:
        return handle.read()


def test_report_shows_each_goal_with_chart_values_per_municipality_and_its_measures(
    district, aggregation, concept
):
    report = build(district)
    content = read(report.pdf.name)
    text = pdf_text(content)

    assert "Ziele des Integrationskonzepts" in text
    assert "In Lünen warten über 300 Kinder" in text  # the field's situation
    assert f"Ziel: {GOAL}" in text
    # district: baseline 30 (2024), latest 27 (2026), 7 still to go (lower is better), target 20 (2030)
    assert "Kreis (gesamt) 30 (2024) 27 (2026) −7" in text
    assert "Unna 31 (2024) 27,5 (2026) −7,5" in text
    assert "Lünen 33 (2024) 34,25 (2026) −14,25" in text
    assert "✗ nicht auf Kurs" in text  # Lünen moved away from the target
    assert "Zielwert 20 (2030)" in text
    # the chart, drawn once, with its text: baseline, latest, target
    assert text.count(f"{INDICATOR} (%) im Kreis: Ausgangswert, Stand und Ziel") == 1
    assert "Stand 2026" in text and "Zielwert 2030" in text
    assert "Rucksack-Programm in allen Kitas Unna laufend" in text
    assert "amtliche Statistik: Schuleingangsuntersuchung" in text
    assert_accessible_pdf(content, title="Konzeptbericht 2026 – Kreis Unna")


def test_chart_svg_carries_its_title_and_the_numbers_as_description(district, concept, aggregation):
    from overview.report_pdf import render_charts

    figures = services.snapshot_figures(district=district, year=YEAR)
    goal = figures["concept"]["fields"][0]["goals"][0]
    chart = render_charts(figures)[f"goal-{goal['pk']}-0"]
    assert chart.startswith('<svg role="img" aria-labelledby=')
    assert "<desc>Ausgangswert 2024: 30; Stand 2026: 27; Zielwert 2030: 20</desc>" in chart


def test_report_has_a_page_per_municipality_and_the_consultation_and_adoption(district, aggregation, concept):
    content = read(build(district).pdf.name)
    text = pdf_text(content)

    assert "Unna: Ziele und Kennzahlen" in text and "Lünen: Ziele und Kennzahlen" in text
    assert "Beteiligung der Kommunen (§ 8 TIntG)" in text
    assert "Frist für Stellungnahmen: 30.11.2025" in text
    assert "Unna nein 0 (0) Einvernehmen erklärt" in text
    assert "Lünen ja 1 (1) Widerspruch" in text
    assert "Die Zielwerte für Lünen sind ohne zusätzliche Kita" in pdf_text(content, layout=False)
    assert "beschlossen durch Kreistag" in text and "DS 17/0815" in text and "11.12.2025" in text


def test_a_draft_has_no_adoption_record_and_a_district_without_concept_no_concept_chapter(
    district, reference, unna, luenen, aggregation
):
    text = pdf_text(read(build(district).pdf.name))
    assert "Ziele des Integrationskonzepts" not in text

    make_concept(district, reference, unna, luenen, status=ConceptVersion.Status.CONSULTATION)
    text = pdf_text(read(build(district).pdf.name))
    assert f"Ziel: {GOAL}" in text and "Beteiligung der Kommunen" in text
    assert "Drucksache / Vorlage Nr." not in text


def test_xlsx_has_sheets_for_goals_values_measures_and_positions(district, aggregation, concept):
    workbook = read_workbook(read(build(district).xlsx.name))

    assert workbook.sheetnames[-5:] == [
        "Ziele",
        "Kennzahlen und Werte",
        "Maßnahmen im Konzept",
        "Stellungnahmen",
        "Quellen",
    ]
    goals = [[c.value for c in row] for row in workbook["Ziele"].iter_rows(min_row=2)]
    assert goals == [
        [
            "Sprache & Bildung",
            "Integration durch Bildung",
            GOAL,
            "Wirkungsziel",
            "mittel",
            "Kommunales Integrationszentrum",
            "auf Kurs",  # the district's trend: 30 → 27 of the way to 20 keeps up with the time
            1,
            1,
        ]
    ]
    values = [[c.value for c in row] for row in workbook["Kennzahlen und Werte"].iter_rows(min_row=2)]
    assert [(row[4], row[5], row[6]) for row in values] == [
        ("Kreis (gesamt)", 2024, 30),
        ("Kreis (gesamt)", 2026, 27),
        ("Lünen", 2024, 33),
        ("Lünen", 2026, 34.25),
        ("Unna", 2024, 31),
        ("Unna", 2025, 29),
        ("Unna", 2026, 27.5),
    ]
    assert values[6] == [
        GOAL,
        INDICATOR,
        "%",
        "amtliche Statistik / externe Quelle",
        "Unna",
        2026,
        27.5,
        2024,
        30,
        2030,
        20,
        "niedriger ist besser",
        "auf Kurs",
    ]
    measures = [[c.value for c in row] for row in workbook["Maßnahmen im Konzept"].iter_rows(min_row=2)]
    assert measures[0][:4] == [GOAL, "Rucksack-Programm in allen Kitas", "Unna", "laufend"]
    positions = {
        row[0].value: [c.value for c in row] for row in workbook["Stellungnahmen"].iter_rows(min_row=2)
    }
    assert positions["Unna"][4] == "Einvernehmen erklärt"
    assert positions["Lünen"][1:6] == ["ja", 1, 1, "Widerspruch", OBJECTION]


def test_concept_part_of_a_snapshot_stays_frozen_when_the_concept_changes(district, aggregation, concept):
    version, goal, indicator = concept
    report = build(district)
    before = dict(report.figures["concept"])

    goal.title = "Ein ganz anderes Ziel"
    goal.save()
    IndicatorValue.objects.filter(indicator=indicator, year=2026, municipality__isnull=True).update(
        value=Decimal("21")
    )
    MunicipalityPosition.objects.filter(version=version).delete()

    report.refresh_from_db()
    assert report.figures["concept"] == before
    assert report.figures["concept"]["fields"][0]["goals"][0]["title"] == GOAL
    assert report.figures["concept"]["fields"][0]["goals"][0]["targets"][0]["district"]["latest"] == [
        2026,
        27.0,
    ]


def test_progress_report_compares_the_year_with_the_adopted_targets(district, aggregation, concept):
    report = build(district, kind=ConceptReport.Kind.PROGRESS)
    content = read(report.pdf.name)
    text = pdf_text(content)

    assert report.title == "Sachstandsbericht 2026 – Kreis Unna"
    assert "Integrationskonzept – Sachstandsbericht 2026" in text
    assert "Sachstand 2026" in text
    assert "Ziele und Kennzahlen im Kreis: Stand 2026 gegenüber den beschlossenen Zielwerten" in text
    assert "30 (2024) 27 (2026) 20 (2030) −7" in text
    assert "Beschlossen durch Kreistag am 11.12.2025 (Drucksache DS 17/0815)." in text
    assert_accessible_pdf(content, title="Sachstandsbericht 2026 – Kreis Unna")


def test_progress_report_of_an_earlier_year_uses_only_values_up_to_that_year(district, aggregation, concept):
    figures = concept_figures.concept_figures(district=district, year=2025, progress=True)
    target = figures["fields"][0]["goals"][0]["targets"][0]
    assert target["district"]["latest"] == [2024, Decimal("30")]
    assert target["municipalities"]["unna"]["latest"] == [2025, Decimal("29")]
    assert figures["years"] == [2024, 2025]


def test_progress_report_is_refused_without_an_adopted_concept_covering_the_year(
    district, reference, unna, luenen, aggregation, client, ki_staff
):
    make_concept(district, reference, unna, luenen, status=ConceptVersion.Status.CONSULTATION)
    with pytest.raises(ValidationError) as refused:
        services.create_report(by=None, district=district, year=YEAR, kind=ConceptReport.Kind.PROGRESS)
    assert "beschlossenes Integrationskonzept" in str(refused.value)

    client.force_login(ki_staff)
    response = client.post(reverse("overview:reports"), {"year": "2026", "kind": "progress"})
    assert response.status_code == 200
    assert "Ein Sachstandsbericht braucht ein beschlossenes Integrationskonzept" in response.content.decode()
    assert not ConceptReport.objects.exists()


def test_report_form_requests_a_progress_report(
    district, aggregation, concept, client, ki_staff, django_capture_on_commit_callbacks
):
    client.force_login(ki_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("overview:reports"), {"year": "2026", "kind": "progress"})
    report = ConceptReport.objects.get()
    assert response.status_code == 302
    assert (report.kind, report.title, report.state) == (
        "progress",
        "Sachstandsbericht 2026 – Kreis Unna",
        "done",
    )


def test_retry_of_a_failed_progress_report_stays_a_progress_report(district, aggregation, concept, ki_staff):
    report = services.create_report(
        by=ki_staff, district=district, year=YEAR, kind=ConceptReport.Kind.PROGRESS
    )
    ConceptReport.objects.filter(pk=report.pk).update(state=ConceptReport.State.FAILED)
    retried = services.retry_report(by=ki_staff, report=report)
    assert retried.kind == ConceptReport.Kind.PROGRESS


def test_concept_figures_take_the_same_number_of_queries_for_more_goals_and_municipalities(
    district, reference, unna, luenen
):
    version, goal, _indicator = make_concept(district, reference, unna, luenen)
    with CaptureQueriesContext(connection) as small:
        concept_figures.concept_figures(district=district, year=YEAR)
    for number in range(6):
        more = GoalFactory(
            version=version, field_of_action=goal.field_of_action, title=f"Weiteres Ziel {number}"
        )
        GoalIndicatorFactory(goal=more, indicator=IndicatorFactory(district=district))
        ConceptMeasureFactory(goal=more)
    MunicipalityFactory(district=district, name="Bönen", slug="boenen")
    with CaptureQueriesContext(connection) as large:
        concept_figures.concept_figures(district=district, year=YEAR)
    assert len(large.captured_queries) == len(small.captured_queries)


def test_compare_shows_the_goals_of_two_years_side_by_side(district, aggregation, concept, client, ki_staff):
    earlier = build(district, year=2025)
    later = build(district, year=2026)
    client.force_login(ki_staff)

    response = client.get(reverse("overview:report_compare"), {"a": earlier.pk, "b": later.pk})

    assert response.status_code == 200
    [row] = response.context["comparison"]["goals"]
    assert (row["goal"], row["indicator"]) == (GOAL, INDICATOR)
    assert (row["a"]["latest"], row["b"]["latest"], row["b"]["target"]) == (
        "30 (2024)",
        "27 (2026)",
        "20 (2030)",
    )
    assert row["a"]["status"] == "? keine Daten" and row["b"]["status"] == "✓ auf Kurs"
    assert "Ziele des Integrationskonzepts" in response.content.decode()
