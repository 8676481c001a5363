from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    """The mail outbox: shared infrastructure below every domain app (it imports none of them)."""

    name = "outbox"
    verbose_name = _("Postausgang")
