"""Small grants to local initiatives and volunteer placements in the overview and the report.

Counted for the funding year (the year an approved project starts, as on the budget page, so the
sums match it): money approved and paid per measure area and per municipality (a project in several
municipalities counts in each of them, so the municipality rows may add up to more than the
district's total), initiatives funded, volunteers and newcomers reached according to accepted
proofs of use, and placements: published, people interested, people placed in the year.
A fixed number of grouped queries; no personal data.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Sum

from engagement.models import Application, PaymentRequest, Placement, PlacementInterest, ProofOfUse
from engagement.selectors import consented_initiative_newcomers
from municipalities.models import District


def _money(value) -> float:
    return float(value or 0)


def engagement_figures(*, district: District, year: int) -> dict[str, Any]:
    approved = Application.objects.filter(
        organisation__district=district, starts_on__year=year, status=Application.Status.APPROVED
    )
    paid = PaymentRequest.objects.filter(application__in=approved, status=PaymentRequest.Status.PAID)
    paid_by_area = dict(
        paid.values("application__measure_area")
        .annotate(total=Sum("amount"))
        .values_list("application__measure_area", "total")
    )
    by_area = [
        {
            "code": row["measure_area__code"],
            "name": row["measure_area__name"],
            "programme": row["programme__name"],
            "grants": row["grants"],
            "approved": _money(row["total"]),
            "paid": _money(paid_by_area.get(row["measure_area"])),
        }
        for row in approved.values(
            "measure_area", "measure_area__code", "measure_area__name", "programme__name"
        )
        .annotate(grants=Count("pk"), total=Sum("approved_amount"))
        .order_by("programme__name", "measure_area__code")
    ]
    by_municipality = {
        row["municipalities__slug"]: {"grants": row["grants"], "approved": _money(row["total"])}
        for row in approved.filter(municipalities__isnull=False)
        .values("municipalities__slug")
        .annotate(grants=Count("pk"), total=Sum("approved_amount"))
        .order_by()
    }
    totals = approved.aggregate(
        grants=Count("pk"),
        approved=Sum("approved_amount"),
        initiatives=Count("organisation", distinct=True),
    )
    proofs = ProofOfUse.objects.filter(application__in=approved, status=ProofOfUse.Status.ACCEPTED).aggregate(
        proofs=Count("pk"),
        volunteers=Sum("volunteers_reached"),
        newcomers=Sum("newcomers_reached"),
    )
    placements = Placement.objects.filter(district=district)
    interests = PlacementInterest.objects.filter(placement__district=district)
    placed_by_municipality = dict(
        interests.filter(placed_at__year=year)
        .values("placement__municipality__slug")
        .annotate(placed=Count("pk"))
        .values_list("placement__municipality__slug", "placed")
    )
    return {
        "grants": totals["grants"],
        "initiatives": totals["initiatives"],
        "approved": _money(totals["approved"]),
        "paid": _money(paid.aggregate(total=Sum("amount"))["total"]),
        "by_area": by_area,
        "by_municipality": by_municipality,
        "proofs_accepted": proofs["proofs"],
        "volunteers_reached": proofs["volunteers"] or 0,
        "newcomers_reached": proofs["newcomers"] or 0,
        # The persons recorded in accepted proofs of use whose consent stands (never their names).
        "newcomer_volunteers": consented_initiative_newcomers(approved),
        "placements_published": placements.filter(created_at__year=year).count(),
        "placement_interests": interests.filter(created_at__year=year).count(),
        "placements_filled": sum(placed_by_municipality.values()),
        "placed_by_municipality": placed_by_municipality,
    }
