"""Placement helpers shared by the placement tests and the e2e language tests."""

from __future__ import annotations

from engagement import placements
from engagement.placements import PlacementData
from municipalities.models import Language
from municipalities.services import ensure_default_languages


def language(code: str) -> Language:
    ensure_default_languages()
    return Language.objects.get(code=code)


def publish(by, municipality, title="Sprachmittlung beim Elternabend", languages=(), qualifications=()):
    return placements.publish_placement(
        by=by,
        data=PlacementData(
            municipality=municipality,
            title=title,
            description="Übersetzen zwischen Lehrkräften und Eltern.",
            schedule="einmal im Monat, abends",
            contact="0231 445566",
            languages=[language(code) for code in languages],
            qualifications=list(qualifications),
        ),
    )
