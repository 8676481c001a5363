"""The data step of migration 0008: the successor programme's measure areas get the guideline's wording.

Rows keep their ids (applications and courses keep pointing to them) and are matched by meaning to the
official area, then named by key; a fresh installation seeds the same names; names stay editable.
"""

from importlib import import_module

import pytest
from django.apps import apps

from municipalities.models import BuildingBlock, FundingProgramme
from municipalities.services import (
    SUCCESSOR_MEASURE_AREAS,
    SUCCESSOR_PROGRAMME_CODE,
    ensure_default_funding_programmes,
)
from volunteers.tests.factories import make_course

migration = import_module("municipalities.migrations.0008_successor_measure_areas_official_wording")
previous = import_module("municipalities.migrations.0007_successor_programme_grant_rules_cost_types")

OFFICIAL = {
    "1": "Betrieb von Bildungs- und Begegnungsstätten für Geflüchtete und Neueingewanderte",
    "2": "Maßnahmen des Zusammenkommens, der Orientierung und Begleitung",
    "3": "Maßnahmen zur Informations- und Wissensvermittlung",
    "4": "Maßnahmen zur Förderung von Demokratiebildung",
    "5": "Maßnahmen zur Qualifizierung von ehrenamtlich Tätigen und zur Begleitung ihrer Arbeit",
}


def _programme_with_working_titles() -> FundingProgramme:
    programme = FundingProgramme.objects.create(
        code=SUCCESSOR_PROGRAMME_CODE, name="Ehrenamt im Kontext (Integration und) Prävention"
    )
    for code, name in previous.AREAS:
        BuildingBlock.objects.create(programme=programme, code=code, name=name)
    return programme


@pytest.mark.django_db
def test_working_titles_become_the_official_areas_of_the_same_meaning(district):
    programme = _programme_with_working_titles()
    qualification = programme.building_blocks.get(code="1")  # „Gewinnung und Qualifizierung …“
    democracy = programme.building_blocks.get(code="5")  # „Demokratiebildung und Prävention“
    course = make_course(district, funding_programme=programme, building_block=qualification)

    migration.name_measure_areas_officially(apps, None)

    assert dict(programme.building_blocks.values_list("code", "name")) == OFFICIAL
    course.refresh_from_db()
    assert course.building_block_id == qualification.pk
    assert str(course.building_block) == f"5: {OFFICIAL['5']}"
    democracy.refresh_from_db()
    assert democracy.code == "4"


@pytest.mark.django_db
def test_rows_already_edited_by_the_ki_are_named_by_their_key():
    programme = _programme_with_working_titles()
    BuildingBlock.objects.filter(programme=programme, code="2").update(name="Begegnung (eigene Bezeichnung)")
    ids = dict(programme.building_blocks.values_list("code", "pk"))

    migration.name_measure_areas_officially(apps, None)

    assert dict(programme.building_blocks.values_list("code", "name")) == OFFICIAL
    assert dict(programme.building_blocks.values_list("code", "pk")) == ids  # not re-keyed


@pytest.mark.django_db
def test_fresh_installation_seeds_the_official_wording_and_names_stay_editable():
    FundingProgramme.objects.filter(code=SUCCESSOR_PROGRAMME_CODE).delete()
    ensure_default_funding_programmes()
    programme = FundingProgramme.objects.get(code=SUCCESSOR_PROGRAMME_CODE)
    assert (
        dict(programme.building_blocks.values_list("code", "name"))
        == OFFICIAL
        == dict(SUCCESSOR_MEASURE_AREAS)
    )

    BuildingBlock.objects.filter(programme=programme, code="3").update(name="Information und Wissen")
    ensure_default_funding_programmes()
    assert programme.building_blocks.get(code="3").name == "Information und Wissen"
