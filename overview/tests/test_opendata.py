"""Open data: a DCAT-AP.de catalogue (checked with rdflib) and its non-personal datasets."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF

from events.models import Event
from events.tests.factories import berlin, make_event
from municipalities.models import FieldOfAction, Measure
from municipalities.services import save_measure

DCATDE = Namespace("http://dcat-ap.de/def/dcatde/")
LICENCE = URIRef("http://dcat-ap.de/def/licenses/dl-by-de/2.0")
YEAR = 2026


@pytest.fixture
def data(ki_staff, unna, luenen, district):
    sprache = FieldOfAction.objects.create(district=district, name="Sprache & Bildung", slug="sprache")
    FieldOfAction.objects.create(district=district, name="Sport", slug="sport")
    public = [
        make_event(
            by=ki_staff,
            municipality=unna,
            title=f"Sprachcafé {n}",
            start=berlin(YEAR, 3, 10 + n, 18),
            fields_of_action=[sprache],
            status=Event.Status.APPROVED,
            public_contact="Ayşe Demir, 0172 1234567",
        )
        for n in range(2)
    ]
    make_event(
        by=ki_staff, municipality=unna, title="Entwurf – geheim", start=berlin(YEAR, 3, 20, 18),
        fields_of_action=[sprache],
    )  # fmt: skip
    make_event(
        by=ki_staff, municipality=luenen, title="Rückblick", start=berlin(YEAR - 1, 5, 2, 18),
        status=Event.Status.CANCELLED,
    )  # fmt: skip
    save_measure(
        by=ki_staff,
        measure=Measure(
            municipality=luenen, title="Lernpatenschaften", status=Measure.Status.RUNNING,
            starts_on=date(YEAR, 1, 1),
        ),
        fields_of_action=[sprache],
    )  # fmt: skip
    return public


def catalogue_graph(client) -> Graph:
    response = client.get(reverse("overview:opendata_catalogue"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    return Graph().parse(data=response.content.decode(), format="json-ld")


def get_local(client, url: str):
    parts = urlsplit(str(url))
    return client.get(parts.path + (f"?{parts.query}" if parts.query else ""))


def test_catalogue_has_the_mandatory_dcat_ap_de_properties(client, data, district):
    graph = catalogue_graph(client)

    [catalog] = graph.subjects(RDF.type, DCAT.Catalog)
    for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.publisher):
        assert graph.value(catalog, prop) is not None, prop
    datasets = list(graph.objects(catalog, DCAT.dataset))
    # two years with public dates (the cancelled one last year counts), two datasets each
    assert len(datasets) == 4
    for dataset in datasets:
        assert (dataset, RDF.type, DCAT.Dataset) in graph
        for prop in (
            DCTERMS.title, DCTERMS.description, DCTERMS.publisher, DCATDE.contributorID, DCTERMS.temporal,
            DCTERMS.spatial, DCTERMS.modified, DCAT.contactPoint, DCATDE.politicalGeocodingURI,
        ):  # fmt: skip
            assert graph.value(dataset, prop) is not None, (dataset, prop)
        assert str(graph.value(dataset, DCATDE.politicalGeocodingURI)).endswith(
            f"/districtKey/{district.ags_prefix}"
        )
        distributions = list(graph.objects(dataset, DCAT.distribution))
        assert distributions
        for distribution in distributions:
            assert graph.value(distribution, DCAT.accessURL) is not None
            assert graph.value(distribution, DCTERMS.license) == LICENCE
            assert graph.value(distribution, DCATDE.licenseAttributionByText) is not None


def test_every_download_url_of_the_catalogue_answers(client, data):
    graph = catalogue_graph(client)
    urls = set(graph.objects(None, DCAT.downloadURL))

    assert len(urls) == 6  # per year: events CSV and JSON, offers CSV
    for url in urls:
        response = get_local(client, url)
        assert response.status_code == 200, url
        assert response["Access-Control-Allow-Origin"] == "*"


def events_csv(client, year=YEAR) -> tuple[str, list[dict]]:
    response = client.get(reverse("overview:opendata_events", kwargs={"year": year, "fmt": "csv"}))
    assert response.status_code == 200
    text = response.content.decode("utf-8")
    return text, list(csv.DictReader(io.StringIO(text)))


def test_events_dataset_lists_public_dates_only_and_keeps_the_ags_as_text(client, data):
    text, rows = events_csv(client)

    assert [row["titel"] for row in rows] == ["Sprachcafé 0", "Sprachcafé 1"]
    assert '"05978036"' in text  # quoted: spreadsheets keep the leading zero
    assert rows[0]["ags"] == "05978036"
    assert rows[0]["beginn"] == f"{YEAR}-03-10T18:00:00+01:00"
    assert rows[0]["handlungsfelder"] == "sprache"
    assert "geheim" not in text


def test_datasets_contain_no_personal_data(client, data):
    text, _rows = events_csv(client)
    json_text = client.get(
        reverse("overview:opendata_events", kwargs={"year": YEAR, "fmt": "json"})
    ).content.decode()
    catalogue = client.get(reverse("overview:opendata_catalogue")).content.decode()

    for body in (text, json_text, catalogue):
        assert "Ayşe" not in body
        assert "0172" not in body
        assert "ki-test@example.org" not in body


def test_events_json_matches_the_csv(client, data):
    _text, rows = events_csv(client)
    records = json.loads(
        client.get(reverse("overview:opendata_events", kwargs={"year": YEAR, "fmt": "json"})).content
    )

    assert [r["termin_id"] for r in records] == [int(row["termin_id"]) for row in rows]
    assert records[0]["ags"] == "05978036"


def test_offers_dataset_counts_per_municipality_and_field(client, data):
    response = client.get(reverse("overview:opendata_offers", kwargs={"year": YEAR, "fmt": "csv"}))
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    cells = {(row["kommune"], row["handlungsfeld"]): row for row in rows}

    assert cells[("Unna", "Sprache & Bildung")]["veranstaltungen"] == "2"
    assert cells[("Unna", "Sprache & Bildung")]["angebote"] == "2"
    assert cells[("Lünen", "Sprache & Bildung")]["massnahmen"] == "1"
    assert cells[("Lünen", "Sport")]["angebote"] == "0"
    assert cells[("Lünen", "Sport")]["ags"] == "05978024"


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("overview:opendata_events", {"year": 1999, "fmt": "csv"}),
        ("overview:opendata_events", {"year": YEAR, "fmt": "xlsx"}),
        ("overview:opendata_offers", {"year": YEAR, "fmt": "json"}),
    ],
)
def test_unknown_years_and_formats_are_not_found(client, data, name, kwargs):
    assert client.get(reverse(name, kwargs=kwargs)).status_code == 404


def test_people_find_every_dataset_with_its_downloads_and_licence(client, data):
    response = client.get(reverse("overview:opendata"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Datenlizenz Deutschland – Namensnennung – Version 2.0" in page
    assert reverse("overview:opendata_catalogue") in page
    for year in (YEAR - 1, YEAR):
        assert reverse("overview:opendata_events", kwargs={"year": year, "fmt": "csv"}) in page
        assert reverse("overview:opendata_offers", kwargs={"year": year, "fmt": "csv"}) in page


# The adopted Integrationskonzept's indicators


@pytest.fixture
def adopted_concept(district, unna):
    from decimal import Decimal

    from concept.models import ConceptVersion, IndicatorValue
    from concept.tests.factories import (
        ConceptVersionFactory,
        GoalIndicatorFactory,
        IndicatorFactory,
        field_of_action,
    )

    version = ConceptVersionFactory(
        concept__district=district,
        status=ConceptVersion.Status.ADOPTED,
        adopted_on=date(2025, 12, 1),
        title="Integrationskonzept 2026–2030",
    )
    arbeit = field_of_action(district, "Arbeit & Beruf")
    share = GoalIndicatorFactory(
        goal__version=version,
        goal__field_of_action=arbeit,
        goal__title="Mehr Neuzugewanderte in Ausbildung",
        indicator=IndicatorFactory(district=district, name="Ausbildungsquote Neuzugewanderter", unit="%"),
    )
    GoalIndicatorFactory(
        goal=share.goal,
        indicator=IndicatorFactory(
            district=district, name="Ehrenamtliche Sprachmittler*innen", unit="Personen"
        ),
        baseline_value=Decimal("40"),
        target_value=Decimal("60"),
    )
    for year, value in ((2025, "10.0"), (2026, "11.5")):
        IndicatorValue.objects.create(
            indicator=share.indicator, year=year, value=Decimal(value), source="IT.NRW"
        )
    # a municipality's own value is not part of the district-wide public figures
    IndicatorValue.objects.create(
        indicator=share.indicator, municipality=unna, year=2026, value=Decimal("99")
    )
    return version


def indicator_rows(client) -> list[dict]:
    response = client.get(reverse("overview:opendata_indicators"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_catalogue_lists_the_adopted_concepts_indicators_with_mandatory_properties(
    client, data, adopted_concept
):
    graph = catalogue_graph(client)
    [catalog] = graph.subjects(RDF.type, DCAT.Catalog)
    [dataset] = [d for d in graph.objects(catalog, DCAT.dataset) if str(d).endswith("#indicators-2026")]
    for prop in (
        DCTERMS.title, DCTERMS.description, DCTERMS.publisher, DCATDE.contributorID, DCTERMS.temporal,
        DCTERMS.spatial, DCTERMS.modified, DCAT.contactPoint, DCATDE.politicalGeocodingURI,
    ):  # fmt: skip
        assert graph.value(dataset, prop) is not None, prop
    assert "2026–2030" in str(graph.value(dataset, DCTERMS.title))
    temporal = graph.value(dataset, DCTERMS.temporal)
    assert str(graph.value(temporal, DCAT.endDate)) == "2030-12-31"
    [distribution] = graph.objects(dataset, DCAT.distribution)
    assert graph.value(distribution, DCTERMS.license) == LICENCE
    url = graph.value(distribution, DCAT.downloadURL)
    assert str(url).endswith(reverse("overview:opendata_indicators"))
    assert get_local(client, url).status_code == 200


def test_indicator_dataset_has_baseline_target_and_district_values_per_year(
    client, adopted_concept, district
):
    rows = indicator_rows(client)
    share = [row for row in rows if row["kennzahl"] == "Ausbildungsquote Neuzugewanderter"]
    assert [(row["jahr"], row["wert"]) for row in share] == [("2025", "10"), ("2026", "11.5")]
    first = share[0]
    assert first["konzept"] == "Integrationskonzept 2026–2030"
    assert first["handlungsfeld"] == "Arbeit & Beruf"
    assert first["ziel"] == "Mehr Neuzugewanderte in Ausbildung"
    assert (first["ausgangsjahr"], first["ausgangswert"], first["zieljahr"], first["zielwert"]) == (
        "2025",
        "10",
        "2030",
        "15",
    )
    assert first["ags"] == district.ags_prefix
    assert "99" not in {row["wert"] for row in rows}  # Unna's own value stays out
    # an indicator without stored values still appears with its baseline and target
    [mediators] = [row for row in rows if row["kennzahl"] == "Ehrenamtliche Sprachmittler*innen"]
    assert (mediators["jahr"], mediators["wert"], mediators["zielwert"]) == ("", "", "60")


def test_indicator_dataset_quotes_the_ags_so_spreadsheets_keep_it_as_text(client, adopted_concept, district):
    body = client.get(reverse("overview:opendata_indicators")).content.decode()
    assert f'"{district.ags_prefix}"' in body
    assert ",11.5," in body  # numbers stay numbers


def test_indicator_dataset_needs_an_adopted_concept(client, data):
    assert client.get(reverse("overview:opendata_indicators")).status_code == 404
    graph = catalogue_graph(client)
    assert not [d for d in graph.subjects(RDF.type, DCAT.Dataset) if "#indicators-" in str(d)]
