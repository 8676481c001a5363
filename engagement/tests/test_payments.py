"""Payment requests (Mittelabruf): only after the contract, never more than approved; KI releases and pays."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from outbox.models import OutboxMail

from .. import services
from ..models import Application, PaymentRequest
from ..selectors import budget_overview
from .factories import (
    YEAR,
    make_application,
    make_budget,
    make_contract,
    make_organisation,
    member_of,
    successor_programme,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def contracted(district):
    organisation = make_organisation(district, email="kasse@cafe-boenen.example")
    return make_contract(
        make_application(organisation, amount="1200.00", status=Application.Status.APPROVED, advice=True)
    ).application


def test_payment_request_needs_a_contract(district):
    organisation = make_organisation(district)
    approved = make_application(organisation, status=Application.Status.APPROVED)
    with pytest.raises(ValidationError, match="nach dem Weiterleitungsvertrag"):
        services.request_payment(by=member_of(organisation), application=approved, amount=Decimal("100"))


def test_payment_requests_together_stay_within_the_approved_amount(contracted):
    member = member_of(contracted.organisation)
    services.request_payment(by=member, application=contracted, amount=Decimal("1000"))
    with pytest.raises(ValidationError) as error:
        services.request_payment(by=member, application=contracted, amount=Decimal("300"))
    assert error.value.message_dict["amount"] == ["Abrufbar sind noch 200,00 €."]
    services.request_payment(by=member, application=contracted, amount=Decimal("200"))
    assert sum(p.amount for p in contracted.payment_requests.all()) == Decimal("1200.00")
    assert OutboxMail.objects.filter(template="engagement_payment_requested").count() == 2


def test_ki_releases_then_pays_and_the_budget_shows_it(district, ki_staff, contracted):
    make_budget(district)
    payment = services.request_payment(
        by=member_of(contracted.organisation), application=contracted, amount=Decimal("700")
    )
    with pytest.raises(ValidationError, match="nur ein freigegebener"):
        services.mark_payment_paid(by=ki_staff, payment=payment, paid_on=date(YEAR, 4, 1))
    services.approve_payment(by=ki_staff, payment=payment)
    with pytest.raises(ValidationError) as error:
        services.mark_payment_paid(
            by=ki_staff, payment=payment, paid_on=timezone.localdate() + timedelta(days=3)
        )
    assert "paid_on" in error.value.message_dict
    services.mark_payment_paid(by=ki_staff, payment=payment, paid_on=date(YEAR, 4, 1))
    payment.refresh_from_db()
    assert (payment.status, payment.paid_on) == (PaymentRequest.Status.PAID, date(YEAR, 4, 1))
    assert OutboxMail.objects.get(template="engagement_payment_paid").recipients == [
        "kasse@cafe-boenen.example"
    ]
    overview = budget_overview(district=district, programme=successor_programme(), year=YEAR)
    assert overview.paid == Decimal("700.00")


def test_contact_and_another_organisation_cannot_release_or_request(
    client, district, contact_unna, contracted
):
    payment = PaymentRequest.objects.create(application=contracted, amount=Decimal("100"))
    other = make_organisation(district, name="Frauentreff Lünen", full_name="Olena Kovalenko")
    with pytest.raises(Application.DoesNotExist):
        services.request_payment(by=member_of(other), application=contracted, amount=Decimal("100"))
    client.force_login(contact_unna)
    assert client.post(reverse("engagement:payment_approve", kwargs={"pk": payment.pk})).status_code == 403
    payment.refresh_from_db()
    assert payment.status == PaymentRequest.Status.REQUESTED


def test_payment_flow_on_the_screens(client, district, ki_staff, contracted):
    client.force_login(member_of(contracted.organisation))
    url = reverse("engagement:payment_request", kwargs={"pk": contracted.pk})
    response = client.post(url, {"amount": "1500.00"})
    assert "Abrufbar sind noch 1.200,00 €." in response.content.decode()
    assert client.post(url, {"amount": "1200.00"}).status_code == 302
    payment = PaymentRequest.objects.get()

    client.force_login(ki_staff)
    page = client.get(contracted.get_absolute_url()).content.decode()
    assert "1.200,00 €" in page and "Freigeben" in page
    client.post(reverse("engagement:payment_approve", kwargs={"pk": payment.pk}))
    client.post(reverse("engagement:payment_paid", kwargs={"pk": payment.pk}), {"paid_on": f"{YEAR}-05-02"})
    payment.refresh_from_db()
    assert (payment.status, payment.paid_on) == (PaymentRequest.Status.PAID, date(YEAR, 5, 2))
    assert "ausgezahlt (02.05.2026)" in client.get(contracted.get_absolute_url()).content.decode()


def test_payment_and_contract_changes_are_in_the_audit_history_without_bank_details(
    district, ki_staff, contracted
):
    from accounts.models import ModelChange

    payment = services.request_payment(
        by=member_of(contracted.organisation), application=contracted, amount=Decimal("100")
    )
    services.approve_payment(by=ki_staff, payment=payment)
    changes = ModelChange.objects.filter(district_id=district.pk)
    assert changes.filter(content_type__model="paymentrequest", object_pk=str(payment.pk)).count() == 2
    contract_changes = changes.filter(content_type__model="forwardingcontract")
    assert contract_changes.exists()
    assert all(
        "iban" not in (entry.changes or {}) and "DE89" not in str(entry.changes) for entry in contract_changes
    )
