from django.urls import path

from . import views

app_name = "signlanguage"

urlpatterns = [
    path("kreis/gebaerdensprache/", views.ManageView.as_view(), name="manage"),
    path("kreis/gebaerdensprache/neu/", views.CreateView.as_view(), name="create"),
    path("kreis/gebaerdensprache/<int:pk>/bearbeiten/", views.UpdateView.as_view(), name="update"),
    path("kreis/gebaerdensprache/<int:pk>/entfernen/", views.RemoveView.as_view(), name="remove"),
    path("gebaerdensprache/videos/<int:pk>/<str:name>", views.video_file, name="video"),
    path("gebaerdensprache/untertitel/<int:pk>/<str:name>", views.captions_file, name="captions"),
]
