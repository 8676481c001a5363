"""The overview's figures against the hand-made year of ``conftest.py`` where every number is known;
stored dashboard figures and when they are recomputed; the chart helper. The year is built once for
the module, each test in its own savepoint (``shared_data.built_once``) with its own copy of the
objects."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events import services as event_services
from events.models import Event
from events.tests.factories import make_event
from municipalities.models import DistrictRole, FieldOfAction, Measure, Municipality, TargetGroup
from municipalities.tests.factories import DistrictFactory, MunicipalityFactory, make_district_role
from overview import charts, dashboard_service, selectors
from overview.figures import compute_figures, per_10k, period_for
from overview.models import DashboardFigures
from volunteers.models import Attendance, Course, Registration

from .conftest import at

EMPTY = {"events": 0, "occurrences": 0, "measures": 0, "participants": 0, "participants_reported": 0}


def cell(events=0, occurrences=0, measures=0, participants=0, reported=0):
    return {
        "events": events,
        "occurrences": occurrences,
        "measures": measures,
        "participants": participants,
        "participants_reported": reported,
    }


@pytest.fixture
def year2025(year2025_built_once):
    return year2025_built_once


@pytest.fixture
def figures(year2025):
    return compute_figures(district=year2025.district, year=2025)


# --- the numbers -------------------------------------------------------------------------------


def test_header_lists_and_period(figures):
    assert figures["version"] == 1
    assert figures["district"] == {
        "name": "Kreis Unna",
        "slug": "kreis-unna",
        "ki_name": "Kommunales Integrationszentrum Kreis Unna",
        "ags_prefix": "05978",
    }
    assert figures["year"] == 2025
    assert figures["period"] == {"start": "2025-01-01", "end": "2025-12-31"}
    assert [f["slug"] for f in figures["fields_of_action"]] == ["sprache", "arbeit", "kultur", "wohnen"]
    assert figures["fields_of_action"][0] == {"slug": "sprache", "name": "Sprache & Bildung"}
    assert [g["slug"] for g in figures["target_groups"]] == ["gefluechtete", "frauen", "senioren"]
    assert figures["municipalities"] == [
        {"slug": "boenen", "name": "Bönen", "ags": "05978008", "population": 20000, "population_year": 2022,
         "population_source": "IT.NRW, Stand 31.12.2022"},
        {"slug": "luenen", "name": "Lünen", "ags": "05978024", "population": 86000, "population_year": 2023,
         "population_source": "IT.NRW"},
        {"slug": "unna", "name": "Unna", "ags": "05978036", "population": 58000, "population_year": 2023,
         "population_source": "IT.NRW"},
    ]  # fmt: skip


def test_matrix_counts_series_once_and_ignores_cancelled_drafts_and_submissions(figures):
    matrix = figures["matrix"]
    # Unna, Sprache: the weekly series (10 dates, 120 people) and the festival (no number), and M1.
    assert matrix["unna"]["sprache"] == cell(
        events=2, occurrences=11, measures=1, participants=120, reported=1
    )
    # Unna, Arbeit: the training and the monthly series across New Year (2 of its 4 dates in 2025);
    # the coaching measure ended in 2024.
    assert matrix["unna"]["arbeit"] == cell(events=2, occurrences=3, participants=55, reported=2)
    # Unna, Kultur: the festival only — not the cancelled concert, not the draft reading.
    assert matrix["unna"]["kultur"] == cell(events=1, occurrences=1)
    assert matrix["unna"]["wohnen"] == EMPTY
    # Lünen: breakfast and the running measure (the submitted event does not count yet).
    assert matrix["luenen"]["sprache"] == cell(
        events=1, occurrences=1, measures=1, participants=25, reported=1
    )
    assert matrix["luenen"]["kultur"] == cell(measures=1)
    assert matrix["luenen"]["arbeit"] == EMPTY  # the planned measure starts in 2026
    assert matrix["boenen"] == dict.fromkeys(["sprache", "arbeit", "kultur", "wohnen"], EMPTY)


def test_municipality_totals_count_each_event_once_across_fields(figures):
    totals = figures["municipality_totals"]
    # The festival is in two fields but one event; 10 + 1 + 1 + 2 dates.
    assert totals["unna"] == {
        **cell(events=4, occurrences=14, measures=1, participants=175, reported=3),
        "offers": 5,
        "offers_per_10k": 0.86,  # 5 / 58,000 × 10,000
        "target_groups_reached": ["gefluechtete", "frauen"],
    }
    assert totals["luenen"] == {
        **cell(events=1, occurrences=1, measures=1, participants=25, reported=1),
        "offers": 2,
        "offers_per_10k": 0.23,  # 2 / 86,000 × 10,000
        "target_groups_reached": ["frauen"],
    }
    assert totals["boenen"] == {**EMPTY, "offers": 0, "offers_per_10k": 0.0, "target_groups_reached": []}


def test_district_totals_use_the_summed_population_and_name_its_years(figures):
    assert figures["district_totals"] == {
        **cell(events=5, occurrences=15, measures=2, participants=200, reported=4),
        "offers": 7,
        "offers_per_10k": 0.43,  # 7 / 164,000 × 10,000
        "target_groups_reached": ["gefluechtete", "frauen"],
        "population": 164_000,
        "population_years": [2022, 2023],
    }


def test_offers_per_10k_inhabitants():
    assert per_10k(29, 58_000) == 5.0
    assert per_10k(3, 20_000) == 1.5
    assert per_10k(0, 20_000) == 0.0
    assert per_10k(7, None) is None
    assert per_10k(7, 0) is None


def test_missing_population_gives_no_rate_for_the_municipality_nor_the_district(year2025):
    Municipality.objects.filter(pk=year2025.boenen.pk).update(
        population=None, population_year=None, population_source=""
    )
    figures = compute_figures(district=year2025.district, year=2025)
    assert figures["municipality_totals"]["boenen"]["offers_per_10k"] is None
    assert figures["municipality_totals"]["unna"]["offers_per_10k"] == 0.86
    assert figures["district_totals"]["offers_per_10k"] is None
    assert figures["district_totals"]["population"] == 144_000
    assert figures["district_totals"]["population_years"] == [2023]


def test_gaps(figures):
    assert figures["gaps"] == {
        "cells": [
            ["boenen", "sprache"], ["boenen", "arbeit"], ["boenen", "kultur"], ["boenen", "wohnen"],
            ["luenen", "arbeit"], ["luenen", "wohnen"],
            ["unna", "wohnen"],
        ],
        "target_groups_without_offer": {
            "boenen": ["gefluechtete", "frauen", "senioren"],
            "luenen": ["gefluechtete", "senioren"],
            "unna": ["senioren"],
        },
        "fields_without_offer_in_district": ["wohnen"],
    }  # fmt: skip


def test_previous_year_and_trend(figures):
    previous = figures["previous_year"]
    assert previous["year"] == 2024
    # 2024: the info evening, 2 dates of the monthly series; M1 (no dates) and M2 (until 06/2024).
    assert previous["municipality_totals"]["unna"] == {
        **cell(events=2, occurrences=3, measures=2, participants=70, reported=2),
        "offers": 4,
        "offers_per_10k": 0.69,
        "target_groups_reached": ["gefluechtete"],
    }
    assert previous["municipality_totals"]["luenen"]["events"] == 2
    assert previous["municipality_totals"]["luenen"]["participants_reported"] == 1
    assert previous["district_totals"]["offers"] == 6
    trend = figures["trend"]
    assert trend["unna"] == {
        "events": {"previous": 2, "current": 4, "change": 2},
        "occurrences": {"previous": 3, "current": 14, "change": 11},
        "measures": {"previous": 2, "current": 1, "change": -1},
        "participants": {"previous": 70, "current": 175, "change": 105},
    }
    assert trend["luenen"]["events"] == {"previous": 2, "current": 1, "change": -1}
    assert trend["luenen"]["measures"] == {"previous": 0, "current": 1, "change": 1}
    assert trend["boenen"]["participants"] == {"previous": 0, "current": 0, "change": 0}
    assert trend["_district"] == {
        "events": {"previous": 4, "current": 5, "change": 1},
        "occurrences": {"previous": 5, "current": 15, "change": 10},
        "measures": {"previous": 2, "current": 2, "change": 0},
        "participants": {"previous": 80, "current": 200, "change": 120},
    }


def test_komm_an_figures(figures):
    assert figures["komm_an"] == {
        "courses": 2,
        "teaching_units": 9.0,
        "registrations": 4,
        "participants": 4,
        "attendance_rate": 71.4,  # 5 presences of 7 possible
        "qualified_volunteers": 1,  # Şengül
        "newcomer_volunteers": 2,  # Şengül and Lan; Ahmad did not consent
        "qualified_by_municipality": {"boenen": 0, "luenen": 0, "unna": 1},
        "by_programme": [
            {"code": "ehrenamt", "name": "Ehrenamt stärken", "courses": 1, "teaching_units": 3.0,
             "participants": 1, "newcomers": 0},
            {"code": "komm-an-ii", "name": "KOMM-AN NRW Programmteil II", "courses": 1, "teaching_units": 6.0,
             "participants": 3, "newcomers": 1},
        ],
    }  # fmt: skip


def test_data_quality(figures, year2025):
    quality = figures["data_quality"]
    # The festival ended without a number; the cancelled concert is no offer; the series reported.
    assert quality["events_without_participants"] == [
        {"id": year2025.e3.pk, "title": "Interkulturelles Fest", "municipality": "Unna",
         "end": "2025-09-20T20:00:00+02:00"}
    ]  # fmt: skip
    assert quality["events_without_participants_count"] == 1
    # Q4 2025: Unna submitted the festival, Lünen entered a measure; Bönen nothing.
    assert quality["municipalities_without_submission_this_quarter"] == ["boenen"]


def test_a_series_still_running_is_not_reported_as_missing_participants(year2025):
    today = timezone.localdate()
    start = at(today.year, 1, 6) if today.month > 1 else at(today.year, 1, 1)
    make_event(
        by=year2025.staff, municipality=year2025.unna, title="Laufende Reihe", start=start,
        fields_of_action=[year2025.fields["sprache"]], frequency="weekly",
        repeat_until=today + timedelta(days=60), status=Event.Status.APPROVED,
    )  # fmt: skip
    figures = compute_figures(district=year2025.district, year=today.year)
    assert figures["district_totals"]["events"] == 1
    assert figures["data_quality"]["events_without_participants"] == []


def test_measures_by_field(figures):
    running = {"status": "running", "provider": "AWO"}
    assert figures["measures_by_field"] == {
        "sprache": [
            {"title": "Stadtteilmütter", "municipality": "Lünen", **running},
            {"title": "Sprachpatenschaften", "municipality": "Unna", **running},
        ],
        "arbeit": [],
        "kultur": [{"title": "Stadtteilmütter", "municipality": "Lünen", **running}],
        "wohnen": [],
    }


def test_figures_are_json_serialisable_without_loss(figures):
    assert json.loads(json.dumps(figures)) == figures


# --- filters and periods -------------------------------------------------------------------------


def test_field_of_action_filter_restricts_offers_and_columns(year2025):
    figures = compute_figures(
        district=year2025.district, year=2025, field_of_action=year2025.fields["kultur"]
    )
    assert [f["slug"] for f in figures["fields_of_action"]] == ["kultur"]
    assert figures["matrix"]["unna"] == {"kultur": cell(events=1, occurrences=1)}
    assert figures["municipality_totals"]["unna"]["events"] == 1
    assert figures["municipality_totals"]["luenen"]["measures"] == 1
    assert figures["gaps"]["cells"] == [["boenen", "kultur"]]
    assert figures["trend"]["luenen"]["events"] == {"previous": 2, "current": 0, "change": -2}


def test_target_group_filter_restricts_offers(year2025):
    figures = compute_figures(district=year2025.district, year=2025, target_group=year2025.groups["frauen"])
    assert [g["slug"] for g in figures["target_groups"]] == ["frauen"]
    totals = figures["municipality_totals"]
    # Unna: the series and the festival; Lünen: breakfast and the Stadtteilmütter.
    assert (totals["unna"]["events"], totals["unna"]["occurrences"], totals["unna"]["measures"]) == (2, 11, 0)
    assert (totals["luenen"]["events"], totals["luenen"]["measures"]) == (1, 1)
    assert figures["matrix"]["unna"]["arbeit"] == EMPTY
    assert figures["gaps"]["target_groups_without_offer"] == {"boenen": ["frauen"], "luenen": [], "unna": []}


def test_date_range_counts_only_dates_inside_it(year2025):
    figures = compute_figures(
        district=year2025.district, year=2025, start=date(2025, 1, 1), end=date(2025, 1, 31)
    )
    assert figures["period"] == {"start": "2025-01-01", "end": "2025-01-31"}
    unna = figures["municipality_totals"]["unna"]
    # Four Tuesdays of the weekly series and the January date of the monthly one; M1 runs.
    assert (unna["events"], unna["occurrences"], unna["measures"]) == (2, 5, 1)
    assert figures["municipality_totals"]["luenen"]["measures"] == 0  # M3 starts in February
    assert figures["previous_year"]["municipality_totals"]["unna"]["measures"] == 2  # January 2024: M1, M2


def test_period_must_lie_in_the_year():
    assert period_for(2024, date(2024, 2, 29)).previous().start == date(2023, 2, 28)
    with pytest.raises(ValueError):
        period_for(2025, date(2024, 12, 1))
    with pytest.raises(ValueError):
        period_for(2025, date(2025, 3, 1), date(2025, 2, 1))


def test_cancelling_an_event_removes_it_from_the_offers(year2025):
    event_services.cancel_event(by=year2025.staff, event=year2025.e2)
    figures = compute_figures(district=year2025.district, year=2025)
    assert figures["matrix"]["unna"]["arbeit"]["events"] == 1
    assert figures["municipality_totals"]["unna"]["offers"] == 4


def test_another_districts_data_is_never_counted(year2025):
    soest = DistrictFactory(name="Kreis Soest", slug="kreis-soest", ags_prefix="05974")
    werl = MunicipalityFactory(district=soest, name="Werl", slug="werl", ags="05974048")
    staff_soest = make_district_role(soest, DistrictRole.Role.KI_STAFF)
    theirs = FieldOfAction.objects.create(district=soest, slug="sprache", name="Sprache")
    make_event(
        by=staff_soest, municipality=werl, title="Sprachtreff Werl", start=at(2025, 3, 3),
        fields_of_action=[theirs], status=Event.Status.APPROVED,
    )  # fmt: skip
    figures = compute_figures(district=year2025.district, year=2025)
    assert "werl" not in figures["matrix"]
    assert figures["district_totals"]["events"] == 5
    assert compute_figures(district=soest, year=2025)["district_totals"]["events"] == 1


def test_inactive_reference_data_stays_visible_while_used(year2025):
    FieldOfAction.objects.filter(slug__in=["kultur", "wohnen"]).update(is_active=False)
    TargetGroup.objects.filter(slug="senioren").update(is_active=False)
    figures = compute_figures(district=year2025.district, year=2025)
    assert [f["slug"] for f in figures["fields_of_action"]] == ["sprache", "arbeit", "kultur"]
    assert [g["slug"] for g in figures["target_groups"]] == ["gefluechtete", "frauen"]


# --- a fixed number of queries -----------------------------------------------------------------


def add_events(year2025, count: int) -> None:
    towns = [year2025.unna, year2025.luenen, year2025.boenen]
    fields, groups = list(year2025.fields.values()), list(year2025.groups.values())
    for number in range(count):
        make_event(
            by=year2025.staff, municipality=towns[number % 3], title=f"Treffen Nr. {number}",
            start=at(2025, 1 + number % 12, 1 + number % 27), fields_of_action=fields[: 1 + number % 4],
            target_groups=groups[: 1 + number % 3], actual_participants=number if number % 2 else None,
            frequency="weekly" if number % 5 == 0 else "", repeat_count=3 if number % 5 == 0 else None,
            status=Event.Status.APPROVED,
        )  # fmt: skip
        Measure.objects.create(municipality=towns[number % 3], title=f"Maßnahme {number}", status="running")


# incl. the anonymous newcomer counts kept by retention, and 10 grouped queries for grants and
# placements (overview.engagement_figures; one of them counts the consented initiative newcomers)
COMPUTE_FIGURES_QUERIES = 34


def test_query_count_does_not_grow_with_the_events(year2025, django_assert_max_num_queries):
    Event.objects.all().delete()
    add_events(year2025, 2)
    with CaptureQueriesContext(connection) as few:
        small = compute_figures(district=year2025.district, year=2025)
    assert small["district_totals"]["events"] == 2
    add_events(year2025, 38)
    with django_assert_max_num_queries(COMPUTE_FIGURES_QUERIES):
        large = compute_figures(district=year2025.district, year=2025)
    assert large["district_totals"]["events"] == 40
    with CaptureQueriesContext(connection) as many:
        compute_figures(district=year2025.district, year=2025)
    assert len(many.captured_queries) == len(few.captured_queries) == COMPUTE_FIGURES_QUERIES


# --- stored dashboard figures ----------------------------------------------------------------------


@pytest.fixture
def this_year(year2025):
    """The hand-made data plus one approved event in the current year."""
    today = timezone.localdate()
    make_event(
        by=year2025.staff, municipality=year2025.unna, title="Neujahrsempfang",
        start=at(today.year, 1, 2), fields_of_action=[year2025.fields["sprache"]], status=Event.Status.APPROVED,
    )  # fmt: skip
    return today.year


def test_rebuild_stores_the_figures_and_is_idempotent(year2025, this_year):
    first = dashboard_service.rebuild_dashboard_figures(district=year2025.district, year=this_year)
    second = dashboard_service.rebuild_dashboard_figures(district=year2025.district, year=this_year)
    assert first.pk == second.pk and DashboardFigures.objects.count() == 1
    assert second.figures["year"] == this_year
    assert second.figures["district_totals"]["events"] == 1
    assert second.computed_at >= first.computed_at


def test_fresh_stored_figures_are_read_without_computing(year2025, this_year, monkeypatch):
    dashboard_service.rebuild_dashboard_figures(district=year2025.district, year=this_year)

    def fail(**kwargs):
        raise AssertionError("must not compute")

    monkeypatch.setattr(selectors, "compute_figures", fail)
    monkeypatch.setattr(dashboard_service, "compute_figures", fail)
    with CaptureQueriesContext(connection) as queries:
        figures = selectors.dashboard_figures(district=year2025.district, year=this_year)
    assert figures["district_totals"]["events"] == 1
    assert len(queries.captured_queries) == 1  # the stored row with its freshness check


def test_a_saved_change_makes_the_stored_figures_stale(year2025, this_year):
    stored = dashboard_service.rebuild_dashboard_figures(district=year2025.district, year=this_year)
    event = make_event(
        by=year2025.staff, municipality=year2025.luenen, title="Neu", start=at(this_year, 1, 3),
        fields_of_action=[year2025.fields["kultur"]],
    )  # fmt: skip
    # A draft changes no number, but it is a change: checking is cheaper than proving it irrelevant.
    event_services.submit_event(by=year2025.staff, event=event)
    event_services.decide_event(by=year2025.staff, event=Event.objects.get(pk=event.pk), decision="approve")
    figures = selectors.dashboard_figures(district=year2025.district, year=this_year)
    assert figures["district_totals"]["events"] == 2
    stored.refresh_from_db()
    assert stored.figures["district_totals"]["events"] == 2


def test_changes_in_another_district_keep_the_stored_figures(year2025, this_year):
    stored = dashboard_service.rebuild_dashboard_figures(district=year2025.district, year=this_year)
    soest = DistrictFactory(name="Kreis Soest", slug="kreis-soest", ags_prefix="05974")
    werl = MunicipalityFactory(district=soest, name="Werl", slug="werl", ags="05974048")
    Measure.objects.create(municipality=werl, title="Sprachpaten Werl", status="running")
    assert selectors.stored_figures_if_fresh(district=year2025.district, year=this_year) == stored.figures


def test_figures_computed_before_today_are_recomputed(year2025, this_year):
    stored = dashboard_service.rebuild_dashboard_figures(district=year2025.district, year=this_year)
    yesterday = timezone.now() - timedelta(days=1)
    DashboardFigures.objects.filter(pk=stored.pk).update(computed_at=yesterday)
    earlier = yesterday - timedelta(hours=1)
    for model in (Event, Measure, Course, Registration):
        model.objects.update(updated_at=earlier)
    Attendance.objects.update(recorded_at=earlier)
    # Nothing changed since; only the day did (events may have ended, a quarter may have begun).
    assert selectors.stored_figures_if_fresh(district=year2025.district, year=this_year) is None
    selectors.dashboard_figures(district=year2025.district, year=this_year)
    stored.refresh_from_db()
    assert stored.computed_at > yesterday


def test_figures_of_an_older_schema_are_recomputed(year2025, this_year):
    stored = dashboard_service.rebuild_dashboard_figures(district=year2025.district, year=this_year)
    DashboardFigures.objects.filter(pk=stored.pk).update(figures={"version": 0})
    assert selectors.dashboard_figures(district=year2025.district, year=this_year)["version"] == 1


def test_other_years_and_filters_are_computed_and_not_stored(year2025, this_year):
    assert (
        selectors.dashboard_figures(district=year2025.district, year=2025)["district_totals"]["events"] == 5
    )
    filtered = selectors.figures_for_dashboard(
        district=year2025.district, year=this_year, field_of_action=year2025.fields["kultur"]
    )
    assert filtered["district_totals"]["events"] == 0
    assert not DashboardFigures.objects.exists()


# --- the drill-down adds up to the cell -----------------------------------------------------------


@pytest.mark.parametrize(("town", "field"), [("unna", "sprache"), ("unna", "arbeit"), ("luenen", "kultur")])
def test_events_for_cell_add_up_to_the_matrix(year2025, figures, town, field):
    municipality = Municipality.objects.get(slug=town)
    events = selectors.events_for_cell(
        municipality=municipality, field_of_action=year2025.fields[field], year=2025
    )
    measures = selectors.measures_for_cell(
        municipality=municipality, field_of_action=year2025.fields[field], year=2025
    )
    totals = selectors.cell_totals(events)
    expected = figures["matrix"][town][field]
    assert totals == {
        key: expected[key] for key in ("events", "occurrences", "participants", "participants_reported")
    }
    assert measures.count() == expected["measures"]


def test_events_for_cell_lists_dates_in_the_period(year2025):
    events = list(
        selectors.events_for_cell(
            municipality=year2025.unna, field_of_action=year2025.fields["arbeit"], year=2025
        )
    )
    assert [(e.title, e.occurrences_in_period) for e in events] == [
        ("Jobbörse monatlich", 2),
        ("Bewerbungstraining", 1),
    ]


# --- the chart helper ------------------------------------------------------------------------------


def test_bar_chart_is_accessible_svg_with_text_labels():
    svg = charts.render_bar_chart_svg(["Bönen", "Lünen", "Unna"], [0, 2, 5], "Angebote je Kommune 2025")
    assert svg.startswith('<svg role="img" aria-labelledby="chart-')
    title_id = svg.split('aria-labelledby="', 1)[1].split('"', 1)[0]
    assert f'<title id="{title_id}">Angebote je Kommune 2025</title>' in svg
    assert "Lünen" in svg and "Bönen" in svg  # text stays text
    assert "<?xml" not in svg and "Date" not in svg
    assert svg == charts.render_bar_chart_svg(
        ["Bönen", "Lünen", "Unna"], [0, 2, 5], "Angebote je Kommune 2025"
    )
    assert charts.svg_data_uri(svg).startswith("data:image/svg+xml;base64,")


def test_bar_chart_escapes_its_title_and_marks_missing_values():
    svg = charts.render_bar_chart_svg(["A <b>", "B"], [1.5, None], "Je 10.000 <Einwohner>")
    assert "Je 10.000 &lt;Einwohner&gt;" in svg and "<b>" not in svg
    assert "–" in svg and "1,5" in svg


def test_bar_chart_is_one_bar_per_value_with_presentation_attributes_only():
    labels = ["Bönen", "Fröndenberg/Ruhr", "Unna", "Werne"]
    svg = charts.render_bar_chart_svg(labels, [3, 0, 12, None], "Veranstaltungen je Kommune 2025")
    # No CSS: the pages' content security policy forbids inline styles, and WeasyPrint would read
    # every style attribute of an inline SVG as CSS of the report.
    assert "style" not in svg
    assert svg.count("<rect") == len(labels)
    assert all(f">{label}</text>" in svg for label in ["Bönen", "Fröndenberg/Ruhr", "Unna", "Werne"])
    assert ">12</text>" in svg and ">–</text>" in svg
    # Small enough for the report's dozens of charts: a few elements per bar and per tick.
    assert svg.count("<") < 12 * len(labels) + 20
    assert 'xmlns="http://www.w3.org/2000/svg"' in svg  # also usable as an <img> data URI
