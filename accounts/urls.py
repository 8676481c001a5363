from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("anmelden/", views.LoginView.as_view(), name="login"),
    path("abmelden/", views.LogoutView.as_view(), name="logout"),
    path("profil/", views.ProfileView.as_view(), name="profile"),
    path("passwort-aendern/", views.PasswordChangeView.as_view(), name="password_change"),
    path("passwort-vergessen/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "passwort-vergessen/gesendet/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "passwort-neu/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "passwort-neu/fertig/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

urlpatterns += [
    path("zwei-faktor/einrichten/", views.TwoFactorSetupView.as_view(), name="two_factor_setup"),
    path("zwei-faktor/bestaetigen/", views.TwoFactorVerifyView.as_view(), name="two_factor_verify"),
    path(
        "zwei-faktor/wiederherstellungscodes/",
        views.TwoFactorRecoveryCodesView.as_view(),
        name="two_factor_recovery_codes",
    ),
    path(
        "zwei-faktor/wiederherstellungscodes.txt",
        views.two_factor_recovery_codes_download,
        name="two_factor_recovery_download",
    ),
    path("zwei-faktor/ausschalten/", views.TwoFactorDisableView.as_view(), name="two_factor_disable"),
]
