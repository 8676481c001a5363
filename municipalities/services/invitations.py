"""Invitations of contact persons: sending, accepting, withdrawing and asking for a fresh link."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import create_account, find_user_by_email
from outbox.services import send_templated_mail

from .. import permissions
from ..models import (
    Invitation,
    Membership,
    Municipality,
    hash_invitation_token,
)
from .municipalities import grant_membership


class InvitationError(Exception):
    """An invitation link that cannot be used (unknown, used, expired, revoked)."""

    def __init__(self, reason: str, invitation: Invitation | None = None):
        super().__init__(reason)
        self.reason = reason
        self.invitation = invitation


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
