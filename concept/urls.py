from django.urls import include, path

app_name = "concept"

urlpatterns = [
    path("", include("concept.urls_consultation")),
]
