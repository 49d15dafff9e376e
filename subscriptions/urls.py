from django.urls import path

from subscriptions import views

app_name = "subscriptions"

urlpatterns = [
    path("relation/<int:relation_pk>/new/", views.subscription_create, name="create"),
    path("<int:pk>/edit/", views.subscription_edit, name="edit"),
    path("<int:pk>/setup/", views.setup_bind, name="bind"),
    path("<int:pk>/setup/remove/", views.setup_unbind, name="unbind"),
    path("contractant-options/", views.contractant_options, name="contractant_options"),
]
