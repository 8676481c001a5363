"""The dashboard, the drill-down into one cell and the municipality comparison: what they show
(accessibly) to whom and how many queries they take (who may open them: test_dashboard_permissions.py).
The hand-made year of ``conftest.py`` is built once for the module, each test in its own savepoint
(``shared_data.built_once``) with its own copy of the objects; the district, its towns and its KI
staff member are the year's."""

from __future__ import annotations

import base64
import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from events.tests.factories import make_event
from municipalities.models import FieldOfAction, Measure
from municipalities.tests.factories import MunicipalityFactory
from overview import dashboard_service
from overview.models import DashboardFigures

from .conftest import at


@pytest.fixture
def year2025(year2025_built_once):
    return year2025_built_once


@pytest.fixture
def district(year2025):
    return year2025.district


@pytest.fixture
def unna(year2025):
    return year2025.unna


@pytest.fixture
def luenen(year2025):
    return year2025.luenen


@pytest.fixture
def ki_staff(year2025):
    return year2025.staff


@pytest.fixture
def soest_with_werl(soest, soest_staff):
    """The other district with a municipality and a field of action of its own."""
    werl = MunicipalityFactory(district=soest, name="Werl", slug="werl", ags="05974048")
    FieldOfAction.objects.create(district=soest, slug="sprache", name="Sprache")
    return {"district": soest, "werl": werl, "staff": soest_staff}


def test_staff_drill_into_their_own_districts_cells_only(client, year2025, soest_with_werl):
    # Unna's cell (another district's) is a 404: see the permission matrix (ki_staff_other).
    client.force_login(soest_with_werl["staff"])
    # Their own municipality works; a field of action of the other district does not.
    assert client.get(reverse("overview:cell", args=["werl", "sprache"]), {"year": "2025"}).status_code == 200
    assert client.get(reverse("overview:cell", args=["werl", "kultur"])).status_code == 404


def test_dashboard_shows_only_the_staffs_own_district(client, year2025, soest_with_werl):
    client.force_login(soest_with_werl["staff"])
    response = client.get(reverse("overview:dashboard"), {"year": "2025"})
    assert response.status_code == 200
    assert [m["slug"] for m in response.context["figures"]["municipalities"]] == ["werl"]
    page = main_of(response.content.decode())
    assert "Werl" in page and "Bönen" not in page and "Lünen" not in page
    # Naming the other district or its field of action is refused, not answered.
    assert client.get(reverse("overview:dashboard"), {"district": "kreis-unna"}).status_code == 400
    other_field = year2025.fields["kultur"].slug
    assert client.get(reverse("overview:dashboard"), {"field_of_action": other_field}).status_code == 400


# --- the dashboard ----------------------------------------------------------------------------


@pytest.fixture
def page_2025(client, ki_staff, year2025):
    client.force_login(ki_staff)
    response = client.get(reverse("overview:dashboard"), {"year": "2025"})
    assert response.status_code == 200
    return response.content.decode()


def main_of(page: str) -> str:
    return page.split('id="main"', 1)[1].split("</main>", 1)[0]


def test_matrix_is_an_accessible_table_with_numbers_and_marked_gaps(page_2025):
    page = main_of(page_2025)
    matrix = page[page.index('class="kern-table ki-table--bordered matrix"') :]
    matrix = matrix[: matrix.index("</table>")]
    assert "<caption>Angebote je Kommune und Handlungsfeld 2025." in matrix
    assert matrix.count('<th scope="col">') >= 5 and matrix.count('<th scope="row">') == 4
    # Seven gaps, each with a visible text marker (colour is only the supplement).
    assert matrix.count('class="heat heat-0"') == 7
    assert matrix.count('<span class="gap-marker">Lücke</span>') == 7
    # Unna × Sprache: 3 offers (2 events, 1 measure, 120 participants), the fullest cell.
    unna_sprache = reverse("overview:cell", args=["unna", "sprache"]) + "?year=2025"
    cell = matrix[matrix.index(f'<a href="{unna_sprache}">') :]
    assert cell.startswith(
        f'<a href="{unna_sprache}"><span class="cell-number">3</span>'
        '<span class="kern-sr-only"> Angebote in Unna, Sprache &amp; Bildung</span></a>'
    )
    assert "2&nbsp;<abbr" in cell[:400] and "120&nbsp;<abbr" in cell[:400]
    assert matrix.count("heat-4") == 1
    # Per 10,000 inhabitants: Unna 0,86, Lünen 0,23, Bönen 0,00, district 0,43.
    for value in ("0,86", "0,23", "0,00", "0,43"):
        assert f">{value}<" in matrix
    assert "Lücke im ganzen Kreis</span> Wohnen" in matrix


