"""Shared test data for the concept report: a figures dict in the contract schema (version 1).

The aggregation (``overview.figures``) and the charts (``overview.charts``) are built and tested
separately; the report tests use these hand-written figures so that every number is known.
"""

from __future__ import annotations

import copy
import io
import sys
import types
from datetime import timedelta

import openpyxl
from django.core.files.storage import default_storage
from django.utils import timezone
from pypdf import PdfReader

from municipalities.models import FieldOfAction, TargetGroup
from overview import services
from overview.models import ConceptReport

YEAR = 2026
STAFF_SITUATION = "Viele Neuzugewanderte warten monatelang auf einen Platz im Integrationskurs."
STAFF_RECOMMENDATION = (
    "Sprachcafés in allen Kommunen ausbauen und Kinderbetreuung während der Kurse anbieten."
)


def make_reference_data(district) -> dict:
    return {
        "sprache": FieldOfAction.objects.create(
            district=district, name="Sprache & Bildung", slug="sprache-bildung", position=1
        ),
        "wohnen": FieldOfAction.objects.create(district=district, name="Wohnen", slug="wohnen", position=2),
        "neuzugewanderte": TargetGroup.objects.create(
            district=district, name="Neuzugewanderte", slug="neuzugewanderte", position=1
        ),
        "frauen": TargetGroup.objects.create(district=district, name="Frauen", slug="frauen", position=2),
    }


def _cell(events, occurrences, measures, participants, reported):
    return {
        "events": events,
        "occurrences": occurrences,
        "measures": measures,
        "participants": participants,
        "participants_reported": reported,
    }


def sample_figures(district, *, year: int = YEAR) -> dict:
    """Kreis Unna with Lünen and Unna: 1.234 participants in the district, Unna 5,0 offers per 10,000."""
    return {
        "version": 1,
        "district": {
            "name": district.name,
            "slug": district.slug,
            "ki_name": district.ki_name,
            "ags_prefix": district.ags_prefix,
        },
        "year": year,
        "period": {"start": f"{year}-01-01", "end": f"{year}-12-31"},
        "generated_at": f"{year}-11-28T09:30:00+00:00",
        "fields_of_action": [
            {"slug": "sprache-bildung", "name": "Sprache & Bildung"},
            {"slug": "wohnen", "name": "Wohnen"},
        ],
        "target_groups": [
            {"slug": "neuzugewanderte", "name": "Neuzugewanderte"},
            {"slug": "frauen", "name": "Frauen"},
        ],
        "municipalities": [
            {
                "slug": "luenen",
                "name": "Lünen",
                "ags": "05978024",
                "population": 86000,
                "population_year": 2023,
                "population_source": "IT.NRW",
            },
            {
                "slug": "unna",
                "name": "Unna",
                "ags": "05978036",
                "population": 58000,
                "population_year": 2023,
                "population_source": "IT.NRW",
            },
        ],
        "matrix": {
            "luenen": {"sprache-bildung": _cell(8, 20, 2, 199, 6), "wohnen": _cell(2, 2, 1, 35, 2)},
            "unna": {"sprache-bildung": _cell(12, 40, 17, 1000, 10), "wohnen": _cell(0, 0, 0, 0, 0)},
        },
        "municipality_totals": {
            "luenen": {
                **_cell(10, 22, 3, 234, 8),
                "offers": 13,
                "offers_per_10k": 1.5116,
                "target_groups_reached": ["neuzugewanderte", "frauen"],
            },
            "unna": {
                **_cell(12, 40, 17, 1000, 10),
                "offers": 29,
                "offers_per_10k": 5.0,
                "target_groups_reached": ["neuzugewanderte"],
            },
        },
        "district_totals": {
            **_cell(22, 62, 20, 1234, 18),
            "offers": 42,
            "offers_per_10k": 2.9167,
            "target_groups_reached": ["neuzugewanderte", "frauen"],
            "population": 144000,
            "population_years": [2023],
        },
        "gaps": {
            "cells": [["unna", "wohnen"]],
            "target_groups_without_offer": {"unna": ["frauen"]},
            "fields_without_offer_in_district": [],
        },
        "previous_year": {
            "year": year - 1,
            "municipality_totals": {
                "luenen": {**_cell(9, 18, 3, 200, 7), "offers": 12, "offers_per_10k": 1.4},
                "unna": {**_cell(9, 30, 12, 800, 8), "offers": 21, "offers_per_10k": 3.6},
            },
            "district_totals": {**_cell(18, 48, 15, 1000, 15), "offers": 33, "offers_per_10k": 2.3},
        },
        "trend": {
            "_district": {
                "events": {"previous": 18, "current": 22, "change": 4},
                "occurrences": {"previous": 48, "current": 62, "change": 14},
                "measures": {"previous": 15, "current": 20, "change": 5},
                "participants": {"previous": 1000, "current": 1234, "change": 234},
            },
        },
        "komm_an": {
            "courses": 4,
            "teaching_units": 32.0,
            "registrations": 61,
            "participants": 52,
            "attendance_rate": 87.5,
            "qualified_volunteers": 37,
            "newcomer_volunteers": 9,
            "qualified_by_municipality": {"unna": 20, "luenen": 17},
            "by_programme": [
                {
                    "code": "komm-an-nrw",
                    "name": "KOMM-AN NRW",
                    "courses": 3,
                    "teaching_units": 24.0,
                    "participants": 40,
                    "newcomers": 7,
                },
                {
                    "code": "kreismittel",
                    "name": "Mittel des Kreises",
                    "courses": 1,
                    "teaching_units": 8.0,
                    "participants": 12,
                    "newcomers": 2,
                },
            ],
        },
        "engagement": {
            "grants": 3,
            "initiatives": 2,
            "approved": 3500.0,
            "paid": 1200.0,
            "by_area": [
                {
                    "code": "2",
                    "name": "Maßnahmen des Zusammenkommens, der Orientierung und Begleitung",
                    "programme": "Ehrenamt im Kontext (Integration und) Prävention",
                    "grants": 2,
                    "approved": 2500.0,
                    "paid": 1200.0,
                },
                {
                    "code": "4",
                    "name": "Maßnahmen zur Förderung von Demokratiebildung",
                    "programme": "Ehrenamt im Kontext (Integration und) Prävention",
                    "grants": 1,
                    "approved": 1000.0,
                    "paid": 0.0,
                },
            ],
            "by_municipality": {
                "unna": {"grants": 2, "approved": 2500.0},
                "luenen": {"grants": 1, "approved": 1000.0},
            },
            "proofs_accepted": 1,
            "volunteers_reached": 12,
            "newcomers_reached": 40,
            "newcomer_volunteers": 3,
            "placements_published": 5,
            "placement_interests": 8,
            "placements_filled": 2,
            "placed_by_municipality": {"unna": 2},
        },
        "data_quality": {
            "events_without_participants": [
                {
                    "id": 17,
                    "title": "Sprachcafé im Nordstadtzentrum",
                    "municipality": "Lünen",
                    "end": f"{year}-11-20T18:00:00+01:00",
                }
            ],
            "events_without_participants_count": 1,
            "municipalities_without_submission_this_quarter": ["unna"],
        },
        "measures_by_field": {
            "sprache-bildung": [
                {
                    "title": "Sprachpatenschaften Unna",
                    "municipality": "Unna",
                    "status": "running",
                    "provider": "Caritas Unna",
                }
            ],
            "wohnen": [
                {
                    "title": "Wohnraumlotsen",
                    "municipality": "Lünen",
                    "status": "planned",
                    "provider": "Diakonie Lünen",
                }
            ],
        },
    }


