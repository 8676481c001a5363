"""Fixtures shared by the events tests (the districts, municipalities and roles are the root conftest's)."""

import pytest

from municipalities.models import FieldOfAction, Language, TargetGroup
from municipalities.services import ensure_default_reference_data


@pytest.fixture
def reference(district):
    """The district's default reference data, plus a few short-slug entries the calendar and API
    tests filter by; returned by short name (``reference["sprache"]``, ``reference["families"]``)."""
    ensure_default_reference_data(district=district)

    def field(slug: str, name: str) -> FieldOfAction:
        return FieldOfAction.objects.get_or_create(district=district, slug=slug, defaults={"name": name})[0]

    def group(slug: str, name: str) -> TargetGroup:
        return TargetGroup.objects.get_or_create(district=district, slug=slug, defaults={"name": name})[0]

    def language(code: str, name: str) -> Language:
        return Language.objects.get_or_create(code=code, defaults={"name": name})[0]

    return {
        "sprache": field("sprache", "Sprache & Bildung"),
        "sport": field("sport", "Sport"),
        "frauen": group("frauen", "Frauen"),
        "familien": group("familien", "Familien"),
        "families": group("familien", "Familien"),
        "youth": group("jugendliche", "Jugendliche"),
        "jugend": group("jugend", "Jugendliche"),
        "ar": language("ar", "Arabisch"),
        "uk": language("uk", "Ukrainisch"),
        "fa": language("fa", "Persisch"),
        "ru": language("ru", "Russisch"),
    }
