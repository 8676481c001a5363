"""Celery application.

With ``REDIS_URL`` set, tasks go to Redis and a worker runs them
(``make worker``); without it they run eagerly in the calling process so
that ``make run`` needs nothing but Python.
"""

import logging
import os

from celery import Celery
from celery.signals import worker_init, worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kreisintegration.settings")

app = Celery("kreisintegration")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger(__name__)


@worker_ready.connect
def flush_mail_outbox_when_worker_starts(sender, **kwargs):
    """A worker that (re)starts sends what piled up in the outbox while no worker or broker ran.

    The flush is a task on a queue this worker consumes, so the worker is not held up and
    several workers starting at once are harmless (every mail is claimed by exactly one).
    """
    from outbox.tasks import send_pending_mail

    queues = sorted(sender.app.amqp.queues.consume_from) or [sender.app.conf.task_default_queue]
    send_pending_mail.apply_async(queue=queues[0])
    logger.info("Worker started: mail outbox flush queued on %s", queues[0])


@worker_init.connect
def load_pdf_writer_when_worker_starts(sender=None, **kwargs):
    """WeasyPrint is imported once per worker, before its pool starts, not in a report's build."""
    from kreisintegration.pdf import load_pdf_writer

    load_pdf_writer()
