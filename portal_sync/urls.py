from django.urls import path

from portal_sync import views

app_name = "portal_sync"

urlpatterns = [
    path("", views.status, name="status"),
    path("run/", views.sync_now, name="run"),
    path("failures/<int:pk>/retry/", views.retry, name="retry"),
    path("relations/<int:pk>/card/", views.relation_card, name="relation_card"),
    path("contacts/<int:pk>/card/", views.contact_card, name="contact_card"),
]
