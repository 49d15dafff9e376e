"""The public host serves the platform admin (tenant setup) and nothing else."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # Health and metrics answer on the public host too (probes and scrapers use it).
    path("", include("ops.urls")),
]
