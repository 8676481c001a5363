from celery import shared_task

from . import services


@shared_task(name="volunteers.expire_offers")
def expire_offers() -> int:
    """Expired seat offers move on to the next person on the waiting list."""
    return services.expire_offers()


@shared_task(name="volunteers.send_reminders")
def send_reminders() -> int:
    """Reminder two days before a course's first session; sends each reminder once."""
    return services.send_reminders()


@shared_task(name="volunteers.delete_unconfirmed_signups")
def delete_unconfirmed_signups() -> int:
    """Daily: sign-ups never confirmed within 30 days are removed (data minimisation)."""
    from .selfservice import signup

    return signup.delete_unconfirmed_signups()


@shared_task(name="volunteers.apply_retention")
def apply_retention() -> dict:
    """Daily: anonymise course participants after the retention period, warn/anonymise inactive volunteers."""
    from . import retention

    report = retention.apply_retention()
    return {
        "registrations": report.registrations,
        "courses": len(report.courses),
        "warned": len(report.warned),
        "anonymised_volunteers": len(report.anonymised_volunteers),
    }


@shared_task(name="volunteers.send_qualification_expiry_reminders")
def send_qualification_expiry_reminders() -> int:
    """Daily: a reminder mail before a held qualification expires; sends each reminder once."""
    return services.send_qualification_expiry_reminders()
