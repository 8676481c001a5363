"""The year's grants as XLSX for the Bezirksregierung: money per measure area and the forwarded grants.

The figures come from ``selectors.budget_overview``, the same numbers as the budget page.
"""

from __future__ import annotations

from django.db.models import DecimalField, OuterRef, Q, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from kreisintegration.spreadsheets import Column, Sheet, write_xlsx
from municipalities.models import District, FundingProgramme

from .models import Application, PaymentRequest, ProofOfUse, Receipt, Repayment
from .selectors import BudgetOverview

EURO = '#,##0.00 "€"'


def forwarded_grants(*, district: District, programme: FundingProgramme, year: int):
    return (
        Application.objects.filter(
            organisation__district=district,
            programme=programme,
            starts_on__year=year,
            status=Application.Status.APPROVED,
        )
        .select_related("organisation", "measure_area")
        .annotate(
            paid=Sum(
                "payment_requests__amount", filter=Q(payment_requests__status=PaymentRequest.Status.PAID)
            ),
            # a subquery, not a second join: joined with the payments it would be counted per payment
            returned=Subquery(
                Repayment.objects.filter(proof__application=OuterRef("pk"))
                .values("proof__application")
                .annotate(total=Sum("amount"))
                .values("total"),
                output_field=DecimalField(max_digits=10, decimal_places=2),
            ),
        )
        .order_by("organisation__name", "title", "pk")
    )


def accepted_receipts(*, district: District, programme: FundingProgramme, year: int):
    """The receipts of every accepted proof of use of the year."""
    return (
        Receipt.objects.filter(
            proof__status=ProofOfUse.Status.ACCEPTED,
            proof__application__organisation__district=district,
            proof__application__programme=programme,
            proof__application__starts_on__year=year,
        )
        .select_related("cost_type", "proof__application__organisation")
        .order_by("proof__application__organisation__name", "proof__application__title", "paid_on", "pk")
    )


def proof_events(*, district: District, programme: FundingProgramme, year: int):
    """The calendar events linked to the year's submitted and accepted proofs of use."""
    return (
        ProofOfUse.events.through.objects.filter(
            proofofuse__status__in=[ProofOfUse.Status.SUBMITTED, ProofOfUse.Status.ACCEPTED],
            proofofuse__application__organisation__district=district,
            proofofuse__application__programme=programme,
            proofofuse__application__starts_on__year=year,
        )
        .select_related("proofofuse__application__organisation", "event__municipality")
        .order_by(
            "proofofuse__application__organisation__name", "proofofuse__application__title", "event__start"
        )
    )


def budget_xlsx(
    *, overview: BudgetOverview, district: District, programme: FundingProgramme, year: int
) -> bytes:
    money = [
        Column(programme.get_area_kind_display(), 48),
        Column(_("Anträge"), 10),
        Column(_("geplant (eingereicht)"), 18, EURO),
        Column(_("bewilligt"), 16, EURO),
        Column(_("ausgezahlt"), 16, EURO),
        Column(_("zurückgezahlt"), 16, EURO),
    ]
    budget = overview.budget.amount if overview.budget else None
    grants = [
        Column(_("Organisation"), 36),
        Column(_("Ort"), 16),
        Column(_("Vorhaben"), 40),
        Column(programme.get_area_kind_display(), 40),
        Column(_("Beginn"), 12),
        Column(_("Ende"), 12),
        Column(_("bewilligt"), 16, EURO),
        Column(_("ausgezahlt"), 16, EURO),
        Column(_("zurückgezahlt"), 16, EURO),
    ]
    receipt_rows = list(accepted_receipts(district=district, programme=programme, year=year))
    receipts = [
        Column(_("Organisation"), 36),
        Column(_("Vorhaben"), 40),
        Column(_("Datum"), 12),
        Column(_("Kostenart"), 30),
        Column(_("Zahlungsempfänger*in"), 30),
        Column(_("Zweck"), 40),
        Column(_("Betrag"), 16, EURO),
    ]
    event_columns = [
        Column(_("Organisation"), 36),
        Column(_("Vorhaben"), 40),
        Column(_("Veranstaltung"), 40),
        Column(_("Datum"), 12),
        Column(_("Kommune"), 20),
        Column(_("Teilnehmende"), 14),
    ]
    return write_xlsx(
        [
            Sheet(
                title=_("Mittel je Bereich %(year)s") % {"year": year},
                columns=money,
                rows=[
                    [str(line.area), line.applications, line.planned, line.approved, line.paid, line.returned]
                    for line in overview.lines
                ],
                footer=[
                    [_("Summe"), None, overview.planned, overview.approved, overview.paid, overview.returned],
                    [_("Budget"), None, None, budget, None, None],
                    [_("frei"), None, None, overview.free, None, None],
                ],
            ),
            Sheet(
                title=_("Weitergeleitete Mittel %(year)s") % {"year": year},
                columns=grants,
                rows=[
                    [
                        grant.organisation.name,
                        grant.organisation.town,
                        grant.title,
                        str(grant.measure_area),
                        grant.starts_on,
                        grant.ends_on,
                        grant.approved_amount,
                        grant.paid or 0,
                        grant.returned or 0,
                    ]
                    for grant in forwarded_grants(district=district, programme=programme, year=year)
                ],
            ),
            Sheet(
                title=_("Belege %(year)s") % {"year": year},
                columns=receipts,
                rows=[
                    [
                        receipt.proof.application.organisation.name,
                        receipt.proof.application.title,
                        receipt.paid_on,
                        receipt.cost_type.name,
                        receipt.payee,
                        receipt.purpose,
                        receipt.amount,
                    ]
                    for receipt in receipt_rows
                ],
                footer=[[_("Summe"), None, None, None, None, None, sum(r.amount for r in receipt_rows)]],
            ),
            Sheet(
                title=_("Veranstaltungen %(year)s") % {"year": year},
                columns=event_columns,
                rows=[
                    [
                        link.proofofuse.application.organisation.name,
                        link.proofofuse.application.title,
                        link.event.title,
                        timezone.localtime(link.event.start).date(),
                        link.event.municipality.name,
                        link.event.actual_participants,
                    ]
                    for link in proof_events(district=district, programme=programme, year=year)
                ],
            ),
        ]
    )
