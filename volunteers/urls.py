from django.urls import path

from .views import account, courses, participation, public, reports, trainer

app_name = "volunteers"

urlpatterns = [
    # public
    path("kurse/", public.CatalogueView.as_view(), name="catalogue"),
    path("kurse/<int:pk>/", public.CourseDetailView.as_view(), name="course_detail"),
    path("kurse/<int:pk>/anmelden/", public.RegisterView.as_view(), name="register"),
    path(
        "bescheinigung/pruefen/<str:code>/", public.VerifyCertificateView.as_view(), name="verify_certificate"
    ),
    # volunteer sign-up and own data
    path("ehrenamt/registrieren/", account.SignupView.as_view(), name="signup"),
    path("ehrenamt/registrieren/gesendet/", account.SignupDoneView.as_view(), name="signup_done"),
    path("ehrenamt/bestaetigen/<str:token>/", account.ConfirmEmailView.as_view(), name="confirm_email"),
    path("ehrenamt/profil/", account.ProfileView.as_view(), name="profile"),
    path("ehrenamt/meine-daten.json", account.DataExportView.as_view(), name="data_export"),
    path("ehrenamt/meine-daten/", account.OwnDataPageView.as_view(), name="own_data"),
    path("ehrenamt/meine-daten.pdf", account.OwnDataPdfView.as_view(), name="own_data_pdf"),
    path("ehrenamt/konto-loeschen/", account.DeleteAccountView.as_view(), name="delete_account"),
    path(
        "ehrenamt/einwilligungen/<str:kind>/widerrufen/",
        account.WithdrawConsentView.as_view(),
        name="withdraw_consent",
    ),
    # volunteer: registrations
    path("ehrenamt/", participation.MyCoursesView.as_view(), name="my_courses"),
    path("ehrenamt/anmeldungen/<int:pk>/abmelden/", participation.CancelView.as_view(), name="cancel"),
    path(
        "ehrenamt/anmeldungen/<int:pk>/annehmen/",
        participation.AcceptOfferView.as_view(),
        name="accept_offer",
    ),
    path(
        "ehrenamt/anmeldungen/<int:pk>/ablehnen/",
        participation.DeclineOfferView.as_view(),
        name="decline_offer",
    ),
    path(
        "ehrenamt/anmeldungen/<int:pk>/bescheinigung.pdf",
        participation.CertificateView.as_view(),
        name="certificate",
    ),
    # KI staff: courses
    path("kurse/verwaltung/", courses.CourseAdminListView.as_view(), name="course_admin_list"),
    path("kurse/verwaltung/neu/", courses.CourseCreateView.as_view(), name="course_create"),
    path("kurse/<int:pk>/bearbeiten/", courses.CourseUpdateView.as_view(), name="course_update"),
    # trainers and KI staff: participants and attendance
    path("kurse/<int:pk>/teilnehmende/", trainer.ParticipantsView.as_view(), name="participants"),
    path(
        "kurse/<int:pk>/teilnehmende.<str:fmt>",
        trainer.ParticipantsExportView.as_view(),
        name="participants_export",
    ),
    path(
        "kurse/<int:pk>/termine/<int:session_pk>/anwesenheit/",
        trainer.AttendanceView.as_view(),
        name="attendance",
    ),
    path("kurse/<int:pk>/abschliessen/", trainer.CompleteCourseView.as_view(), name="complete"),
    # KI staff: evidence, figures, volunteer search
    path(
        "kurse/<int:pk>/foerdernachweis.<str:fmt>",
        reports.CourseEvidenceView.as_view(),
        name="course_evidence",
    ),
    path("foerdernachweis/", reports.EvidenceView.as_view(), name="evidence"),
    path("komm-an/kennzahlen/", reports.FiguresView.as_view(), name="figures"),
    path("ehrenamtliche/", reports.VolunteerSearchView.as_view(), name="volunteer_search"),
    path("ehrenamtliche/<int:pk>/", reports.VolunteerContactView.as_view(), name="volunteer_contact"),
]
