from celery import shared_task

from . import services

# The task names keep their old ``accounts.`` prefix (the outbox lived in that app first): tasks
# already queued under these names and the beat schedule keep working.


@shared_task(name="accounts.deliver_outbox_mail")
def deliver_outbox_mail(mail_id: int) -> bool:
    """Send one stored mail (thin wrapper; see services.deliver_outbox_mail).

    No Celery retries: a failed attempt stays in the outbox with its next attempt time, and
    ``send_pending_mail`` picks it up then. Running this twice sends once.
    """
    return services.deliver_outbox_mail(mail_id=mail_id)


@shared_task(name="accounts.send_pending_mail")
def send_pending_mail() -> int:
    """Beat, every minute, and once when a worker starts: send what the outbox holds."""
    return services.send_pending_mail()
