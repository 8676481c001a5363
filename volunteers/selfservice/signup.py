"""Sign-up with double opt-in, joining as a volunteer with an existing account, confirmation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from accounts import consents
from accounts.models import User
from accounts.services import find_user_by_email
from municipalities.models import District, DistrictRole, Municipality
from municipalities.services import grant_district_role
from outbox.services import send_templated_mail
from volunteers.models import PRIVACY_NOTICE_VERSION, Volunteer

from . import AccountError

CONFIRM_SALT = "volunteer-confirm"
CONFIRM_MAX_AGE = timedelta(days=3)
# One sign-up mail per address and quarter of an hour: the form cannot be used to flood a mailbox.
SIGNUP_MAIL_INTERVAL = 15 * 60


def make_confirmation_token(user: User) -> str:
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign(str(user.pk))


def confirmation_path(user: User) -> str:
    return reverse("volunteers:confirm_email", kwargs={"token": make_confirmation_token(user)})


class ConfirmationProblem(Exception):
    """Why a confirmation link cannot be used: ``expired``, ``invalid`` or ``already``."""

    def __init__(self, reason: str, user: User | None = None):
        super().__init__(reason)
        self.reason = reason
        self.user = user


def user_for_confirmation_token(token: str) -> User:
    """The not yet confirmed account behind a link, or ConfirmationProblem.

    Reads only; opening the link (mail scanners do) changes nothing.
    """
    try:
        value = signing.TimestampSigner(salt=CONFIRM_SALT).unsign(token, max_age=CONFIRM_MAX_AGE)
    except signing.SignatureExpired:
        raise ConfirmationProblem("expired") from None
    except signing.BadSignature:
        raise ConfirmationProblem("invalid") from None
    if not value.isdigit():
        raise ConfirmationProblem("invalid")
    user = User.objects.filter(pk=int(value)).select_related("volunteer").first()
    volunteer = getattr(user, "volunteer", None) if user else None
    # A deleted (anonymised) account has no profile any more: its old link must not revive it.
    if volunteer is None or volunteer.anonymised_at:
        raise ConfirmationProblem("invalid")
    if volunteer.email_confirmed_at:
        raise ConfirmationProblem("already", user)
    return user


def signup_mail_allowed(email: str) -> bool:
    """Whether a sign-up mail may go to ``email`` now (one per SIGNUP_MAIL_INTERVAL; counts it)."""
    key = "volunteer-signup-mail:" + salted_hmac("volunteer-signup-mail", email.lower()).hexdigest()
    return cache.add(key, 1, timeout=SIGNUP_MAIL_INTERVAL)


def _send_confirmation(user: User, district: District | None) -> None:
    send_templated_mail(
        to=user.email,
        template="volunteer_confirm_email",
        context={
            "user": user,
            "confirm_path": confirmation_path(user),
            "valid_days": CONFIRM_MAX_AGE.days,
            "district": district,
        },
        language=user.preferred_language,
        reply_to=district.ki_email if district else "",
        district_id=district.pk if district else None,
    )


def _send_existing_account_notice(user: User, district: District | None) -> None:
    send_templated_mail(
        to=user.email,
        template="volunteer_confirm_existing",
        context={
            "user": user,
            # After logging in, the sign-up page offers a volunteer profile to an account without one.
            "login_path": reverse("accounts:login") + "?next=" + reverse("volunteers:signup"),
            "password_reset_path": reverse("accounts:password_reset"),
            "district": district,
        },
        language=user.preferred_language,
        reply_to=district.ki_email if district else "",
        district_id=district.pk if district else None,
    )


@dataclass(frozen=True)
class SignupResult:
    """``user`` is None when the address already had an account (the page must not say so)."""

    user: User | None


def create_volunteer_profile(
    *,
    user: User,
    district: District,
    municipality: Municipality | None,
    now,
    email_confirmed_at=None,
) -> Volunteer:
    """The one way a person becomes a volunteer: the profile, the consent to the privacy notice
    (on the profile and as an ``accounts.ConsentRecord``) and the volunteer role in the district."""
    volunteer = Volunteer.objects.create(
        user=user,
        district=district,
        municipality=municipality,
        privacy_consent_at=now,
        privacy_consent_version=PRIVACY_NOTICE_VERSION,
        email_confirmed_at=email_confirmed_at,
    )
    consents.record_consent(
        user=user,
        kind=consents.Kind.PRIVACY_NOTICE,
        version=PRIVACY_NOTICE_VERSION,
        source=consents.Source.SIGNUP,
        now=now,
    )
    grant_district_role(user=user, district=district, role=DistrictRole.Role.VOLUNTEER)
    return volunteer


@transaction.atomic
def sign_up_volunteer(
    *,
    email: str,
    full_name: str,
    password: str,
    district: District,
    municipality: Municipality | None = None,
    language: str = "",
    now=None,
) -> SignupResult:
    """Create an inactive account with a volunteer profile and send the confirmation link.

    If the address already has an account, nothing is created: an unconfirmed
    sign-up gets its link again, anyone else a notice pointing to login and
    password reset. The caller shows the same page in every case.
    """
    # Hash first, on every path: hashing is by far the slowest step, so doing it only for new
    # addresses would tell by the response time whether an address has an account.
    password_hash = make_password(password)
    now = now or timezone.now()
    if municipality is not None and municipality.district_id != district.pk:
        raise AccountError(_("Bitte wählen Sie eine Kommune aus der Liste."))
    email = User.objects.normalize_email(email)
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    existing = find_user_by_email(email)
    if existing is None:
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email=email,
                    password=None,
                    full_name=full_name.strip(),
                    preferred_language=language,
                    is_active=False,
                )
                user.password = password_hash
                user.save(update_fields=["password"])
        except IntegrityError:
            # Someone registered the same address in the same moment.
            existing = find_user_by_email(email)
        else:
            create_volunteer_profile(user=user, district=district, municipality=municipality, now=now)
            signup_mail_allowed(email)
            _send_confirmation(user, district)
            return SignupResult(user=user)
    if existing is not None and signup_mail_allowed(email):
        volunteer = Volunteer.objects.filter(user=existing, anonymised_at__isnull=True).first()
        if volunteer is not None and volunteer.email_confirmed_at is None and not existing.is_active:
            _send_confirmation(existing, volunteer.district)
        else:
            _send_existing_account_notice(existing, district)
    return SignupResult(user=None)


@transaction.atomic
def join_as_volunteer(
    *, user: User, district: District, municipality: Municipality | None = None, now=None
) -> Volunteer:
    """An existing account (e.g. a municipal contact) adds a volunteer profile.

    The address was already proven when the account was made (invitation or
    earlier confirmation), so no second opt-in is asked.
    """
    now = now or timezone.now()
    if municipality is not None and municipality.district_id != district.pk:
        raise AccountError(_("Bitte wählen Sie eine Kommune aus der Liste."))
    if Volunteer.objects.filter(user=user).exists():
        raise AccountError(_("Sie sind bereits als Ehrenamtliche*r registriert."))
    return create_volunteer_profile(
        user=user, district=district, municipality=municipality, now=now, email_confirmed_at=now
    )


@transaction.atomic
def confirm_volunteer_email(*, token: str, now=None) -> User:
    """Activate the account behind a confirmation link; a second use raises ``already``."""
    user = user_for_confirmation_token(token)
    user = User.objects.select_for_update().get(pk=user.pk)
    volunteer = Volunteer.objects.select_for_update().get(user=user)
    if volunteer.email_confirmed_at:  # a double click that waited for the lock
        raise ConfirmationProblem("already", user)
    volunteer.email_confirmed_at = now or timezone.now()
    volunteer.save(update_fields=["email_confirmed_at"])
    user.is_active = True
    user.save(update_fields=["is_active"])
    return user


def delete_unconfirmed_signups(*, older_than: timedelta = timedelta(days=30), now=None) -> int:
    """Remove sign-ups whose address was never confirmed (data minimisation).

    Such accounts never could log in, so they hold no registrations; their
    rows are deleted, not anonymised. Meant for a scheduled task.
    """
    cutoff = (now or timezone.now()) - older_than
    stale = User.objects.filter(
        is_active=False,
        last_login__isnull=True,
        volunteer__email_confirmed_at__isnull=True,
        volunteer__anonymised_at__isnull=True,
        volunteer__created_at__lt=cutoff,
        volunteer__registrations__isnull=True,
    )
    user_ids = list(stale.values_list("pk", flat=True).distinct())
    # The profile and the volunteer role go with the account (on_delete=CASCADE).
    User.objects.filter(pk__in=user_ids).delete()
    return len(user_ids)
