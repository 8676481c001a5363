"""Cache invalidation only: course changes and registrations (free seats) make the catalogue stale."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from kreisintegration import public_cache

from .models import Attendance, Course, CourseSession, Registration, Volunteer, VolunteerQualification


@receiver(post_save, sender=Course)
@receiver(post_delete, sender=Course)
@receiver(post_save, sender=CourseSession)
@receiver(post_delete, sender=CourseSession)
@receiver(post_save, sender=Registration)
@receiver(post_delete, sender=Registration)
@receiver(m2m_changed, sender=Course.trainers.through)
def invalidate_public_course_pages(**kwargs) -> None:
    public_cache.invalidate("courses", using=kwargs.get("using"))


@receiver(post_save, sender=Attendance)
@receiver(post_delete, sender=Attendance)
@receiver(post_save, sender=VolunteerQualification)
@receiver(post_delete, sender=VolunteerQualification)
@receiver(post_save, sender=Volunteer)
@receiver(post_delete, sender=Volunteer)
def invalidate_overview_figures(**kwargs) -> None:
    # Counted only by the district overview (qualified volunteers, newcomers, attendance).
    public_cache.invalidate("figures", using=kwargs.get("using"))
