"""Proofs of external qualifications: a volunteer uploads one, KI staff confirm or reject it.

Who sees a proof (and its file): the volunteer who uploaded it and the KI staff of the volunteer's
district; anybody else gets 404. A confirmed proof grants the qualification from the date on the
certificate (``volunteers.services.grant_qualification``), with its validity and expiry reminder.
The file is checked like a receipt (``receipt_files.check_receipt_upload``: PDF, JPEG or PNG by its
content, within ``ENGAGEMENT_RECEIPT_MAX_BYTES``).
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import record_audit_event
from accounts.models import AuditEvent, User
from municipalities.permissions import roles_of
from outbox.services import send_templated_mail
from volunteers.models import Qualification, Volunteer, VolunteerQualification
from volunteers.permissions import volunteer_of
from volunteers.services import grant_qualification

from .models.qualifications import QualificationProof
from .receipt_files import check_receipt_upload, display_name, save_with_file

# Open (unchecked) proofs one volunteer may have at a time: enough for every real case, and it
# keeps one account from filling the storage.
MAX_PENDING_PROOFS = 10

Status = QualificationProof.Status

# --- scope ------------------------------------------------------------------------------


def proofs_visible_to(user) -> QuerySet[QualificationProof]:
    """The volunteer's own proofs, and every proof of the KI staff's districts."""
    roles = roles_of(user)
    if roles.is_superuser:
        return QualificationProof.objects.all()
    own = volunteer_of(user)
    return QualificationProof.objects.filter(
        Q(volunteer__district_id__in=roles.staff_district_ids) | Q(volunteer_id=own.pk if own else None)
    )


def proofs_reviewable_by(user) -> QuerySet[QualificationProof]:
    roles = roles_of(user)
    if roles.is_superuser:
        return QualificationProof.objects.all()
    return QualificationProof.objects.filter(volunteer__district_id__in=roles.staff_district_ids)


def qualifications_provable_by(volunteer: Volunteer) -> QuerySet[Qualification]:
    return Qualification.objects.filter(district_id=volunteer.district_id).order_by("name")


# --- reads ------------------------------------------------------------------------------


def proofs_of(volunteer: Volunteer) -> QuerySet[QualificationProof]:
    return volunteer.qualification_proofs.select_related("qualification").order_by("-uploaded_at", "-pk")


def proofs_for_review(user) -> QuerySet[QualificationProof]:
    """Open proofs first (oldest first), then the decided ones (newest first)."""
    return (
        proofs_reviewable_by(user)
        .select_related("qualification", "volunteer__user")
        .order_by("status", "uploaded_at", "pk")
    )


def held_qualifications(volunteer: Volunteer) -> QuerySet[VolunteerQualification]:
    return volunteer.qualifications.select_related("qualification").order_by("qualification__name")


# --- writes -----------------------------------------------------------------------------


@transaction.atomic
def upload_qualification_proof(
    *, by: User, qualification: Qualification, earned_on: date, upload
) -> QualificationProof:
    """The volunteer ``by`` uploads proof that they earned ``qualification`` on ``earned_on``."""
    volunteer = volunteer_of(by)
    if volunteer is None:
        raise PermissionDenied
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)  # one upload at a time
    errors: dict[str, list[str]] = {}
    if qualification.district_id != volunteer.district_id:
        errors["qualification"] = [_("Bitte wählen Sie eine Qualifikation Ihres Kreises.")]
    if earned_on > timezone.localdate():
        errors["earned_on"] = [_("Das Ausstellungsdatum darf nicht in der Zukunft liegen.")]
    if volunteer.qualification_proofs.filter(status=Status.PENDING).count() >= MAX_PENDING_PROOFS:
        errors[None] = [
            _("Sie haben schon %(count)s Nachweise, die auf Prüfung warten. Bitte warten Sie die Prüfung ab.")
            % {"count": MAX_PENDING_PROOFS}
        ]
    try:
        kind, content = check_receipt_upload(upload)
    except ValidationError as error:
        errors["file"] = error.messages
    if errors:
        raise ValidationError(errors)
    proof = QualificationProof(
        volunteer=volunteer,
        qualification=qualification,
        earned_on=earned_on,
        kind=kind,
        original_name=display_name(upload.name),
        size=len(content),
        uploaded_by=by,
    )
    save_with_file(proof, "nachweis", content)
    return proof


@transaction.atomic
def decide_qualification_proof(
    *, by: User, proof: QualificationProof, confirm: bool, reason: str = ""
) -> QualificationProof:
    """KI staff confirm (the qualification is granted) or reject (with a reason) an open proof."""
    proof = (
        proofs_reviewable_by(by)
        .select_for_update(of=("self",))
        .select_related("volunteer__user", "volunteer__district", "qualification")
        .filter(pk=proof.pk)
        .first()
    )
    if proof is None:
        raise PermissionDenied
    if proof.status != Status.PENDING:
        raise ValidationError(_("Über diesen Nachweis ist schon entschieden."))
    reason = reason.strip()
    if not confirm and not reason:
        raise ValidationError(
            {"reason": [_("Bitte begründen Sie, warum der Nachweis nicht anerkannt wird.")]}
        )
    proof.status = Status.CONFIRMED if confirm else Status.REJECTED
    proof.rejection_reason = "" if confirm else reason
    proof.decided_by = by
    proof.decided_at = timezone.now()
    proof.save(update_fields=["status", "rejection_reason", "decided_by", "decided_at"])
    if confirm:
        grant_qualification(
            volunteer=proof.volunteer,
            qualification=proof.qualification,
            earned_on=proof.earned_on,
            source=VolunteerQualification.Source.EXTERNAL,
        )
    record_audit_event(
        actor=by,
        action=AuditEvent.Action.REVIEW_DECISION,
        target=proof,
        district_id=proof.volunteer.district_id,
        details={"qualification_proof_decision": proof.status},
    )
    user = proof.volunteer.user
    if user is not None and user.is_active:
        send_templated_mail(
            to=user.email,
            template="engagement_qualification_proof_decided",
            context={"proof": proof},
            language=user.preferred_language,
            reply_to=proof.volunteer.district.ki_email,
            idempotency_key=f"qualification-proof-decided:{proof.pk}",
            district_id=proof.volunteer.district_id,
        )
    return proof
