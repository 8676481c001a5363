"""Core Django settings: hosts, apps, middleware, templates, database, users and passwords,
languages, static and uploaded files, logging."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from kreisintegration.env import env_bool, env_float, env_int, env_json_object, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent


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
    "outbox",  # the mail outbox, below every domain app
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
    "kreisintegration.public_fast_path.PublicCacheFastPathMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
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
    # Django's ModelBackend, the user row of a logged-in request from the person's cached state.
    "accounts.backends.PortalModelBackend",
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
