"""ICS feeds filtered by category (as the Integreat app subscribes to them), with CATEGORIES."""

from __future__ import annotations

import icalendar
import pytest
from django.urls import reverse

from events.models import Event
from events.tests.public_helpers import MARCH, at, make_event
from municipalities.models import FieldOfAction, Language, TargetGroup
from municipalities.tests.factories import DistrictFactory


@pytest.fixture
def tagged(ki_staff, unna, luenen, district):
    sprache = FieldOfAction.objects.create(
        district=district, name="Sprache & Bildung", slug="sprache-bildung"
    )
    sport = FieldOfAction.objects.create(district=district, name="Sport", slug="sport")
    frauen = TargetGroup.objects.create(district=district, name="Frauen", slug="frauen")
    jugend = TargetGroup.objects.create(district=district, name="Jugendliche", slug="jugend")
    ar = Language.objects.get_or_create(code="ar", defaults={"name": "Arabisch"})[0]
    uk = Language.objects.get_or_create(code="uk", defaults={"name": "Ukrainisch"})[0]
    approved = Event.Status.APPROVED
    make_event(by=ki_staff, municipality=unna, title="Sprachcafé", start=at(MARCH), status=approved,
               fields_of_action=[sprache], target_groups=[frauen], languages=[ar])  # fmt: skip
    make_event(by=ki_staff, municipality=unna, title="Fußball", start=at(MARCH), status=approved,
               fields_of_action=[sport], target_groups=[jugend], languages=[uk])  # fmt: skip
    make_event(by=ki_staff, municipality=luenen, title="Schwimmen für Frauen", start=at(MARCH),
               status=approved, fields_of_action=[sport], target_groups=[frauen])  # fmt: skip
    make_event(by=ki_staff, municipality=unna, title="Entwurf Sprachkurs", start=at(MARCH), status=Event.Status.DRAFT,
               fields_of_action=[sprache])  # fmt: skip


def titles(response) -> set[str]:
    assert response.status_code == 200, response.content
    calendar = icalendar.Calendar.from_ical(response.content)
    return {str(vevent["SUMMARY"]) for vevent in calendar.walk("VEVENT")}


DISTRICT = reverse("events:feed_district")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"Sprachcafé", "Fußball", "Schwimmen für Frauen"}),
        ("?field_of_action=sport", {"Fußball", "Schwimmen für Frauen"}),
        ("?field_of_action=SPORT", {"Fußball", "Schwimmen für Frauen"}),
        ("?field_of_action=sport,sprache-bildung", {"Sprachcafé", "Fußball", "Schwimmen für Frauen"}),
        ("?target_group=frauen", {"Sprachcafé", "Schwimmen für Frauen"}),
        ("?target_group=frauen&field_of_action=sport", {"Schwimmen für Frauen"}),
        ("?language=ar&language=uk", {"Sprachcafé", "Fußball"}),
        ("?language=AR", {"Sprachcafé"}),
    ],
)
def test_district_feed_filters_by_category(client, tagged, query, expected):
    assert titles(client.get(DISTRICT + query)) == expected


def test_municipality_feed_by_ags_and_filtered(client, tagged):
    url = reverse("events:feed_municipality", kwargs={"slug": "05978036"})

    assert titles(client.get(url)) == {"Sprachcafé", "Fußball"}
    assert titles(client.get(url + "?target_group=jugend")) == {"Fußball"}
    assert titles(client.get(reverse("events:feed_municipality", kwargs={"slug": "unna"}))) == {
        "Sprachcafé",
        "Fußball",
    }


def test_categories_carry_fields_of_action_and_target_groups(client, tagged):
    calendar = icalendar.Calendar.from_ical(client.get(DISTRICT).content)
    vevent = {str(v["SUMMARY"]): v for v in calendar.walk("VEVENT")}["Sprachcafé"]

    categories = [str(c) for c in vevent["CATEGORIES"].cats]
    assert "Sprache & Bildung" in categories
    assert "Frauen" in categories
    assert "Unna" in categories


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("?field_of_action=gibtsnicht", "field_of_action"),
        ("?target_group=sport", "target_group"),  # a field of action is no target group
        ("?language=xx", "language"),
        ("?language=" + ",".join(f"l{n}" for n in range(21)), "language"),
    ],
)
def test_unknown_filter_values_answer_400_in_plain_text(client, tagged, query, parameter):
    response = client.get(DISTRICT + query)

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode().startswith(f"{parameter}: ")


def test_slugs_of_another_district_are_unknown(client, tagged):
    other = DistrictFactory(name="Kreis Soest", slug="kreis-soest", ags_prefix="05974")
    FieldOfAction.objects.create(district=other, name="Wohnen", slug="wohnen")

    assert client.get(DISTRICT + "?field_of_action=wohnen").status_code == 400
