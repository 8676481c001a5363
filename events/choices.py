"""Choices and date bounds of an event series, shared by the model and the recurrence rules.

Kept apart so that ``events.models`` and ``events.recurrence`` do not import each other.
"""

from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _

# Dates outside this range are typing errors (31.12.9999); beyond it, series arithmetic
# would leave the range Python's dates can hold (year 1 … 9999) and fail.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2999, 12, 31)


class Frequency(models.TextChoices):
    NONE = "", _("findet einmal statt")
    WEEKLY = "weekly", _("wöchentlich")
    MONTHLY = "monthly", _("monatlich")


class MonthlyMode(models.TextChoices):
    DAY_OF_MONTH = "day", _("am gleichen Tag des Monats")
    NTH_WEEKDAY = "weekday", _("am n-ten Wochentag")
