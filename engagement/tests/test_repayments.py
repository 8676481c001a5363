"""Repayments after an accepted proof of use: the rules, the log, the mail and the budget's free money."""

import io
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import AuditEvent
from municipalities.models import DistrictRole
from municipalities.tests.factories import DistrictFactory, make_district_role
from outbox.models import OutboxMail

from .. import budgets, services
from ..models import Application, PaymentRequest, ProofOfUse, Repayment
from ..selectors import budget_overview
from ..workflow import Decision
from .factories import (
    YEAR,
    make_application,
    make_budget,
    make_contract,
    make_organisation,
    make_proof,
    member_of,
    successor_programme,
)

pytestmark = pytest.mark.django_db


def paid_grant(organisation, *, paid="1000.00", status=ProofOfUse.Status.ACCEPTED, **kwargs):
    """An approved grant of 1,200 €, ``paid`` paid out, its proof (570.50 € spent) in ``status``."""
    grant = make_contract(
        make_application(organisation, amount="1200.00", status=Application.Status.APPROVED, **kwargs)
    ).application
    PaymentRequest.objects.create(
        application=grant, amount=Decimal(paid), status=PaymentRequest.Status.PAID, paid_on=date(YEAR, 4, 1)
    )
    return make_proof(grant, status=status)


@pytest.fixture
def proof(district):
    make_budget(district, amount="2000")
    organisation = make_organisation(district, email="kasse@cafe-boenen.example")
    return paid_grant(organisation)


def errors_of(error) -> dict:
    return error.value.message_dict


def test_a_repayment_is_recorded_logged_and_mailed(proof, ki_staff):
    repayment = services.record_repayment(
        by=ki_staff, proof=proof, amount=Decimal("429.50"), received_on=date(YEAR, 12, 1),
        note="Überweisung vom 30.11.",
    )  # fmt: skip
    assert Repayment.objects.get() == repayment and repayment.recorded_by == ki_staff
    event = AuditEvent.objects.get(object_type="engagement.repayment")
    assert event.actor == ki_staff and event.details["repayment"] == "429.50"
    mail = OutboxMail.objects.get(template="engagement_repayment_recorded")
    assert mail.recipients == ["kasse@cafe-boenen.example"]
    assert "429,50 €" in mail.text_body and "01.12.2026" in mail.text_body
    assert services.repayment_open(proof) == Decimal("0")


@pytest.mark.parametrize(
    ("amount", "received_on", "field", "message"),
    [
        (Decimal("0"), date(YEAR, 12, 1), "amount", "größer als 0 €"),
        (Decimal("-5"), date(YEAR, 12, 1), "amount", "größer als 0 €"),
        (Decimal("429.51"), date(YEAR, 12, 1), "amount", "höchstens 429,50 €"),
        (None, date(YEAR, 12, 1), "amount", "Bitte geben Sie den zurückgezahlten Betrag an."),
        (Decimal("100"), None, "received_on", "wann das Geld eingegangen ist"),
        (Decimal("100"), timezone.localdate() + timedelta(days=1), "received_on", "nicht in der Zukunft"),
    ],
)
def test_a_repayment_is_checked_field_by_field(proof, ki_staff, amount, received_on, field, message):
    with pytest.raises(ValidationError) as error:
        services.record_repayment(by=ki_staff, proof=proof, amount=amount, received_on=received_on)
    assert any(message in text for text in errors_of(error)[field]), errors_of(error)
    assert not Repayment.objects.exists()
    assert not OutboxMail.objects.filter(template="engagement_repayment_recorded").exists()


def test_repayments_together_stay_within_paid_minus_spent(proof, ki_staff):
    services.record_repayment(by=ki_staff, proof=proof, amount=Decimal("400"), received_on=date(YEAR, 12, 1))
    with pytest.raises(ValidationError) as error:
        services.record_repayment(
            by=ki_staff, proof=proof, amount=Decimal("30"), received_on=date(YEAR, 12, 2)
        )
    assert "höchstens 29,50 €" in errors_of(error)["amount"][0]
    services.record_repayment(
        by=ki_staff, proof=proof, amount=Decimal("29.50"), received_on=date(YEAR, 12, 2)
    )
    assert sum(r.amount for r in Repayment.objects.all()) == Decimal("429.50")


def test_only_an_accepted_proof_takes_a_repayment(district, ki_staff):
    submitted = paid_grant(make_organisation(district), status=ProofOfUse.Status.SUBMITTED)
    with pytest.raises(ValidationError, match="erst nach anerkanntem"):
        services.record_repayment(
            by=ki_staff, proof=submitted, amount=Decimal("10"), received_on=date(YEAR, 12, 1)
        )


