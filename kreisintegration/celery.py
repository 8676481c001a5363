"""Celery application.

With ``REDIS_URL`` set, tasks go to Redis and a worker runs them
(``make worker``); without it they run eagerly in the calling process so
that ``make run`` needs nothing but Python.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kreisintegration.settings")

app = Celery("kreisintegration")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
