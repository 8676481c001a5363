"""Second factor (TOTP from an authenticator app, one-time recovery codes) with django-otp.

Who needs it is decided by ``settings.TWO_FACTOR_POLICY`` (a function user -> bool that lives with
the roles in ``municipalities.permissions``; ``accounts`` does not import the apps to its right).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

import segno
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import User

TOTP_DEVICE_NAME = "Authenticator-App"
RECOVERY_DEVICE_NAME = "Wiederherstellungscodes"
# Without 0/O and 1/I/L, so codes read from paper are typed correctly.
RECOVERY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
# Recovery codes shown once after they were made; kept in the session until the person confirms.
NEW_CODES_SESSION_KEY = "two_factor_new_recovery_codes"
# The unconfirmed device whose secret this session's enrolment page shows.
PENDING_DEVICE_SESSION_KEY = "two_factor_pending_device"


def two_factor_required(user) -> bool:
    """Must this user confirm each login with a second factor (when REQUIRE_TWO_FACTOR is on)?"""
    return bool(import_string(settings.TWO_FACTOR_POLICY)(user))


def two_factor_enforced(user, session=None) -> bool:
    """Is the second factor asked for right now: by policy, or because the person set it up?

    With ``session``, a user outside the policy who had no second factor at login is not looked
    up again (see ``accounts.sessions``); one set up since is asked for from the next login on.
    """
    if not user.is_authenticated:
        return False
    if settings.REQUIRE_TWO_FACTOR and two_factor_required(user):
        return True
    from .sessions import HAD_TWO_FACTOR_SESSION_KEY

    if session is not None and session.get(HAD_TWO_FACTOR_SESSION_KEY) is False:
        return False
    return has_two_factor(user)


def confirmed_totp_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def has_two_factor(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


# --- enrolment ---------------------------------------------------------------


@transaction.atomic
def pending_totp_device(*, user: User, session) -> TOTPDevice:
    """The not yet confirmed device whose secret the enrolment page shows.

    It belongs to one session: made on its first visit, reused on reloads there, and replaced
    (all other unconfirmed ones deleted) for any other session. Otherwise whoever opened the page
    with the password alone would know the secret of the app the owner confirms later.
    """
    device_id = session.get(PENDING_DEVICE_SESSION_KEY)
    device = (
        TOTPDevice.objects.filter(user=user, confirmed=False, pk=device_id).first()
        if isinstance(device_id, int)
        else None
    )
    if device is None:
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
        session[PENDING_DEVICE_SESSION_KEY] = device.pk
    return device


def secret_in_groups(device: TOTPDevice) -> str:
    """The base32 secret as an app asks for it when typed in, in groups of four: "ABCD EFGH …"."""
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// address as an SVG QR code in a data: URI for an <img> (CSP img-src allows
    data:; no inline SVG markup, no extra URL that could hand out the secret later)."""
    qr = segno.make(device.config_url, error="m")
    return qr.svg_data_uri(scale=5, border=4, dark="#000", light="#fff")


@transaction.atomic
def confirm_totp_device(*, user: User, device: TOTPDevice, token: str) -> bool:
    """Check the first code from the app; on success the device is the user's only TOTP device."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user, confirmed=False)
    if not device.verify_token(normalise_token(token)):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    return True


@transaction.atomic
def new_recovery_codes(*, user: User) -> list[str]:
    """Replace all recovery codes of ``user`` by ``TWO_FACTOR_RECOVERY_CODES`` new ones."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    StaticDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.token_set.all().delete()
    codes = []
    for _ in range(settings.TWO_FACTOR_RECOVERY_CODES):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    device.throttle_reset()
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# --- verification at login --------------------------------------------------


def normalise_token(token: str) -> str:
    """What people type: "123 456", "ABCDE-FGHJK", "abcdefghjk" → the stored form."""
    token = "".join((token or "").split()).lower()
    if token.isdigit():
        return token
    token = token.replace("-", "")
    return f"{token[:5]}-{token[5:]}" if len(token) == 10 else token


@dataclass(frozen=True)
class VerifyResult:
    device: TOTPDevice | StaticDevice | None
    locked_until: datetime | None = None
    used_recovery_code: bool = False


@transaction.atomic
def verify_code(*, user: User, token: str) -> VerifyResult:
    """Check a 6-digit code against the app's device, or a recovery code against the static one.

    Wrong codes are throttled by django-otp (exponential back-off per device); while a device is
    locked even the right code is refused, and ``locked_until`` says until when.
    """
    token = normalise_token(token)
    if token.isdigit():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        used_recovery_code = False
    else:
        device = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        used_recovery_code = True
    if device is None:
        return VerifyResult(device=None)
    allowed, details = device.verify_is_allowed()
    if not allowed:
        return VerifyResult(device=None, locked_until=(details or {}).get("locked_until"))
    if device.verify_token(token):
        return VerifyResult(device=device, used_recovery_code=used_recovery_code)
    return VerifyResult(device=None)


def mark_session_verified(request, device) -> None:
    """After a correct code: a fresh session key (no fixation), then django-otp's login."""
    from django_otp import login as otp_login

    request.session.cycle_key()
    otp_login(request, device)


# --- reset, export, deletion --------------------------------------------------


@transaction.atomic
def remove_two_factor(*, user: User) -> int:
    """Delete every TOTP device and recovery code of ``user`` (reset by KI staff, own switch-off,
    account deletion). Returns the number of devices removed."""
    removed = TOTPDevice.objects.filter(user=user).delete()[1].get("otp_totp.TOTPDevice", 0)
    StaticDevice.objects.filter(user=user).delete()
    return removed


def forget_verification(request) -> None:
    request.session.pop(DEVICE_ID_SESSION_KEY, None)


def export_two_factor(user) -> dict:
    """For the own-data export: that a second factor exists and since when, never the secret."""
    device = confirmed_totp_device(user)
    return {
        "authenticator_app": None
        if device is None
        else {
            "name": device.name,
            "set_up_at": _iso(device.created_at),
            "last_used_at": _iso(device.last_used_at),
        },
        "recovery_codes_left": recovery_codes_left(user),
    }


def _iso(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value else None
