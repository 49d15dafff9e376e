from django.urls import path

from webhooks import views

app_name = "webhooks"
urlpatterns = [
    path("", views.endpoint_index, name="list"),
    path("new/", views.endpoint_new, name="create"),
    path("<int:pk>/", views.endpoint_detail, name="detail"),
    path("<int:pk>/edit/", views.endpoint_edit, name="edit"),
    path("<int:pk>/resume/", views.endpoint_resume_view, name="resume"),
    path("<int:pk>/delete/", views.endpoint_delete_view, name="delete"),
    path("deliveries/<int:pk>/redeliver/", views.delivery_redeliver_view, name="redeliver"),
]