class FakeAggregation:
    """Stands in for ``overview.figures.compute_figures``; tests change ``figures`` to simulate new data."""

    def __init__(self, figures: dict):
        self.figures = figures
        self.calls: list[tuple[str, int]] = []

    def __call__(self, *, district, year) -> dict:
        self.calls.append((district.slug, year))
        return copy.deepcopy(self.figures)


def fake_bar_chart_svg(labels, values, title) -> str:
    bars = "".join(
        f'<rect x="{index * 12}" y="0" width="10" height="{value}"/>' for index, value in enumerate(values)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="240" height="80" viewBox="0 0 240 80">{bars}</svg>'
    )


def install_charts_if_missing(monkeypatch) -> None:
    """Use ``overview.charts`` once it exists; until then a stand-in that draws plain bars."""
    try:
        import overview.charts  # noqa: F401
    except ImportError:
        module = types.ModuleType("overview.charts")
        module.render_bar_chart_svg = fake_bar_chart_svg
        monkeypatch.setitem(sys.modules, "overview.charts", module)


def pdf_pages(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def read_workbook(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content))


# --- building reports (shared by the report test modules) ---------------------------------


def build(district, *, by=None, year=YEAR) -> ConceptReport:
    report = services.create_report(by=by, district=district, year=year)
    services.build_report(report_id=report.pk)
    report.refresh_from_db()
    return report


def make_report(district, *, state, started_minutes_ago=None, created_hours_ago=0) -> ConceptReport:
    report = services.create_report(by=None, district=district, year=YEAR)
    now = timezone.now()
    ConceptReport.objects.filter(pk=report.pk).update(
        state=state,
        step="pdf" if state == ConceptReport.State.RUNNING else report.step,
        created_at=now - timedelta(hours=created_hours_ago),
        started_at=None if started_minutes_ago is None else now - timedelta(minutes=started_minutes_ago),
    )
    report.refresh_from_db()
    return report


def built_pdf(year2025) -> bytes:
    report = services.create_report(by=year2025.staff, district=year2025.district, year=2025)
    services.build_report(report_id=report.pk)
    report.refresh_from_db()
    assert report.state == report.State.DONE, report.error
    with default_storage.open(report.pdf.name, "rb") as handle:
        return handle.read()


def make_done_report(district, *, by, year: int = YEAR) -> ConceptReport:
    """A finished snapshot of ``district``'s report, stored directly (for the pages, not the build)."""
    from django.core.files.base import ContentFile

    from overview import report_xlsx

    report = services.create_report(by=by, district=district, year=year)
    figures = sample_figures(district)
    folder = f"concept-reports/{district.slug}/{year}"
    pdf = default_storage.save(f"{folder}/test-{report.pk}.pdf", ContentFile(b"%PDF-1.7 Testbericht"))
    xlsx = default_storage.save(
        f"{folder}/test-{report.pk}.xlsx",
        ContentFile(report_xlsx.render_report_xlsx(report=report, figures=figures)),
    )
    now = timezone.now()
    ConceptReport.objects.filter(pk=report.pk).update(
        state=ConceptReport.State.DONE,
        step="done",
        progress=100,
        figures=figures,
        pdf=pdf,
        xlsx=xlsx,
        started_at=now,
        finished_at=now,
    )
    report.refresh_from_db()
    return report


def report_url(name: str, report: ConceptReport) -> str:
    """The URL of a report page by its name (``overview:…``), for ``report``."""
    from django.urls import reverse

    if name in ("overview:reports", "overview:report_compare"):
        return reverse(name)
    if name == "overview:texts":
        return reverse(name, kwargs={"year": report.year})
    if name == "overview:report_file":
        return reverse(name, kwargs={"pk": report.pk, "fmt": "pdf"})
    return reverse(name, kwargs={"pk": report.pk})