def test_official_statistics_are_kept_apart_with_year_and_source(page_2025):
    page = main_of(page_2025)
    box = page[page.index('id="official-statistics"') :]
    box = box[: box.index("</section>")]
    assert "Amtliche Statistik: Einwohnerzahlen" in box
    assert "58.000" in box and "86.000" in box and "20.000" in box and "164.000" in box
    assert "IT.NRW, Stand 31.12.2022" in box and "<td>2022</td>" in box and "2022, 2023" in box
    assert "Alle Zahlen außer den Einwohnerzahlen sind Zählungen dieses Portals" in page


def test_trend_shows_both_years_and_signed_changes(page_2025):
    page = main_of(page_2025)
    trend = page[page.index('id="trend-heading"') :]
    trend = trend[: trend.index("</table>")]
    assert "Entwicklung: 2024 und 2025 im Vergleich" in trend
    assert trend.count('<th scope="colgroup" colspan="3"') == 4
    unna = trend[trend.index('headers="trend-municipality">Unna</th>') :].split("</tr>")[0]
    assert re.findall(r">([^<]+)</td>", unna) == [
        "2",
        "4",
        "+2",
        "3",
        "14",
        "+11",
        "2",
        "1",
        "−1",
        "70",
        "175",
        "+105",
    ]
    district = trend[trend.index("Kreis insgesamt") :].split("</tr>")[0]
    assert re.findall(r">([^<]+)</td>", district)[6:9] == ["2", "2", "±0"]


def _table_after(page: str, marker: str):
    from bs4 import BeautifulSoup

    return BeautifulSoup(page[page.index(marker) :], "html.parser").find("table")


def test_trend_tables_two_row_header_is_valid_with_colgroups_and_headers(page_2025):
    table = _table_after(main_of(page_2025), 'id="trend-heading"')
    groups = table.find_all("colgroup", recursive=False)
    assert [int(group.get("span", 1)) for group in groups] == [1, 3, 3, 3, 3]
    header_rows = table.thead.find_all("tr")
    assert len(header_rows) == 2
    ids = {th["id"]: th for th in table.find_all("th")}
    # the first row: „Kommune“ over both rows, then four groups of three columns
    first = header_rows[0].find_all("th")
    assert (first[0]["scope"], first[0]["rowspan"]) == ("col", "2")
    assert [(th["scope"], th["colspan"]) for th in first[1:]] == [("colgroup", "3")] * 4
    assert not table.thead.find_all("td")  # no empty header cell
    # every data cell names its row, its group and its column, in that order, and nothing else
    for row in table.tbody.find_all("tr"):
        row_header = row.find("th")
        assert row_header["scope"] == "row"
        for index, cell in enumerate(row.find_all("td")):
            row_id, group_id, column_id = cell["headers"]
            assert row_id == row_header["id"]
            assert group_id == f"trend-g{index // 3 + 1}"
            assert ids[column_id]["headers"] == [group_id]
            assert column_id.startswith(group_id + "-")


