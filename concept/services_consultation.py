"""Consultation of the municipalities on a draft (Beteiligung, Einvernehmen — § 8 TIntG) and adoption.

Workflow (``concept/workflow.py``): draft ──open_consultation──▶ consultation ──adopt_version──▶
adopted. During the consultation every municipality's contacts read the draft, comment and declare
their municipality's position once; KI staff answer comments. A beat task reminds municipalities
without a position a week before the deadline.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from municipalities import permissions
from municipalities.models import FieldOfAction, Membership, Municipality
from outbox.services import send_templated_mail

from . import services as concept_services
from .models import (
    CommentAnswer,
    ConceptVersion,
    ConsultationComment,
    Goal,
    MunicipalityPosition,
    ReadReceipt,
)
from .workflow import VERSION

Status = ConceptVersion.Status
Position = MunicipalityPosition.Position
REMINDER_DAYS_BEFORE_DEADLINE = 7


class ConsultationError(ValidationError):
    """A consultation step that is not possible now (wrong status, past the deadline, repeated)."""


def _district_id(version: ConceptVersion) -> int:
    return version.concept.district_id


def _check_staff(by: User, version: ConceptVersion) -> None:
    if not permissions.is_ki_staff(by, version.concept.district):
        raise PermissionDenied


def _check_contact(by: User, version: ConceptVersion, municipality: Municipality) -> None:
    """Only a contact of this municipality speaks for it, and only on its own district's concept."""
    if municipality.district_id != _district_id(version):
        raise PermissionDenied
    if municipality.pk not in permissions.roles_of(by).contact_municipality_ids:
        raise PermissionDenied


def _check_open(version: ConceptVersion, *, today: datetime.date | None = None) -> None:
    if version.status != Status.CONSULTATION:
        raise ConsultationError(_("Zu dieser Fassung läuft keine Beteiligung."))
    today = today or timezone.localdate()
    if version.consultation_deadline and today > version.consultation_deadline:
        raise ConsultationError(
            _("Die Frist für Stellungnahmen ist am %(date)s abgelaufen.")
            % {"date": date_format(version.consultation_deadline, "SHORT_DATE_FORMAT")}
        )


def _locked(version: ConceptVersion) -> ConceptVersion:
    return ConceptVersion.objects.select_for_update().select_related("concept__district").get(pk=version.pk)


def contact_emails(municipality: Municipality) -> list[str]:
    return sorted(
        set(
            Membership.objects.filter(
                municipality=municipality, role=Membership.Role.CONTACT, user__is_active=True
            ).values_list("user__email", flat=True)
        )
    )


def _mail_municipality(
    *, version: ConceptVersion, municipality: Municipality, template: str, key: str
) -> bool:
    recipients = contact_emails(municipality)
    if not recipients:
        return False
    stored = send_templated_mail(
        to=recipients,
        template=template,
        context={
            "version": version,
            "municipality": municipality,
            "district": version.concept.district,
            "consultation_path": reverse(
                "concept:consultation_municipality", kwargs={"pk": version.pk, "slug": municipality.slug}
            ),
        },
        reply_to=version.concept.district.ki_email,
        idempotency_key=key,
        district_id=municipality.district_id,
    )
    return stored is not None


@transaction.atomic
def open_consultation(*, by: User, version: ConceptVersion, deadline: datetime.date) -> ConceptVersion:
    """Start the consultation with a deadline and tell every municipality's contacts by mail."""
    _check_staff(by, version)
    version = _locked(version)
    VERSION.check(
        "open_consultation",
        version,
        by,
        message=_("Nur ein Entwurf kann in die Beteiligung gegeben werden."),
        error=ConsultationError,
    )
    if deadline is None or deadline <= timezone.localdate():
        raise ConsultationError({"deadline": _("Die Frist muss in der Zukunft liegen.")})
    if deadline.year > version.period_end:
        raise ConsultationError({"deadline": _("Die Frist liegt nach dem Ende der Laufzeit des Konzepts.")})
    version.status = Status.CONSULTATION
    version.consultation_opened_at = timezone.now()
    version.consultation_deadline = deadline
    version.consultation_reminder_sent_at = None
    version.lock_version += 1
    version.save()
    opened = int(version.consultation_opened_at.timestamp())
    for municipality in Municipality.objects.filter(district_id=_district_id(version)).order_by("name"):
        _mail_municipality(
            version=version,
            municipality=municipality,
            template="concept_consultation_opened",
            key=f"concept-consultation-opened:{version.pk}:{opened}:{municipality.pk}",
        )
    return version


@transaction.atomic
def mark_draft_read(*, by: User, version: ConceptVersion, municipality: Municipality) -> ReadReceipt:
    """The contact confirms having read the draft (once per person; repeating changes nothing)."""
    _check_contact(by, version, municipality)
    if version.status != Status.CONSULTATION:
        raise ConsultationError(_("Zu dieser Fassung läuft keine Beteiligung."))
    receipt, _created = ReadReceipt.objects.get_or_create(version=version, municipality=municipality, user=by)
    return receipt


