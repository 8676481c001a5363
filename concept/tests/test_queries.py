"""Zielübersicht and Kommune im Blick use a fixed number of queries, whatever the data size."""

from decimal import Decimal

import pytest
from django.urls import reverse

from concept.models import Indicator, IndicatorValue
from municipalities.tests.factories import MunicipalityFactory

from .factories import (
    ConceptMeasureFactory,
    ConceptVersionFactory,
    GoalFactory,
    GoalIndicatorFactory,
    IndicatorFactory,
    field_of_action,
)

pytestmark = pytest.mark.django_db

# Session, user, roles, 2FA device, page data: the same at every size.
OVERVIEW_QUERIES = 15
FOCUS_QUERIES = 16


def build(district, unna, *, goals: int, municipalities: int, years: int):
    version = ConceptVersionFactory(concept__district=district, period_start=2020, period_end=2030)
    places = [unna] + [
        MunicipalityFactory(district=district, name=f"Gemeinde {n}", ags=f"059781{n:02d}")
        for n in range(municipalities - 1)
    ]
    sprache = field_of_action(district)
    portal = [
        IndicatorFactory(
            district=district,
            source="portal",
            portal_key="offers_per_10000",
            field_of_action=sprache,
            is_percent=False,
        ),
        IndicatorFactory(
            district=district, source="portal", portal_key="volunteers_qualified", is_percent=False
        ),
    ]
    for n in range(goals):
        goal = GoalFactory(version=version, field_of_action=field_of_action(district, f"Feld {n % 3}"))
        official = GoalIndicatorFactory(goal=goal, baseline_year=2020, target_year=2030).indicator
        GoalIndicatorFactory(goal=goal, indicator=portal[n % 2], baseline_year=2020, target_year=2030)
        ConceptMeasureFactory(
            goal=goal, owner_kind="municipality", owner_municipality=places[n % len(places)]
        )
        IndicatorValue.objects.bulk_create(
            IndicatorValue(indicator=official, municipality=place, year=2020 + y, value=Decimal(10 + y))
            for place in [*places, None]
            for y in range(years)
        )
    assert Indicator.objects.filter(source="portal").count() == 2
    return version


@pytest.mark.parametrize(("goals", "municipalities", "years"), [(2, 2, 2), (12, 6, 6)])
def test_goal_overview_query_count_is_constant(
    client, ki_staff, district, unna, django_assert_max_num_queries, goals, municipalities, years
):
    version = build(district, unna, goals=goals, municipalities=municipalities, years=years)
    client.force_login(ki_staff)
    url = reverse("concept:goal_overview", args=[version.pk])
    with django_assert_max_num_queries(OVERVIEW_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('class="concept-status ') >= goals * 2
    with django_assert_max_num_queries(OVERVIEW_QUERIES + 1):  # + the chosen municipality
        assert client.get(url, {"municipality": unna.pk}).status_code == 200


@pytest.mark.parametrize(("goals", "municipalities", "years"), [(2, 2, 2), (12, 6, 6)])
def test_municipality_focus_query_count_is_constant(
    client, ki_staff, district, unna, django_assert_max_num_queries, goals, municipalities, years
):
    version = build(district, unna, goals=goals, municipalities=municipalities, years=years)
    client.force_login(ki_staff)
    with django_assert_max_num_queries(FOCUS_QUERIES):
        response = client.get(reverse("concept:municipality_focus", args=[version.pk, unna.slug]))
    assert response.status_code == 200
    assert response.content.decode().count("<tr>") >= goals * 2
