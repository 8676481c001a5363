"""The KI's own texts of a year's concept report beyond the fields of action: the foreword,
and which texts are still empty before a build (so nobody hands the committee blank pages)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from accounts.models import User
from municipalities.models import District, FieldOfAction
from municipalities.permissions import is_ki_staff

from .models import FieldOfActionText, ReportForeword

TEXT_PARTS = ("situation", "goals", "recommendations")


def foreword_of(*, district: District, year: int) -> str:
    foreword = ReportForeword.objects.filter(district=district, year=year).only("text").first()
    return foreword.text if foreword else ""


def save_foreword(*, by: User, district: District, year: int, text: str) -> bool:
    """Save the foreword of ``year``; returns whether it changed. An empty text creates no row."""
    if not is_ki_staff(by, district):
        raise PermissionDenied
    text = (text or "").strip()
    with transaction.atomic():
        current = ReportForeword.objects.select_for_update().filter(district=district, year=year).first()
        if (current.text if current else "") == text:
            return False
        ReportForeword.objects.update_or_create(
            district=district, year=year, defaults={"text": text, "updated_by": by}
        )
    return True


def fields_with_text_parts(*, district: District, year: int) -> list[tuple[FieldOfAction, dict]]:
    """The district's active fields of action with the year's texts, in one query."""
    year_texts = FieldOfActionText.objects.filter(
        district=district, year=year, field_of_action=OuterRef("pk")
    )
    fields = (
        FieldOfAction.objects.filter(district=district, is_active=True)
        .annotate(**{name: Subquery(year_texts.values(name)[:1]) for name in TEXT_PARTS})
        .order_by("position", "name")
    )
    return [(item, {name: getattr(item, name) or "" for name in TEXT_PARTS}) for item in fields]


def missing_texts(*, district: District, year: int, fields) -> list[str]:
    """What the report of ``year`` would show as "Noch kein Text hinterlegt", in reading order.

    ``fields`` are (field of action, texts) pairs; texts is a mapping of the parts or None.
    """
    labels = {
        "situation": _("Ausgangslage"),
        "goals": _("Ziele"),
        "recommendations": _("Handlungsempfehlungen"),
    }
    missing = [] if foreword_of(district=district, year=year) else [_("Vorwort")]
    for item, text in fields:
        empty = [label for name, label in labels.items() if not (text and text.get(name))]
        if empty:
            missing.append(_("%(field)s: %(parts)s") % {"field": item.name, "parts": ", ".join(empty)})
    return missing