def test_footnote_links_have_names_that_contain_their_visible_text(
    client, ki_staff, contact_unna, year2025, page_2025
):
    from bs4 import BeautifulSoup

    client.force_login(contact_unna)
    comparison = client.get(reverse("overview:comparison", args=["unna"]), {"year": "2025"}).content.decode()
    links = []
    for page in (page_2025, comparison):
        links += BeautifulSoup(main_of(page), "html.parser").select('a[href="#official-statistics"]')
    assert len(links) == 2
    for link in links:
        assert not link.has_attr("aria-label")  # the name comes from the text, visible part included
        visible = "".join(
            str(part)
            for part in link.contents
            if isinstance(part, str) or "kern-sr-only" not in part.get("class", [])
        )
        name = link.get_text()
        assert visible.strip() == "1" and visible.strip() in name
        assert name == "Fußnote 1: Hinweis zur amtlichen Statistik"


def test_komm_an_block_leads_with_newcomers_who_volunteer(page_2025):
    page = main_of(page_2025)
    block = page[page.index('id="komm-an-heading"') :]
    assert block.index("Neuzugewanderte, die heute ehrenamtlich aktiv sind") < block.index("<table")
    assert '<p class="highlight-figure kern-mb-xs">2</p>' in block
    assert "71,4 %" in block and "KOMM-AN NRW Programmteil II" in block and "Ehrenamt stärken" in block


def test_chart_is_an_svg_image_with_alt_text_and_a_table_of_its_numbers(page_2025):
    page = main_of(page_2025)
    image = re.search(
        r'<img class="chart-image" src="data:image/svg\+xml;base64,([^"]+)" alt="([^"]+)">', page
    )
    assert image is not None
    assert image.group(2).startswith("Balkendiagramm: Angebote je Kommune 2025")
    svg = base64.b64decode(image.group(1)).decode()
    assert svg.startswith('<svg role="img" aria-labelledby=') and "Lünen" in svg
    numbers = page[page.index("Zahlen zum Diagramm") :].split("</table>")[0]
    assert re.findall(
        r'<th scope="row">([^<]+)</th><td class="kern-table__cell--numeric">(\d+)</td>', numbers
    ) == [
        ("Bönen", "0"),
        ("Lünen", "2"),
        ("Unna", "5"),
    ]


def test_gaps_and_data_quality_are_listed(page_2025, year2025):
    page = main_of(page_2025)
    assert "<strong>Lünen:</strong> Ausbildung &amp; Arbeit, Wohnen" in page
    assert "<strong>Unna:</strong> Senior*innen" in page
    quality = page[page.index('id="quality-heading"') :]
    assert "1 beendete Veranstaltung ohne Angabe der Teilnehmenden" in quality
    assert f'<a href="/veranstaltungen/{year2025.e3.pk}/intern/">Interkulturelles Fest</a> (Unna)' in quality
    assert "Kommunen ohne Einreichung im 4. Quartal 2025" in quality and "<p>Bönen</p>" in quality


def test_filters_live_in_the_url_and_restrict_the_matrix(client, ki_staff, year2025):
    client.force_login(ki_staff)
    response = client.get(reverse("overview:dashboard"), {"year": "2025", "field_of_action": "kultur"})
    assert response.status_code == 200
    page = main_of(response.content.decode())
    assert "nur Angebote im Handlungsfeld „Kultur“" in page
    matrix = page[page.index("<thead>") : page.index("</thead>")]
    assert "Kultur" in matrix and "Sprache" not in matrix
    response = client.get(reverse("overview:dashboard"), {"year": "2025", "target_group": "frauen"})
    page = main_of(response.content.decode())
    link = reverse("overview:cell", args=["unna", "sprache"]) + "?year=2025&amp;target_group=frauen"
    assert f'<a href="{link}"><span class="cell-number">2</span>' in page  # E1 and E3


@pytest.mark.parametrize(
    "query", [{"year": "1850"}, {"year": "zwanzig"}, {"field_of_action": "gibt-es-nicht"}]
)
def test_nonsense_filters_are_a_bad_request(client, ki_staff, year2025, query):
    client.force_login(ki_staff)
    response = client.get(reverse("overview:dashboard"), query)
    assert response.status_code == 400
    assert "Bitte prüfen Sie Ihre Angaben" in response.content.decode()


