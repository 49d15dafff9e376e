"""Staff pages the portal app serves (included at the root of the tenant URL conf)."""

from django.urls import path

from portal import staff_views

app_name = "portal_staff"

urlpatterns = [
    path("portal-requests/", staff_views.claim_queue, name="claims"),
    path("portal-requests/<int:pk>/decide/", staff_views.claim_decide, name="claim_decide"),
]
