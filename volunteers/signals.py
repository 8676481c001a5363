"""Cache invalidation only: course changes and registrations (free seats) make the catalogue stale."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from municipalities import public_cache

from .models import Course, CourseSession, Registration


@receiver(post_save, sender=Course)
@receiver(post_delete, sender=Course)
@receiver(post_save, sender=CourseSession)
@receiver(post_delete, sender=CourseSession)
@receiver(post_save, sender=Registration)
@receiver(post_delete, sender=Registration)
@receiver(m2m_changed, sender=Course.trainers.through)
def invalidate_public_course_pages(**kwargs) -> None:
    public_cache.invalidate("courses")
