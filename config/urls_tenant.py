"""Every contractant host: the staff back office (later also the portal)."""

from django.urls import include, path

urlpatterns = [
    path("", include("staff.urls")),
    path("relations/", include("relations.urls")),
    path("", include("subscriptions.urls")),
    path("contacts/", include("contacts.urls")),
    path("", include("tasks.urls")),
    path("sync/", include("portal_sync.urls")),
    path("portal/", include("portal.urls")),
    path("", include("portal.staff_urls")),
    path("", include("mailin.urls")),
    path("search/", include("search.urls")),
    path("notifications/", include("notifications.urls")),
    path("api/", include("api.urls")),
    path("webhooks/", include("webhooks.urls")),
    path("transfer/", include("transfer.urls")),
    path("privacy/", include("privacy.urls")),
    path("", include("ops.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]
