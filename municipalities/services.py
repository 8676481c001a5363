"""Writes with business meaning: municipalities, roles, invitations, reference data."""

from __future__ import annotations

import secrets
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import create_account, find_user_by_email, send_templated_mail

from . import permissions
from .models import (
    BuildingBlock,
    CostType,
    District,
    DistrictRole,
    FieldOfAction,
    FundingProgramme,
    Invitation,
    Language,
    Membership,
    Municipality,
    TargetGroup,
    hash_invitation_token,
)


class InvitationError(Exception):
    """An invitation link that cannot be used (unknown, used, expired, revoked)."""

    def __init__(self, reason: str, invitation: Invitation | None = None):
        super().__init__(reason)
        self.reason = reason
        self.invitation = invitation


# --- municipalities ----------------------------------------------------------


@transaction.atomic
def save_municipality(*, by: User, municipality: Municipality) -> Municipality:
    """Create or update a municipality's master data (KI staff of its district)."""
    if not permissions.may_administer_municipality(by, municipality):
        raise PermissionDenied
    if not municipality.slug:
        municipality.slug = unique_municipality_slug(municipality.name)
    municipality.full_clean()
    municipality.save()
    return municipality


def unique_municipality_slug(name: str) -> str:
    base = slugify(name.replace("ü", "ue").replace("ö", "oe").replace("ä", "ae").replace("ß", "ss"))
    base = base[:70] or "kommune"
    slug, counter = base, 2
    while Municipality.objects.filter(slug=slug).exists():
        slug = f"{base}-{counter}"
        counter += 1
    return slug


@transaction.atomic
def save_measure(*, by: User, measure, fields_of_action=(), target_groups=(), languages=()):
    """Create or update a measure of a municipality the user manages."""
    if not permissions.may_manage_municipality(by, measure.municipality):
        raise PermissionDenied
    if measure.pk is None:
        measure.created_by = by
    measure.full_clean()
    measure.save()
    measure.fields_of_action.set(fields_of_action)
    measure.target_groups.set(target_groups)
    measure.languages.set(languages)
    return measure


# --- roles -------------------------------------------------------------------


def grant_district_role(*, user: User, district: District, role: str) -> DistrictRole:
    grant, _created = DistrictRole.objects.get_or_create(user=user, district=district, role=role)
    permissions.forget_roles(user)
    return grant


def grant_membership(*, user: User, municipality: Municipality, role: str) -> Membership:
    membership, _created = Membership.objects.get_or_create(user=user, municipality=municipality, role=role)
    permissions.forget_roles(user)
    return membership


@transaction.atomic
def remove_membership(*, by: User, membership: Membership) -> None:
    if not permissions.may_administer_municipality(by, membership.municipality):
        raise PermissionDenied
    membership.delete()


# --- invitations -------------------------------------------------------------


def invitation_url(token: str) -> str:
    return settings.SITE_URL + reverse("municipalities:invitation_accept", kwargs={"token": token})


@transaction.atomic
def invite_contact(
    *, by: User, municipality: Municipality, email: str, full_name: str = ""
) -> tuple[Invitation, str]:
    """Invite a person to become a contact of ``municipality``; returns (invitation, token).

    An earlier open invitation of the same address for the same municipality
    is revoked, so only the newest link works.
    """
    if not permissions.may_administer_municipality(by, municipality):
        raise PermissionDenied
    email = User.objects.normalize_email(email)
    existing = find_user_by_email(email)
    if (
        existing
        and Membership.objects.filter(
            user=existing, municipality=municipality, role=Membership.Role.CONTACT
        ).exists()
    ):
        raise ValidationError(
            {
                "email": _("%(email)s ist bereits Ansprechperson für %(municipality)s.")
                % {"email": email, "municipality": municipality.name}
            }
        )
    now = timezone.now()
    Invitation.objects.open().filter(email=email, municipality=municipality).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        email=email,
        full_name=full_name.strip(),
        municipality=municipality,
        role=Membership.Role.CONTACT,
        token_hash=hash_invitation_token(token),
        invited_by=by,
        expires_at=now + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    district = municipality.district
    send_templated_mail(
        to=email,
        template="invitation",
        context={
            "invitation": invitation,
            "municipality": municipality,
            "district": district,
            "inviter_name": by.full_name,
            "accept_url": invitation_url(token),
            "valid_days": settings.INVITATION_VALID_DAYS,
        },
        language=existing.preferred_language if existing else None,
        reply_to=district.ki_email,
        idempotency_key=f"invitation:{invitation.pk}",
        district_id=district.pk,
    )
    return invitation, token


def get_usable_invitation(*, token: str, for_update: bool = False) -> Invitation:
    """The invitation behind ``token``, or InvitationError saying why it cannot be used."""
    queryset = Invitation.objects.select_related("municipality__district")
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    invitation = queryset.filter(token_hash=hash_invitation_token(token)).first()
    if invitation is None:
        raise InvitationError("unknown")
    if invitation.state != "open":
        raise InvitationError(invitation.state, invitation)
    return invitation


