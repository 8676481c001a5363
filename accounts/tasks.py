from celery import shared_task

from . import services


@shared_task(name="accounts.deliver_mail", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def deliver_mail(
    *,
    to: list[str],
    subject: str,
    text: str,
    html: str = "",
    reply_to: str = "",
    attachments: list | None = None,
) -> int:
    """Send one already rendered message (thin wrapper; see services.deliver_mail)."""
    return services.deliver_mail(
        to=to, subject=subject, text=text, html=html, reply_to=reply_to, attachments=attachments
    )


@shared_task(name="accounts.delete_old_audit_entries")
def delete_old_audit_entries() -> int:
    """Nightly: remove audit entries past AUDIT_LOG_RETENTION_DAYS (safe to run twice)."""
    from . import audit

    return audit.delete_old_audit_entries()
