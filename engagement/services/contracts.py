"""The forwarding contract with the bank details, and payment requests (Mittelabruf)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from outbox.services import send_templated_mail

from .. import permissions
from ..iban import validate_iban
from ..models import Application, ContractTemplate, ForwardingContract, PaymentRequest
from .common import euro, raise_if
from .organisations import contact_addresses

# --- forwarding contract ----------------------------------------------------------


@transaction.atomic
def conclude_forwarding_contract(
    *, by: User, application: Application, account_holder: str, iban: str
) -> ForwardingContract:
    """The organisation enters its bank details for an approved application; the contract is made
    from the district's template (terms copied, deadline for the proof of use set)."""
    application = (
        permissions.applications_editable_by(by)
        .select_for_update(of=("self",))
        .select_related("organisation__district")
        .get(pk=application.pk)
    )
    if application.status != Application.Status.APPROVED:
        raise ValidationError(_("Ein Weiterleitungsvertrag wird erst nach der Bewilligung geschlossen."))
    if ForwardingContract.objects.filter(application=application).exists():
        raise ValidationError(_("Für diesen Antrag gibt es bereits einen Weiterleitungsvertrag."))
    errors: dict[str, list[str]] = {}
    try:
        iban = validate_iban(iban)
    except ValidationError as error:
        errors["iban"] = error.messages
    if not account_holder.strip():
        errors["account_holder"] = [
            _("Bitte geben Sie den Namen der Kontoinhaberin oder des Kontoinhabers an.")
        ]
    raise_if(errors)
    template, _created = ContractTemplate.objects.get_or_create(district=application.organisation.district)
    contract = ForwardingContract.objects.create(
        application=application,
        account_holder=account_holder.strip(),
        iban=iban,
        terms=template.terms,
        reporting_duties=template.reporting_duties,
        proof_due_on=application.ends_on + timedelta(days=template.proof_due_days),
        created_by=by,
    )
    send_templated_mail(
        to=application.organisation.district.ki_email,
        template="engagement_contract_concluded",
        context={"application": application, "contract": contract},
        district_id=application.organisation.district_id,
        idempotency_key=f"contract-concluded:{contract.pk}",
    )
    return contract


# --- payment requests (Mittelabruf) -----------------------------------------------------


@transaction.atomic
def request_payment(*, by: User, application: Application, amount: Decimal) -> PaymentRequest:
    """The organisation calls (part of) the approved money; all its requests together stay within it."""
    application = (
        permissions.applications_editable_by(by).select_for_update(of=("self",)).get(pk=application.pk)
    )
    if not ForwardingContract.objects.filter(application=application).exists():
        raise ValidationError(_("Mittel können erst nach dem Weiterleitungsvertrag abgerufen werden."))
    if amount is None or amount <= 0:
        raise ValidationError({"amount": _("Der Betrag muss größer als 0 € sein.")})
    called = application.payment_requests.aggregate(total=Sum("amount"))["total"] or Decimal("0")
    # Only approved applications get a contract, so approved_amount is set; None would allow nothing.
    left = (application.approved_amount or Decimal("0")) - called
    if amount > left:
        raise ValidationError(
            {"amount": _("Abrufbar sind noch %(left)s.") % {"left": euro(max(left, Decimal("0")))}}
        )
    payment = PaymentRequest.objects.create(application=application, amount=amount, requested_by=by)
    send_templated_mail(
        to=application.organisation.district.ki_email,
        template="engagement_payment_requested",
        context={"application": application, "payment": payment},
        district_id=application.organisation.district_id,
    )
    return payment


def _staff_payment(by: User, payment: PaymentRequest) -> PaymentRequest:
    return (
        PaymentRequest.objects.select_for_update()
        .filter(application__in=permissions.applications_decidable_by(by))
        .get(pk=payment.pk)
    )


@transaction.atomic
def approve_payment(*, by: User, payment: PaymentRequest, now=None) -> PaymentRequest:
    payment = _staff_payment(by, payment)
    if payment.status != PaymentRequest.Status.REQUESTED:
        raise ValidationError(_("Dieser Mittelabruf ist bereits freigegeben."))
    payment.status = PaymentRequest.Status.APPROVED
    payment.approved_at = now or timezone.now()
    payment.approved_by = by
    payment.save(update_fields=["status", "approved_at", "approved_by"])
    return payment


@transaction.atomic
def mark_payment_paid(*, by: User, payment: PaymentRequest, paid_on: date) -> PaymentRequest:
    payment = _staff_payment(by, payment)
    if payment.status != PaymentRequest.Status.APPROVED:
        raise ValidationError(_("Ausgezahlt werden kann nur ein freigegebener Mittelabruf."))
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": _("Das Auszahlungsdatum liegt in der Zukunft.")})
    payment.status = PaymentRequest.Status.PAID
    payment.paid_on = paid_on
    payment.save(update_fields=["status", "paid_on"])
    application = payment.application
    send_templated_mail(
        to=contact_addresses(application.organisation),
        template="engagement_payment_paid",
        context={"application": application, "payment": payment},
        reply_to=application.organisation.district.ki_email,
        district_id=application.organisation.district_id,
        idempotency_key=f"payment-paid:{payment.pk}",
    )
    return payment
