from django.urls import path

from .views import dashboard, opendata, reports

app_name = "overview"

urlpatterns = [
    # everyone: open data (DCAT-AP.de catalogue and datasets)
    path("opendata/", opendata.datasets_page, name="opendata"),
    path("opendata/catalog.jsonld", opendata.catalogue, name="opendata_catalogue"),
    path("opendata/veranstaltungen-<int:year>.<str:fmt>", opendata.events_dataset, name="opendata_events"),
    path("opendata/angebote-<int:year>.<str:fmt>", opendata.offers_dataset, name="opendata_offers"),
    path(
        "opendata/integrationskonzept-kennzahlen.csv",
        opendata.indicators_dataset,
        name="opendata_indicators",
    ),
    # KI staff: the district at a glance
    path("kreisuebersicht/", dashboard.DashboardView.as_view(), name="dashboard"),
    path(
        "kreisuebersicht/zelle/<slug:municipality>/<slug:field_of_action>/",
        dashboard.CellView.as_view(),
        name="cell",
    ),
    # municipal contacts: their municipality compared with the district average
    path(
        "kommunen/<slug:slug>/vergleich/", dashboard.MunicipalityComparisonView.as_view(), name="comparison"
    ),
    # KI staff: concept report snapshots
    path("konzeptbericht/", reports.ReportListView.as_view(), name="reports"),
    path("konzeptbericht/vergleich/", reports.ReportCompareView.as_view(), name="report_compare"),
    path("konzeptbericht/texte/<int:year>/", reports.TextsView.as_view(), name="texts"),
    path("konzeptbericht/<int:pk>/", reports.ReportDetailView.as_view(), name="report_detail"),
    path("konzeptbericht/<int:pk>/status.json", reports.ReportStatusView.as_view(), name="report_status"),
    path("konzeptbericht/<int:pk>/bericht.<str:fmt>", reports.ReportFileView.as_view(), name="report_file"),
    path("konzeptbericht/<int:pk>/wiederholen/", reports.ReportRetryView.as_view(), name="report_retry"),
]
