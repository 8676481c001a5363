"""IBAN check (ISO 13616): country length and the mod-97 checksum.

Twelve lines of a published algorithm; a dependency for it would be larger than the check.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Lengths of the SEPA countries initiatives here bank in; others pass on the checksum alone.
LENGTHS = {"DE": 22, "AT": 20, "NL": 18, "BE": 16, "FR": 27, "LU": 20, "PL": 28, "IT": 27, "ES": 24, "CH": 21}


def normalise_iban(value: str) -> str:
    return re.sub(r"\s+", "", value or "").upper()


def validate_iban(value: str) -> str:
    """The IBAN without spaces, or ValidationError with a German message."""
    iban = normalise_iban(value)
    if not re.fullmatch(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}", iban):
        raise ValidationError(_("Bitte geben Sie eine IBAN ein, z. B. DE89 3704 0044 0532 0130 00."))
    expected = LENGTHS.get(iban[:2])
    if expected and len(iban) != expected:
        raise ValidationError(
            _("Eine IBAN aus %(country)s hat %(length)s Zeichen.") % {"country": iban[:2], "length": expected}
        )
    digits = "".join(str(int(char, 36)) for char in iban[4:] + iban[:4])
    if int(digits) % 97 != 1:
        raise ValidationError(_("Die Prüfziffer der IBAN stimmt nicht. Bitte prüfen Sie die Eingabe."))
    return iban


def mask_iban(iban: str) -> str:
    """Shown after entry: country, check digits and the last four characters."""
    iban = normalise_iban(iban)
    if len(iban) < 8:
        return "•" * len(iban)
    return f"{iban[:4]} •••• •••• {iban[-4:]}"
