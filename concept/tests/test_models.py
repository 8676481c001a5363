"""Invariants that belong to one row: constraints and clean()."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from concept.models import ConceptMeasure, ConceptVersion, Indicator, IndicatorValue, MunicipalityPosition

from .factories import (
    ConceptVersionFactory,
    GoalFactory,
    GoalIndicatorFactory,
    IndicatorFactory,
    IndicatorValueFactory,
)

pytestmark = pytest.mark.django_db


def test_percent_value_outside_0_to_100_is_refused_in_german(district, unna):
    value = IndicatorValue(
        indicator=IndicatorFactory(district=district), municipality=unna, year=2026, value=Decimal("101")
    )
    with pytest.raises(ValidationError) as error:
        value.full_clean()
    assert "zwischen 0 und 100" in str(error.value.message_dict["value"])


def test_negative_count_is_refused(district, unna):
    count = IndicatorFactory(district=district, unit="Personen", is_percent=False)
    value = IndicatorValue(indicator=count, municipality=unna, year=2026, value=Decimal("-3"))
    with pytest.raises(ValidationError) as error:
        value.full_clean()
    assert "nicht negativ" in str(error.value.message_dict["value"])


def test_portal_indicator_values_cannot_be_typed_in(district, unna):
    portal = IndicatorFactory(
        district=district,
        source=Indicator.Source.PORTAL,
        portal_key=Indicator.PortalKey.VOLUNTEERS_QUALIFIED,
        is_percent=False,
    )
    with pytest.raises(ValidationError) as error:
        IndicatorValue(indicator=portal, municipality=unna, year=2026, value=Decimal("3")).full_clean()
    assert "berechnet das Portal" in str(error.value)


def test_portal_key_only_on_portal_indicators_is_a_database_rule(district):
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorFactory(
            district=district, source=Indicator.Source.OFFICIAL, portal_key="volunteers_qualified"
        )


def test_one_value_per_municipality_and_year_and_one_for_the_district(district, unna):
    indicator = IndicatorFactory(district=district)
    IndicatorValueFactory(indicator=indicator, municipality=unna, year=2026)
    IndicatorValueFactory(indicator=indicator, municipality=None, year=2026)
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorValueFactory(indicator=indicator, municipality=unna, year=2026)
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorValueFactory(indicator=indicator, municipality=None, year=2026)


def test_target_year_before_baseline_is_refused(district):
    target = GoalIndicatorFactory.build(
        goal=GoalFactory(version=ConceptVersionFactory(concept__district=district)),
        indicator=IndicatorFactory(district=district),
        baseline_year=2028,
        target_year=2027,
    )
    with pytest.raises(ValidationError) as error:
        target.full_clean()
    assert "vor dem Ausgangsjahr" in str(error.value.message_dict["target_year"])
    with pytest.raises(IntegrityError), transaction.atomic():
        target.save()


def test_target_year_outside_the_period_is_refused(district):
    version = ConceptVersionFactory(concept__district=district, period_start=2026, period_end=2030)
    target = GoalIndicatorFactory.build(
        goal=GoalFactory(version=version), indicator=IndicatorFactory(district=district), target_year=2033
    )
    with pytest.raises(ValidationError) as error:
        target.full_clean()
    assert "Laufzeit 2026–2030" in str(error.value.message_dict["target_year"])


def test_only_one_adopted_version_per_concept(district):
    first = ConceptVersionFactory(concept__district=district, status="adopted", adopted_on="2026-10-01")
    with pytest.raises(IntegrityError), transaction.atomic():
        ConceptVersionFactory(concept=first.concept, status="adopted", adopted_on="2026-11-01")


def test_adopted_version_needs_its_date(district):
    with pytest.raises(IntegrityError), transaction.atomic():
        ConceptVersionFactory(concept__district=district, status=ConceptVersion.Status.ADOPTED)


def test_workflow_table_allows_only_forward_steps(district):
    draft = ConceptVersionFactory.build(status=ConceptVersion.Status.DRAFT)
    assert draft.may_become(ConceptVersion.Status.CONSULTATION)
    assert not draft.may_become(ConceptVersion.Status.SUPERSEDED)
    adopted = ConceptVersionFactory.build(status=ConceptVersion.Status.ADOPTED)
    assert adopted.is_frozen and not adopted.may_become(ConceptVersion.Status.DRAFT)


def test_municipal_measure_needs_its_municipality(district):
    goal = GoalFactory(version=ConceptVersionFactory(concept__district=district))
    measure = ConceptMeasure(goal=goal, title="Elterncafé", owner_kind=ConceptMeasure.OwnerKind.MUNICIPALITY)
    with pytest.raises(ValidationError) as error:
        measure.full_clean()
    assert "Kommune" in str(error.value.message_dict["owner_municipality"])
    with pytest.raises(IntegrityError), transaction.atomic():
        measure.save()


def test_objection_needs_reasons(district, unna):
    version = ConceptVersionFactory(concept__district=district)
    position = MunicipalityPosition(version=version, municipality=unna, position="objection")
    with pytest.raises(ValidationError):
        position.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        position.save()
