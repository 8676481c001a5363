"""A person's cached state (``accounts.user_state``) is renewed when their account or their
second-factor devices change."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import user_state
from .models import User


@receiver(post_save, sender=User)
@receiver(post_delete, sender=User)
def forget_user_state_of_user(instance, using=None, **kwargs) -> None:
    user_state.forget(instance.pk, using=using)


@receiver(post_save, sender=TOTPDevice)
@receiver(post_delete, sender=TOTPDevice)
@receiver(post_save, sender=StaticDevice)
@receiver(post_delete, sender=StaticDevice)
def forget_user_state_of_device(instance, using=None, **kwargs) -> None:
    user_state.forget(instance.user_id, using=using)
