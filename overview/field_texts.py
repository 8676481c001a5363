"""The KI's own texts per field of action and year (shown in the concept report)."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from municipalities.models import District, FieldOfAction
from municipalities.permissions import is_ki_staff

from .models import FieldOfActionText

TEXT_FIELDS = ("situation", "goals", "recommendations")


# --- the KI's texts per field of action --------------------------------------------------


def fields_with_texts(
    *, district: District, year: int
) -> list[tuple[FieldOfAction, FieldOfActionText | None]]:
    """The district's active fields of action (and retired ones that have a text), with the year's text."""
    texts = {
        text.field_of_action_id: text
        for text in FieldOfActionText.objects.filter(district=district, year=year).select_related(
            "updated_by"
        )
    }
    fields = FieldOfAction.objects.filter(district=district).order_by("position", "name")
    return [(item, texts.get(item.pk)) for item in fields if item.is_active or item.pk in texts]


def field_texts_snapshot(*, district: District, year: int) -> dict[str, dict[str, str]]:
    return {
        text.field_of_action.slug: {name: getattr(text, name) for name in TEXT_FIELDS}
        for text in FieldOfActionText.objects.filter(district=district, year=year).select_related(
            "field_of_action"
        )
    }


def save_field_texts(
    *, by: User, district: District, year: int, texts: Mapping[FieldOfAction, Mapping[str, str]]
) -> int:
    """Save the KI's situation, goals and recommendations per field of action; returns how many changed.

    Only fields of action of ``district`` are accepted. Empty texts create no row.
    """
    if not is_ki_staff(by, district):
        raise PermissionDenied
    from .services import validate_year  # services imports this module (the snapshot's texts)

    validate_year(year)
    if any(item.district_id != district.pk for item in texts):
        raise ValidationError(_("Ein Handlungsfeld gehört nicht zu diesem Kreis."))
    changed = 0
    with transaction.atomic():
        existing = {
            text.field_of_action_id: text
            for text in FieldOfActionText.objects.select_for_update().filter(
                district=district, year=year, field_of_action__in=list(texts)
            )
        }
        for item, values in texts.items():
            cleaned = {name: (values.get(name) or "").strip() for name in TEXT_FIELDS}
            current = existing.get(item.pk)
            if current is None and not any(cleaned.values()):
                continue
            if current is not None and all(getattr(current, name) == cleaned[name] for name in TEXT_FIELDS):
                continue
            FieldOfActionText.objects.update_or_create(
                district=district,
                field_of_action=item,
                year=year,
                defaults={**cleaned, "updated_by": by},
            )
            changed += 1
    return changed
