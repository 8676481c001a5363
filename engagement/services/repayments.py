"""Repayments: KI staff record money an organisation paid back after its accepted proof of use."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import record_audit_event
from accounts.models import AuditEvent, User
from outbox.services import send_templated_mail

from .. import permissions
from ..models import ProofOfUse, Repayment
from ..selectors import proof_statement
from .common import euro, raise_if
from .organisations import contact_addresses

ZERO = Decimal("0")


def repayment_open(proof: ProofOfUse) -> Decimal:
    """What is still to be paid back: paid minus spent, minus what was already recorded."""
    statement = proof_statement(proof.application, proof)
    repaid = proof.repayments.aggregate(total=Sum("amount"))["total"] or ZERO
    return max(statement.repayment_due - repaid, ZERO)


@transaction.atomic
def record_repayment(
    *, by: User, proof: ProofOfUse, amount: Decimal | None, received_on: date | None, note: str = ""
) -> Repayment:
    """Record a repayment of an accepted proof (> 0, at most paid minus spent), log it, mail the organisation."""
    proof = (
        ProofOfUse.objects.select_for_update(of=("self",))
        .select_related("application__organisation__district")
        .filter(application__in=permissions.applications_decidable_by(by))
        .get(pk=proof.pk)
    )
    errors: dict[str, list[str]] = {}
    if proof.status != ProofOfUse.Status.ACCEPTED:
        errors[NON_FIELD_ERRORS] = [
            _("Eine Rückzahlung wird erst nach anerkanntem Verwendungsnachweis erfasst.")
        ]
    open_amount = repayment_open(proof)
    if amount is None:
        errors["amount"] = [_("Bitte geben Sie den zurückgezahlten Betrag an.")]
    elif amount <= 0:
        errors["amount"] = [_("Der zurückgezahlte Betrag muss größer als 0 € sein.")]
    elif amount > open_amount:
        errors["amount"] = [
            _("Zurückzuzahlen sind höchstens %(open)s (ausgezahlt minus ausgegeben, abzüglich erfasster "
              "Rückzahlungen).") % {"open": euro(open_amount)}
        ]  # fmt: skip
    if received_on is None:
        errors["received_on"] = [_("Bitte geben Sie an, wann das Geld eingegangen ist.")]
    elif received_on > timezone.localdate():
        errors["received_on"] = [_("Das Eingangsdatum darf nicht in der Zukunft liegen.")]
    raise_if(errors)
    if amount is None or received_on is None:  # refused above with a message; narrows the types
        raise ValueError("amount and received_on are required")
    repayment = Repayment.objects.create(
        proof=proof, amount=amount, received_on=received_on, note=note.strip(), recorded_by=by
    )
    application = proof.application
    record_audit_event(
        actor=by, action=AuditEvent.Action.REVIEW_DECISION, target=repayment,
        district_id=application.organisation.district_id,
        details={"repayment": str(amount), "received_on": received_on.isoformat()},
    )  # fmt: skip
    send_templated_mail(
        to=contact_addresses(application.organisation),
        template="engagement_repayment_recorded",
        context={"application": application, "repayment": repayment, "detail_path": proof.get_absolute_url()},
        reply_to=application.organisation.district.ki_email,
        district_id=application.organisation.district_id,
    )
    return repayment
