"""A volunteer's own account: sign-up with double opt-in, profile, consents, export, deletion.

Everything here acts on the person's own data; KI staff work on volunteers
through ``volunteers.services`` and their own views.

Deletion anonymises instead of deleting rows, because course registrations
and attendance are funding evidence that must stay countable for five years
after the funding year. What is kept after deletion, and why:

* the ``Volunteer`` row without a user, with its municipality (anonymous
  counts per municipality), its registrations, attendance and qualifications
  (funding evidence, "qualified volunteers"), the consent timestamps (proof
  that earlier processing was lawful) and – only if it was given with
  consent – the newcomer flag, which afterwards is an anonymous count;
* the ``accounts.ConsentRecord`` rows, attached to the emptied ``User`` row (so
  pseudonymous: nothing in them or next to them names the person). They are the
  evidence that processing before the deletion was lawful (Art. 7(1) GDPR asks the
  controller to be able to show consent) and hold nothing but kind, text version and
  times. The privacy-notice consent is closed as withdrawn at the moment of deletion:
  deleting the account is how that consent is withdrawn;
* the ``User`` row, emptied (placeholder address, "Gelöschte Person", no
  usable password), so that foreign keys elsewhere (events, history,
  attendance recorded by a trainer) keep pointing at *somebody* without
  naming anybody.

Removed: phone, availability, languages, interests, roles, memberships, and
the login-throttling records that hold the old address.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from accounts import consents, twofactor
from accounts.audit import audit_events_of_actor
from accounts.models import ConsentRecord, User
from accounts.services import find_user_by_email, forget_mail_to, send_templated_mail
from municipalities import permissions as base_permissions
from municipalities.models import (
    District,
    DistrictRole,
    FieldOfAction,
    Invitation,
    Language,
    Membership,
    Municipality,
)
from municipalities.services import grant_district_role

from . import services
from .models import (
    NEWCOMER_CONSENT_VERSION,
    PRIVACY_NOTICE_VERSION,
    Registration,
    Volunteer,
    VolunteerLanguage,
)

logger = logging.getLogger(__name__)

CONFIRM_SALT = "volunteer-confirm"
CONFIRM_MAX_AGE = timedelta(days=3)
# One sign-up mail per address and quarter of an hour: the form cannot be used to flood a mailbox.
SIGNUP_MAIL_INTERVAL = 15 * 60
DELETED_NAME = "Gelöschte Person"
OPEN_STATUSES = (Registration.Status.REGISTERED, Registration.Status.WAITLISTED, Registration.Status.OFFERED)


class AccountError(ValidationError):
    """A step on one's own account that is not possible; the message says why, in German."""


# --- sign-up and confirmation ------------------------------------------------


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


