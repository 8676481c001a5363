"""Cache invalidation only: a change of an event makes the cached public pages and feeds stale."""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from kreisintegration import public_cache

from . import selectors
from .models import Event, EventOccurrence, EventTranslation


@receiver(post_save, sender=Event)
@receiver(post_delete, sender=Event)
@receiver(post_delete, sender=EventOccurrence)
@receiver(post_save, sender=EventTranslation)
@receiver(post_delete, sender=EventTranslation)
@receiver(m2m_changed, sender=Event.fields_of_action.through)
@receiver(m2m_changed, sender=Event.target_groups.through)
@receiver(m2m_changed, sender=Event.languages.through)
def invalidate_public_event_pages(**kwargs) -> None:
    public_cache.invalidate("events", using=kwargs.get("using"))


@receiver(post_save, sender=Event)
@receiver(post_delete, sender=Event)
def refresh_review_counts_after_commit(**kwargs) -> None:
    """The navigation's waiting count is read from the cache: count again once the change is committed
    (once per transaction, however many events it saved)."""
    connection = transaction.get_connection()
    if any(entry[1] is selectors.refresh_review_counts for entry in connection.run_on_commit):
        return
    transaction.on_commit(selectors.refresh_review_counts)
