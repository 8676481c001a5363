from django.urls import path

from .views import feeds, manage, public, review, transfer

app_name = "events"

urlpatterns = [
    # public
    path("veranstaltungen/", public.CalendarView.as_view(), name="calendar"),
    path("veranstaltungen/<int:pk>/", public.EventDetailView.as_view(), name="detail"),
    path("veranstaltungen/<int:pk>/termin.ics", feeds.event_ics, name="event_ics"),
    path("events/feed/district.ics", feeds.district_feed, name="feed_district"),
    path("events/feed/<slug:slug>.ics", feeds.municipality_feed, name="feed_municipality"),
    path("api/events/", feeds.api_events, name="api_events"),
    path("api/openapi.json", feeds.api_openapi, name="api_openapi"),
    path("api/", feeds.api_docs, name="api_docs"),
    # municipal contacts (and KI staff)
    path("veranstaltungen/meine/", manage.MyEventsView.as_view(), name="mine"),
    path("veranstaltungen/neu/", manage.EventCreateView.as_view(), name="create"),
    path("veranstaltungen/<int:pk>/intern/", manage.EventManageView.as_view(), name="manage"),
    path("veranstaltungen/<int:pk>/bearbeiten/", manage.EventUpdateView.as_view(), name="update"),
    path(
        "veranstaltungen/<int:pk>/uebersetzungen/",
        manage.EventTranslationsView.as_view(),
        name="translations",
    ),
    path("veranstaltungen/<int:pk>/kopieren/", manage.EventCopyView.as_view(), name="copy"),
    path("veranstaltungen/<int:pk>/einreichen/", manage.EventSubmitView.as_view(), name="submit"),
    path("veranstaltungen/<int:pk>/absagen/", manage.EventCancelView.as_view(), name="cancel"),
    path("veranstaltungen/import/", transfer.ImportView.as_view(), name="import"),
    path("veranstaltungen/import/<int:pk>/", transfer.ImportProgressView.as_view(), name="import_progress"),
    path(
        "veranstaltungen/import/<int:pk>/status.json",
        transfer.ImportStatusView.as_view(),
        name="import_status",
    ),
    path("veranstaltungen/import/vorlage.<str:fmt>", transfer.import_template, name="import_template"),
    # KI staff
    path("pruefung/", review.ReviewQueueView.as_view(), name="review_queue"),
    path("pruefung/<int:pk>/", review.ReviewDecisionView.as_view(), name="review"),
    path("pruefung/<int:pk>/ablehnen/", review.ReviewRejectView.as_view(), name="reject"),
    path("veranstaltungen/export.<str:fmt>", transfer.export_events, name="export"),
]
