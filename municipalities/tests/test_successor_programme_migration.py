"""The data step of migration 0007: the placeholder programme of 2025 becomes the successor programme
in place, so courses that point to it keep pointing to it (now with measure areas)."""

from datetime import date
from importlib import import_module

import pytest
from django.apps import apps

from municipalities.models import BuildingBlock, CostType, FundingProgramme
from volunteers.tests.factories import make_course

migration = import_module("municipalities.migrations.0007_successor_programme_grant_rules_cost_types")


@pytest.mark.django_db
def test_placeholder_programme_is_renamed_in_place_and_its_courses_keep_their_programme(district):
    placeholder = FundingProgramme.objects.create(
        code="landesfoerderung-ehrenamt-2025",
        name="Landesförderung Ehrenamt in der Integrationsarbeit (ab 2025, Beispiel)",
        valid_from=date(2025, 1, 1),
    )
    qualification = BuildingBlock.objects.create(
        programme=placeholder, code="Q", name="Qualifizierung von Ehrenamtlichen"
    )
    BuildingBlock.objects.create(programme=placeholder, code="V", name="Vernetzung und Begleitung")
    course = make_course(district, funding_programme=placeholder, building_block=qualification)

    migration.replace_placeholder_programme(apps, None)

    course.refresh_from_db()
    programme = course.funding_programme
    assert programme.pk == placeholder.pk
    assert (programme.code, programme.name) == (
        "ehrenamt-integration-praevention",
        "Ehrenamt im Kontext (Integration und) Prävention",
    )
    assert programme.valid_to == date(2028, 12, 31) and programme.funds_local_initiatives
    assert str(course.building_block) == "1: Gewinnung und Qualifizierung von Ehrenamtlichen"
    assert sorted(programme.building_blocks.values_list("code", flat=True)) == ["1", "2", "3", "4", "5"]
    assert not CostType.objects.get(programme=programme, code="personal").is_eligible
    assert "Beispiel" not in programme.name
