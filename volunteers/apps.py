from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteersConfig(AppConfig):
    name = "volunteers"
    verbose_name = _("KOMM-AN-Qualifizierung und Ehrenamt")

    def ready(self):
        from . import signals  # noqa: F401 - cache invalidation receivers
