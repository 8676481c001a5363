"""The proof of use (Verwendungsnachweis): report, receipts list, submission and the KI's review."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.audit import record_audit_event
from accounts.models import AuditEvent, User
from events.models import Event
from municipalities.models import CostType
from outbox.services import send_templated_mail

from .. import permissions
from ..models import Application, ForwardingContract, ProofOfUse, Receipt
from ..selectors import linkable_events
from ..workflow import PROOF, ProofDecision
from .common import raise_if
from .organisations import contact_addresses

# --- proof of use (Verwendungsnachweis) ---------------------------------------------------


@dataclass(frozen=True)
class ProofData:
    report: str
    volunteers_reached: int
    newcomers_reached: int
    newcomers_became_volunteers: int
    receipts: list[tuple[date, CostType, str, str, Decimal]]  # (date, cost type, payee, purpose, amount)
    events: list[Event] | None = None  # calendar events of the grant; None: leave them as they are


def proof_rule_errors(*, application: Application, data: ProofData) -> dict[str, list[str]]:
    """The rules for a receipts list, as German messages per field (empty: all kept)."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if data.newcomers_became_volunteers > data.newcomers_reached:
        add(
            "newcomers_became_volunteers",
            _("Es können nicht mehr Neuzugewanderte ehrenamtlich aktiv geworden sein, als erreicht wurden."),
        )
    period = {
        "start": formats.date_format(application.starts_on, "SHORT_DATE_FORMAT"),
        "end": formats.date_format(application.ends_on, "SHORT_DATE_FORMAT"),
    }
    for number, (paid_on, cost_type, _payee, _purpose, amount) in enumerate(data.receipts, start=1):
        if cost_type.programme_id != application.programme_id or not cost_type.is_eligible:
            add(
                "receipts",
                _("Beleg %(number)s: „%(cost_type)s“ ist in diesem Programm nicht förderfähig.")
                % {"number": number, "cost_type": cost_type.name},
            )
        if amount < 0:
            add("receipts", _("Beleg %(number)s: Der Betrag darf nicht negativ sein.") % {"number": number})
        if not application.starts_on <= paid_on <= application.ends_on:
            add(
                "receipts",
                _("Beleg %(number)s: Das Datum muss im geförderten Zeitraum liegen (%(start)s bis %(end)s).")
                % {"number": number, **period},
            )
    if data.events:
        linkable = set(linkable_events(application).values_list("pk", flat=True))
        for event in data.events:
            if event.pk not in linkable:
                add(
                    "events",
                    _("„%(title)s“ kann nicht verknüpft werden: Nur Veranstaltungen in den geförderten Kommunen "
                      "und im geförderten Zeitraum sind möglich.") % {"title": event.title},
                )  # fmt: skip
    return errors


def proof_application(by: User, application: Application) -> Application:
    application = (
        permissions.applications_editable_by(by)
        .select_for_update(of=("self",))
        .select_related("organisation__district", "programme")
        .get(pk=application.pk)
    )
    if not ForwardingContract.objects.filter(application=application).exists():
        raise ValidationError(_("Ein Verwendungsnachweis folgt erst auf den Weiterleitungsvertrag."))
    return application


@transaction.atomic
def save_proof(*, by: User, application: Application, data: ProofData) -> ProofOfUse:
    """The organisation saves its report and receipts list (a draft, or a returned proof corrected)."""
    application = proof_application(by, application)
    proof, _created = ProofOfUse.objects.select_for_update().get_or_create(application=application)
    PROOF.check(
        "edit", proof, by, message=_("Ein eingereichter Verwendungsnachweis kann nicht mehr geändert werden.")
    )
    raise_if(proof_rule_errors(application=application, data=data))
    proof.report = data.report.strip()
    proof.volunteers_reached = data.volunteers_reached
    proof.newcomers_reached = data.newcomers_reached
    proof.newcomers_became_volunteers = data.newcomers_became_volunteers
    proof.save()
    if data.events is not None:
        proof.events.set(data.events)
    proof.receipts.all().delete()
    Receipt.objects.bulk_create(
        Receipt(
            proof=proof, paid_on=paid_on, cost_type=cost_type, payee=payee, purpose=purpose, amount=amount
        )
        for paid_on, cost_type, payee, purpose, amount in data.receipts
    )
    return proof


