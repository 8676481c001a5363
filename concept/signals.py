"""Cache invalidation only: the Zielübersicht is kept per person while the concept's data, the
events and measures it counts (portal indicators) and the volunteers it counts are unchanged."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from kreisintegration import public_cache

from .models import (
    AdviceMeeting,
    ConceptMeasure,
    ConceptVersion,
    FollowUp,
    Goal,
    GoalIndicator,
    Indicator,
    IndicatorValue,
    Pillar,
    PillarField,
)


@receiver(post_save, sender=ConceptVersion)
@receiver(post_delete, sender=ConceptVersion)
@receiver(post_save, sender=Pillar)
@receiver(post_delete, sender=Pillar)
@receiver(post_save, sender=PillarField)
@receiver(post_delete, sender=PillarField)
@receiver(post_save, sender=Goal)
@receiver(post_delete, sender=Goal)
@receiver(post_save, sender=GoalIndicator)
@receiver(post_delete, sender=GoalIndicator)
@receiver(post_save, sender=ConceptMeasure)
@receiver(post_delete, sender=ConceptMeasure)
@receiver(m2m_changed, sender=ConceptMeasure.events.through)
@receiver(post_save, sender=Indicator)
@receiver(post_delete, sender=Indicator)
@receiver(post_save, sender=IndicatorValue)
@receiver(post_delete, sender=IndicatorValue)
def invalidate_steering_pages(**kwargs) -> None:
    public_cache.invalidate("concept")


@receiver(post_save, sender=AdviceMeeting)
@receiver(post_delete, sender=AdviceMeeting)
@receiver(post_save, sender=FollowUp)
@receiver(post_delete, sender=FollowUp)
def invalidate_pages_with_follow_ups(**kwargs) -> None:
    # „Meine Kommune“ and the start pages list a person's open follow-ups.
    public_cache.invalidate("staff", using=kwargs.get("using"))
