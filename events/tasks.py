from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(name="events.send_submission_digest")
def send_submission_digest() -> int:
    """Daily digest of new submissions for KI staff (when EVENTS_SUBMISSION_MAIL=digest)."""
    from django.conf import settings

    if settings.EVENTS_SUBMISSION_MAIL != "digest":
        return 0
    return services.send_submission_digest(since=timezone.now() - timedelta(days=1))


@shared_task(name="events.run_event_import")
def run_event_import(pk: int, language: str | None = None) -> None:
    """A big import file (events.importer.jobs): all or nothing, like the import on the page;
    its messages in ``language`` (the uploader's)."""
    from .importer import jobs

    jobs.run_import(pk, language)
