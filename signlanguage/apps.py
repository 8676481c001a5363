from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignLanguageConfig(AppConfig):
    name = "signlanguage"
    verbose_name = _("Gebärdensprache")
