"""Cache invalidation only: a change of an event makes the cached public pages and feeds stale."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from kreisintegration import public_cache
from municipalities.models import District

from . import review_counts
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
def refresh_review_counts_after_commit(instance, using=None, **kwargs) -> None:
    """The navigation's waiting count is read from the cache: count the event's district again once
    the change is committed, and the district it came from when it moved (``Event.from_db``)."""
    review_counts.refresh_review_counts_after_commit(
        {instance.municipality_id, getattr(instance, "loaded_municipality_id", None)}, using=using
    )


@receiver(post_save, sender=District)
@receiver(post_delete, sender=District)
def forget_district_ids_of_review_counts(**kwargs) -> None:
    """A superuser's count sums over every district: read their ids again."""
    review_counts.forget_district_ids()
