"""Reads more than one view needs: the budget of a year per measure area."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from events.models import Event
from municipalities.models import BuildingBlock, CostType, District, FundingProgramme

from .models import (
    AnnualBudget,
    Application,
    InitiativeNewcomer,
    Organisation,
    PaymentRequest,
    ProofOfUse,
    Repayment,
)

ZERO = Decimal("0")


@dataclass(frozen=True)
class AreaLine:
    area: BuildingBlock
    planned: Decimal  # requested in submitted applications not yet decided
    approved: Decimal
    applications: int
    paid: Decimal = Decimal("0")
    returned: Decimal = Decimal("0")  # paid back after the proof of use (Repayment)

    @property
    def not_yet_paid(self) -> Decimal:
        return self.approved - self.paid


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
    def returned(self) -> Decimal:
        return sum((line.returned for line in self.lines), ZERO)

    @property
    def not_yet_paid(self) -> Decimal:
        return self.approved - self.paid

    @property
    def planned(self) -> Decimal:
        return sum((line.planned for line in self.lines), ZERO)

    @property
    def free(self) -> Decimal:
        return (self.budget.amount if self.budget else ZERO) - self.approved + self.returned


def budget_overview(*, district: District, programme: FundingProgramme, year: int) -> BudgetOverview:
    """Planned, approved, paid, returned and free money per measure area, in grouped queries."""
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
    returned = dict(
        Repayment.objects.filter(
            proof__application__organisation__district=district,
            proof__application__programme=programme,
            proof__application__starts_on__year=year,
        )
        .values("proof__application__measure_area")
        .annotate(total=Sum("amount"))
        .values_list("proof__application__measure_area", "total")
    )
    lines = []
    for area in programme.building_blocks.order_by("code"):
        row: Mapping[str, Any] = rows.get(area.pk, {})
        lines.append(
            AreaLine(
                area=area,
                planned=row.get("planned") or ZERO,
                approved=row.get("approved") or ZERO,
                applications=row.get("applications") or 0,
                paid=paid.get(area.pk) or ZERO,
                returned=returned.get(area.pk) or ZERO,
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


# --- proof of use -------------------------------------------------------------------


@dataclass(frozen=True)
class CostTypeLine:
    cost_type: CostType
    planned: Decimal  # in the application's cost plan
    spent: Decimal  # in the receipts list

    @property
    def difference(self) -> Decimal:
        return self.planned - self.spent


@dataclass(frozen=True)
class ProofStatement:
    """The numerical statement of a proof of use: receipts per cost type against the cost plan."""

    lines: list[CostTypeLine]
    approved: Decimal
    paid: Decimal

    @property
    def planned(self) -> Decimal:
        return sum((line.planned for line in self.lines), ZERO)

    @property
    def spent(self) -> Decimal:
        return sum((line.spent for line in self.lines), ZERO)

    @property
    def not_used(self) -> Decimal:
        """Approved money the receipts do not cover."""
        return max(self.approved - self.spent, ZERO)

    @property
    def repayment_due(self) -> Decimal:
        """Money paid out that the receipts do not cover: the organisation pays it back."""
        return max(self.paid - self.spent, ZERO)


def proof_statement(application: Application, proof: ProofOfUse | None) -> ProofStatement:
    planned: dict[int, Decimal] = {}
    types: dict[int, CostType] = {}
    for item in application.cost_items.select_related("cost_type"):
        planned[item.cost_type_id] = planned.get(item.cost_type_id, ZERO) + item.amount
        types[item.cost_type_id] = item.cost_type
    spent: dict[int, Decimal] = {}
    if proof is not None and proof.pk:
        for receipt in proof.receipts.select_related("cost_type"):
            spent[receipt.cost_type_id] = spent.get(receipt.cost_type_id, ZERO) + receipt.amount
            types[receipt.cost_type_id] = receipt.cost_type
    lines = [
        CostTypeLine(cost_type=cost_type, planned=planned.get(pk, ZERO), spent=spent.get(pk, ZERO))
        for pk, cost_type in sorted(types.items(), key=lambda item: (item[1].position, item[0]))
    ]
    paid = (
        application.payment_requests.filter(status=PaymentRequest.Status.PAID).aggregate(total=Sum("amount"))[
            "total"
        ]
        or ZERO
    )
    return ProofStatement(lines=lines, approved=application.approved_amount or ZERO, paid=paid)


def overdue_proofs(applications: QuerySet[Application], *, today: date) -> QuerySet[Application]:
    """Contracted grants whose proof is due before ``today`` and not submitted or accepted."""
    return (
        applications.filter(contract__proof_due_on__lt=today)
        .exclude(proof__status__in=[ProofOfUse.Status.SUBMITTED, ProofOfUse.Status.ACCEPTED])
        .select_related("organisation", "contract")
        .order_by("contract__proof_due_on", "pk")
    )


def proofs_for_staff(applications: QuerySet[Application]) -> QuerySet[ProofOfUse]:
    return (
        ProofOfUse.objects.filter(application__in=applications)
        .exclude(status=ProofOfUse.Status.DRAFT)
        .select_related("application__organisation", "application__contract")
        .order_by("status", "-submitted_at", "pk")
    )


def reports_of_year(*, district: District, programme: FundingProgramme, year: int) -> QuerySet[ProofOfUse]:
    """The submitted and accepted proofs of use of a funding year, with their factual reports."""
    return (
        ProofOfUse.objects.filter(
            application__organisation__district=district,
            application__programme=programme,
            application__starts_on__year=year,
            status__in=[ProofOfUse.Status.SUBMITTED, ProofOfUse.Status.ACCEPTED],
        )
        .select_related("application__organisation", "application__measure_area")
        .order_by("application__organisation__name", "application__title", "pk")
    )


def linkable_events(application: Application) -> QuerySet[Event]:
    """Calendar events an organisation may link to its grant's proof of use.

    Events in one of the grant's municipalities that take place within the funded period, and that
    are public (published or cancelled) or were entered by one of the organisation's members: an
    organisation never sees another provider's unpublished events.
    """
    members = application.organisation.members.values("user")
    return (
        Event.objects.filter(
            municipality__in=application.municipalities.all(),
            start__date__lte=application.ends_on,
            end__date__gte=application.starts_on,
        )
        .filter(
            Q(status__in=Event.PUBLIC_STATUSES)
            | Q(created_by__in=members, status__in=[Event.Status.SUBMITTED, *Event.PUBLIC_STATUSES])
        )
        .select_related("municipality")
        .order_by("start", "pk")
    )


def consented_initiative_newcomers(applications: QuerySet[Application]) -> int:
    """Newcomers who became active volunteers in these grants, counted only with their consent.

    The persons the initiatives recorded in their accepted proofs of use with a signed consent that
    has not been withdrawn (``models.newcomers``); a withdrawal takes the person out of every
    figure computed afterwards. One query; no personal data leaves it.
    """
    return InitiativeNewcomer.objects.filter(
        proof__application__in=applications,
        proof__status=ProofOfUse.Status.ACCEPTED,
        withdrawn_at__isnull=True,
    ).count()
