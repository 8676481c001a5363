"""Demo concept for the Kreis Unna (``manage.py seed_demo``): idempotent.

Two pillars, twelve fields of action, fourteen goals with targets, a lean starter set of
indicators (official sources named, plus the portal's own counts) and five years of demo values
that differ by municipality. The version is open for consultation: some municipalities have read
it, commented (with the KI's answers) and declared their position.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from municipalities.models import District, FieldOfAction, Municipality

from .models import (
    CommentAnswer,
    Concept,
    ConceptMeasure,
    ConceptVersion,
    ConsultationComment,
    Goal,
    GoalIndicator,
    Indicator,
    IndicatorValue,
    MunicipalityPosition,
    Pillar,
    PillarField,
    ReadReceipt,
)

# municipality → (position, reasons); the others have not declared yet.
POSITIONS = {
    "unna": (MunicipalityPosition.Position.AGREED, ""),
    "kamen": (MunicipalityPosition.Position.AGREED, ""),
    "luenen": (
        MunicipalityPosition.Position.AGREED_WITH_REMARKS,
        "Einvernehmen; die Kita-Ziele sind für Lünen nur mit den geplanten zusätzlichen Plätzen erreichbar.",
    ),
    "schwerte": (
        MunicipalityPosition.Position.OBJECTION,
        "Der Zielwert für Einbürgerungen ist ohne zusätzliches Personal im Bürgerbüro nicht erreichbar.",
    ),
}
# municipality → comments (on the goal with this title start, or the draft as a whole), each with the KI's answer or not
COMMENTS = {
    "luenen": [
        (
            "Alle Kinder mit anderer Familiensprache",
            "Bitte weisen Sie den Zielwert für Lünen getrennt aus; unsere Ausgangslage ist eine andere.",
            "Gern – die Zielübersicht zeigt jede Kommune mit ihrem eigenen Ausgangswert.",
        ),
    ],
    "schwerte": [
        ("", "Wer trägt die Kosten der zusätzlichen Beratungsstunden?", ""),
    ],
    "bergkamen": [
        (
            "",
            "Wir bitten um ein Beratungsgespräch vor der Stellungnahme.",
            "Ein Termin ist für die kommende Woche vereinbart.",
        ),
    ],
}

VALUE_YEARS = range(2021, 2026)

# slug, name, unit, source name, level, is_percent, reference population, definition, (base, yearly change)
OFFICIAL = [
    ("auslaenderanteil", "Anteil ausländischer Staatsangehöriger", "%", "IT.NRW / Einwohnermelderegister der Kommunen",
     "municipality", True, "Einwohner*innen", "Ausländische Staatsangehörige je 100 Einwohner*innen am 31.12.", (11.0, 0.5)),
    ("einbuergerungen", "Einbürgerungen je 1.000 Ausländer*innen", "je 1.000", "IT.NRW", "district", False,
     "je 1.000 ausländische Einwohner*innen", "Einbürgerungen im Jahr je 1.000 Ausländer*innen.", (9.0, 0.6)),
    ("sgb2-auslaender", "SGB-II-Quote Ausländer*innen", "%", "Bundesagentur für Arbeit", "district", True,
     "ausländische Bevölkerung unter 65 Jahren", "Leistungsberechtigte nach SGB II je 100 Ausländer*innen unter 65.", (24.0, -0.8)),
    ("sgb2-deutsche", "SGB-II-Quote Deutsche", "%", "Bundesagentur für Arbeit", "district", True,
     "deutsche Bevölkerung unter 65 Jahren", "Leistungsberechtigte nach SGB II je 100 Deutsche unter 65.", (7.5, -0.2)),
    ("schulabgang-ohne-abschluss", "Schulabgänger*innen ohne Abschluss (ausländisch)", "%", "IT.NRW, Schulstatistik",
     "municipality", True, "ausländische Schulabgänger*innen",
     "Anteil ohne Hauptschulabschluss an allen ausländischen Schulabgänger*innen.", (14.0, -0.7)),
    ("kita-familiensprache", "Kinder mit anderer Familiensprache in Kitas", "%", "Bertelsmann Wegweiser Kommune / IT.NRW",
     "municipality", True, "Kinder in Kindertageseinrichtungen",
     "Anteil der Kita-Kinder, in deren Familie vorrangig nicht Deutsch gesprochen wird.", (28.0, 0.9)),
    ("integrationskurs-teilnehmende", "Teilnehmende an Integrationskursen", "Personen", "BAMF, Integrationskursgeschäftsstatistik",
     "municipality", False, "", "Neue Teilnehmende an Integrationskursen im Jahr.", (120.0, 8.0)),
]  # fmt: skip

# slug, name, unit, portal key, field slug
PORTAL = [
    ("angebote-sprache", "Angebote Sprache & Bildung je 10.000 Einwohner*innen", "je 10.000", "offers_per_10000", "sprache-bildung"),
    ("angebote-ehrenamt", "Angebote Ehrenamt je 10.000 Einwohner*innen", "je 10.000", "offers_per_10000", "ehrenamt"),
    ("ehrenamt-qualifiziert", "Qualifizierte Ehrenamtliche", "Personen", "volunteers_qualified", ""),
    ("neuzugewanderte-ehrenamt", "Neuzugewanderte, die Ehrenamtliche wurden", "Personen", "newcomers_volunteering", ""),
]  # fmt: skip

PILLARS = [
    ("Integration durch Bildung", ["fruehe-bildung", "sprache-bildung", "ausbildung-arbeit"]),
    ("Integration als Querschnittsaufgabe", [
        "gesundheit", "wohnen", "kultur", "sport", "politische-teilhabe", "ehrenamt",
        "interkulturelle-oeffnung", "antidiskriminierung", "beratung",
    ]),
]  # fmt: skip

# field slug, title, kind, priority, responsible, indicator slug, target value, direction, measure owner (slug or "")
GOALS = [
    ("fruehe-bildung", "Alle Kinder mit anderer Familiensprache erhalten alltagsintegrierte Sprachbildung in der Kita",
     "impact", 1, "Jugendämter, Kita-Träger", "kita-familiensprache", 35, "higher", "unna"),
    ("sprache-bildung", "Mehr niedrigschwellige Sprachangebote in allen Kommunen", "action", 1,
     "Kommunales Integrationszentrum", "angebote-sprache", 3, "higher", "luenen"),
    ("sprache-bildung", "Weniger ausländische Jugendliche verlassen die Schule ohne Abschluss", "impact", 1,
     "Schulamt, Schulen", "schulabgang-ohne-abschluss", 8, "lower", ""),
    ("ausbildung-arbeit", "Abstand der SGB-II-Quoten von Ausländer*innen und Deutschen verringern", "impact", 2,
     "Jobcenter Kreis Unna", "sgb2-auslaender", 16, "lower", ""),
    ("ausbildung-arbeit", "Integrationskurse bedarfsgerecht und wohnortnah anbieten", "action", 2,
     "BAMF, Kursträger", "integrationskurs-teilnehmende", 180, "higher", "unna"),
    ("gesundheit", "Zugang zu Gesundheitsangeboten durch Sprachmittlung sichern", "action", 2,
     "Gesundheitsamt", "", None, "higher", ""),
    ("wohnen", "Dezentrale Unterbringung und Zugang zum Wohnungsmarkt verbessern", "impact", 3,
     "Kommunen, Wohnungsgesellschaften", "", None, "higher", "luenen"),
    ("politische-teilhabe", "Mehr Einbürgerungen durch aktive Einbürgerungsberatung", "impact", 2,
     "Ausländerbehörde, Einbürgerungsstelle", "einbuergerungen", 14, "higher", ""),
    ("ehrenamt", "Mehr Ehrenamtliche für die Begleitung Neuzugewanderter qualifizieren", "action", 1,
     "Kommunales Integrationszentrum", "ehrenamt-qualifiziert", 120, "higher", ""),
    ("ehrenamt", "Neuzugewanderte werden selbst ehrenamtlich aktiv", "impact", 1,
     "Kommunales Integrationszentrum, Migrantenorganisationen", "neuzugewanderte-ehrenamt", 40, "higher", "unna"),
    ("ehrenamt", "Ehrenamtliche Angebote in jeder Kommune", "action", 2, "Kommunen, Freiwilligenagenturen",
     "angebote-ehrenamt", 2, "higher", ""),
    ("interkulturelle-oeffnung", "Interkulturelle Öffnung der Kreis- und Stadtverwaltungen", "action", 2,
     "Personalämter", "", None, "higher", ""),
    ("antidiskriminierung", "Diskriminierung sichtbar machen und Betroffene beraten", "action", 3,
     "Antidiskriminierungsstelle", "", None, "higher", ""),
    ("beratung", "Migrationsberatung in allen Kommunen erreichbar", "action", 2, "Wohlfahrtsverbände",
     "auslaenderanteil", 13, "higher", "luenen"),
]  # fmt: skip


def _spread(ags: str, slug: str) -> Decimal:
    """A stable factor between 0.75 and 1.25 per municipality and indicator, so values differ."""
    digest = hashlib.sha256(f"{ags}:{slug}".encode()).digest()
    return Decimal(75 + digest[0] % 51) / 100


def _indicators(district: District) -> dict[str, Indicator]:
    fields = {f.slug: f for f in FieldOfAction.objects.filter(district=district)}
    result = {}
    for position, (slug, name, unit, source_name, level, percent, reference, definition, _trend) in enumerate(
        OFFICIAL
    ):
        result[slug], _ = Indicator.objects.get_or_create(
            district=district, slug=slug,
            defaults={"name": name, "unit": unit, "source_name": source_name, "level": level, "is_percent": percent,
                      "reference_population": reference, "definition": definition, "position": position},
        )  # fmt: skip
    for position, (slug, name, unit, key, field_slug) in enumerate(PORTAL, start=len(OFFICIAL)):
        result[slug], _ = Indicator.objects.get_or_create(
            district=district, slug=slug,
            defaults={"name": name, "unit": unit, "source": Indicator.Source.PORTAL, "portal_key": key,
                      "field_of_action": fields.get(field_slug), "source_name": "Kreisintegration (eigene Zählung)",
                      "position": position},
        )  # fmt: skip
    return result


def _values(district: District, indicators: dict[str, Indicator]) -> int:
    municipalities = list(Municipality.objects.filter(district=district))
    rows = []
    for slug, *_rest, (base, change) in OFFICIAL:
        indicator = indicators[slug]
        places = [None] if indicator.level == Indicator.Level.DISTRICT else [None, *municipalities]
        for place in places:
            factor = _spread(place.ags, slug) if place else Decimal(1)
            for offset, year in enumerate(VALUE_YEARS):
                value = (Decimal(str(base)) + Decimal(str(change)) * offset * factor) * factor
                if slug == "integrationskurs-teilnehmende" and place is not None:
                    value = value * Decimal(place.population or 10000) / 400000 * 4
                rows.append(
                    IndicatorValue(
                        indicator=indicator, municipality=place, year=year, is_demo=True,
                        value=value.quantize(Decimal("0.1")).max(Decimal(0)),
                        source=f"{indicator.source_name}, Stand 31.12.{year} (Demodaten)",
                    )
                )  # fmt: skip
    IndicatorValue.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


@transaction.atomic
def seed_concept(district: District, stdout=None) -> ConceptVersion:
    indicators = _indicators(district)
    concept, _ = Concept.objects.get_or_create(district=district)
    version = concept.versions.filter(number=1).first()
    if version is None:
        version = ConceptVersion.objects.create(
            concept=concept, number=1, title="Integrationskonzept Kreis Unna – Fortschreibung 2026",
            period_start=2026, period_end=2030, status=ConceptVersion.Status.CONSULTATION,
            consultation_opened_at=timezone.now(), consultation_deadline=timezone.localdate() + timedelta(days=21),
            leitbild=(
                "Der Kreis Unna versteht Vielfalt als Stärke. Alle Menschen, die hier leben, sollen gleichberechtigt "
                "an Bildung, Arbeit und gesellschaftlichem Leben teilhaben können – unabhängig von Herkunft, "
                "Sprache oder Aufenthaltsdauer."
            ),
        )  # fmt: skip
        fields = {f.slug: f for f in FieldOfAction.objects.filter(district=district)}
        for order, (title, slugs) in enumerate(PILLARS):
            pillar = Pillar.objects.create(version=version, title=title, order=order)
            for position, slug in enumerate(slugs):
                if slug in fields:
                    PillarField.objects.create(
                        version=version, pillar=pillar, field_of_action=fields[slug], order=position,
                        situation=f"Bestehende Angebote im Handlungsfeld {fields[slug].name} (Demodaten).",
                    )  # fmt: skip
        places = {m.slug: m for m in Municipality.objects.filter(district=district)}
        for order, (
            field_slug,
            title,
            kind,
            priority,
            responsible,
            slug,
            target,
            direction,
            owner,
        ) in enumerate(GOALS):
            if field_slug not in fields:
                continue
            goal = Goal.objects.create(
                version=version, field_of_action=fields[field_slug], title=title, kind=kind, priority=priority,
                responsible=responsible, order=order,
            )  # fmt: skip
            if slug:
                indicator = indicators[slug]
                baseline = (
                    IndicatorValue.objects.filter(indicator=indicator, municipality=None, year=2021).first()
                    if not indicator.is_portal
                    else None
                )
                GoalIndicator.objects.create(
                    goal=goal, indicator=indicator, direction=direction,
                    baseline_year=2021 if baseline or not indicator.is_portal else None,
                    baseline_value=baseline.value if baseline else None,
                    target_value=Decimal(target), target_year=2030,
                )  # fmt: skip
            owner_place = places.get(owner)
            ConceptMeasure.objects.create(
                goal=goal, title=f"Maßnahme: {title[:60]}",
                owner_kind=ConceptMeasure.OwnerKind.MUNICIPALITY if owner_place else ConceptMeasure.OwnerKind.KI,
                owner_municipality=owner_place,
                status=[ConceptMeasure.Status.RUNNING, ConceptMeasure.Status.PLANNED][order % 2],
            )  # fmt: skip
    positions = _consultation(version) if version.status == ConceptVersion.Status.CONSULTATION else 0
    if stdout:
        stdout.write(
            f"  {version.title}: {version.goals.count()} Ziele, {len(indicators)} Kennzahlen, "
            f"{positions} Stellungnahmen"
        )
    return version


def _consultation(version: ConceptVersion) -> int:
    """Read receipts, comments with answers and positions of a few municipalities (once)."""
    from accounts.models import User

    if version.positions.exists():
        return version.positions.count()
    places = {m.slug: m for m in Municipality.objects.filter(district_id=version.concept.district_id)}
    users = {u.email: u for u in User.objects.filter(email__endswith="@example.org")}
    staff = users.get("ki@example.org")
    goals = list(version.goals.all())
    now = timezone.now()
    for slug in sorted(set(POSITIONS) | set(COMMENTS)):
        place = places.get(slug)
        if place is None:
            continue
        contact = users.get(f"kontakt-{slug}@example.org")
        ReadReceipt.objects.get_or_create(version=version, municipality=place, user=contact)
        for days, (goal_start, text, answer) in enumerate(COMMENTS.get(slug, []), start=1):
            goal = next((g for g in goals if goal_start and g.title.startswith(goal_start)), None)
            comment = ConsultationComment.objects.create(
                version=version, municipality=place, author=contact, goal=goal, text=text,
                created_at=now - timedelta(days=5 - days),
            )  # fmt: skip
            if answer:
                CommentAnswer.objects.create(comment=comment, author=staff, text=answer)
        if slug in POSITIONS:
            position, reasons = POSITIONS[slug]
            MunicipalityPosition.objects.create(
                version=version, municipality=place, position=position, reasons=reasons, declared_by=contact
            )
    return version.positions.count()


def seed(*, with_users: bool, stdout=None) -> None:
    district = District.objects.filter(slug="kreis-unna").first()
    if district is None:
        return
    indicators = _indicators(district)
    count = _values(district, indicators)
    if stdout:
        stdout.write(f"  {count} Demo-Kennzahlwerte (je Kommune und Jahr verschieden)")
    seed_concept(district, stdout)
