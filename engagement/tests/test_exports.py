"""The XLSX for the Bezirksregierung, parsed back: its figures are the budget page's."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from .. import services
from ..models import Application, PaymentRequest, ProofOfUse
from ..selectors import budget_overview
from .factories import (
    YEAR,
    make_application,
    make_budget,
    make_contract,
    make_organisation,
    make_proof,
    successor_programme,
)

pytestmark = pytest.mark.django_db


def test_budget_xlsx_sums_match_the_budget_page(client, district, ki_staff):
    make_budget(district, amount="10000")
    cafe = make_organisation(district)
    verein = make_organisation(district, name="Deutsch-Syrischer Verein Kamen", full_name="Rama Khalil")
    grant = make_application(cafe, amount="1200.00", status=Application.Status.APPROVED, area_code="2")
    make_application(
        verein,
        title="Demokratiewerkstatt",
        amount="800.00",
        status=Application.Status.APPROVED,
        area_code="5",
    )
    make_application(verein, title="Noch offen", amount="300.00", area_code="5")
    make_contract(grant)
    PaymentRequest.objects.create(
        application=grant, amount=Decimal("500"), status=PaymentRequest.Status.PAID, paid_on=f"{YEAR}-04-01"
    )
    # 300 € spent of the 500 € paid: the initiative paid 150 € back so far
    proof = make_proof(grant, status=ProofOfUse.Status.ACCEPTED, receipts=(("material", "300.00"),))
    services.record_repayment(by=ki_staff, proof=proof, amount=Decimal("150"), received_on=date(YEAR, 12, 1))

    client.force_login(ki_staff)
    response = client.get(reverse("engagement:budget_xlsx") + f"?jahr={YEAR}")
    assert response["Content-Disposition"] == f'attachment; filename="foerderung-initiativen-{YEAR}.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content))
    areas, grants, _receipts, _events = workbook.worksheets

    rows = [row for row in areas.iter_rows(min_row=2, max_row=6, values_only=True)]
    assert len(rows) == 5
    approved = sum(Decimal(str(row[3])) for row in rows)
    paid = sum(Decimal(str(row[4])) for row in rows)
    planned = sum(Decimal(str(row[2])) for row in rows)
    returned = sum(Decimal(str(row[5])) for row in rows)
    overview = budget_overview(district=district, programme=successor_programme(), year=YEAR)
    assert (
        (approved, paid, planned, returned)
        == (overview.approved, overview.paid, overview.planned, overview.returned)
        == (
            Decimal("2000.00"),
            Decimal("500.00"),
            Decimal("300.00"),
            Decimal("150.00"),
        )
    )
    footer = {row[0]: row for row in areas.iter_rows(min_row=8, values_only=True) if row[0]}
    # free = budget − approved + returned
    assert Decimal(str(footer["frei"][3])) == overview.free == Decimal("8150.00")

    listed = sorted(grants.iter_rows(min_row=2, values_only=True))
    assert [(row[0], row[2], *(Decimal(str(value)) for value in row[6:9])) for row in listed] == [
        ("Begegnungscafé Bönen e. V.", "Sprachcafé mit Kinderbetreuung", Decimal("1200"), Decimal("500"),
         Decimal("150")),
        ("Deutsch-Syrischer Verein Kamen", "Demokratiewerkstatt", Decimal("800"), Decimal("0"), Decimal("0")),
    ]  # fmt: skip
    page = client.get(reverse("engagement:budget") + f"?jahr={YEAR}").content.decode()
    assert "2.000,00 €" in page and "500,00 €" in page and "150,00 €" in page and "8.150,00 €" in page