@transaction.atomic
def submit_proof(*, by: User, application: Application, now=None) -> ProofOfUse:
    application = proof_application(by, application)
    proof = ProofOfUse.objects.select_for_update().filter(application=application).first()
    if proof is None:
        raise ValidationError(_("Dieser Verwendungsnachweis kann nicht eingereicht werden."))
    proof.application = application
    PROOF.check("submit", proof, by, message=_("Dieser Verwendungsnachweis kann nicht eingereicht werden."))
    receipts = list(proof.receipts.select_related("cost_type"))
    data = ProofData(
        report=proof.report,
        volunteers_reached=proof.volunteers_reached,
        newcomers_reached=proof.newcomers_reached,
        newcomers_became_volunteers=proof.newcomers_became_volunteers,
        receipts=[(r.paid_on, r.cost_type, r.payee, r.purpose, r.amount) for r in receipts],
    )
    errors = proof_rule_errors(application=application, data=data)
    if not proof.report.strip():
        errors.setdefault("report", []).append(
            _("Bitte beschreiben Sie im Sachbericht, was stattgefunden hat.")
        )
    if not receipts:
        errors.setdefault("receipts", []).append(_("Bitte tragen Sie mindestens einen Beleg ein."))
    raise_if(errors)
    proof.status = PROOF.target_of("submit")
    proof.submitted_at = now or timezone.now()
    proof.save(update_fields=["status", "submitted_at", "updated_at"])
    record_audit_event(
        actor=by,
        action=AuditEvent.Action.SUBMITTED_FOR_REVIEW,
        target=proof,
        district_id=application.organisation.district_id,
        details={"receipts": len(receipts), "files": proof.files.count()},
    )
    send_templated_mail(
        to=application.organisation.district.ki_email,
        template="engagement_proof_submitted",
        context={"application": application, "proof": proof, "detail_path": proof.get_absolute_url()},
        district_id=application.organisation.district_id,
    )
    return proof


@transaction.atomic
def review_proof(
    *, by: User, proof: ProofOfUse, decision: ProofDecision, comment: str = "", now=None
) -> ProofOfUse:
    """KI staff accept a submitted proof, or return it with a comment for correction."""
    proof = (
        ProofOfUse.objects.select_for_update(of=("self",))
        .select_related("application__organisation__district")
        .filter(application__in=permissions.applications_decidable_by(by))
        .get(pk=proof.pk)
    )
    PROOF.check(
        decision,
        proof,
        by,
        message=_("Über diesen Verwendungsnachweis kann so nicht entschieden werden (Status: %(status)s)."),
    )
    if decision == ProofDecision.RETURN and not comment.strip():
        raise ValidationError({"comment": _("Bitte schreiben Sie der Initiative, was zu korrigieren ist.")})
    proof.status = PROOF.target_of(decision)
    proof.review_comment = comment.strip()
    proof.reviewed_at = now or timezone.now()
    proof.reviewed_by = by
    proof.save(update_fields=["status", "review_comment", "reviewed_at", "reviewed_by", "updated_at"])
    application = proof.application
    record_audit_event(
        actor=by, action=AuditEvent.Action.REVIEW_DECISION, target=proof,
        district_id=application.organisation.district_id, details={"proof_decision": str(decision)},
    )  # fmt: skip
    send_templated_mail(
        to=contact_addresses(application.organisation),
        template="engagement_proof_reviewed",
        context={"application": application, "proof": proof, "detail_path": proof.get_absolute_url()},
        reply_to=application.organisation.district.ki_email,
        district_id=application.organisation.district_id,
    )
    return proof
