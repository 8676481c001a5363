from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MunicipalitiesConfig(AppConfig):
    name = "municipalities"
    verbose_name = _("Kreis und Kommunen")

    def ready(self):
        from . import signals  # noqa: F401 - cache invalidation receivers
