"""Settings for Kreisintegration, configured entirely by environment variables.

Every variable is listed with a comment in ``.env.example``. Defaults are safe
for development; production is what you get with ``DEBUG=0``.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from kreisintegration.env import (
    env_bool,
    env_choice,
    env_float,
    env_hosts,
    env_int,
    env_json_object,
    env_list,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent


# Development is the default; production sets DEBUG=0, which then requires SECRET_KEY
# and switches on HTTPS-only cookies, HSTS and the SSL redirect.
DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (see .env.example).")
    SECRET_KEY = "insecure-development-key-only-for-DEBUG-mode-do-not-use"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "axes",
    "django_ratelimit",
    "auditlog",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "accounts",
    "municipalities",
    "events",
    "volunteers",
    "signlanguage",
    "concept",
    "engagement",
    "overview",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # A database outage in a view answers with the German 503 page (handler500 covers middleware).
    "kreisintegration.outage.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Cached public pages for visitors without a session, before the session and user are read
    # (after the language and the CSRF cookie: the key and the page need both).
    "municipalities.public_fast_path.PublicCacheFastPathMiddleware",
    # Django's, with the user row from the person's cached state (accounts.authentication)
    "accounts.authentication.CachedAuthenticationMiddleware",
    # request.user.is_verified(): did this session pass the second factor? (django-otp's, with
    # the device from the person's cached state)
    "accounts.middleware.CachedOTPMiddleware",
    # After authentication: records the acting user (never the address) with every model change.
    "accounts.middleware.AuditlogActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages (it tells why the person was logged out), before the second-factor check.
    "kreisintegration.middleware.SessionIdleTimeoutMiddleware",
    "kreisintegration.middleware.TwoFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Turns a rate-limited request (accounts.ratelimits) into RATELIMIT_VIEW's 429 page.
    "django_ratelimit.middleware.RatelimitMiddleware",
    # Must stay last: it turns throttled logins into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

if not DEBUG:
    # Production serves the collected static files itself (no extra web-server config needed).
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

# `make bench` measures the database queries of every request (response header X-Query-Count).
if env_bool("BENCH_QUERY_COUNT", False):
    MIDDLEWARE.insert(0, "kreisintegration.middleware.QueryCountMiddleware")

ROOT_URLCONF = "kreisintegration.urls"
WSGI_APPLICATION = "kreisintegration.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "municipalities.context_processors.portal",
            ],
        },
    },
]

# Database: unset DATABASE_URL = a SQLite file, the zero-setup default of `make run`.
# Connections to PostgreSQL are bounded by a pool per process when DB_POOL_MAX_SIZE is set
# (production: gunicorn workers × DB_POOL_MAX_SIZE ≤ PostgreSQL's max_connections minus a reserve,
# see README "Datenbankverbindungen"). A request that finds the pool empty waits DB_POOL_TIMEOUT
# seconds, then gets the 503 page (kreisintegration/outage.py). Unset = one persistent connection
# per thread (CONN_MAX_AGE), as in the tests and `make run`.
DB_POOL_MAX_SIZE = env_int("DB_POOL_MAX_SIZE", 0)
_database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        _database_url,
        # The pool keeps the connections itself; Django refuses a pool with persistent connections.
        conn_max_age=0 if DB_POOL_MAX_SIZE else env_int("CONN_MAX_AGE", 60),
        # A connection broken by a database restart is noticed before it is used (also by the pool).
        conn_health_checks=True,
        # Choice fields iterate querysets with .iterator(); a server-side cursor costs three round
        # trips (DECLARE, FETCH, CLOSE) for a list of a dozen rows.
        disable_server_side_cursors=True,
    )
}
if DB_POOL_MAX_SIZE:
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DB_POOL_MAX_SIZE needs a PostgreSQL DATABASE_URL.")
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": min(env_int("DB_POOL_MIN_SIZE", 2), DB_POOL_MAX_SIZE),
        "max_size": DB_POOL_MAX_SIZE,
        "timeout": env_float("DB_POOL_TIMEOUT", 3.0),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # one day

# New event submissions reach KI staff "immediate"ly (one mail each) or as a
# "digest" once a day at 07:00.
EVENTS_SUBMISSION_MAIL = env_choice("EVENTS_SUBMISSION_MAIL", "immediate", ("immediate", "digest"))
# Uploads for the event import.
EVENTS_IMPORT_MAX_BYTES = env_int("EVENTS_IMPORT_MAX_BYTES", 5 * 1024 * 1024)
EVENTS_IMPORT_MAX_ROWS = env_int("EVENTS_IMPORT_MAX_ROWS", 500)
# An XLSX file is a zip archive: refuse one that unpacks to more than this (zip bombs).
EVENTS_IMPORT_MAX_UNPACKED_BYTES = env_int("EVENTS_IMPORT_MAX_UNPACKED_BYTES", 50 * 1024 * 1024)
# Each worksheet and the shared strings of an XLSX file: 500 rows of events need a few hundred KB;
# a bigger sheet is mostly empty rows, which openpyxl would walk one by one (events/xlsx_limits.py).
EVENTS_IMPORT_MAX_SHEET_BYTES = env_int("EVENTS_IMPORT_MAX_SHEET_BYTES", 4 * 1024 * 1024)
# Receipts (Belege) an initiative uploads for its proof of use: PDF, JPEG or PNG up to this size.
ENGAGEMENT_RECEIPT_MAX_BYTES = env_int("ENGAGEMENT_RECEIPT_MAX_BYTES", 5 * 1024 * 1024)
# No upload is kept beyond this size while the body is read (kreisintegration/uploads.py): the
# larger of the event import's and the receipts' limits. Below FILE_UPLOAD_MAX_MEMORY_SIZE, so an
# accepted upload never touches the disk. Fields other than files: DATA_UPLOAD_MAX_MEMORY_SIZE.
FILE_UPLOAD_MAX_BYTES = max(EVENTS_IMPORT_MAX_BYTES, ENGAGEMENT_RECEIPT_MAX_BYTES)
FILE_UPLOAD_MAX_MEMORY_SIZE = max(10 * 1024 * 1024, FILE_UPLOAD_MAX_BYTES + 1)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "kreisintegration.uploads.SizeCappedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# KOMM-AN courses: hours a freed seat stays offered; days before the first session the reminder goes out.
VOLUNTEERS_OFFER_HOURS = env_int("VOLUNTEERS_OFFER_HOURS", 48)
VOLUNTEERS_REMINDER_DAYS = env_int("VOLUNTEERS_REMINDER_DAYS", 2)

# Invitations for municipal contacts are valid for this many days.
INVITATION_VALID_DAYS = env_int("INVITATION_VALID_DAYS", 7)

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
# Sections of the own-data export (Art. 15/20 GDPR) contributed by apps that volunteers/ cannot
# import: functions user -> dict, merged into the export.
OWN_DATA_EXPORTERS = ["concept.personal_data.export_own_data", "engagement.personal_data.export_own_data"]
# Apps to the right of volunteers remove their part of a person's data when the account is deleted
# (volunteers.accounts.delete_volunteer_account calls each with user=…, now=…).
OWN_DATA_ANONYMISERS = ["engagement.personal_data.anonymise_user"]
# ... and tell on the deletion page what it means for their part (functions user -> dict with a
# "template" to include, or None). A person with such a part may delete their account themselves
# without a volunteer profile (e.g. an initiative's contact person).
OWN_ACCOUNT_DELETION_SUMMARIES = ["engagement.personal_data.deletion_summary"]
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

# Internationalisation: German first, English available, and the newcomers' languages for the
# public and volunteer pages (Arabic and Persian right-to-left). A string a catalogue lacks is
# shown in German, the source language; staff screens stay German/English.
LANGUAGE_CODE = "de"
LANGUAGES = [
    ("de", _("Deutsch")),
    ("en", _("Englisch")),
    ("ar", _("Arabisch")),
    ("tr", _("Türkisch")),
    ("uk", _("Ukrainisch")),
    ("ru", _("Russisch")),
    ("fa", _("Persisch")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# KERN UX (npm @kern-ux/native, installed by `npm ci` into node_modules/) is served under
# static/kern/ by the ordinary finder, so runserver, tests and collectstatic/whitenoise all see it.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("kern", BASE_DIR / "node_modules" / "@kern-ux" / "native" / "dist"),
]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Uploaded and generated files (imports, reports, certificates, receipts) go through Django's storage
# API, so every web and worker node reads what another wrote: MEDIA_ROOT on a directory all nodes
# mount, or an object store by settings alone, e.g. STORAGE_BACKEND=storages.backends.s3.S3Storage
# (django-storages, installed for it) with STORAGE_OPTIONS='{"bucket_name": "...", "endpoint_url": "..."}'.
STORAGES = {
    "default": {
        "BACKEND": env_str("STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"),
        "OPTIONS": env_json_object("STORAGE_OPTIONS"),
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# The project's own crispy-forms pack (templates/kern/) renders KERN form markup.
CRISPY_ALLOWED_TEMPLATE_PACKS = ("kern",)
CRISPY_TEMPLATE_PACK = "kern"

# Redis: cache, Celery broker. Unset = local memory cache and eager tasks.
REDIS_URL = os.environ.get("REDIS_URL", "")
# The cache only holds copies and counters, so a Redis outage degrades to "no cache" (see
# kreisintegration/cache.py): short socket timeouts keep a dead or hanging Redis from holding
# up a request, and rate limits count in process memory until Redis is back.
REDIS_SOCKET_TIMEOUT = env_float("REDIS_SOCKET_TIMEOUT", 0.3)
if REDIS_URL:
    _redis_cache_options = {
        "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
        "socket_timeout": REDIS_SOCKET_TIMEOUT,
    }
    CACHES = {
        "default": {
            "BACKEND": "kreisintegration.cache.DegradingRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "ki"),
            "OPTIONS": _redis_cache_options,
        },
        "ratelimit": {
            "BACKEND": "kreisintegration.cache.RateLimitRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "ki"),
            "OPTIONS": _redis_cache_options,
        },
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "ratelimit": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ratelimit"},
    }

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A dead broker must not hold up a request: mails are stored in the outbox first and sent later,
# so publishing gives up quickly (short connect timeout, two quick retries) and the row waits.
CELERY_BROKER_CONNECTION_TIMEOUT = env_int("CELERY_BROKER_CONNECT_TIMEOUT", 2)
# A task taken by a worker that dies (SIGKILL, lost node) goes back to the queue after this many
# seconds (Redis transport: acks_late messages not acknowledged in time are redelivered). Tasks are
# idempotent, so a task that runs longer and is delivered a second time does no harm; a concept
# report whose worker died is built by another worker once its heartbeat is stale.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": CELERY_BROKER_CONNECTION_TIMEOUT,
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 120, minimum=10),
    # Look for such tasks every 10 s (kombu's default scans every 100 s); one small Redis query.
    "unacked_restore_throttle": 1,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
# Exactly one beat schedules (kreisintegration/beat.py): it holds a lock in Redis, renewed every
# third of BEAT_LOCK_SECONDS; a second beat started by mistake stands by and takes over only when
# the first has been gone for BEAT_LOCK_SECONDS.
BEAT_LOCK_SECONDS = env_int("BEAT_LOCK_SECONDS", 60, minimum=3)
if REDIS_URL:
    CELERY_BEAT_SCHEDULER = "kreisintegration.beat.SingleBeatScheduler"
CELERY_BEAT_SCHEDULE = {
    "volunteers-expire-offers": {"task": "volunteers.expire_offers", "schedule": 15 * 60},
    "volunteers-send-reminders": {"task": "volunteers.send_reminders", "schedule": crontab(minute=5)},
    "volunteers-delete-unconfirmed-signups": {
        "task": "volunteers.delete_unconfirmed_signups",
        "schedule": crontab(hour=3, minute=30),
    },
    "events-submission-digest": {
        "task": "events.send_submission_digest",
        "schedule": crontab(hour=7, minute=0),
    },
    "overview-rebuild-dashboards": {
        "task": "overview.rebuild_dashboards",
        "schedule": crontab(hour=2, minute=15),
    },
    "overview-mark-stale-reports": {"task": "overview.mark_stale_reports", "schedule": 10 * 60},
    "volunteers-apply-retention": {
        "task": "volunteers.apply_retention",
        "schedule": crontab(hour=3, minute=45),
    },
    "accounts-send-pending-mail": {"task": "accounts.send_pending_mail", "schedule": 60},
    "concept-send-consultation-reminders": {
        "task": "concept.send_consultation_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
    "accounts-delete-old-audit-entries": {
        "task": "accounts.delete_old_audit_entries",
        "schedule": crontab(hour=3, minute=45),
    },
    "engagement-anonymise-expired-grants": {
        "task": "engagement.anonymise_expired_grants",
        "schedule": crontab(hour=4, minute=0),
    },
}
# Retention (volunteers/retention.py): course participants' personal link is removed after the
# end of the N-th year after the course year (funding evidence must be kept 5 years); pure
# volunteers inactive for N months get a warning mail and are anonymised N days later.
PARTICIPANT_RETENTION_YEARS = env_int("PARTICIPANT_RETENTION_YEARS", 5)
VOLUNTEER_INACTIVITY_MONTHS = env_int("VOLUNTEER_INACTIVITY_MONTHS", 24)
VOLUNTEER_INACTIVITY_WARNING_DAYS = env_int("VOLUNTEER_INACTIVITY_WARNING_DAYS", 30)
# Small grants to initiatives (engagement/services/retention.py): kept for N years after the end
# of the funding year (funding law and accounting records: 10), then names, free text, bank
# details and receipt files are removed; the money figures and counts stay.
GRANT_RETENTION_YEARS = env_int("GRANT_RETENTION_YEARS", 10)
# A concept report build touches its heartbeat at every step; a running build without one for
# this many minutes lost its worker and is shown as failed (with "build again"). Must exceed
# the longest single step (setting the PDF takes seconds).
OVERVIEW_REPORT_STALE_MINUTES = env_int("OVERVIEW_REPORT_STALE_MINUTES", 3)

# E-mail: console in development, SMTP in production (or any backend by name).
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "sent-mail"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Kreisintegration <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Mail outbox: every mail is stored first and sent by a worker. A failed attempt is retried
# after 1, 2, 4, … minutes (at most 6 hours apart); after MAIL_MAX_ATTEMPTS it counts as failed
# and waits on the status page. A send that has not finished after MAIL_SENDING_TIMEOUT_MINUTES
# (worker killed) is queued again. Sent mails are deleted after MAIL_OUTBOX_RETENTION_DAYS.
MAIL_MAX_ATTEMPTS = env_int("MAIL_MAX_ATTEMPTS", 8)
MAIL_SENDING_TIMEOUT_MINUTES = env_int("MAIL_SENDING_TIMEOUT_MINUTES", 10)
MAIL_OUTBOX_RETENTION_DAYS = env_int("MAIL_OUTBOX_RETENTION_DAYS", 30)

# The absolute address of the portal, used where no request is at hand: links in e-mails, calendar
# files, certificates. Unset, it follows PORT (the port `make run` serves on), so that
# `make run PORT=8080` gives links to port 8080.
PORT = env_int("PORT", 8000)
SITE_URL = (os.environ.get("SITE_URL") or f"http://127.0.0.1:{PORT}").rstrip("/")
# Which district the public pages present when the database holds several.
PORTAL_DISTRICT_SLUG = os.environ.get("PORTAL_DISTRICT_SLUG", "")
# BITV 2.0 § 4: the start page's explanation in German Sign Language, as files in the default
# storage (names inside it, e.g. "dgs/portal.mp4" and "dgs/portal.vtt"); empty = "video is coming".
DGS_VIDEO = env_str("DGS_VIDEO", "")
DGS_CAPTIONS = env_str("DGS_CAPTIONS", "")
# Videos KI staff upload in the portal (signlanguage app) take precedence over DGS_VIDEO; a few
# minutes of DGS in good quality are 50–200 MB. Files above the limit are cut off while the body is
# read (kreisintegration/uploads.py), never stored.
SIGN_LANGUAGE_VIDEO_MAX_BYTES = env_int("SIGN_LANGUAGE_VIDEO_MAX_BYTES", 200 * 1024 * 1024)
SIGN_LANGUAGE_CAPTIONS_MAX_BYTES = env_int("SIGN_LANGUAGE_CAPTIONS_MAX_BYTES", 512 * 1024)
# Instead of an upload, a video may be a https link to the district's own video server: only to
# these hosts (comma-separated names), which the Content-Security-Policy allows as media-src.
# Empty = no links, uploads only.
SIGN_LANGUAGE_VIDEO_HOSTS = env_hosts("SIGN_LANGUAGE_VIDEO_HOSTS")
# DCAT-AP.de "dcatde:contributorID" of the open-data catalogue: the data portal that passes the
# catalogue on to GovData (for NRW's municipalities Open.NRW).
OPENDATA_CONTRIBUTOR_ID = os.environ.get(
    "OPENDATA_CONTRIBUTOR_ID", "http://dcat-ap.de/def/contributors/openNRW"
)

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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # WeasyPrint and fontTools report every layout step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