def test_dashboard_defaults_to_this_year_from_the_stored_figures(client, ki_staff, year2025):
    client.force_login(ki_staff)
    response = client.get(reverse("overview:dashboard"))
    assert response.status_code == 200
    this_year = timezone.localdate().year
    assert response.context["figures"]["year"] == this_year
    stored = DashboardFigures.objects.get(district=year2025.district, year=this_year)
    assert stored.figures == response.context["figures"]


# --- query counts ---------------------------------------------------------------------------


def add_current_events(year2025, count: int) -> None:
    today = timezone.localdate()
    towns = [year2025.unna, year2025.luenen, year2025.boenen]
    for number in range(count):
        make_event(
            by=year2025.staff, municipality=towns[number % 3], title=f"Treffen {number}",
            start=at(today.year, 1, 1 + number % 28), fields_of_action=[year2025.fields["sprache"]],
            target_groups=[year2025.groups["frauen"]], status=Event.Status.APPROVED,
        )  # fmt: skip
        measure = Measure.objects.create(
            municipality=towns[number % 3], title=f"Maßnahme {number}", status="running"
        )
        measure.fields_of_action.set([year2025.fields["sprache"]])


# session, user, the second factor's device (django-otp), roles (district roles and memberships in one
# query), the district list of the filter, the stored figures with their freshness check, the portal's
# district (context processor), the field and target group choices
DASHBOARD_QUERIES = 9


def test_dashboard_from_stored_figures_takes_a_fixed_number_of_queries(
    client, ki_staff, year2025, django_assert_max_num_queries
):
    client.force_login(ki_staff)
    url = reverse("overview:dashboard")
    add_current_events(year2025, 2)
    dashboard_service.rebuild_dashboard_figures(district=year2025.district, year=timezone.localdate().year)
    cache.clear()  # measure the uncached path (sessions, portal district, fragments)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    add_current_events(year2025, 30)
    dashboard_service.rebuild_dashboard_figures(district=year2025.district, year=timezone.localdate().year)
    cache.clear()  # measure the uncached path (sessions, portal district, fragments)
    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        response = client.get(url)
    assert response.context["figures"]["district_totals"]["events"] == 32
    assert len(few.captured_queries) == DASHBOARD_QUERIES


# The page as above, the figures (34 queries; the newcomers active in funded initiatives with their
# consent are one count) and storing them (update_or_create in a savepoint).
COMPUTED_DASHBOARD_QUERIES = 49


def test_dashboard_computing_stale_figures_takes_a_fixed_number_of_queries(client, ki_staff, year2025):
    client.force_login(ki_staff)
    url = reverse("overview:dashboard")
    counts = []
    for extra in (2, 20):
        add_current_events(year2025, extra)
        DashboardFigures.objects.all().delete()
        cache.clear()  # measure the uncached path (sessions, portal district, fragments)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries.captured_queries))
    assert counts == [COMPUTED_DASHBOARD_QUERIES, COMPUTED_DASHBOARD_QUERIES]


# session, user, the second factor's device, roles (one query), municipality, field of action, measures,
# cell totals, page count, page, the portal's district, target group choices
CELL_QUERIES = 12


def test_cell_view_takes_a_fixed_number_of_queries(client, ki_staff, year2025, django_assert_max_num_queries):
    client.force_login(ki_staff)
    url = reverse("overview:cell", args=["unna", "sprache"])
    add_current_events(year2025, 3)
    cache.clear()  # measure the uncached path (sessions, portal district, fragments)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add_current_events(year2025, 24)
    cache.clear()  # measure the uncached path (sessions, portal district, fragments)
    with django_assert_max_num_queries(CELL_QUERIES):
        response = client.get(url)
    assert response.context["totals"]["events"] == 9
    assert len(response.context["measures"]) == 10  # M1 and nine new ones
    assert len(few.captured_queries) == CELL_QUERIES


# --- the drill-down ---------------------------------------------------------------------------