@transaction.atomic
def add_comment(
    *,
    by: User,
    version: ConceptVersion,
    municipality: Municipality,
    text: str,
    field_of_action: FieldOfAction | None = None,
    goal: Goal | None = None,
) -> ConsultationComment:
    """A municipality's comment on a field of action, a goal of this draft, or the draft as a whole."""
    _check_contact(by, version, municipality)
    _check_open(version)
    if field_of_action is not None and field_of_action.district_id != _district_id(version):
        raise ConsultationError({"field_of_action": _("Das Handlungsfeld gehört zu einem anderen Kreis.")})
    comment = ConsultationComment(
        version=version,
        municipality=municipality,
        author=by,
        field_of_action=field_of_action,
        goal=goal,
        text=(text or "").strip(),
    )
    comment.full_clean()
    comment.save()
    return comment


@transaction.atomic
def answer_comment(*, by: User, comment: ConsultationComment, text: str) -> CommentAnswer:
    """KI staff answer a comment; only the commenting municipality sees the answer."""
    _check_staff(by, comment.version)
    if comment.version.is_frozen:
        raise ConsultationError(_("Diese Fassung ist beschlossen und kann nicht mehr geändert werden."))
    text = (text or "").strip()
    if not text:
        raise ConsultationError({"text": _("Bitte schreiben Sie Ihre Antwort.")})
    return CommentAnswer.objects.create(comment=comment, author=by, text=text)


@transaction.atomic
def declare_position(
    *, by: User, version: ConceptVersion, municipality: Municipality, position: str, reasons: str = ""
) -> MunicipalityPosition:
    """Record the municipality's position; reasons are required unless it simply agrees."""
    _check_contact(by, version, municipality)
    version = _locked(version)
    _check_open(version)
    if position not in Position.values:
        raise ConsultationError({"position": _("Bitte wählen Sie eine Stellungnahme.")})
    if MunicipalityPosition.objects.filter(version=version, municipality=municipality).exists():
        raise ConsultationError(_("Ihre Kommune hat zu dieser Fassung bereits Stellung genommen."))
    record = MunicipalityPosition(
        version=version,
        municipality=municipality,
        position=position,
        reasons=(reasons or "").strip(),
        declared_by=by,
    )
    record.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError as error:  # a colleague of the same municipality was a moment faster
        raise ConsultationError(_("Ihre Kommune hat zu dieser Fassung bereits Stellung genommen.")) from error
    return record


def send_consultation_reminders(*, today: datetime.date | None = None) -> int:
    """Remind municipalities without a position a week before the deadline. Safe to run twice:
    each version is reminded once (marker) and each mail has its own idempotency key."""
    today = today or timezone.localdate()
    due = ConceptVersion.objects.filter(
        status=Status.CONSULTATION,
        consultation_reminder_sent_at__isnull=True,
        consultation_deadline__gte=today,
        consultation_deadline__lte=today + datetime.timedelta(days=REMINDER_DAYS_BEFORE_DEADLINE),
    ).values_list("pk", flat=True)
    sent = 0
    for version_pk in due:
        sent += _remind_version(version_pk=version_pk)
    return sent


@transaction.atomic
def _remind_version(*, version_pk: int) -> int:
    version = ConceptVersion.objects.select_for_update(skip_locked=True).filter(pk=version_pk).first()
    if version is None or version.consultation_reminder_sent_at is not None:
        return 0  # another beat run holds it or has done it
    without_position = Municipality.objects.filter(district_id=version.concept.district_id).exclude(
        Exists(MunicipalityPosition.objects.filter(version=version, municipality=OuterRef("pk")))
    )
    sent = 0
    for municipality in without_position.order_by("name"):
        sent += _mail_municipality(
            version=version,
            municipality=municipality,
            template="concept_consultation_reminder",
            key=f"concept-consultation-reminder:{version.pk}:{version.consultation_deadline}:{municipality.pk}",
        )
    version.consultation_reminder_sent_at = timezone.now()
    version.save(update_fields=["consultation_reminder_sent_at"])
    return sent


def adopt_version(
    *, by: User, version: ConceptVersion, adopted_on: datetime.date, body: str, drucksache: str
) -> ConceptVersion:
    """The consultation's last step: ``concept.services.adopt_version`` with this form's field
    name (``body``) and its refusal text, raised as ``ConsultationError``."""
    _check_staff(by, version)
    try:
        return concept_services.adopt_version(
            by=by,
            version=version,
            adopted_on=adopted_on,
            adopted_by_body=body,
            drucksache=drucksache,
            refused=_("Diese Fassung kann nicht beschlossen werden."),
        )
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            raise ConsultationError(
                {
                    "body" if field == "adopted_by_body" else field: errors
                    for field, errors in error.error_dict.items()
                }
            ) from error
        raise ConsultationError(error.messages) from error