@transaction.atomic
def accept_invitation(
    *,
    token: str,
    user: User | None = None,
    full_name: str = "",
    password: str = "",
) -> tuple[User, Membership]:
    """Use an invitation once: create the account if needed and the membership.

    ``user`` is the logged-in person accepting with an existing account (it
    must have the invited address); otherwise a new account is created with
    ``full_name`` and ``password``. The row lock makes a double submit use
    the link only once.
    """
    invitation = get_usable_invitation(token=token, for_update=True)
    if user is not None and user.is_authenticated:
        if user.email.lower() != invitation.email.lower():
            raise InvitationError("wrong_account", invitation)
        account = user
    else:
        if find_user_by_email(invitation.email) is not None:
            raise InvitationError("account_exists", invitation)
        account = create_account(email=invitation.email, full_name=full_name, password=password)
    membership = grant_membership(user=account, municipality=invitation.municipality, role=invitation.role)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = account
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return account, membership


@transaction.atomic
def revoke_invitation(*, by: User, invitation: Invitation) -> Invitation:
    if not permissions.may_administer_municipality(by, invitation.municipality):
        raise PermissionDenied
    if invitation.state == "open":
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


def request_new_invitation(*, email: str) -> None:
    """Someone whose link expired asks for a new one.

    The KI of every municipality that invited this address is told; the
    person sees the same answer whether or not the address is known, so the
    form reveals nothing.
    """
    email = User.objects.normalize_email(email)
    invitations = _latest_unaccepted_per_municipality(email)
    for invitation in invitations:
        district = invitation.municipality.district
        send_templated_mail(
            to=district.ki_email,
            template="invitation_renewal_request",
            context={
                "email": email,
                "municipality": invitation.municipality,
                "district": district,
                "manage_url": settings.SITE_URL
                + reverse("municipalities:contacts", kwargs={"slug": invitation.municipality.slug}),
            },
            # One notice per invitation and day, however often the form is sent.
            idempotency_key=f"invitation-renewal-request:{invitation.pk}:{timezone.localdate()}",
            district_id=district.pk,
        )


def _latest_unaccepted_per_municipality(email: str) -> list[Invitation]:
    latest: dict[int, Invitation] = {}
    for invitation in (
        Invitation.objects.filter(email=email, accepted_at__isnull=True)
        .select_related("municipality__district")
        .order_by("-created_at")
    ):
        latest.setdefault(invitation.municipality_id, invitation)
    return list(latest.values())


# --- reference data ----------------------------------------------------------

DEFAULT_FIELDS_OF_ACTION = [
    ("sprache-bildung", "Sprache & Bildung"),
    ("fruehe-bildung", "Frühe Bildung"),
    ("ausbildung-arbeit", "Ausbildung & Arbeit"),
    ("gesundheit", "Gesundheit"),
    ("wohnen", "Wohnen"),
    ("kultur", "Kultur"),
    ("sport", "Sport"),
    ("politische-teilhabe", "Politische Teilhabe"),
    ("ehrenamt", "Ehrenamt & bürgerschaftliches Engagement"),
    ("interkulturelle-oeffnung", "Interkulturelle Öffnung der Verwaltung"),
    ("antidiskriminierung", "Antidiskriminierung"),
    ("beratung", "Beratung"),
]

DEFAULT_TARGET_GROUPS = [
    ("neuzugewanderte", "Neuzugewanderte und Geflüchtete"),
    ("kinder", "Kinder"),
    ("jugendliche", "Jugendliche"),
    ("frauen", "Frauen"),
    ("familien", "Familien"),
    ("seniorinnen", "Seniorinnen und Senioren"),
    ("ehrenamtliche", "Ehrenamtliche"),
    ("fachkraefte", "Fachkräfte aus Verwaltung und Trägern"),
    ("alle", "Alle Interessierten"),
]


DEFAULT_LANGUAGES = [
    ("de", "Deutsch", "Deutsch"),
    ("de-simple", "Leichte Sprache", "Leichte Sprache"),
    ("dgs", "Deutsche Gebärdensprache", "DGS"),
    ("en", "Englisch", "English"),
    ("ar", "Arabisch", "العربية"),
    ("fa", "Persisch (Farsi/Dari)", "فارسی"),
    ("tr", "Türkisch", "Türkçe"),
    ("uk", "Ukrainisch", "Українська"),
    ("ru", "Russisch", "Русский"),
    ("ku", "Kurdisch", "Kurdî"),
    ("ti", "Tigrinya", "ትግርኛ"),
    ("ps", "Paschtu", "پښتو"),
    ("so", "Somali", "Soomaali"),
    ("fr", "Französisch", "Français"),
    ("pl", "Polnisch", "Polski"),
    ("ro", "Rumänisch", "Română"),
    ("bg", "Bulgarisch", "Български"),
    ("sq", "Albanisch", "Shqip"),
    ("es", "Spanisch", "Español"),
    ("it", "Italienisch", "Italiano"),
    ("vi", "Vietnamesisch", "Tiếng Việt"),
]


