"""Services the portal talks to: Redis (cache), Celery (broker, beat schedule) and e-mail."""

import os

from celery.schedules import crontab

from kreisintegration.env import env_bool, env_float, env_int
from kreisintegration.settings.base import BASE_DIR, DEBUG, TIME_ZONE

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
    "volunteers-send-qualification-expiry-reminders": {
        "task": "volunteers.send_qualification_expiry_reminders",
        "schedule": crontab(hour=7, minute=30),
    },
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
