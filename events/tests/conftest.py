"""Fixtures shared by the events tests (the districts, municipalities and roles are the root conftest's)."""

import pytest

from municipalities.models import FieldOfAction, Language, TargetGroup
from municipalities.services import ensure_default_reference_data


@pytest.fixture
def reference(district):
    """The district's default reference data (what a new district starts with), by short name."""
    ensure_default_reference_data(district=district)
    return {
        "families": TargetGroup.objects.get(district=district, slug="familien"),
        "youth": TargetGroup.objects.get(district=district, slug="jugendliche"),
    }


@pytest.fixture
def calendar_terms(district):
    """A few short-slug terms the calendar and API tests filter by (instead of the defaults)."""

    def field(slug: str, name: str) -> FieldOfAction:
        return FieldOfAction.objects.create(district=district, slug=slug, name=name)

    def group(slug: str, name: str) -> TargetGroup:
        return TargetGroup.objects.create(district=district, slug=slug, name=name)

    def language(code: str, name: str) -> Language:
        return Language.objects.get_or_create(code=code, defaults={"name": name})[0]

    return {
        "sprache": field("sprache", "Sprache & Bildung"),
        "sport": field("sport", "Sport"),
        "frauen": group("frauen", "Frauen"),
        "familien": group("familien", "Familien"),
        "jugend": group("jugend", "Jugendliche"),
        "ar": language("ar", "Arabisch"),
        "uk": language("uk", "Ukrainisch"),
        "fa": language("fa", "Persisch"),
        "ru": language("ru", "Russisch"),
    }
