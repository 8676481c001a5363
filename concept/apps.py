from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConceptConfig(AppConfig):
    name = "concept"
    verbose_name = _("Integrationskonzept")

    def ready(self) -> None:
        from . import signals  # noqa: F401 - registers the cache invalidation
