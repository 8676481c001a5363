from django.urls import path

from . import views_advice, views_consultation

urlpatterns = [
    path("konzept/fassung/<int:pk>/entwurf/", views_consultation.DraftView.as_view(), name="draft"),
    path("konzept/fassung/<int:pk>/entwurf.pdf", views_consultation.DraftPdfView.as_view(), name="draft_pdf"),
    path(
        "konzept/fassung/<int:pk>/beteiligung/eroeffnen/",
        views_consultation.ConsultationOpenView.as_view(),
        name="consultation_open",
    ),
    path(
        "konzept/fassung/<int:pk>/beteiligung/",
        views_consultation.ConsultationTrackingView.as_view(),
        name="consultation_tracking",
    ),
    path(
        "konzept/fassung/<int:pk>/beteiligung/<slug:slug>/",
        views_consultation.ConsultationMunicipalityView.as_view(),
        name="consultation_municipality",
    ),
    path(
        "konzept/fassung/<int:pk>/beteiligung/<slug:slug>/gelesen/",
        views_consultation.MarkReadView.as_view(),
        name="consultation_mark_read",
    ),
    path(
        "konzept/fassung/<int:pk>/beteiligung/<slug:slug>/anmerkung/",
        views_consultation.AddCommentView.as_view(),
        name="consultation_comment",
    ),
    path(
        "konzept/fassung/<int:pk>/beteiligung/<slug:slug>/stellungnahme/",
        views_consultation.DeclarePositionView.as_view(),
        name="consultation_position",
    ),
    path(
        "konzept/anmerkung/<int:pk>/antworten/",
        views_consultation.AnswerCommentView.as_view(),
        name="consultation_answer",
    ),
    path("konzept/fassung/<int:pk>/beschliessen/", views_consultation.AdoptView.as_view(), name="adopt"),
    path(
        "integrationskonzept/<slug:district>/", views_consultation.PublicConceptView.as_view(), name="public"
    ),
    path(
        "integrationskonzept/<slug:district>/konzept.pdf",
        views_consultation.PublicConceptPdfView.as_view(),
        name="public_pdf",
    ),
    path("beratung/<slug:slug>/", views_advice.AdviceListView.as_view(), name="advice_list"),
    path("beratung/<slug:slug>/neu/", views_advice.AdviceCreateView.as_view(), name="advice_create"),
    path("beratung/gespraech/<int:pk>/", views_advice.AdviceDetailView.as_view(), name="advice_detail"),
    path(
        "beratung/vereinbarung/<int:pk>/erledigt/",
        views_advice.FollowUpDoneView.as_view(),
        name="follow_up_done",
    ),
]
