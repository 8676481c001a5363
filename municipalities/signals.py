"""Cache invalidation only: names of districts, municipalities and reference data appear on every
cached public page. The caches are invalidated after the writing transaction commits
(``public_cache.invalidate``)."""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from accounts import user_state
from accounts.audit import audit_entries_deleted
from accounts.models import AuditEvent, ModelChange, User
from kreisintegration import private_cache, public_cache

from .models import (
    District,
    DistrictRole,
    FieldOfAction,
    Language,
    Measure,
    Membership,
    Municipality,
    TargetGroup,
)
from .selectors import PORTAL_DISTRICT_CACHE_KEY


@receiver(post_save, sender=District)
@receiver(post_delete, sender=District)
@receiver(post_save, sender=Municipality)
@receiver(post_delete, sender=Municipality)
@receiver(post_save, sender=FieldOfAction)
@receiver(post_delete, sender=FieldOfAction)
@receiver(post_save, sender=TargetGroup)
@receiver(post_delete, sender=TargetGroup)
@receiver(post_save, sender=Language)
@receiver(post_delete, sender=Language)
def invalidate_public_pages(**kwargs) -> None:
    public_cache.invalidate(keys=[PORTAL_DISTRICT_CACHE_KEY], using=kwargs.get("using"))


@receiver(post_save, sender=Measure)
@receiver(post_delete, sender=Measure)
@receiver(m2m_changed, sender=Measure.fields_of_action.through)
@receiver(m2m_changed, sender=Measure.target_groups.through)
def invalidate_overview_figures_for_measures(**kwargs) -> None:
    # Measures appear on no public page, only in the district overview's figures.
    public_cache.invalidate("figures", using=kwargs.get("using"))


@receiver(post_save, sender=DistrictRole)
@receiver(post_delete, sender=DistrictRole)
@receiver(post_save, sender=Membership)
@receiver(post_delete, sender=Membership)
def forget_cached_roles(instance, using=None, **kwargs) -> None:
    """A role or membership changed: the person's cached roles (``permissions.roles_of``) are
    read again once the change is committed, and the pages listing contacts or trainers render
    afresh."""
    user_state.forget(instance.user_id, using=using)
    public_cache.invalidate("staff", using=using)


@receiver(post_save, sender=User)
@receiver(post_delete, sender=User)
def invalidate_pages_naming_people(instance, using=None, update_fields=None, **kwargs) -> None:
    """Names and e-mail addresses appear on the staff pages (contacts, trainers, participants,
    actors in the audit log). A login only stamps ``last_login``, which no page shows."""
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    public_cache.invalidate("staff", using=using)


@receiver(post_save, sender=AuditEvent)
@receiver(post_save, sender=ModelChange)
def invalidate_audit_log_pages(instance, using=None, **kwargs) -> None:
    """A new entry: the audit log of its district (and the superusers' whole log) renders afresh.
    No post_delete receiver: it would make the retention's bulk delete load every row."""
    public_cache.invalidate(*private_cache.audit_namespaces(instance.district_id), using=using)


@receiver(audit_entries_deleted)
def invalidate_audit_log_after_retention(district_ids=(), **kwargs) -> None:
    namespaces = {name for pk in district_ids for name in private_cache.audit_namespaces(pk)}
    public_cache.invalidate("audit", *namespaces)


@receiver(pre_save, sender=DistrictRole)
@receiver(pre_save, sender=Membership)
def forget_cached_roles_of_previous_holder(sender, instance, using=None, **kwargs) -> None:
    """A role moved to another person (e.g. in the admin): the previous holder loses it too."""
    if instance.pk is None:
        return
    previous = (
        sender._default_manager.using(using).filter(pk=instance.pk).values_list("user_id", flat=True).first()
    )
    if previous is not None and previous != instance.user_id:
        user_state.forget(previous, using=using)
