"""Helpers shared by engagement's services: money in German notation, errors per field."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import formats


def euro(amount: Decimal) -> str:
    return formats.number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True) + " €"


def raise_if(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)
