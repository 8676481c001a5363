from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import views

# A database outage outside the view (session, user) gets the 503 page, anything else the 500 page.
handler500 = "kreisintegration.outage.server_error"

admin.site.site_header = _("Kreisintegration – Verwaltung")
admin.site.site_title = _("Kreisintegration")
admin.site.index_title = _("Stammdaten und Referenzdaten")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("mein-bereich/", views.dashboard, name="dashboard"),
    path("impressum/", views.imprint, name="imprint"),
    path("datenschutz/", views.privacy, name="privacy"),
    path("barrierefreiheit/", views.accessibility, name="accessibility"),
    path("leichte-sprache/", views.easy_language, name="easy_language"),
    path("gebaerdensprache/", views.sign_language, name="sign_language"),
    path("konto/", include("accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("municipalities.urls")),
    path("", include("events.urls")),
    path("", include("volunteers.urls")),
    path("", include("signlanguage.urls")),
    path("", include("concept.urls")),
    path("", include("engagement.urls")),
    path("", include("overview.urls")),
]
