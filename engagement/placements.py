"""Volunteer placements: publishing, interest, consent to pass on contact data, placing.

Who may manage a placement: the members of the publishing organisation, and the KI staff of its
district (who also publish placements of the integration centre itself). Who may express interest:
volunteers of the placement's district.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import record_audit_event
from accounts.models import AuditEvent, User
from municipalities.models import Language, Municipality
from municipalities.permissions import districts_administered_by, is_ki_staff, roles_of
from outbox.services import send_templated_mail
from volunteers.models import Qualification, Volunteer, valid_qualifications_q
from volunteers.permissions import volunteer_of

from .models.placements import CONTACT_CONSENT_VERSION, Placement, PlacementInterest
from .permissions import organisation_of

# --- scope ------------------------------------------------------------------------------


def placements_managed_by(user) -> QuerySet[Placement]:
    """KI staff: every placement of their districts; organisation members: their organisation's."""
    roles = roles_of(user)
    if roles.is_superuser:
        return Placement.objects.all()
    own = organisation_of(user)
    return Placement.objects.filter(
        Q(district_id__in=roles.staff_district_ids) | Q(organisation_id=own.pk if own else None)
    )


def may_manage_placements(user) -> bool:
    return organisation_of(user) is not None or is_ki_staff(user)


def interests_managed_by(user) -> QuerySet[PlacementInterest]:
    return PlacementInterest.objects.filter(placement__in=placements_managed_by(user))


def placements_open_to(volunteer: Volunteer) -> QuerySet[Placement]:
    return Placement.objects.filter(district_id=volunteer.district_id, status=Placement.Status.PUBLISHED)


# --- reads ------------------------------------------------------------------------------


