from django.urls import path

from portal_sync import views

app_name = "portal_sync"

urlpatterns = [
    path("", views.status, name="status"),
    path("run/", views.sync_now, name="run"),
    path("failures/<int:pk>/retry/", views.retry, name="retry"),
]
