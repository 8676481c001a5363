"""Entering and correcting values of official indicators; a correction keeps the old value."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from municipalities.models import District, Municipality

from . import permissions
from .models import ConceptVersion, GoalIndicator, Indicator, IndicatorValue, IndicatorValueRevision


def value_years(*, district: District) -> tuple[int, int] | None:
    """The years values may be entered for: from the earliest baseline or period start of the
    district's concept versions to the end of the latest period (None without a concept)."""
    periods = ConceptVersion.objects.filter(concept__district=district).aggregate(
        start=Min("period_start"), end=Max("period_end")
    )
    if periods["start"] is None:
        return None
    baseline = GoalIndicator.objects.filter(goal__version__concept__district=district).aggregate(
        first=Min("baseline_year")
    )["first"]
    start = min(periods["start"], baseline) if baseline else periods["start"]
    return start, periods["end"]


def year_error(*, district: District, year: int, years: tuple[int, int] | bool | None = False) -> str | None:
    """Why ``year`` cannot take values (None when it can); ``years`` may be passed when known."""
    if years is False:
        years = value_years(district=district)
    if years is None:
        return _("Für diesen Kreis gibt es noch kein Integrationskonzept; Werte folgen dessen Laufzeit.")
    if not (years[0] <= year <= years[1]):
        return _("Das Jahr %(year)s liegt außerhalb der Laufzeit des Konzepts (%(start)s–%(end)s).") % {
            "year": year,
            "start": years[0],
            "end": years[1],
        }
    return None


def check_value_right(*, by: User, indicator: Indicator, municipality: Municipality | None) -> None:
    if municipality is None:
        if not permissions.may_enter_district_values(by, indicator.district):
            raise PermissionDenied(_("Werte für den ganzen Kreis erfasst das Integrationszentrum."))
    elif not permissions.value_municipalities_of(by).filter(pk=municipality.pk).exists():
        raise PermissionDenied(_("Sie können nur Werte Ihrer eigenen Kommune erfassen."))


@transaction.atomic
def record_indicator_value(
    *,
    by: User,
    indicator: Indicator,
    municipality: Municipality | None,
    year: int,
    value: Decimal,
    source: str = "",
    is_demo: bool = False,
) -> IndicatorValue:
    """Enter a value, or correct the existing one of the same year (the old one goes to the history)."""
    check_value_right(by=by, indicator=indicator, municipality=municipality)
    message = year_error(district=indicator.district, year=year)
    if message:
        raise ValidationError({"year": message})
    existing = (
        IndicatorValue.objects.select_for_update()
        .filter(indicator=indicator, municipality=municipality, year=year)
        .order_by()
        .first()
    )
    if existing is None:
        row = IndicatorValue(
            indicator=indicator,
            municipality=municipality,
            year=year,
            value=value,
            source=source,
            entered_by=by,
            is_demo=is_demo,
        )
        row.full_clean()
        row.save()
        return row
    return _correct(by=by, row=existing, value=value, source=source, is_demo=is_demo)


def _correct(*, by: User, row: IndicatorValue, value: Decimal, source: str, is_demo: bool) -> IndicatorValue:
    if row.value == value and row.source == source:
        return row
    revision = IndicatorValueRevision(
        indicator_value=row,
        old_value=row.value,
        old_source=row.source,
        old_entered_by_id=row.entered_by_id,
        old_entered_at=row.entered_at,
        changed_by=by,
    )
    row.value, row.source, row.entered_by, row.entered_at, row.is_demo = (
        value,
        source,
        by,
        timezone.now(),
        is_demo,
    )
    row.full_clean()
    row.save()
    revision.save()
    return row


@transaction.atomic
def correct_indicator_value(*, by: User, row: IndicatorValue, value: Decimal, source: str) -> IndicatorValue:
    row = IndicatorValue.objects.select_for_update().select_related("indicator__district").get(pk=row.pk)
    check_value_right(by=by, indicator=row.indicator, municipality=row.municipality)
    return _correct(by=by, row=row, value=value, source=source, is_demo=False)
