from celery import shared_task

from . import services_consultation


@shared_task(name="concept.send_consultation_reminders")
def send_consultation_reminders() -> int:
    """Beat, daily: remind municipalities without a position a week before the deadline (idempotent)."""
    return services_consultation.send_consultation_reminders()
