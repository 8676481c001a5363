"""Every write with business meaning for events: editing, review workflow, history, occurrences.

The workflow's steps (who may move an event from which state to which) are stated once in
``events/workflow.py``. Editing an approved event by a municipal contact sends it back to review
(status ``submitted``): the KI checks every public text. KI staff may edit a published event
directly; both are recorded in the history.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accounts.audit import record_audit_event
from accounts.models import AuditEvent, User
from municipalities import permissions
from municipalities.models import DistrictRole
from municipalities.text import single_line
from outbox.services import send_templated_mail

from .models import Event, EventChange, EventOccurrence, EventTranslation, translation_languages
from .recurrence import compute_occurrences
from .services_lists import m2m_snapshot, write_lists
from .workflow import DECISIONS, EVENT

S = Event.Status

TRACKED_FIELDS = [
    "title", "description", "municipality_id", "measure_id", "start", "end", "all_day", "frequency",
    "interval", "weekdays", "monthly_mode", "repeat_until", "repeat_count", "excluded_dates",
    "location_name", "street", "postcode", "town", "online_url", "accessibility_notes", "organiser",
    "public_contact", "expected_participants", "actual_participants", "internal_note",
]  # fmt: skip
RECURRENCE_FIELDS = {"start", "end", "frequency", "interval", "weekdays", "monthly_mode", "repeat_until",
                     "repeat_count", "excluded_dates"}  # fmt: skip
# The history entry of each review decision.
DECISION_CHANGES = {
    "approve": EventChange.Action.APPROVED,
    "return": EventChange.Action.RETURNED,
    "reject": EventChange.Action.REJECTED,
}
NOT_EDITABLE = _lazy(
    "Abgesagte oder abgelehnte Veranstaltungen können nicht mehr geändert werden. "
    "Legen Sie bei Bedarf eine Kopie an."
)


class EventTransitionError(ValidationError):
    """A workflow step that is not possible from the event's current state."""


