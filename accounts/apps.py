from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Konten")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import signals  # noqa: F401 - renews a person's cached state (user_state)
        from .sessions import note_activity_at_login

        user_logged_in.connect(note_activity_at_login, dispatch_uid="accounts.note_activity_at_login")