def _signup_mail_allowed(email: str) -> bool:
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
            Volunteer.objects.create(
                user=user,
                district=district,
                municipality=municipality,
                privacy_consent_at=now,
                privacy_consent_version=PRIVACY_NOTICE_VERSION,
            )
            consents.record_consent(
                user=user,
                kind=consents.Kind.PRIVACY_NOTICE,
                version=PRIVACY_NOTICE_VERSION,
                source=consents.Source.SIGNUP,
                now=now,
            )
            grant_district_role(user=user, district=district, role=DistrictRole.Role.VOLUNTEER)
            _signup_mail_allowed(email)
            _send_confirmation(user, district)
            return SignupResult(user=user)
    if existing is not None and _signup_mail_allowed(email):
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
    volunteer = Volunteer.objects.create(
        user=user,
        district=district,
        municipality=municipality,
        privacy_consent_at=now,
        privacy_consent_version=PRIVACY_NOTICE_VERSION,
        email_confirmed_at=now,
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


# --- profile and consents ----------------------------------------------------


@dataclass(frozen=True)
class LanguageSkill:
    language: Language
    level: str


def set_newcomer_consent(*, volunteer: Volunteer, came_as_newcomer: bool, consent: bool, now=None) -> None:
    """Record or withdraw the newcomer flag and its consent (does not save the volunteer).

    The flag may only be stored with consent; every give and withdrawal is also written as an
    ``accounts.ConsentRecord``. Withdrawing – or unticking the flag – removes the flag, the
    consent fields and the flag on *all* of the person's registrations: afterwards the person
    is counted as a newcomer nowhere, also not in funding evidence or figures produced later.
    (Evidence already handed in on paper cannot be recalled; the Datenschutz page says so.)
    """
    if came_as_newcomer and not consent:
        raise AccountError(
            _(
                "Bitte willigen Sie ein, wenn Sie die Angabe „neu zugewandert“ machen möchten – oder lassen Sie sie weg."
            )
        )
    now = now or timezone.now()
    if came_as_newcomer:
        if (
            not volunteer.newcomer_consent_at
            or volunteer.newcomer_consent_version != NEWCOMER_CONSENT_VERSION
        ):
            volunteer.newcomer_consent_at = now
            volunteer.newcomer_consent_version = NEWCOMER_CONSENT_VERSION
        volunteer.came_as_newcomer = True
        if volunteer.user_id:
            consents.record_consent(
                user=volunteer.user,
                kind=consents.Kind.NEWCOMER_STATUS,
                version=volunteer.newcomer_consent_version,
                source=consents.Source.PROFILE,
                now=volunteer.newcomer_consent_at,
            )
        if volunteer.pk:
            # Only registrations still open take over a newly given consent: a completed
            # course's evidence counted what was consented at the time.
            volunteer.registrations.filter(status__in=OPEN_STATUSES, counts_as_newcomer=False).update(
                counts_as_newcomer=True, updated_at=now
            )
    else:
        volunteer.came_as_newcomer = False
        volunteer.newcomer_consent_at = None
        volunteer.newcomer_consent_version = ""
        if volunteer.user_id:
            consents.withdraw_consent(user=volunteer.user, kind=consents.Kind.NEWCOMER_STATUS, now=now)
        if volunteer.pk:
            volunteer.registrations.filter(counts_as_newcomer=True).update(
                counts_as_newcomer=False, updated_at=now
            )


def record_profile_consents(volunteer: Volunteer, *, source: str) -> None:
    """Write consent records for the consents a profile holds (demo data, test factories).

    The data migration ``volunteers.0003`` does the same for profiles that existed
    before consent records did.
    """
    if volunteer.user_id is None:
        return
    if volunteer.privacy_consent_at:
        consents.record_consent(
            user=volunteer.user,
            kind=consents.Kind.PRIVACY_NOTICE,
            version=volunteer.privacy_consent_version,
            source=source,
            now=volunteer.privacy_consent_at,
        )
    if volunteer.came_as_newcomer and volunteer.newcomer_consent_at:
        consents.record_consent(
            user=volunteer.user,
            kind=consents.Kind.NEWCOMER_STATUS,
            version=volunteer.newcomer_consent_version,
            source=source,
            now=volunteer.newcomer_consent_at,
        )


@transaction.atomic
def withdraw_newcomer_consent(*, user: User, now=None) -> Volunteer:
    """Withdraw the consent to the newcomer flag from the "Meine Einwilligungen" page."""
    volunteer = Volunteer.objects.select_for_update().filter(user=user, anonymised_at__isnull=True).first()
    if volunteer is None:
        raise AccountError(_("Sie haben noch kein Ehrenamtsprofil."))
    set_newcomer_consent(volunteer=volunteer, came_as_newcomer=False, consent=False, now=now)
    volunteer.save(update_fields=["came_as_newcomer", "newcomer_consent_at", "newcomer_consent_version"])
    return volunteer


@transaction.atomic
def save_volunteer_profile(
    *,
    user: User,
    full_name: str,
    municipality: Municipality | None,
    phone: str,
    availability: str,
    interests: list[FieldOfAction],
    languages: list[LanguageSkill],
    came_as_newcomer: bool,
    newcomer_consent: bool,
    now=None,
) -> Volunteer:
    """Save one's own profile: name on the account, the rest on the volunteer profile."""
    volunteer = Volunteer.objects.select_for_update().filter(user=user, anonymised_at__isnull=True).first()
    if volunteer is None:
        raise AccountError(_("Sie haben noch kein Ehrenamtsprofil."))
    if municipality is not None and municipality.district_id != volunteer.district_id:
        raise AccountError(_("Bitte wählen Sie eine Kommune aus der Liste."))
    foreign = [field for field in interests if field.district_id != volunteer.district_id]
    if foreign:
        raise AccountError(_("Bitte wählen Sie Interessen aus der Liste."))
    codes = [skill.language.pk for skill in languages]
    if len(codes) != len(set(codes)):
        raise AccountError(_("Bitte geben Sie jede Sprache nur einmal an."))
    name = full_name.strip()
    if not name:
        raise AccountError(_("Bitte geben Sie Ihren Namen an."))
    if user.full_name != name:
        user.full_name = name
        user.save(update_fields=["full_name"])
    volunteer.municipality = municipality
    volunteer.phone = phone.strip()
    volunteer.availability = availability.strip()
    set_newcomer_consent(
        volunteer=volunteer, came_as_newcomer=came_as_newcomer, consent=newcomer_consent, now=now
    )
    volunteer.save()
    volunteer.interests.set(interests)
    keep = {skill.language.pk: skill.level for skill in languages}
    volunteer.languages.exclude(language_id__in=keep).delete()
    for language_id, level in keep.items():
        VolunteerLanguage.objects.update_or_create(
            volunteer=volunteer, language_id=language_id, defaults={"level": level}
        )
    return volunteer


# --- data export -------------------------------------------------------------


def _dt(value):
    return value.isoformat() if value else None


def export_user(user: User) -> dict:
    return {
        "email": user.email,
        "full_name": user.full_name,
        "preferred_language": user.preferred_language,
        "is_active": user.is_active,
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
        "date_joined": _dt(user.date_joined),
        "last_login": _dt(user.last_login),
        "groups": sorted(group.name for group in user.groups.all()),
        "user_permissions": sorted(perm.codename for perm in user.user_permissions.all()),
    }


def export_volunteer(volunteer: Volunteer) -> dict:
    return {
        "district": volunteer.district.name,
        "municipality": volunteer.municipality.name if volunteer.municipality else None,
        "phone": volunteer.phone,
        "availability": volunteer.availability,
        "interests": [field.name for field in volunteer.interests.all()],
        "languages": [export_volunteer_language(item) for item in volunteer.languages.all()],
        "came_as_newcomer": volunteer.came_as_newcomer,
        "newcomer_consent_at": _dt(volunteer.newcomer_consent_at),
        "newcomer_consent_version": volunteer.newcomer_consent_version,
        "privacy_consent_at": _dt(volunteer.privacy_consent_at),
        "privacy_consent_version": volunteer.privacy_consent_version,
        "email_confirmed_at": _dt(volunteer.email_confirmed_at),
        "created_at": _dt(volunteer.created_at),
        "anonymised_at": _dt(volunteer.anonymised_at),
        "inactivity_warning_sent_at": _dt(volunteer.inactivity_warning_sent_at),
    }


def export_consent_record(record: ConsentRecord) -> dict:
    return {
        "kind": record.kind,
        "kind_display": record.get_kind_display(),
        "text_version": record.text_version,
        "given_at": _dt(record.given_at),
        "source": record.source,
        "source_display": record.get_source_display(),
        "withdrawn_at": _dt(record.withdrawn_at),
        "superseded_at": _dt(record.superseded_at),
    }


def export_volunteer_language(item: VolunteerLanguage) -> dict:
    return {
        "language": item.language.name,
        "language_code": item.language.code,
        "level": item.level,
        "level_display": item.get_level_display(),
    }


def export_qualification(item) -> dict:
    return {
        "qualification": item.qualification.name,
        "course": item.course.title if item.course else None,
        "granted_at": _dt(item.granted_at),
        "source": item.source,
        "earned_on": item.earned_on.isoformat() if item.earned_on else None,
        "valid_until": item.valid_until.isoformat() if item.valid_until else None,
        "expiry_reminder_sent_at": _dt(item.expiry_reminder_sent_at),
    }


def export_attendance(item) -> dict:
    return {
        "session": {
            "start": _dt(item.session.start),
            "end": _dt(item.session.end),
        },
        "present": item.present,
        # Who recorded it is the trainer's data, not the volunteer's; the role is enough.
        "recorded_by": _("Kursleitung oder Integrationszentrum") if item.recorded_by_id else None,
        "recorded_at": _dt(item.recorded_at),
    }


def export_registration(item: Registration) -> dict:
    course = item.course
    return {
        "course": {
            "title": course.title,
            "topic": course.topic,
            "sessions": [
                {"start": _dt(session.start), "end": _dt(session.end)} for session in course.sessions.all()
            ],
        },
        "status": item.status,
        "status_display": item.get_status_display(),
        "waitlist_position": item.waitlist_position,
        "offer_expires_at": _dt(item.offer_expires_at),
        "counts_as_newcomer": item.counts_as_newcomer,
        "certificate_code": item.certificate_code,
        "reminder_sent_at": _dt(item.reminder_sent_at),
        "created_at": _dt(item.created_at),
        "updated_at": _dt(item.updated_at),
        "attendances": [export_attendance(attendance) for attendance in item.attendances.all()],
    }


def export_district_role(role: DistrictRole) -> dict:
    return {
        "district": role.district.name,
        "role": role.role,
        "role_display": role.get_role_display(),
        "created_at": _dt(role.created_at),
    }


def export_membership(item: Membership) -> dict:
    return {
        "municipality": item.municipality.name,
        "role": item.role,
        "role_display": item.get_role_display(),
        "created_at": _dt(item.created_at),
    }


def export_own_data(*, user: User) -> dict:
    """Everything the portal holds about ``user`` (Art. 15 and 20 GDPR), as JSON-ready data.

    Other people appear only by role (trainer, KI), never by name.
    """
    volunteer = (
        Volunteer.objects.filter(user=user)
        .select_related("district", "municipality")
        .prefetch_related(
            "interests",
            "languages__language",
            "qualifications__qualification",
            "qualifications__course",
        )
        .first()
    )
    data = {
        "format": "kreisintegration-own-data",
        "format_version": 1,
        "exported_at": timezone.now().isoformat(),
        "user": export_user(user),
        "district_roles": [
            export_district_role(role)
            for role in DistrictRole.objects.filter(user=user).select_related("district").order_by("pk")
        ],
        "memberships": [
            export_membership(item)
            for item in Membership.objects.filter(user=user).select_related("municipality").order_by("pk")
        ],
        "consent_records": [
            export_consent_record(record)
            for record in ConsentRecord.objects.filter(user=user).order_by("given_at", "pk")
        ],
        "courses_as_trainer": [
            course.title for course in user.courses_as_trainer.order_by("registration_closes", "title")
        ],
        # What this person viewed or exported of others' data is personal data of theirs, too.
        "audit_log_as_actor": audit_events_of_actor(user=user),
        # That a second factor exists and since when; never its secret or the recovery codes.
        "two_factor": twofactor.export_two_factor(user),
        "volunteer": None,
    }
    if volunteer is not None:
        data["volunteer"] = export_volunteer(volunteer)
        data["volunteer"]["qualifications"] = [
            export_qualification(q) for q in volunteer.qualifications.all()
        ]
        registrations = (
            volunteer.registrations.select_related("course")
            .prefetch_related("course__sessions", "attendances__session")
            .order_by("created_at", "pk")
        )
        data["volunteer"]["registrations"] = [export_registration(r) for r in registrations]
    # Apps to the right of this one (the concept) add their part through a setting, so the
    # dependency direction stays one-way.
    for path in settings.OWN_DATA_EXPORTERS:
        data.update(import_string(path)(user=user))
    return data


# --- deletion ----------------------------------------------------------------


def may_delete_own_account(user: User) -> bool:
    """KI staff and superusers are offboarded by an administrator, not by themselves."""
    roles = base_permissions.roles_of(user)
    return not (user.is_superuser or user.is_staff or roles.staff_district_ids)


def deletion_summaries(user: User) -> list[dict]:
    """What deleting the account means in the apps to the right of this one (engagement: the
    person's organisations), for the confirmation page; empty when the person has no part there."""
    summaries = (import_string(path)(user=user) for path in settings.OWN_ACCOUNT_DELETION_SUMMARIES)
    return [summary for summary in summaries if summary]


def _forget_login_records(email: str) -> None:
    """django-axes keeps the typed address with failed (and logged) logins."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username__iexact=email).delete()


@transaction.atomic
def delete_volunteer_account(*, user: User, now=None) -> Volunteer | None:
    """Anonymise one's own account; open registrations are cancelled first.

    Also the account of a person without a volunteer profile who may delete it themselves (an
    initiative's contact person, see ``deletion_summaries``): the volunteer steps are skipped.

    Cancelling goes through ``services.cancel_registration``, so a freed seat
    is offered to the next person waiting. The leaving person gets no more
    course mail: the account is deactivated before the cancellations.
    """
    now = now or timezone.now()
    user = User.objects.select_for_update().get(pk=user.pk)
    if not may_delete_own_account(user):
        raise AccountError(
            _("Konten von Mitarbeitenden des Integrationszentrums löscht die Verwaltung des Portals.")
        )
    old_email = user.email
    volunteer = Volunteer.objects.select_for_update().filter(user=user).first()

    user.is_active = False
    user.save(update_fields=["is_active"])
    if volunteer is not None:
        for registration in volunteer.registrations.filter(status__in=OPEN_STATUSES).order_by("pk"):
            services.cancel_registration(by=user, registration=registration)

        volunteer.user = None
        volunteer.phone = ""
        volunteer.availability = ""
        if not volunteer.counts_as_newcomer:
            volunteer.came_as_newcomer = False
            volunteer.newcomer_consent_at = None
            volunteer.newcomer_consent_version = ""
        volunteer.anonymised_at = now
        volunteer.save()
        volunteer.interests.clear()
        volunteer.languages.all().delete()

    consents.withdraw_consent(user=user, kind=consents.Kind.PRIVACY_NOTICE, now=now)
    # Apps to the right of this one (engagement) remove their part through a setting.
    for path in settings.OWN_DATA_ANONYMISERS:
        import_string(path)(user=user, now=now)
    DistrictRole.objects.filter(user=user).delete()
    Membership.objects.filter(user=user).delete()
    twofactor.remove_two_factor(user=user)
    placeholder = f"geloescht-{secrets.token_hex(8)}@invalid"
    Invitation.objects.filter(email__iexact=old_email).update(email=placeholder, full_name="")
    _forget_login_records(old_email)
    forget_mail_to(email=old_email)

    user.email = placeholder
    user.full_name = DELETED_NAME
    user.preferred_language = settings.LANGUAGE_CODE
    user.is_staff = False
    user.is_superuser = False
    user.last_login = None
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    base_permissions.forget_roles(user)
    logger.info("Volunteer account %s anonymised.", user.pk)
    return volunteer
