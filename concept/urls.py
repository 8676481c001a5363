from django.urls import include, path

from .views import steering, structure, values, versions

app_name = "concept"

urlpatterns = [
    path("konzept/", versions.ConceptHomeView.as_view(), name="home"),
    path("konzept/neu/", versions.VersionCreateView.as_view(), name="version_create"),
    path("konzept/<int:pk>/", versions.VersionDetailView.as_view(), name="version_detail"),
    path("konzept/<int:pk>/bearbeiten/", versions.VersionUpdateView.as_view(), name="version_update"),
    path("konzept/<int:pk>/beschliessen/", versions.VersionAdoptView.as_view(), name="version_adopt"),
    path("konzept/<int:pk>/fortschreiben/", versions.FortschreibungView.as_view(), name="version_copy"),
    path("konzept/<int:pk>/gliederung/", structure.OutlineView.as_view(), name="version_outline"),
    path("konzept/<int:pk>/ziele/neu/", versions.GoalCreateView.as_view(), name="goal_create"),
    path("konzept/<int:pk>/zieluebersicht/", steering.GoalOverviewView.as_view(), name="goal_overview"),
    path(
        "konzept/<int:pk>/kommune/<slug:slug>/",
        steering.MunicipalityFocusView.as_view(),
        name="municipality_focus",
    ),
    path("konzept/ziele/<int:pk>/", steering.GoalDetailView.as_view(), name="goal_detail"),
    path("konzept/ziele/<int:pk>/bearbeiten/", versions.GoalUpdateView.as_view(), name="goal_update"),
    path("konzept/ziele/<int:pk>/loeschen/", versions.GoalDeleteView.as_view(), name="goal_delete"),
    path("konzept/ziele/<int:pk>/kennzahl/", versions.TargetCreateView.as_view(), name="goal_target"),
    path(
        "konzept/ziele/<int:pk>/massnahmen/neu/", versions.MeasureCreateView.as_view(), name="measure_create"
    ),
    path("konzept/massnahmen/<int:pk>/status/", versions.MeasureStatusView.as_view(), name="measure_status"),
    path("konzept/kennzahlen/werte/", values.ValuesView.as_view(), name="values"),
    path(
        "konzept/kennzahlen/werte/<int:pk>/korrigieren/",
        values.ValueCorrectView.as_view(),
        name="value_correct",
    ),
    path("konzept/kennzahlen/import/", values.ValueImportView.as_view(), name="value_import"),
    path(
        "konzept/kennzahlen/import/vorlage.<str:fmt>",
        values.ValueImportTemplateView.as_view(),
        name="value_import_template",
    ),
    # Consultation, positions and advice records: their own module.
    path("", include("concept.urls_consultation")),
]