def _value(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _snapshot(event: Event) -> dict:
    return {name: _value(getattr(event, name)) for name in TRACKED_FIELDS}


def _diff(before: dict, after: dict) -> dict:
    return {key: [before.get(key), after[key]] for key in after if before.get(key) != after[key]}


def log_change(*, event: Event, actor: User | None, action: str, comment: str = "", changes=None):
    return EventChange.objects.create(
        event=event, actor=actor, action=action, comment=comment, changes=changes or {}
    )


def regenerate_occurrences(*, event: Event) -> int:
    EventOccurrence.objects.filter(event=event).delete()
    rows = [EventOccurrence(event=event, start=start, end=end) for start, end in compute_occurrences(event)]
    EventOccurrence.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def _check_may_manage(by: User, event: Event) -> None:
    if not permissions.may_manage_municipality(by, event.municipality):
        raise PermissionDenied


@transaction.atomic
def save_event(
    *,
    by: User,
    event: Event,
    fields_of_action=(),
    target_groups=(),
    languages=(),
    action: str = "",
) -> Event:
    """Create or update an event with its lists; validate, record history, refresh occurrences."""
    _check_may_manage(by, event)
    is_new = event.pk is None
    if not is_new:
        stored = Event.objects.select_for_update().get(pk=event.pk)
        # The municipality it belonged to must be theirs too.
        EVENT.check("edit", stored, by, message=NOT_EDITABLE, error=EventTransitionError)
        before = {**_snapshot(stored), **m2m_snapshot(stored)}
    else:
        before = {}
        event.created_by = by
        event.status = S.DRAFT
    event.full_clean(exclude=["status"])
    resubmitted = False
    if (
        not is_new
        and event.status == S.APPROVED
        and not permissions.may_administer_municipality(by, event.municipality)
    ):
        event.status = S.SUBMITTED
        event.submitted_at = timezone.now()
        resubmitted = True
    event.save()
    write_lists(
        event,
        is_new=is_new,
        fields_of_action=fields_of_action,
        target_groups=target_groups,
        languages=languages,
    )
    changes = {} if is_new else _diff(before, {**_snapshot(event), **m2m_snapshot(event)})
    if is_new or RECURRENCE_FIELDS & set(changes):
        regenerate_occurrences(event=event)
    if is_new:
        log_change(event=event, actor=by, action=action or EventChange.Action.CREATED)
    elif changes:
        change = log_change(
            event=event,
            actor=by,
            action=EventChange.Action.UPDATED,
            changes=changes,
            comment=_("Nach Änderung erneut zur Prüfung eingereicht.") if resubmitted else "",
        )
        if resubmitted:
            _notify_staff_of_submission(event, change=change)
    return event


def translations_of(event: Event) -> dict[str, dict]:
    """``{language: {"title", "description"}}`` of the event's stored translations."""
    return {
        t.language: {"title": t.title, "description": t.description}
        for t in EventTranslation.objects.filter(event=event)
    }


@transaction.atomic
def save_event_translations(*, by: User, event: Event, translations: dict[str, dict]) -> Event:
    """Store the translations of title and short description, one per language.

    ``translations`` maps a language code to ``{"title", "description"}``; a language with an empty
    title is removed. Scoped and locked like ``save_event``: a municipal contact's change of a published
    event's translation sends the event back to review (the KI checks every public text).
    """
    _check_may_manage(by, event)
    stored = Event.objects.select_for_update().get(pk=event.pk)
    EVENT.check("edit", stored, by, message=NOT_EDITABLE, error=EventTransitionError)
    allowed = {code for code, _name in translation_languages()}
    unknown = set(translations) - allowed
    if unknown:
        raise ValidationError(_("Unbekannte Sprache: %(codes)s") % {"codes": ", ".join(sorted(unknown))})
    before = translations_of(stored)
    for language, values in translations.items():
        title = single_line(values.get("title") or "")  # like the form field; the model refuses breaks
        description = (values.get("description") or "").strip()
        if not title:
            if description:
                raise ValidationError(
                    {language: _("Bitte geben Sie zur Kurzbeschreibung auch einen Titel an.")}
                )
            EventTranslation.objects.filter(event=stored, language=language).delete()
            continue
        translation = EventTranslation.objects.filter(event=stored, language=language).first()
        translation = translation or EventTranslation(event=stored, language=language)
        translation.title, translation.description = title, description
        translation.full_clean(exclude=["event"])
        translation.save()
    after = translations_of(stored)
    changes = {
        f"translation_{language}": [before.get(language), after.get(language)]
        for language in sorted(set(before) | set(after))
        if before.get(language) != after.get(language)
    }
    if not changes:
        return stored
    resubmitted = False
    if stored.status == S.APPROVED and not permissions.may_administer_municipality(by, stored.municipality):
        stored.status = S.SUBMITTED
        stored.submitted_at = timezone.now()
        resubmitted = True
    # Saving the event also bumps ``updated_at`` (feeds' and API's ETag) and invalidates the public pages.
    stored.save()
    change = log_change(
        event=stored,
        actor=by,
        action=EventChange.Action.UPDATED,
        changes=changes,
        comment=_("Nach Änderung erneut zur Prüfung eingereicht.") if resubmitted else "",
    )
    if resubmitted:
        _notify_staff_of_submission(stored, change=change)
    return stored


@transaction.atomic
def copy_event(*, by: User, event: Event) -> Event:
    _check_may_manage(by, event)
    fields_of_action = list(event.fields_of_action.all())
    target_groups = list(event.target_groups.all())
    languages = list(event.languages.all())
    copy = Event.objects.get(pk=event.pk)
    copy.pk = None
    copy.id = None
    copy.title = _("Kopie von %(title)s") % {"title": event.title}
    copy.title = copy.title[:200]
    copy.review_comment = ""
    copy.submitted_at = copy.reviewed_at = copy.reviewed_by = None
    copy.actual_participants = None
    return save_event(
        by=by, event=copy, fields_of_action=fields_of_action, target_groups=target_groups, languages=languages
    )


def _locked(event: Event) -> Event:
    return Event.objects.select_for_update().select_related("municipality__district").get(pk=event.pk)


@transaction.atomic
def submit_event(*, by: User, event: Event) -> Event:
    event = _locked(event)
    EVENT.check(
        "submit",
        event,
        by,
        message=_("Nur Entwürfe und zurückgegebene Veranstaltungen können eingereicht werden."),
        error=EventTransitionError,
    )
    event.status = EVENT.target_of("submit")
    event.submitted_at = timezone.now()
    event.save(update_fields=["status", "submitted_at", "updated_at"])
    change = log_change(event=event, actor=by, action=EventChange.Action.SUBMITTED)
    _notify_staff_of_submission(event, change=change)
    return event


@transaction.atomic
def decide_event(*, by: User, event: Event, decision: str, comment: str = "") -> Event:
    """The review's decision on a submitted event: ``approve``, ``return`` (with a comment for the
    municipality) or ``reject``; the submitter is told by mail."""
    if decision not in DECISIONS:
        raise ValueError(f"unknown decision {decision!r}")
    comment = comment.strip()
    if decision == "return" and not comment:
        raise ValidationError(
            {
                "comment": _(
                    "Bitte schreiben Sie, was geändert werden soll – die Kommune sieht diesen Kommentar."
                )
            }
        )
    event = _locked(event)
    EVENT.check(
        decision,
        event,
        by,
        message=_("Diese Entscheidung ist im aktuellen Status nicht möglich."),
        error=EventTransitionError,
    )
    action = DECISION_CHANGES[decision]
    event.status = EVENT.target_of(decision)
    event.review_comment = comment
    event.reviewed_at = timezone.now()
    event.reviewed_by = by
    event.save(update_fields=["status", "review_comment", "reviewed_at", "reviewed_by", "updated_at"])
    change = log_change(event=event, actor=by, action=action, comment=comment)
    _record_decision(by=by, event=event, decision=action)
    _notify_submitter(event, action=action, comment=comment, by=by, change=change)
    return event


def _record_decision(*, by: User, event: Event, decision: str) -> None:
    """The audit log keeps who decided what; the comment stays with the event, not in the log."""
    record_audit_event(
        actor=by,
        action=AuditEvent.Action.REVIEW_DECISION,
        target=event,
        district_id=event.municipality.district_id,
        description=event.title,
        details={"decision": str(decision)},
    )


@transaction.atomic
def cancel_event(*, by: User, event: Event, comment: str = "") -> Event:
    """An approved event is called off; it stays in the calendar marked „abgesagt“."""
    event = _locked(event)
    EVENT.check(
        "cancel",
        event,
        by,
        message=_("Nur veröffentlichte Veranstaltungen können abgesagt werden."),
        error=EventTransitionError,
    )
    event.status = EVENT.target_of("cancel")
    event.save(update_fields=["status", "updated_at"])
    log_change(event=event, actor=by, action=EventChange.Action.CANCELLED, comment=comment.strip())
    _record_decision(by=by, event=event, decision=EventChange.Action.CANCELLED)
    return event


# --- notifications -----------------------------------------------------------


def staff_emails(district) -> list[str]:
    return sorted(
        set(
            User.objects.filter(
                is_active=True,
                district_roles__district=district,
                district_roles__role=DistrictRole.Role.KI_STAFF,
            ).values_list("email", flat=True)
        )
    )


def _notify_staff_of_submission(event: Event, *, change: EventChange) -> None:
    if settings.EVENTS_SUBMISSION_MAIL != "immediate":
        return  # the daily digest task collects them
    recipients = staff_emails(event.municipality.district)
    if recipients:
        send_templated_mail(
            to=recipients,
            template="event_submitted",
            context={"events": [event], "district": event.municipality.district},
            idempotency_key=f"event-submitted:{change.pk}",
            district_id=event.municipality.district_id,
        )


def send_submission_digest(*, since) -> int:
    """One mail per district listing events submitted since ``since`` (daily digest)."""
    sent = 0
    pending = (
        Event.objects.filter(status=S.SUBMITTED, submitted_at__gte=since)
        .select_related("municipality__district")
        .order_by("municipality__district_id", "submitted_at")
    )
    by_district: dict = {}
    for event in pending:
        by_district.setdefault(event.municipality.district, []).append(event)
    for district, events in by_district.items():
        recipients = staff_emails(district)
        if recipients:
            stored = send_templated_mail(
                to=recipients,
                template="event_submitted",
                context={"events": events, "district": district},
                # One digest per district and day, even if beat runs the task twice.
                idempotency_key=f"event-submission-digest:{district.pk}:{timezone.localdate()}",
                district_id=district.pk,
            )
            sent += stored is not None
    return sent


def _notify_submitter(event: Event, *, action: str, comment: str, by: User, change: EventChange) -> None:
    recipient = event.created_by
    submission = event.changes.filter(action=EventChange.Action.SUBMITTED).select_related("actor").last()
    if submission and submission.actor:
        recipient = submission.actor
    if recipient is None or not recipient.is_active:
        return
    send_templated_mail(
        to=recipient.email,
        template="event_decision",
        context={
            "event": event,
            "action": action,
            "comment": comment,
            "reviewer": by,
            "recipient": recipient,
        },
        language=recipient.preferred_language,
        reply_to=event.municipality.district.ki_email,
        idempotency_key=f"event-decision:{change.pk}",
        district_id=event.municipality.district_id,
    )
