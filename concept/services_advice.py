"""Advice records (Beratung): the KI's meetings with a municipality and the follow-ups agreed there,
with the reads that scope them to the user."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from municipalities import permissions
from municipalities.models import DistrictRole, Membership, Municipality

from .models import AdviceMeeting, FollowUp, Goal


@dataclass(frozen=True)
class FollowUpInput:
    text: str
    owner: User | None
    due_on: datetime.date | None


def _check_staff(by: User, municipality: Municipality) -> None:
    if not permissions.is_ki_staff(by, municipality.district):
        raise PermissionDenied


def possible_owners(*, municipality: Municipality) -> QuerySet[User]:
    """Who can own a follow-up: KI staff of the district and the municipality's contacts."""
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(
                district_roles__district_id=municipality.district_id,
                district_roles__role=DistrictRole.Role.KI_STAFF,
            )
            | Q(memberships__municipality=municipality, memberships__role=Membership.Role.CONTACT)
        )
        .distinct()
        .order_by("full_name", "email")
    )


def goals_for_advice(*, municipality: Municipality) -> QuerySet[Goal]:
    """Goals of the district's current (not superseded) versions: the topics a meeting may be about."""
    return (
        Goal.objects.filter(version__concept__district_id=municipality.district_id)
        .exclude(version__status="superseded")
        .select_related("version", "field_of_action")
        .order_by("version__number", "field_of_action__position", "order", "title")
    )


@transaction.atomic
def record_advice_meeting(
    *,
    by: User,
    municipality: Municipality,
    held_on: datetime.date,
    participants: str,
    notes: str = "",
    gap_topics: str = "",
    topics: list[Goal] | tuple[Goal, ...] = (),
    follow_ups: list[FollowUpInput] | tuple[FollowUpInput, ...] = (),
) -> AdviceMeeting:
    """KI staff record a meeting with its topics and agreed follow-ups (owner and due date each)."""
    _check_staff(by, municipality)
    errors: dict[str, str] = {}
    if held_on is None:
        errors["held_on"] = _("Bitte geben Sie das Datum des Gesprächs an.")
    elif held_on > timezone.localdate():
        errors["held_on"] = _("Ein Gespräch in der Zukunft kann noch nicht erfasst werden.")
    if not (participants or "").strip():
        errors["participants"] = _("Bitte nennen Sie die Teilnehmenden (Namen und Funktion).")
    allowed_goals = set(goals_for_advice(municipality=municipality).values_list("pk", flat=True))
    if any(goal.pk not in allowed_goals for goal in topics):
        errors["topics"] = _("Ein gewähltes Ziel gehört nicht zum Konzept dieses Kreises.")
    owners = set(possible_owners(municipality=municipality).values_list("pk", flat=True))
    for number, item in enumerate(follow_ups, start=1):
        if not item.text.strip():
            errors.setdefault(
                "follow_ups", _("Vereinbarung %(n)s: Bitte beschreiben Sie die Vereinbarung.") % {"n": number}
            )
        elif item.owner is None or item.owner.pk not in owners:
            errors.setdefault(
                "follow_ups", _("Vereinbarung %(n)s: Bitte wählen Sie, wer zuständig ist.") % {"n": number}
            )
        elif item.due_on is None:
            errors.setdefault(
                "follow_ups",
                _("Vereinbarung %(n)s: Bitte geben Sie ein Fälligkeitsdatum an.") % {"n": number},
            )
    if errors:
        raise ValidationError(errors)
    meeting = AdviceMeeting.objects.create(
        district_id=municipality.district_id,
        municipality=municipality,
        held_on=held_on,
        participants=participants.strip(),
        notes=(notes or "").strip(),
        gap_topics=(gap_topics or "").strip(),
        recorded_by=by,
    )
    meeting.topics.set(topics)
    FollowUp.objects.bulk_create(
        [
            # Every due date was checked above (a follow-up without one is a ValidationError).
            FollowUp(
                meeting=meeting, text=i.text.strip(), owner=i.owner, due_on=cast(datetime.date, i.due_on)
            )
            for i in follow_ups
        ]
    )
    return meeting


@transaction.atomic
def complete_follow_up(*, by: User, follow_up: FollowUp) -> FollowUp:
    """Its owner or KI staff of the district mark a follow-up done; it leaves the start page."""
    follow_up = (
        FollowUp.objects.select_for_update()
        .select_related("meeting__municipality__district")
        .get(pk=follow_up.pk)
    )
    if follow_up.owner_id != by.pk and not permissions.is_ki_staff(
        by, follow_up.meeting.municipality.district
    ):
        raise PermissionDenied
    if follow_up.done_at is None:
        follow_up.done_at = timezone.now()
        follow_up.done_by = by
        follow_up.save(update_fields=["done_at", "done_by"])
    return follow_up


# --- reads ----------------------------------------------------------------------


def meetings_visible_to(user: User) -> QuerySet[AdviceMeeting]:
    """KI staff: their districts' meetings. Contacts: their own municipality's, never another's."""
    return AdviceMeeting.objects.filter(
        municipality__in=permissions.municipalities_managed_by(user)
    ).select_related("municipality", "recorded_by")


def meetings_of(*, user: User, municipality: Municipality) -> QuerySet[AdviceMeeting]:
    return (
        meetings_visible_to(user)
        .filter(municipality=municipality)
        .prefetch_related("topics", "follow_ups__owner")
        .order_by("-held_on", "-pk")
    )


def follow_ups_visible_to(user: User) -> QuerySet[FollowUp]:
    return FollowUp.objects.filter(meeting__in=meetings_visible_to(user)) | FollowUp.objects.filter(
        owner=user
    )


def open_follow_ups_of(*, user: User) -> list[FollowUp]:
    """The user's open follow-ups, oldest due first, for the start page."""
    if not user.is_authenticated:
        return []
    return list(
        FollowUp.objects.filter(owner=user, done_at__isnull=True)
        .select_related("meeting__municipality")
        .order_by("due_on", "pk")[:50]
    )
