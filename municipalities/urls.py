from django.urls import path

from kreisintegration.audit_log import views as audit_views

from . import identity_views, views

app_name = "municipalities"

urlpatterns = [
    path("kommunen/", views.MunicipalityListView.as_view(), name="list"),
    path("kommunen/neu/", views.MunicipalityCreateView.as_view(), name="create"),
    path("kommunen/<slug:slug>/", views.MunicipalityDetailView.as_view(), name="detail"),
    path("kommunen/<slug:slug>/bearbeiten/", views.MunicipalityUpdateView.as_view(), name="update"),
    path("kommunen/<slug:slug>/intern/", views.MunicipalityHomeView.as_view(), name="home"),
    path(
        "kommunen/<slug:slug>/ansprechpersonen/",
        views.MunicipalityContactsView.as_view(),
        name="contacts",
    ),
    path(
        "kommunen/<slug:slug>/ansprechpersonen/<int:pk>/entfernen/",
        views.MembershipRemoveView.as_view(),
        name="membership_remove",
    ),
    path(
        "kommunen/<slug:slug>/einladungen/<int:pk>/zurueckziehen/",
        views.InvitationRevokeView.as_view(),
        name="invitation_revoke",
    ),
    path("kommunen/<slug:slug>/massnahmen/", views.MeasureListView.as_view(), name="measures"),
    path("kommunen/<slug:slug>/massnahmen/neu/", views.MeasureCreateView.as_view(), name="measure_create"),
    path(
        "kommunen/<slug:slug>/massnahmen/<int:pk>/", views.MeasureDetailView.as_view(), name="measure_detail"
    ),
    path(
        "kommunen/<slug:slug>/massnahmen/<int:pk>/bearbeiten/",
        views.MeasureUpdateView.as_view(),
        name="measure_update",
    ),
    path("kreis/", views.DistrictOverviewView.as_view(), name="district"),
    path("kreis/theme.css", identity_views.district_theme, name="district_theme"),
    path("kreis/<slug:slug>/logo/", identity_views.district_logo, name="district_logo"),
    path("kreis/e-mails/", views.MailStatusView.as_view(), name="mail_status"),
    path("kreis/e-mails/<int:pk>/erneut-senden/", views.MailRetryView.as_view(), name="mail_retry"),
    path("kreis/protokoll/", audit_views.AuditLogView.as_view(), name="audit_log"),
    path("kreis/protokoll.csv", audit_views.AuditLogExportView.as_view(), name="audit_log_csv"),
    path(
        "einladung/neu-anfordern/",
        views.InvitationRenewalView.as_view(),
        name="invitation_renewal",
    ),
    path("einladung/<str:token>/", views.InvitationAcceptView.as_view(), name="invitation_accept"),
]
