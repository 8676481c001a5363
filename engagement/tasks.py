from celery import shared_task


@shared_task(name="engagement.anonymise_expired_grants")
def anonymise_expired_grants() -> int:
    """Daily: grants past their retention period lose names, bank details and receipt files."""
    from .services import retention

    return retention.anonymise_expired_grants()
