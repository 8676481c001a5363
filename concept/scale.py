"""Bulk concept data for ``seed_demo --scale N`` (used by ``make bench``, scenario ``goals_overview``).

Per district one concept version (a draft marked "Skalierung") with ``GOALS_PER_DISTRICT`` goals
spread over the district's fields of action, each with one indicator target and one measure; the
indicators (``OFFICIAL_INDICATORS`` official ones and one portal count per field) have values for
``YEARS`` years per municipality and for the district. Everything is written with
``bulk_create`` (the indicator values with ``COPY``), one transaction per district; a district that has its scale version is skipped.
"""

from __future__ import annotations

import random
from decimal import Decimal

from django.db import transaction

from municipalities.bulkload import copy_insert
from municipalities.models import District, FieldOfAction, Municipality
from municipalities.scale import MAX_SCALE, scaled_districts

from .models import (
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

GOALS_PER_DISTRICT = 40
OFFICIAL_INDICATORS = 20
PORTAL_INDICATORS = 2
YEARS = 10
SCALE_MARK = "(Skalierung)"
PILLARS = ("Integration durch Bildung", "Integration als Querschnittsaufgabe")
GOAL_STEMS = (
    "Mehr Kinder mit Sprachförderung vor der Einschulung",
    "Weniger Schulabgänge ohne Abschluss",
    "Mehr Einbürgerungen",
    "Schnellere Anerkennung ausländischer Abschlüsse",
    "Mehr Teilnahme an Integrationskursen",
    "Mehr Ehrenamtliche mit Einwanderungsgeschichte",
    "Weniger Langzeitbezug von Leistungen nach dem SGB II",
    "Mehr Vereinsmitgliedschaften von Neuzugewanderten",
)


def scale_version_title(district: District) -> str:
    return f"Integrationskonzept {district.name} {SCALE_MARK}"


def scale_version_of(district: District) -> ConceptVersion | None:
    return ConceptVersion.objects.filter(
        concept__district=district, title=scale_version_title(district)
    ).first()


def _indicators(district: District, fields: list[FieldOfAction]) -> list[Indicator]:
    rows = [
        Indicator(
            district=district,
            name=f"Kennzahl {number:02d} (Skalierung)",
            slug=f"skalierung-{number:02d}",
            unit="%",
            is_percent=True,
            source=Indicator.Source.OFFICIAL,
            source_name="IT.NRW (Demodaten)",
            position=100 + number,
        )
        for number in range(1, OFFICIAL_INDICATORS + 1)
    ]
    rows += [
        Indicator(
            district=district,
            name=f"Angebote je 10.000 Einwohner*innen: {item.name} (Skalierung)",
            slug=f"skalierung-angebote-{item.slug}"[:80],
            unit="je 10.000",
            source=Indicator.Source.PORTAL,
            portal_key=Indicator.PortalKey.OFFERS_PER_10000,
            field_of_action=item,
            position=200 + number,
        )
        for number, item in enumerate(fields[:PORTAL_INDICATORS])
    ]
    existing = {
        i.slug: i for i in Indicator.objects.filter(district=district, slug__startswith="skalierung-")
    }
    Indicator.objects.bulk_create([row for row in rows if row.slug not in existing])
    # The portal's counts first, so that even a small run has goals on both kinds of indicator.
    return list(
        Indicator.objects.filter(district=district, slug__startswith="skalierung-").order_by(
            "-source", "position"
        )
    )


def _values(indicators: list[Indicator], municipalities: list[int | None], years: list[int], rng) -> int:
    official = [indicator for indicator in indicators if not indicator.is_portal]
    if IndicatorValue.objects.filter(indicator__in=official).exists():
        return 0
    rows = []
    for indicator in official:
        base = rng.uniform(10, 60)
        for municipality_id in municipalities:
            level = base * rng.uniform(0.7, 1.3)
            step = rng.uniform(-1.5, 1.5)
            for offset, year in enumerate(years):
                value = min(100, max(0, level + step * offset + rng.uniform(-1, 1)))
                rows.append(
                    IndicatorValue(
                        indicator=indicator,
                        municipality_id=municipality_id,
                        year=year,
                        value=Decimal(f"{value:.2f}"),
                        source="Skalierungsdaten",
                        is_demo=True,
                    )
                )
    copy_insert(rows, model=IndicatorValue)
    return len(rows)


def _seed_district(district: District, year: int) -> tuple[int, int]:
    if scale_version_of(district) is not None:
        return 0, 0
    rng = random.Random(f"concept-{district.ags_prefix}")  # noqa: S311 - deterministic demo data
    fields = list(FieldOfAction.objects.filter(district=district, is_active=True).order_by("position", "pk"))
    if not fields:
        return 0, 0
    first = year - YEARS + 1
    years = list(range(first, year + 1))
    indicators = _indicators(district, fields)
    concept, _created = Concept.objects.get_or_create(district=district)
    number = (concept.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = ConceptVersion.objects.create(
        concept=concept,
        number=number,
        title=scale_version_title(district),
        period_start=first,
        period_end=year + 2,
        leitbild="Teilhabe für alle, die im Kreis leben (Skalierungsdaten).",
    )
    pillars = Pillar.objects.bulk_create(
        [Pillar(version=version, title=title, order=order) for order, title in enumerate(PILLARS)]
    )
    PillarField.objects.bulk_create(
        [
            PillarField(
                version=version,
                pillar=pillars[index % 2],
                field_of_action=item,
                order=index,
                situation=f"Ausgangslage im Handlungsfeld {item.name} (Skalierungsdaten).",
            )
            for index, item in enumerate(fields)
        ]
    )
    goals = Goal.objects.bulk_create(
        [
            Goal(
                version=version,
                field_of_action=fields[index % len(fields)],
                title=f"{GOAL_STEMS[index % len(GOAL_STEMS)]} ({index + 1})",
                kind=Goal.Kind.IMPACT if index % 3 else Goal.Kind.ACTION,
                priority=1 + index % 3,
                responsible="Kommunales Integrationszentrum",
                order=index,
            )
            for index in range(GOALS_PER_DISTRICT)
        ]
    )
    GoalIndicator.objects.bulk_create(
        [
            GoalIndicator(
                goal=goal,
                indicator=indicators[index % len(indicators)],
                baseline_year=first if not indicators[index % len(indicators)].is_portal else None,
                baseline_value=Decimal(rng.randrange(10, 60)) if not indicators[index % len(indicators)].is_portal else None,
                target_year=year + 2,
                target_value=Decimal(rng.randrange(10, 80)),
                direction=GoalIndicator.Direction.HIGHER if index % 2 else GoalIndicator.Direction.LOWER,
            )
            for index, goal in enumerate(goals)
        ]
    )  # fmt: skip
    municipalities = list(
        Municipality.objects.filter(district=district).order_by("ags").values_list("pk", flat=True)
    )
    statuses = list(ConceptMeasure.Status.values)
    ConceptMeasure.objects.bulk_create(
        [
            ConceptMeasure(
                goal=goal,
                title=f"Maßnahme zu Ziel {index + 1}",
                owner_kind=ConceptMeasure.OwnerKind.MUNICIPALITY if municipalities else ConceptMeasure.OwnerKind.KI,
                owner_municipality_id=municipalities[index % len(municipalities)] if municipalities else None,
                status=statuses[index % len(statuses)],
            )
            for index, goal in enumerate(goals)
        ]
    )  # fmt: skip
    values = _values(indicators, [*municipalities, None], years, rng)
    return len(goals), values


def seed_scale(*, scale: int, year: int, stdout=None) -> None:
    if not 1 <= scale <= MAX_SCALE:
        raise ValueError(f"--scale must be between 1 and {MAX_SCALE}")
    goals = values = 0
    for district in scaled_districts(scale):
        with transaction.atomic():
            new_goals, new_values = _seed_district(district, year)
        goals += new_goals
        values += new_values
    if stdout:
        stdout.write(f"  {goals} Ziele und {values} Kennzahlwerte neu angelegt")
