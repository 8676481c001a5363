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
