"""Reads more than one view needs: the budget of a year per measure area."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from municipalities.models import BuildingBlock, District, FundingProgramme

from .models import AnnualBudget, Application, Organisation, PaymentRequest

ZERO = Decimal("0")


@dataclass(frozen=True)
class AreaLine:
    area: BuildingBlock
    planned: Decimal  # requested in submitted applications not yet decided
    approved: Decimal
    applications: int
    paid: Decimal = Decimal("0")


@dataclass(frozen=True)
class BudgetOverview:
    budget: AnnualBudget | None
    lines: list[AreaLine]

    @property
    def approved(self) -> Decimal:
        return sum((line.approved for line in self.lines), ZERO)

    @property
    def paid(self) -> Decimal:
        return sum((line.paid for line in self.lines), ZERO)

    @property
    def planned(self) -> Decimal:
        return sum((line.planned for line in self.lines), ZERO)

    @property
    def free(self) -> Decimal:
        return (self.budget.amount if self.budget else ZERO) - self.approved


def budget_overview(*, district: District, programme: FundingProgramme, year: int) -> BudgetOverview:
    """Planned, approved and free money per measure area, in one grouped query."""
    budget = AnnualBudget.objects.filter(district=district, programme=programme, year=year).first()
    rows = {
        row["measure_area"]: row
        for row in Application.objects.filter(
            organisation__district=district, programme=programme, starts_on__year=year
        )
        .values("measure_area")
        .annotate(
            planned=Sum("requested_amount", filter=Q(status=Application.Status.SUBMITTED)),
            approved=Sum("approved_amount", filter=Q(status=Application.Status.APPROVED)),
            applications=Count("pk", filter=~Q(status=Application.Status.DRAFT)),
        )
    }
    paid = dict(
        PaymentRequest.objects.filter(
            application__organisation__district=district,
            application__programme=programme,
            application__starts_on__year=year,
            status=PaymentRequest.Status.PAID,
        )
        .values("application__measure_area")
        .annotate(total=Sum("amount"))
        .values_list("application__measure_area", "total")
    )
    lines = []
    for area in programme.building_blocks.order_by("code"):
        row = rows.get(area.pk, {})
        lines.append(
            AreaLine(
                area=area,
                planned=row.get("planned") or ZERO,
                approved=row.get("approved") or ZERO,
                applications=row.get("applications") or 0,
                paid=paid.get(area.pk) or ZERO,
            )
        )
    return BudgetOverview(budget=budget, lines=lines)


def grant_programmes() -> QuerySet[FundingProgramme]:
    return FundingProgramme.objects.filter(funds_local_initiatives=True).order_by("-valid_from")


def current_grant_programme(*, on) -> FundingProgramme | None:
    for programme in grant_programmes():
        if programme.is_active_on(on):
            return programme
    return None


def organisations_for_staff(queryset: QuerySet[Organisation]) -> QuerySet[Organisation]:
    return queryset.select_related("municipality").annotate(
        application_count=Count("applications", filter=~Q(applications__status=Application.Status.DRAFT))
    )
