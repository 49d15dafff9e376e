from django.urls import path

from subscriptions import views

app_name = "subscriptions"

# Included at the root (config/urls_tenant.py): a relation's Subscriptions tab and its relink
# are pages of this app under the relation's own address.
urlpatterns = [
    path("subscriptions/relation/<int:relation_pk>/new/", views.subscription_create, name="create"),
    path("subscriptions/<int:pk>/edit/", views.subscription_edit, name="edit"),
    path("subscriptions/<int:pk>/setup/", views.setup_bind, name="bind"),
    path("subscriptions/<int:pk>/setup/remove/", views.setup_unbind, name="unbind"),
    path("subscriptions/contractant-options/", views.contractant_options, name="contractant_options"),
    path("relations/<int:pk>/subscriptions/", views.relation_subscriptions, name="relation_tab"),
    path("relations/<int:pk>/relink/", views.relink_wizard, name="relink"),
    path("relations/relinks/<int:pk>/undo/", views.relink_undo, name="relink_undo"),
]
