"""A real concept (version, goals, indicators, measures, consultation) for the report tests, and the PDF text as poppler reads it."""

from __future__ import annotations

import subprocess
import tempfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from concept.models import (
    CommentAnswer,
    ConceptVersion,
    ConsultationComment,
    IndicatorValue,
    MunicipalityPosition,
    ReadReceipt,
)
from concept.tests.factories import (
    ConceptFactory,
    ConceptMeasureFactory,
    ConceptVersionFactory,
    GoalFactory,
    GoalIndicatorFactory,
    IndicatorFactory,
    PillarFactory,
    PillarFieldFactory,
)

GOAL = "Mehr Kinder mit Deutschförderung vor der Einschulung"


INDICATOR = "Kinder mit Sprachförderbedarf bei der Einschulung"


def make_concept(district, reference, unna, luenen, *, status=ConceptVersion.Status.ADOPTED):
    adopted = status in ConceptVersion.FROZEN_STATUSES
    version = ConceptVersionFactory(
        concept=ConceptFactory(district=district),
        title="Integrationskonzept Kreis Unna 2024–2030",
        period_start=2024,
        period_end=2030,
        status=status,
        consultation_opened_at=datetime(2025, 10, 1, 9, 0, tzinfo=BERLIN),
        consultation_deadline=date(2025, 11, 30),
        adopted_on=date(2025, 12, 11) if adopted else None,
        adopted_by_body="Kreistag" if adopted else "",
        drucksache="DS 17/0815" if adopted else "",
    )
    pillar_field = PillarFieldFactory(
        pillar=PillarFactory(version=version, title="Integration durch Bildung"),
        field_of_action=reference["sprache"],
        situation="In Lünen warten über 300 Kinder auf einen Kita-Platz mit Sprachförderung.",
    )
    goal = GoalFactory(version=version, field_of_action=pillar_field.field_of_action, title=GOAL)
    indicator = IndicatorFactory(
        district=district, name=INDICATOR, unit="%", source_name="Schuleingangsuntersuchung"
    )
    GoalIndicatorFactory(
        goal=goal,
        indicator=indicator,
        baseline_value=Decimal("30"),
        baseline_year=2024,
        target_value=Decimal("20"),
        target_year=2030,
        direction="lower",
    )
    for municipality, year, amount in (
        (None, 2024, "30"),
        (None, 2026, "27"),
        (unna, 2024, "31"),
        (unna, 2025, "29"),
        (unna, 2026, "27.5"),
        (luenen, 2024, "33"),
        (luenen, 2026, "34.25"),
    ):
        IndicatorValue.objects.create(
            indicator=indicator, municipality=municipality, year=year, value=Decimal(amount)
        )
    ConceptMeasureFactory(
        goal=goal,
        title="Rucksack-Programm in allen Kitas",
        owner_kind="municipality",
        owner_municipality=unna,
        status="running",
    )
    MunicipalityPosition.objects.create(version=version, municipality=unna, position="agreed")
    MunicipalityPosition.objects.create(
        version=version, municipality=luenen, position="objection", reasons=OBJECTION
    )
    ReadReceipt.objects.create(version=version, municipality=luenen)
    comment = ConsultationComment.objects.create(
        version=version, municipality=luenen, goal=goal, text="Bitte Zielwert für Lünen getrennt ausweisen."
    )
    CommentAnswer.objects.create(comment=comment, text="Wird in der nächsten Fortschreibung aufgenommen.")
    return version, goal, indicator


def pdf_text(content: bytes, *, layout: bool = True) -> str:
    """The PDF's text; ``layout`` keeps a table row on one line, without it cells come one by one."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.pdf"
        path.write_bytes(content)
        text = subprocess.run(
            ["pdftotext", *(["-layout"] if layout else []), str(path), "-"],
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
        ).stdout
    return " ".join(text.split())


BERLIN = ZoneInfo("Europe/Berlin")


OBJECTION = "Die Zielwerte für Lünen sind ohne zusätzliche Kita-Plätze nicht erreichbar."
