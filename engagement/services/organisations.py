"""Organisations: registration with double opt-in, confirmation of the address and by the KI."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import find_user_by_email
from municipalities.models import District, Municipality
from municipalities.permissions import is_ki_staff
from outbox.services import send_templated_mail
from volunteers.selfservice.signup import ConfirmationProblem, signup_mail_allowed

from ..models import Organisation, OrganisationMember

CONFIRM_SALT = "organisation-confirm"
CONFIRM_MAX_AGE = timedelta(days=3)


# --- registration with double opt-in ------------------------------------------


def make_confirmation_token(member: OrganisationMember) -> str:
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign(f"{member.user_id}.{member.organisation_id}")


def organisation_for_confirmation_token(token: str) -> OrganisationMember:
    """The membership behind a confirmation link, or ConfirmationProblem; reads only (mail
    scanners open every link), like the volunteers' opt-in."""
    try:
        value = signing.TimestampSigner(salt=CONFIRM_SALT).unsign(token, max_age=CONFIRM_MAX_AGE)
    except signing.SignatureExpired:
        raise ConfirmationProblem("expired") from None
    except signing.BadSignature:
        raise ConfirmationProblem("invalid") from None
    user_id, _sep, organisation_id = value.partition(".")
    if not (user_id.isdigit() and organisation_id.isdigit()):
        raise ConfirmationProblem("invalid")
    member = (
        OrganisationMember.objects.filter(user_id=int(user_id), organisation_id=int(organisation_id))
        .select_related("user", "organisation__district")
        .first()
    )
    if member is None:
        raise ConfirmationProblem("invalid")
    if member.organisation.email_confirmed_at:
        raise ConfirmationProblem("already", member.user)
    return member


@dataclass(frozen=True)
class OrganisationDetails:
    name: str
    legal_form: str
    street: str
    postcode: str
    town: str
    municipality: Municipality | None = None


def _notify_ki_of_new_organisation(organisation: Organisation) -> None:
    send_templated_mail(
        to=organisation.district.ki_email,
        template="engagement_organisation_registered",
        context={"organisation": organisation, "list_path": reverse("engagement:organisations")},
        district_id=organisation.district_id,
        idempotency_key=f"organisation-registered:{organisation.pk}",
    )


@transaction.atomic
def register_organisation(
    *,
    district: District,
    details: OrganisationDetails,
    email: str = "",
    full_name: str = "",
    password: str = "",
    phone: str = "",
    user: User | None = None,
    language: str = "",
    now=None,
) -> Organisation | None:
    """Register an initiative with its contact person.

    A logged-in ``user`` has proven their address already: the organisation waits for the KI at
    once. Otherwise an inactive account is made and a confirmation link is mailed (double opt-in);
    an address that already has an account gets nothing created and no hint on the page (the
    result is None, as for the volunteers' sign-up).
    """
    password_hash = make_password(password) if user is None else ""  # hashed on every anonymous path
    now = now or timezone.now()
    if details.municipality is not None and details.municipality.district_id != district.pk:
        raise ValidationError({"municipality": _("Bitte wählen Sie eine Kommune aus der Liste.")})
    if user is not None:
        if OrganisationMember.objects.filter(user=user).exists():
            raise ValidationError(_("Sie vertreten bereits eine Organisation."))
        organisation = Organisation.objects.create(
            district=district, status=Organisation.Status.PENDING, email_confirmed_at=now, **details.__dict__
        )
        OrganisationMember.objects.create(organisation=organisation, user=user, is_contact=True, phone=phone)
        _notify_ki_of_new_organisation(organisation)
        return organisation
    email = User.objects.normalize_email(email)
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    if find_user_by_email(email) is not None:
        return None
    try:
        with transaction.atomic():
            account = User.objects.create_user(
                email=email, password=None, full_name=full_name.strip(), preferred_language=language,
                is_active=False,
            )  # fmt: skip
    except IntegrityError:
        return None  # the same address registered in the same moment
    account.password = password_hash
    account.save(update_fields=["password"])
    organisation = Organisation.objects.create(district=district, **details.__dict__)
    member = OrganisationMember.objects.create(
        organisation=organisation, user=account, is_contact=True, phone=phone
    )
    if signup_mail_allowed(email):
        send_templated_mail(
            to=email,
            template="engagement_confirm_email",
            context={
                "user": account,
                "organisation": organisation,
                "confirm_path": reverse(
                    "engagement:confirm_email", kwargs={"token": make_confirmation_token(member)}
                ),
                "valid_days": CONFIRM_MAX_AGE.days,
                "district": district,
            },
            language=language,
            reply_to=district.ki_email,
            district_id=district.pk,
        )
    return organisation


@transaction.atomic
def confirm_organisation_email(*, token: str, now=None) -> User:
    member = organisation_for_confirmation_token(token)
    organisation = Organisation.objects.select_for_update().get(pk=member.organisation_id)
    if organisation.email_confirmed_at:  # a double click that waited for the lock
        raise ConfirmationProblem("already", member.user)
    organisation.email_confirmed_at = now or timezone.now()
    organisation.status = Organisation.Status.PENDING
    organisation.save(update_fields=["email_confirmed_at", "status"])
    user = User.objects.select_for_update().get(pk=member.user_id)
    user.is_active = True
    user.save(update_fields=["is_active"])
    _notify_ki_of_new_organisation(organisation)
    return user


def contact_addresses(organisation: Organisation) -> list[str]:
    return list(
        OrganisationMember.objects.filter(organisation=organisation, is_contact=True, user__is_active=True)
        .order_by("pk")
        .values_list("user__email", flat=True)
    )


@transaction.atomic
def confirm_organisation(*, by: User, organisation: Organisation, now=None) -> Organisation:
    """KI staff confirm that the initiative exists and may apply."""
    organisation = Organisation.objects.select_for_update().select_related("district").get(pk=organisation.pk)
    if not is_ki_staff(by, organisation.district):
        raise PermissionDenied
    if organisation.status != Organisation.Status.PENDING:
        raise ValidationError(_("Nur Organisationen mit bestätigter E-Mail-Adresse können bestätigt werden."))
    organisation.status = Organisation.Status.CONFIRMED
    organisation.confirmed_at = now or timezone.now()
    organisation.confirmed_by = by
    organisation.save(update_fields=["status", "confirmed_at", "confirmed_by"])
    send_templated_mail(
        to=contact_addresses(organisation),
        template="engagement_organisation_confirmed",
        context={"organisation": organisation, "home_path": reverse("engagement:home")},
        reply_to=organisation.district.ki_email,
        district_id=organisation.district_id,
        idempotency_key=f"organisation-confirmed:{organisation.pk}",
    )
    return organisation
