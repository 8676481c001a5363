from celery import shared_task


@shared_task(name="accounts.delete_old_audit_entries")
def delete_old_audit_entries() -> int:
    """Nightly: remove audit entries past AUDIT_LOG_RETENTION_DAYS (safe to run twice)."""
    from . import audit

    return audit.delete_old_audit_entries()