def test_cell_lists_the_events_and_measures_behind_the_number(client, ki_staff, year2025):
    client.force_login(ki_staff)
    response = client.get(reverse("overview:cell", args=["unna", "sprache"]), {"year": "2025"})
    assert response.status_code == 200
    page = main_of(response.content.decode())
    assert "<h1>Unna: Sprache &amp; Bildung (2025)</h1>" in page
    titles = re.findall(r'<a href="/veranstaltungen/\d+/intern/">([^<]+)</a>', page)
    assert titles == ["Sprachcafé am Dienstag", "Interkulturelles Fest"]
    assert response.context["totals"] == {
        "events": 2,
        "occurrences": 11,
        "participants": 120,
        "participants_reported": 1,
    }
    assert "nicht gemeldet" in page and "Reihe" in page
    assert [m.title for m in response.context["measures"]] == ["Sprachpatenschaften"]
    # Neither the cancelled concert nor the draft nor Lünen's events.
    assert "Abgesagtes Konzert" not in page and "Frauenfrühstück" not in page


def test_cell_respects_the_target_group_filter(client, ki_staff, year2025):
    client.force_login(ki_staff)
    response = client.get(
        reverse("overview:cell", args=["unna", "arbeit"]), {"year": "2025", "target_group": "gefluechtete"}
    )
    assert [e.title for e in response.context["page_obj"].object_list] == ["Bewerbungstraining"]


def test_cell_of_an_unknown_field_or_year_is_refused(client, ki_staff, year2025):
    client.force_login(ki_staff)
    assert client.get(reverse("overview:cell", args=["unna", "gibt-es-nicht"])).status_code == 404
    assert client.get(reverse("overview:cell", args=["unna", "sprache"]), {"year": "1850"}).status_code == 400


# --- the comparison for municipal contacts ----------------------------------------------------


def test_contact_sees_own_row_next_to_the_district_average(client, contact_unna, year2025):
    client.force_login(contact_unna)
    response = client.get(reverse("overview:comparison", args=["unna"]), {"year": "2025"})
    assert response.status_code == 200
    rows = {row["key"]: (row["own"], row["average"]) for row in response.context["comparison"]["rows"]}
    # District 2025: 5 events, 15 dates, 2 measures, 200 participants, 7 offers in 3 municipalities.
    assert rows == {
        "events": (4, 1.7),
        "occurrences": (14, 5.0),
        "measures": (1, 0.7),
        "participants": (175, 66.7),
        "offers": (5, 2.3),
    }
    page = main_of(response.content.decode())
    assert "<h1>Unna im Kreisvergleich 2025</h1>" in page
    assert ">0,86<" in page and "0,43" in page and "66,7" in page
    assert "Unna: 58.000 Einwohner, Stand 2023, Quelle: IT.NRW." in page


def test_comparison_never_names_another_municipality(client, contact_unna, year2025):
    Event.objects.filter(pk=year2025.l2.pk).update(title="Geheimer Entwurf Lünen")
    client.force_login(contact_unna)
    response = client.get(reverse("overview:comparison", args=["unna"]), {"year": "2025"})
    page = main_of(response.content.decode())
    for secret in ("Lünen", "Bönen", "Geheimer Entwurf", "Frauenfrühstück", "Stadtteilmütter"):
        assert secret not in page
    assert set(response.context["comparison"]) == {
        "year", "period", "rows", "own_per_10k", "district_per_10k", "municipality_count", "population_years",
    }  # fmt: skip
    assert "figures" not in response.context


def test_comparison_rejects_a_nonsense_year(client, contact_unna, year2025):
    client.force_login(contact_unna)
    assert client.get(reverse("overview:comparison", args=["unna"]), {"year": "x"}).status_code == 400


def test_comparison_of_this_year_reuses_the_stored_figures(client, contact_unna, year2025, monkeypatch):
    dashboard_service.rebuild_dashboard_figures(district=year2025.district, year=timezone.localdate().year)
    from overview import selectors

    monkeypatch.setattr(selectors, "rebuild_dashboard_figures", lambda **kw: pytest.fail("recomputed"))
    client.force_login(contact_unna)
    assert client.get(reverse("overview:comparison", args=["unna"])).status_code == 200
    assert DashboardFigures.objects.get().computed_at <= timezone.now() + timedelta(seconds=1)