# The successor of KOMM-AN (KI funding guideline of 3 April 2025). Its measure areas (in the guideline's
# wording and order) and cost types are editable data; these are the defaults a fresh installation starts with.
SUCCESSOR_PROGRAMME_CODE = "ehrenamt-integration-praevention"
SUCCESSOR_MEASURE_AREAS = [
    ("1", "Betrieb von Bildungs- und Begegnungsstätten für Geflüchtete und Neueingewanderte"),
    ("2", "Maßnahmen des Zusammenkommens, der Orientierung und Begleitung"),
    ("3", "Maßnahmen zur Informations- und Wissensvermittlung"),
    ("4", "Maßnahmen zur Förderung von Demokratiebildung"),
    ("5", "Maßnahmen zur Qualifizierung von ehrenamtlich Tätigen und zur Begleitung ihrer Arbeit"),
]
# Material costs only: personnel costs are listed as not eligible, so a plan that names them is refused.
SUCCESSOR_COST_TYPES = [
    ("miete", "Miete und Raumkosten", True),
    ("honorare", "Honorare für Referent*innen", True),
    ("fahrtkosten", "Fahrtkosten", True),
    ("material", "Sachmittel und Material", True),
    ("verpflegung", "Verpflegung (im angemessenen Rahmen)", True),
    ("oeffentlichkeitsarbeit", "Öffentlichkeitsarbeit", True),
    ("personal", "Personalkosten", False),
]

DEFAULT_FUNDING_PROGRAMMES = [
    # code, name, valid from, valid to, building blocks or measure areas, fields
    (
        "komm-an-nrw-2",
        "KOMM-AN NRW, Programmteil II",
        "2016-01-01",
        "2024-12-31",  # Part II funding ended on 1 January 2025
        [
            ("A", "Ankommenstreffpunkte"),
            ("B", "Begegnung und Begleitung"),
            ("C", "Information und Gewinnung von Ehrenamtlichen"),
            ("D", "Qualifizierung"),
        ],
        {},
    ),
    (
        SUCCESSOR_PROGRAMME_CODE,
        "Ehrenamt im Kontext (Integration und) Prävention",
        "2025-01-01",
        "2028-12-31",
        SUCCESSOR_MEASURE_AREAS,
        {
            "area_kind": FundingProgramme.AreaKind.MEASURE_AREAS,
            "funds_local_initiatives": True,
            "advice_meeting_required": True,
            "cap_per_applicant": Decimal("2000.00"),
            "description": (
                "Förderung der ehrenamtlichen Arbeit der Kommunalen Integrationszentren nach der "
                "Förderrichtlinie vom 3. April 2025: Sachkosten, Weiterleitung an lokale Initiativen "
                "nach einem Beratungsgespräch."
            ),
        },
    ),
]


# Names the defaults had before; a stored row still carrying one gets the current name (a name the
# KI entered themselves is never touched). „Beispiel“ showed on public course pages and certificates.
def ensure_default_funding_programmes() -> None:
    from datetime import date

    for code, name, valid_from, valid_to, blocks, fields in DEFAULT_FUNDING_PROGRAMMES:
        programme, _created = FundingProgramme.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "valid_from": date.fromisoformat(valid_from),
                "valid_to": date.fromisoformat(valid_to) if valid_to else None,
                **fields,
            },
        )
        for block_code, block_name in blocks:
            BuildingBlock.objects.get_or_create(
                programme=programme, code=block_code, defaults={"name": block_name}
            )
        if code == SUCCESSOR_PROGRAMME_CODE:
            for position, (cost_code, cost_name, eligible) in enumerate(SUCCESSOR_COST_TYPES, start=1):
                CostType.objects.get_or_create(
                    programme=programme,
                    code=cost_code,
                    defaults={"name": cost_name, "is_eligible": eligible, "position": position},
                )


def ensure_default_languages() -> None:
    for position, (code, name, native_name) in enumerate(DEFAULT_LANGUAGES, start=1):
        Language.objects.get_or_create(
            code=code, defaults={"name": name, "native_name": native_name, "position": position}
        )


def ensure_default_reference_data(*, district: District) -> None:
    """Seed the default fields of action, target groups and languages; never overwrite edits."""
    ensure_default_languages()
    ensure_default_funding_programmes()
    for position, (slug, name) in enumerate(DEFAULT_FIELDS_OF_ACTION, start=1):
        FieldOfAction.objects.get_or_create(
            district=district, slug=slug, defaults={"name": name, "position": position}
        )
    for position, (slug, name) in enumerate(DEFAULT_TARGET_GROUPS, start=1):
        TargetGroup.objects.get_or_create(
            district=district, slug=slug, defaults={"name": name, "position": position}
        )
