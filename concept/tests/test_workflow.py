"""The concept versions' workflow table: every step outside it is refused with the service's message."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from concept import services, services_consultation
from concept.errors import ConceptFrozen
from concept.models import ConceptVersion
from concept.tests.factories import ConceptVersionFactory
from concept.workflow import VERSION, allowed_actions

pytestmark = pytest.mark.django_db

Status = ConceptVersion.Status
TODAY = timezone.localdate()


def version_in(district, status):
    adopted_on = datetime.date(2025, 6, 1) if status in (Status.ADOPTED, Status.SUPERSEDED) else None
    return ConceptVersionFactory(concept__district=district, status=status, adopted_on=adopted_on)


def outside(action):
    return [status for status in Status.values if status not in VERSION[action].sources]


def test_the_table_matches_the_models_halves():
    assert VERSION["edit"].sources == set(ConceptVersion.EDITABLE_STATUSES)
    assert not VERSION["edit"].sources & set(ConceptVersion.FROZEN_STATUSES)
    assert VERSION["open_consultation"].sources == {Status.DRAFT}
    assert VERSION["adopt"].sources == {Status.DRAFT, Status.CONSULTATION}


@pytest.mark.parametrize("status", outside("open_consultation"))
def test_consultation_opens_only_from_the_table(district, ki_staff, status):
    version = version_in(district, status)
    with pytest.raises(ValidationError, match="Nur ein Entwurf kann in die Beteiligung gegeben werden"):
        services_consultation.open_consultation(
            by=ki_staff, version=version, deadline=TODAY + datetime.timedelta(days=30)
        )
    version.refresh_from_db()
    assert version.status == status


@pytest.mark.parametrize("status", outside("adopt"))
def test_adoption_only_from_the_table(district, ki_staff, status):
    version = version_in(district, status)
    with pytest.raises(ValidationError, match="Diese Fassung kann nicht beschlossen werden"):
        services_consultation.adopt_version(
            by=ki_staff, version=version, adopted_on=TODAY, body="Kreistag", drucksache="DS 1"
        )
    with pytest.raises(ConceptFrozen, match="kann nicht mehr geändert werden"):
        services.adopt_version(
            by=ki_staff, version=version, adopted_on=TODAY, adopted_by_body="Kreistag", drucksache="DS 1"
        )
    version.refresh_from_db()
    assert version.status == status


@pytest.mark.parametrize("status", outside("edit"))
def test_editing_only_from_the_table(district, status):
    with pytest.raises(ConceptFrozen, match="Änderungen gehören in eine neue Fortschreibung"):
        services.ensure_editable(version_in(district, status))


@pytest.mark.parametrize("status", outside("start_fortschreibung"))
def test_fortschreibung_only_from_the_table(district, ki_staff, status):
    version = version_in(district, status)
    with pytest.raises(ValidationError, match="Eine Fortschreibung beginnt mit der beschlossenen Fassung"):
        services.start_fortschreibung(by=ki_staff, version=version)
    assert ConceptVersion.objects.count() == 1


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (Status.DRAFT, {"edit", "open_consultation", "adopt"}),
        (Status.CONSULTATION, {"edit", "adopt"}),
        (Status.ADOPTED, {"start_fortschreibung"}),
        (Status.SUPERSEDED, set()),
    ],
)
def test_allowed_actions_for_staff_and_nobody_else(district, ki_staff, contact_unna, status, expected):
    version = version_in(district, status)
    assert allowed_actions(version, ki_staff) == expected
    assert allowed_actions(version, contact_unna) == set()
