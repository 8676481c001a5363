"""The programme's annual budget per district and year: the years' figures and setting a budget.

A budget is set on its own screen by KI staff (not in the Django admin). It can never be set below
the money already approved for that year: the change takes the same row lock as an approval, so an
approval and a reduction at the same moment are served one after the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import formats
from django.utils.translation import gettext as _

from accounts.models import User
from municipalities.models import District, FundingProgramme
from municipalities.permissions import is_ki_staff

from .models import AnnualBudget, Application, PaymentRequest, Repayment

ZERO = Decimal("0")


def _euro(amount: Decimal) -> str:
    return formats.number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True) + " €"


@dataclass(frozen=True)
class BudgetYear:
    year: int
    budget: AnnualBudget | None
    approved: Decimal
    paid: Decimal
    returned: Decimal = ZERO

    @property
    def amount(self) -> Decimal | None:
        return self.budget.amount if self.budget else None

    @property
    def free(self) -> Decimal:
        return (self.budget.amount if self.budget else ZERO) - self.approved + self.returned


def programme_years(programme: FundingProgramme) -> list[int]:
    if programme.valid_from is None or programme.valid_to is None:
        return []
    return list(range(programme.valid_from.year, programme.valid_to.year + 1))


def budget_years(*, district: District, programme: FundingProgramme) -> list[BudgetYear]:
    """Budget, approved, paid, returned and free money for every year of the programme, in four queries."""
    budgets = {
        budget.year: budget
        for budget in AnnualBudget.objects.filter(district=district, programme=programme).select_related(
            "programme"
        )
    }
    approved = dict(
        Application.objects.filter(
            organisation__district=district, programme=programme, status=Application.Status.APPROVED
        )
        .values("starts_on__year")
        .annotate(total=Sum("approved_amount"))
        .values_list("starts_on__year", "total")
    )
    paid = dict(
        PaymentRequest.objects.filter(
            application__organisation__district=district,
            application__programme=programme,
            status=PaymentRequest.Status.PAID,
        )
        .values("application__starts_on__year")
        .annotate(total=Sum("amount"))
        .values_list("application__starts_on__year", "total")
    )
    returned = dict(
        Repayment.objects.filter(
            proof__application__organisation__district=district, proof__application__programme=programme
        )
        .values("proof__application__starts_on__year")
        .annotate(total=Sum("amount"))
        .values_list("proof__application__starts_on__year", "total")
    )
    return [
        BudgetYear(
            year=year,
            budget=budgets.get(year),
            approved=approved.get(year) or ZERO,
            paid=paid.get(year) or ZERO,
            returned=returned.get(year) or ZERO,
        )
        for year in programme_years(programme)
    ]


def _approved_in(*, district: District, programme: FundingProgramme, year: int) -> Decimal:
    """The money the year's approvals still hold: approved minus what was paid back."""
    approved = (
        Application.objects.filter(
            Q(organisation__district=district) & Q(programme=programme) & Q(starts_on__year=year),
            status=Application.Status.APPROVED,
        ).aggregate(total=Sum("approved_amount"))["total"]
        or ZERO
    )
    returned = (
        Repayment.objects.filter(
            proof__application__organisation__district=district,
            proof__application__programme=programme,
            proof__application__starts_on__year=year,
        ).aggregate(total=Sum("amount"))["total"]
        or ZERO
    )
    return approved - returned


def set_annual_budget(
    *,
    by: User,
    district: District,
    programme: FundingProgramme,
    year: int,
    amount: Decimal,
    cap_per_applicant: Decimal | None = None,
) -> AnnualBudget:
    """Create or change the budget of a year; never below what is already approved."""
    if not is_ki_staff(by, district):
        raise PermissionDenied
    if year not in programme_years(programme):
        raise ValidationError(
            {"year": _("Das Förderprogramm läuft %(start)s bis %(end)s; %(year)s liegt außerhalb.")
             % {"start": programme.valid_from.year, "end": programme.valid_to.year, "year": year}}
        )  # fmt: skip
    if amount < 0:
        raise ValidationError({"amount": _("Das Budget kann nicht negativ sein.")})
    if cap_per_applicant is not None and cap_per_applicant <= 0:
        raise ValidationError({"cap_per_applicant": _("Der Höchstbetrag muss größer als 0 € sein.")})
    for attempt in range(2):
        try:
            with transaction.atomic():
                return _set_locked(
                    district=district,
                    programme=programme,
                    year=year,
                    amount=amount,
                    cap_per_applicant=cap_per_applicant,
                )
        except IntegrityError:
            # Two people created the year's first budget at once: the second now changes that row.
            if attempt:
                raise
    raise AssertionError("unreachable")


def _set_locked(*, district, programme, year, amount, cap_per_applicant) -> AnnualBudget:
    budget = (
        AnnualBudget.objects.select_for_update()
        .filter(district=district, programme=programme, year=year)
        .first()
    )
    approved = _approved_in(district=district, programme=programme, year=year)
    if amount < approved:
        raise ValidationError(
            {"amount": _("Das Budget %(year)s kann nicht unter die bereits bewilligten %(approved)s gesenkt "
                         "werden. Geben Sie mindestens %(approved)s an oder nehmen Sie zuerst Bewilligungen "
                         "zurück.") % {"year": year, "approved": _euro(approved)}}
        )  # fmt: skip
    if budget is None:
        return AnnualBudget.objects.create(
            district=district,
            programme=programme,
            year=year,
            amount=amount,
            cap_per_applicant=cap_per_applicant,
        )
    budget.amount = amount
    budget.cap_per_applicant = cap_per_applicant
    budget.save(update_fields=["amount", "cap_per_applicant"])
    return budget
