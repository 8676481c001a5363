"""Factories for the concept: a version with its fields, goals, indicators and values."""

from __future__ import annotations

from decimal import Decimal

import factory
from django.utils.text import slugify

from concept.models import (
    Concept,
    ConceptMeasure,
    ConceptVersion,
    Goal,
    GoalIndicator,
    Indicator,
    IndicatorValue,
    Pillar,
    PillarField,
)
from municipalities.models import FieldOfAction
from municipalities.tests.factories import DistrictFactory


def field_of_action(district, name: str = "Sprache & Bildung") -> FieldOfAction:
    field, _ = FieldOfAction.objects.get_or_create(
        district=district, name=name, defaults={"slug": slugify(name)}
    )
    return field


class ConceptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Concept
        django_get_or_create = ["district"]

    district = factory.SubFactory(DistrictFactory)


class ConceptVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConceptVersion

    concept = factory.SubFactory(ConceptFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.LazyAttribute(lambda o: f"Integrationskonzept {o.concept.district.name}")
    period_start = 2026
    period_end = 2030
    leitbild = "Vielfalt ist unsere Stärke – Teilhabe für alle, die im Kreis leben."


class PillarFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pillar

    version = factory.SubFactory(ConceptVersionFactory)
    title = "Integration durch Bildung"


class PillarFieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PillarField

    pillar = factory.SubFactory(PillarFactory)
    version = factory.LazyAttribute(lambda o: o.pillar.version)
    field_of_action = factory.LazyAttribute(lambda o: field_of_action(o.version.concept.district))


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    version = factory.SubFactory(ConceptVersionFactory)
    field_of_action = factory.LazyAttribute(lambda o: field_of_action(o.version.concept.district))
    title = factory.Sequence(lambda n: f"Mehr Kinder mit Deutschförderung vor der Einschulung ({n})")
    responsible = "Kommunales Integrationszentrum"


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"Anteil ausländischer Staatsangehöriger {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    unit = "%"
    is_percent = True
    source_name = "IT.NRW"


class GoalIndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GoalIndicator

    goal = factory.SubFactory(GoalFactory)
    indicator = factory.LazyAttribute(lambda o: IndicatorFactory(district=o.goal.version.concept.district))
    baseline_value = Decimal("10")
    baseline_year = 2025
    target_value = Decimal("15")
    target_year = 2030


class IndicatorValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndicatorValue

    indicator = factory.SubFactory(IndicatorFactory)
    year = 2026
    value = Decimal("12.5")
    source = "IT.NRW, Stand 31.12.2026"


class ConceptMeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConceptMeasure

    goal = factory.SubFactory(GoalFactory)
    title = factory.Sequence(lambda n: f"Sprachcafé für Eltern {n}")