def test_staff_of_another_district_and_organisations_cannot_record(proof):
    other_staff = make_district_role(
        DistrictFactory(name="Kreis Soest", slug="kreis-soest", ags_prefix="05974"),
        DistrictRole.Role.KI_STAFF,
        email="ki-soest@example.org",
        full_name="Jonas Berg",
    )
    for person in (other_staff, member_of(proof.application.organisation)):
        with pytest.raises(ProofOfUse.DoesNotExist):
            services.record_repayment(
                by=person, proof=proof, amount=Decimal("10"), received_on=date(YEAR, 12, 1)
            )


def test_returned_money_is_free_again_on_the_budget_page_and_for_approvals(proof, district, ki_staff):
    programme = successor_programme()
    waiting = make_application(
        make_organisation(district, name="Verein Kamen"), amount="1000.00", advice=True
    )
    with pytest.raises(ValidationError, match="frei sind noch 800,00 €"):
        services.decide_application(
            by=ki_staff, application=waiting, decision=Decision.APPROVE, amount=Decimal("1000")
        )

    services.record_repayment(by=ki_staff, proof=proof, amount=Decimal("200"), received_on=date(YEAR, 12, 1))
    overview = budget_overview(district=district, programme=programme, year=YEAR)
    assert (overview.approved, overview.returned, overview.free) == (
        Decimal("1200.00"), Decimal("200.00"), Decimal("1000.00")
    )  # fmt: skip
    line = next(line for line in overview.lines if line.area == proof.application.measure_area)
    assert line.returned == Decimal("200.00")
    year = next(y for y in budgets.budget_years(district=district, programme=programme) if y.year == YEAR)
    assert (year.returned, year.free) == (Decimal("200.00"), Decimal("1000.00"))
    # the budget cannot go below what the approvals still hold (approved minus returned)
    with pytest.raises(ValidationError, match=re.escape("1.000,00 €")):
        budgets.set_annual_budget(
            by=ki_staff, district=district, programme=programme, year=YEAR, amount=Decimal("999")
        )
    services.decide_application(
        by=ki_staff, application=waiting, decision=Decision.APPROVE, amount=Decimal("1000")
    )


def test_the_staff_form_records_and_the_proof_page_shows_the_repayment(client, proof, ki_staff):
    client.force_login(ki_staff)
    url = reverse("engagement:repayment", kwargs={"pk": proof.application_id})
    page = client.get(url).content.decode()
    assert "429,50 €" in page
    response = client.post(url, {"amount": "0", "received_on": f"{YEAR}-12-01"})
    assert response.status_code == 200 and "größer als 0 €" in response.content.decode()
    response = client.post(url, {"amount": "", "received_on": ""})
    text = response.content.decode()
    assert "Bitte geben Sie den zurückgezahlten Betrag an." in text and "wann das Geld eingegangen" in text
    response = client.post(url, {"amount": "429,50", "received_on": f"{YEAR}-12-01", "note": "Danke"})
    assert response.status_code == 302
    detail = client.get(
        reverse("engagement:proof_detail", kwargs={"pk": proof.application_id})
    ).content.decode()
    assert "429,50 € eingegangen am 01.12.2026" in detail
    budget_page = client.get(reverse("engagement:budget") + f"?jahr={YEAR}").content.decode()
    assert "zurückgezahlt" in budget_page and "429,50 €" in budget_page


def test_the_xlsx_shows_the_returned_money_like_the_budget_page(client, proof, district, ki_staff):
    services.record_repayment(
        by=ki_staff, proof=proof, amount=Decimal("429.50"), received_on=date(YEAR, 12, 1)
    )
    client.force_login(ki_staff)
    workbook = load_workbook(
        io.BytesIO(client.get(reverse("engagement:budget_xlsx") + f"?jahr={YEAR}").content)
    )
    areas, grants = workbook.worksheets[:2]
    assert areas.cell(row=1, column=6).value == "zurückgezahlt"
    rows = list(areas.iter_rows(min_row=2, max_row=6, values_only=True))
    overview = budget_overview(district=district, programme=successor_programme(), year=YEAR)
    assert sum(Decimal(str(row[5])) for row in rows) == overview.returned == Decimal("429.50")
    footer = {row[0]: row for row in areas.iter_rows(min_row=8, values_only=True) if row[0]}
    assert Decimal(str(footer["Summe"][5])) == Decimal("429.50")
    assert Decimal(str(footer["frei"][3])) == overview.free == Decimal("1229.50")  # 2000 − 1200 + 429.50
    (grant,) = grants.iter_rows(min_row=2, values_only=True)
    assert (Decimal(str(grant[7])), Decimal(str(grant[8]))) == (Decimal("1000"), Decimal("429.50"))
    page = client.get(reverse("engagement:budget") + f"?jahr={YEAR}").content.decode()
    assert "1.229,50 €" in page
