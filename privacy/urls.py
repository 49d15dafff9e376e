from django.urls import path

from privacy import views

app_name = "privacy"
urlpatterns = [
    path("settings/", views.settings_edit, name="settings"),
    path("contacts/<int:pk>/", views.person, name="person"),
    path("contacts/<int:pk>/export/", views.export, name="export"),
    path("contacts/<int:pk>/erase/", views.erase, name="erase"),
]
