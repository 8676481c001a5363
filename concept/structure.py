"""The version's outline: which fields of action stand under which pillar, in which order, with
their situation (existing offers). Editable in a draft or a version in consultation, frozen once
adopted, like everything else in a version."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from municipalities.models import FieldOfAction

from .models import ConceptVersion, PillarField
from .services import _require_staff, ensure_editable


@dataclass(frozen=True)
class Placement:
    field_of_action_id: int
    pillar_id: int | None  # None: the field is not part of this version's outline
    order: int = 0
    situation: str = ""


def fields_to_arrange(version: ConceptVersion) -> list[FieldOfAction]:
    """The district's active fields of action, and any inactive one the version already places."""
    placed = version.pillar_fields.values("field_of_action_id")
    return list(
        FieldOfAction.objects.filter(district=version.concept.district_id)
        .filter(is_active=True)
        .union(FieldOfAction.objects.filter(pk__in=placed))
        .order_by("position", "name")
    )


@transaction.atomic
def arrange_fields(*, by: User, version: ConceptVersion, placements: list[Placement]) -> ConceptVersion:
    version = ConceptVersion.objects.select_for_update().select_related("concept").get(pk=version.pk)
    _require_staff(by, version.concept.district)
    ensure_editable(version)
    pillars = set(version.pillars.values_list("pk", flat=True))
    allowed = {field.pk for field in fields_to_arrange(version)}
    existing = {row.field_of_action_id: row for row in version.pillar_fields.all()}
    for placement in placements:
        if placement.field_of_action_id not in allowed:
            raise ValidationError(_("Dieses Handlungsfeld gehört nicht zum Kreis dieser Fassung."))
        row = existing.get(placement.field_of_action_id)
        if placement.pillar_id is None:
            if row is not None:
                row.delete()
            continue
        if placement.pillar_id not in pillars:
            raise ValidationError(_("Die Säule gehört zu einer anderen Fassung."))
        row = row or PillarField(version=version, field_of_action_id=placement.field_of_action_id)
        row.pillar_id = placement.pillar_id
        row.order = placement.order
        row.situation = placement.situation
        row.full_clean()
        row.save()
    return version
