from django.urls import path

from mailin import views

app_name = "mailin"

urlpatterns = [
    path("unknown-senders/", views.queue, name="queue"),
    path("unknown-senders/<int:pk>/", views.mail_detail, name="detail"),
    path("unknown-senders/<int:pk>/task/", views.mail_create_task, name="create_task"),
    path("unknown-senders/<int:pk>/discard/", views.mail_discard, name="discard"),
]
