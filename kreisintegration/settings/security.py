"""Security settings: audit log, login throttling, second factor, rate limits, sessions,
Content-Security-Policy and HTTPS."""

import os
from datetime import timedelta

from csp.constants import NONE, SELF

from kreisintegration.env import env_bool, env_choice, env_int
from kreisintegration.settings.base import DEBUG
from kreisintegration.settings.portal import SIGN_LANGUAGE_VIDEO_HOSTS
from kreisintegration.settings.services import REDIS_URL

# Audit log (accounts.AuditEvent: who viewed or exported personal data, review decisions) and the
# model-change history of django-auditlog (accounts.ModelChange: roles, memberships, invitations,
# review states, course status/capacity, registration status). Entries older than this are deleted
# nightly. Only the fields listed here are recorded: no names, e-mail addresses, free text or
# password hashes, so anonymising a person never has to rewrite the history.
AUDIT_LOG_RETENTION_DAYS = env_int("AUDIT_LOG_RETENTION_DAYS", 730)
AUDITLOG_LOGENTRY_MODEL = "accounts.ModelChange"
# accounts.ModelChange replaces auditlog's own entry model (swapped out), so auditlog's migrations
# would only create an unused table whose foreign key to the user table breaks test flushes.
MIGRATION_MODULES = {"auditlog": None}
AUDITLOG_DISABLE_REMOTE_ADDR = True
AUDITLOG_DISABLE_ON_RAW_SAVE = True
AUDITLOG_INCLUDE_TRACKING_MODELS = (
    {"model": "accounts.user", "include_fields": ["is_active", "is_staff", "is_superuser"]},
    {"model": "municipalities.districtrole", "include_fields": ["user", "district", "role"]},
    {"model": "municipalities.membership", "include_fields": ["user", "municipality", "role"]},
    {
        "model": "municipalities.invitation",
        "include_fields": ["municipality", "role", "invited_by", "expires_at", "accepted_at", "revoked_at"],
    },
    {"model": "events.event", "include_fields": ["status", "reviewed_at", "reviewed_by"]},
    {"model": "volunteers.course", "include_fields": ["status", "capacity"]},
    {"model": "volunteers.registration", "include_fields": ["status"]},
    # File names are generated (never the uploader's), titles are public.
    {
        "model": "signlanguage.signlanguagevideo",
        "include_fields": ["district", "title", "video", "captions", "position"],
    },
    {
        "model": "concept.conceptversion",
        "include_fields": ["status", "consultation_deadline", "adopted_on", "adopted_by_body", "drucksache"],
    },
    {"model": "concept.municipalityposition", "include_fields": ["version", "municipality", "position"]},
    {"model": "engagement.organisation", "include_fields": ["status", "confirmed_at", "confirmed_by"]},
    {"model": "engagement.organisationmember", "include_fields": ["organisation", "user", "is_contact"]},
    {
        "model": "engagement.application",
        "include_fields": [
            "status",
            "requested_amount",
            "approved_amount",
            "decided_at",
            "decided_by",
            "anonymised_at",
        ],
    },
    {"model": "engagement.advicemeeting", "include_fields": ["application", "held_on", "recorded_by"]},
    # The contract's bank details are never copied into the history; only that a contract exists.
    {
        "model": "engagement.forwardingcontract",
        "include_fields": ["application", "proof_due_on", "created_by"],
    },
    {"model": "engagement.paymentrequest", "include_fields": ["application", "amount", "status", "paid_on"]},
    {
        "model": "engagement.proofofuse",
        "include_fields": ["application", "status", "submitted_at", "reviewed_at", "reviewed_by"],
    },
    # That a receipt file was added or removed, and by whom; never its name or content.
    {"model": "engagement.receiptfile", "include_fields": ["proof", "kind", "size", "uploaded_by"]},
    {
        "model": "engagement.annualbudget",
        "include_fields": ["programme", "year", "amount", "cap_per_applicant"],
    },
    {"model": "engagement.placement", "include_fields": ["organisation", "municipality", "title", "status"]},
    # Who showed interest and whether contact data was released; never the data itself.
    {
        "model": "engagement.placementinterest",
        "include_fields": ["placement", "user", "status", "contact_consent_at"],
    },
    # A newcomer recorded in a proof of use: that, when, and a withdrawal; never the name.
    {"model": "engagement.initiativenewcomer", "include_fields": ["proof", "consent_on", "withdrawn_at"]},
    # Money returned on a grant: amount and date (the note may name people and stays out).
    {"model": "engagement.repayment", "include_fields": ["proof", "amount", "received_on"]},
)

# Login throttling (django-axes): lock a user name from an address after
# repeated failures; the lock-out page says when to try again.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
# Locked is the combination of user name and client address, so that somebody elsewhere cannot
# lock a known account for its owner. The address comes from the same function as the rate
# limits' (the proxy header when CLIENT_IP_META_KEY is set, see accounts/ratelimits.py).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "accounts.ratelimits.client_address"
# The login form posts the address as "username" (Django's AuthenticationForm).
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
# Data minimisation: record failed attempts (needed for throttling), not every successful login.
AXES_DISABLE_ACCESS_LOG = True

