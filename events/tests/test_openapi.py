"""The OpenAPI description of the public API is valid and matches what the API really answers."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from jsonschema import Draft202012Validator, FormatChecker
from openapi_spec_validator import validate

from events.filters import PARAMETERS
from events.models import Event
from events.tests.factories import berlin, make_event
from municipalities.models import FieldOfAction, Language, TargetGroup


@pytest.fixture
def document(client, db):
    response = client.get(reverse("events:api_openapi"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Access-Control-Allow-Origin"] == "*"
    return json.loads(response.content)


def validator(document: dict, schema_name: str) -> Draft202012Validator:
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": document["components"]}
    return Draft202012Validator(schema, format_checker=FormatChecker())


@pytest.fixture
def example_event(ki_staff, unna, district):
    """One published event that every documented example value finds."""
    return make_event(
        by=ki_staff,
        municipality=unna,
        title="Internationales Sprachcafé für Familien",
        start=berlin(2026, 3, 14, 18),
        location_name="Stadtbibliothek",
        town="Unna",
        fields_of_action=[FieldOfAction.objects.create(district=district, name="Sprache & Bildung", slug="sprache-bildung")],
        target_groups=[TargetGroup.objects.create(district=district, name="Familien", slug="familien")],
        languages=[Language.objects.get_or_create(code="ar", defaults={"name": "Arabisch"})[0]],
        status=Event.Status.APPROVED,
    )  # fmt: skip


def test_document_is_valid_openapi_3_1(document):
    validate(document)
    assert document["openapi"].startswith("3.1")
    assert document["info"]["license"]["identifier"] == "DL-DE-BY-2.0"


def test_every_parameter_the_api_reads_is_documented(document):
    documented = [p["name"] for p in document["paths"]["/api/events/"]["get"]["parameters"]]

    assert sorted(documented) == sorted([*PARAMETERS, "lang", "page"])


def test_example_of_every_documented_parameter_gives_a_conforming_answer(client, document, example_event):
    list_validator = validator(document, "OccurrenceList")
    for parameter in document["paths"]["/api/events/"]["get"]["parameters"]:
        params = {parameter["name"]: parameter["example"]}
        if parameter["name"] != "start":
            params.setdefault("start", "2026-03-01")
        response = client.get(reverse("events:api_events"), params)

        assert response.status_code == 200, (parameter["name"], response.content)
        body = json.loads(response.content)
        errors = [error.message for error in list_validator.iter_errors(body)]
        assert errors == [], (parameter["name"], errors)
        assert [r["event_id"] for r in body["results"]] == [example_event.pk], parameter["name"]


@pytest.mark.parametrize(
    "params",
    [
        {"start": "14.03.2026"},
        {"end": "morgen"},
        {"municipality": "atlantis"},
        {"field_of_action": "nichts"},
        {"target_group": "nichts"},
        {"language": "xx"},
        {"q": "a" * 201},
        {"page": "zwei"},
        {"lang": "xx"},
        {"lang": "de-DE"},
    ],
)
def test_bad_values_answer_with_the_documented_error_shape(client, document, params):
    response = client.get(reverse("events:api_events"), params)

    assert response.status_code == 400
    assert "400" in document["paths"]["/api/events/"]["get"]["responses"]
    body = json.loads(response.content)
    assert [e.message for e in validator(document, "Error").iter_errors(body)] == []
    assert body["error"]["parameter"] == next(iter(params))


def test_a_changed_answer_would_break_the_schema(document, example_event, client):
    """The schemas are strict: an unknown or missing field is reported (so the test above can fail)."""
    body = json.loads(client.get(reverse("events:api_events"), {"start": "2026-03-01"}).content)
    body["results"][0]["surprise"] = 1
    del body["results"][0]["title"]

    messages = [error.message for error in validator(document, "OccurrenceList").iter_errors(body)]

    assert any("surprise" in message for message in messages)
    assert any("title" in message for message in messages)


def test_server_address_is_the_configured_site(document, settings):
    assert document["servers"] == [{"url": settings.SITE_URL}]


def test_people_read_the_api_description_in_german(client, document):
    response = client.get(reverse("events:api_docs"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Schnittstelle für andere Websites" in page
    for parameter in document["paths"]["/api/events/"]["get"]["parameters"]:
        assert f"<code>{parameter['name']}</code>" in page
    assert reverse("events:api_openapi") in page