def matching_placements(volunteer: Volunteer) -> QuerySet[Placement]:
    """Open placements, those that fit the profile first (languages, qualifications, municipality)."""
    language_ids = list(volunteer.languages.values_list("language_id", flat=True))
    # An expired qualification (e.g. a first-aid course years ago) does not fit any more.
    held = list(
        volunteer.qualifications.filter(valid_qualifications_q(timezone.localdate())).values_list(
            "qualification_id", flat=True
        )
    )
    return (
        placements_open_to(volunteer)
        .select_related("organisation", "municipality")
        .prefetch_related("languages", "qualifications")
        .annotate(
            language_matches=Count("languages", filter=Q(languages__in=language_ids), distinct=True),
            missing_qualifications=Count("qualifications", filter=~Q(qualifications__in=held), distinct=True),
            in_home_municipality=Case(
                When(municipality_id=volunteer.municipality_id, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
        )
        .annotate(
            fits=Case(
                When(missing_qualifications=0, then=Value(1)), default=Value(0), output_field=IntegerField()
            )
        )
        .order_by("-fits", "-language_matches", "-in_home_municipality", "-created_at", "-pk")
    )


def managed_placements_with_counts(user) -> QuerySet[Placement]:
    return (
        placements_managed_by(user)
        .select_related("organisation", "municipality")
        .annotate(
            interested=Count("interests", filter=Q(interests__status=PlacementInterest.Status.INTERESTED)),
            placed=Count("interests", filter=Q(interests__status=PlacementInterest.Status.PLACED)),
        )
        .order_by("status", "-created_at", "-pk")
    )


def interests_for_publisher(*, by: User, placement: Placement) -> list[PlacementInterest]:
    """The people interested in a placement; viewing shared contact data is written to the audit log."""
    interests = list(
        placement.interests.exclude(status=PlacementInterest.Status.WITHDRAWN)
        .filter(user__is_active=True)
        .select_related("user__volunteer")
        .prefetch_related("shared_languages")
        .order_by("created_at", "pk")
    )
    if any(interest.shares_contact for interest in interests):
        record_audit_event(
            actor=by,
            action=AuditEvent.Action.VIEWED_VOLUNTEER_CONTACT,
            target=placement,
            district_id=placement.district_id,
            details={"placement_interests": sum(1 for i in interests if i.shares_contact)},
        )
    return interests


# --- publishing -------------------------------------------------------------------------


@dataclass
class PlacementData:
    municipality: Municipality
    title: str
    description: str
    schedule: str
    contact: str
    place: str = ""
    languages: list[Language] = field(default_factory=list)
    qualifications: list[Qualification] = field(default_factory=list)


def _check(placement: Placement, data: PlacementData) -> None:
    errors = {}
    if data.municipality.district_id != placement.district_id:
        errors["municipality"] = [_("Bitte wählen Sie eine Kommune des Kreises.")]
    if any(qualification.district_id != placement.district_id for qualification in data.qualifications):
        errors["qualifications"] = [_("Bitte wählen Sie nur Qualifikationen des Kreises.")]
    if errors:
        raise ValidationError(errors)


def _write(placement: Placement, data: PlacementData) -> Placement:
    _check(placement, data)
    for name in ("municipality", "title", "description", "schedule", "contact", "place"):
        setattr(placement, name, getattr(data, name))
    placement.save()
    placement.languages.set(data.languages)
    placement.qualifications.set(data.qualifications)
    return placement


@transaction.atomic
def publish_placement(*, by: User, data: PlacementData) -> Placement:
    """An organisation publishes for itself; KI staff publish for the integration centre."""
    organisation = organisation_of(by)
    if organisation is not None:
        if not organisation.is_confirmed:
            raise ValidationError(
                _(
                    "Einsatzstellen können Sie veröffentlichen, sobald das Integrationszentrum Ihre Initiative bestätigt hat."
                )
            )
        placement = Placement(district_id=organisation.district_id, organisation=organisation, created_by=by)
    elif is_ki_staff(by):
        district = districts_administered_by(by).order_by("pk").first()
        placement = Placement(district=district, created_by=by)
    else:
        raise PermissionDenied
    return _write(placement, data)


@transaction.atomic
def update_placement(*, by: User, placement: Placement, data: PlacementData) -> Placement:
    placement = placements_managed_by(by).select_for_update().get(pk=placement.pk)
    return _write(placement, data)


@transaction.atomic
def close_placement(*, by: User, placement: Placement) -> Placement:
    placement = placements_managed_by(by).select_for_update().get(pk=placement.pk)
    placement.status = Placement.Status.CLOSED
    placement.save(update_fields=["status", "updated_at"])
    return placement


def _publisher_addresses(placement: Placement) -> list[str]:
    if placement.organisation_id:
        from .services import contact_addresses

        return contact_addresses(placement.organisation)
    return [placement.district.ki_email] if placement.district.ki_email else []


# --- volunteers ---------------------------------------------------------------------------


@transaction.atomic
def express_interest(
    *, by: User, placement: Placement, shared_languages: list[Language], share_contact: bool, now=None
) -> PlacementInterest:
    """Interest in a placement, with the languages the volunteer shares and their consent to contact.

    Expressing interest again changes the shared languages and the consent (and revives a withdrawn
    interest). The publisher is told by mail that someone is interested (no personal data in the mail).
    """
    now = now or timezone.now()
    volunteer = volunteer_of(by)
    if volunteer is None:
        raise PermissionDenied
    placement = (
        placements_open_to(volunteer)
        .select_related("district", "organisation")
        .filter(pk=placement.pk)
        .first()
    )
    if placement is None:
        raise ValidationError(_("Diese Einsatzstelle nimmt keine Interessensbekundungen mehr an."))
    own = set(volunteer.languages.values_list("language_id", flat=True))
    if any(language.pk not in own for language in shared_languages):
        raise ValidationError({"shared_languages": [_("Sie können nur Sprachen Ihres Profils mitteilen.")]})
    interest, created = PlacementInterest.objects.select_for_update().get_or_create(
        placement=placement, user=by
    )
    revived = interest.status == PlacementInterest.Status.WITHDRAWN
    if revived:
        interest.status = PlacementInterest.Status.INTERESTED
    if share_contact and interest.contact_consent_at is None:
        interest.contact_consent_at = now
        interest.contact_consent_version = CONTACT_CONSENT_VERSION
    elif not share_contact:
        interest.contact_consent_at = None
        interest.contact_consent_version = ""
    interest.save()
    interest.shared_languages.set(shared_languages)
    if created or revived:
        send_templated_mail(
            to=_publisher_addresses(placement),
            template="engagement_placement_interest",
            context={"placement": placement},
            district_id=placement.district_id,
        )
    return interest


@transaction.atomic
def withdraw_interest(*, by: User, placement: Placement) -> PlacementInterest:
    interest = PlacementInterest.objects.select_for_update().filter(placement=placement, user=by).first()
    if interest is None:
        raise ValidationError(_("Sie haben an dieser Einsatzstelle kein Interesse bekundet."))
    interest.status = PlacementInterest.Status.WITHDRAWN
    interest.contact_consent_at = None
    interest.contact_consent_version = ""
    interest.placed_at = None
    interest.save()
    return interest


@transaction.atomic
def mark_placed(*, by: User, interest: PlacementInterest, now=None) -> PlacementInterest:
    """The publisher records that the volunteer now works in the placement (counted in the overview)."""
    interest = interests_managed_by(by).select_for_update().get(pk=interest.pk)
    if interest.status != PlacementInterest.Status.INTERESTED:
        raise ValidationError(_("Nur eine offene Interessensbekundung kann als vermittelt vermerkt werden."))
    if not interest.shares_contact:
        raise ValidationError(
            _("Die Person hat ihre Kontaktdaten noch nicht freigegeben; vermitteln können Sie erst danach.")
        )
    interest.status = PlacementInterest.Status.PLACED
    interest.placed_at = now or timezone.now()
    interest.save(update_fields=["status", "placed_at"])
    return interest