# Second factor (django-otp): KI staff, trainers and users of the Django admin confirm each login
# with a TOTP code from an authenticator app (or a one-time recovery code). On by default in
# production; off by default with DEBUG, so that the demo logins of `make run` work without a phone
# (staff then see a recommendation on their dashboard). Users who set up 2FA voluntarily are always
# asked for their code.
REQUIRE_TWO_FACTOR = env_bool("REQUIRE_TWO_FACTOR", not DEBUG)
# Who needs the second factor: a function user -> bool (accounts cannot import municipalities).
TWO_FACTOR_POLICY = "municipalities.permissions.needs_second_factor"

# Municipal contacts see unpublished entries and advice records: "optional" (default) lets them
# switch the second factor on in „Mein Konto“ (then asked at every login); "required" makes it
# compulsory for them as for KI staff (with REQUIRE_TWO_FACTOR on).
TWO_FACTOR_FOR_CONTACTS = env_choice("TWO_FACTOR_FOR_CONTACTS", "optional", ("optional", "required"))
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Kreisintegration")
# Wrong codes lock the device for 1, 2, 4, 8 … seconds (django-otp's exponential back-off).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
TWO_FACTOR_RECOVERY_CODES = 10
# Rate limits of the public forms (django-ratelimit, counted in the shared cache):
# POSTs per hour per client address ("ip"), per e-mail address typed in ("email"),
# per account ("user") or per token in the URL ("token"). See accounts/ratelimits.py.
RATELIMITS = {
    "signup": {
        "ip": env_int("RATELIMIT_SIGNUP_PER_IP", 20),
        "email": env_int("RATELIMIT_SIGNUP_PER_EMAIL", 5),
    },
    "password_reset": {
        "ip": env_int("RATELIMIT_PASSWORD_RESET_PER_IP", 20),
        "email": env_int("RATELIMIT_PASSWORD_RESET_PER_EMAIL", 5),
    },
    "invitation_renewal": {
        "ip": env_int("RATELIMIT_INVITATION_RENEWAL_PER_IP", 20),
        "email": env_int("RATELIMIT_INVITATION_RENEWAL_PER_EMAIL", 5),
    },
    "invitation_accept": {
        "ip": env_int("RATELIMIT_INVITATION_ACCEPT_PER_IP", 30),
        "token": env_int("RATELIMIT_INVITATION_ACCEPT_PER_TOKEN", 10),
    },
    "course_registration": {
        "ip": env_int("RATELIMIT_COURSE_REGISTRATION_PER_IP", 60),
        "user": env_int("RATELIMIT_COURSE_REGISTRATION_PER_USER", 30),
    },
}
RATELIMIT_ENABLE = env_bool("RATELIMIT_ENABLE", True)
RATELIMIT_VIEW = "kreisintegration.views.too_many_requests"
# Behind a reverse proxy, name the META key that carries the client address (e.g.
# HTTP_X_REAL_IP; the proxy must overwrite that header, not append to it); unset = REMOTE_ADDR.
# Used by the rate limits and the login lock-out alike (accounts.ratelimits.client_address).
# RATELIMIT_IP_META_KEY is the variable's earlier name and still understood.
CLIENT_IP_META_KEY = os.environ.get("CLIENT_IP_META_KEY") or os.environ.get("RATELIMIT_IP_META_KEY") or None
RATELIMIT_IP_META_KEY = "accounts.ratelimits.client_address"
RATELIMIT_CACHE_PREFIX = "rl:"
# Its own cache alias: counts fall back to process memory while Redis is down (kreisintegration/cache.py).
RATELIMIT_USE_CACHE = "ratelimit"
# Django's own RedisCache increments atomically, but django-ratelimit only lists
# django-redis as "supported"; the local-memory cache (no REDIS_URL, one process
# of `make run`) is fine for development only.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]
if DEBUG and not os.environ.get("REDIS_URL"):
    SILENCED_SYSTEM_CHECKS.append("django_ratelimit.E003")

# Sessions live in the database, so several web processes share them; with Redis they are read
# from the cache (one database query less on every logged-in request) and written through.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db" if REDIS_URL else "django.contrib.sessions.backends.db"
)
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 8)
# Logged out after this many seconds without a request: KI staff, trainers and admin users
# (SESSION_IDLE_TIMEOUT_STAFF, 30 minutes) and everyone else (SESSION_IDLE_TIMEOUT, 8 hours).
# The session cookie itself lives SESSION_COOKIE_AGE after the last change (the activity time is
# written at most once a minute), so the idle timeout is what ends an unattended session.
SESSION_IDLE_TIMEOUT_STAFF = env_int("SESSION_IDLE_TIMEOUT_STAFF", 30 * 60)
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 8 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "kreisintegration.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): only the portal's own files, no inline scripts or styles,
# no third parties; charts are SVG data URIs. The Django admin (staff only) is left out because
# some of its widgets still use inline styles.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "media-src": [SELF, *(f"https://{host}" for host in SIGN_LANGUAGE_VIDEO_HOSTS)],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

if not DEBUG:
    # Production: HTTPS only. Behind a TLS-terminating proxy set
    # SECURE_PROXY_SSL_HEADER=1 so Django trusts X-Forwarded-Proto.
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if env_bool("SECURE_PROXY_SSL_HEADER", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
