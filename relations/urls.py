from django.urls import path

from relations import views

app_name = "relations"

urlpatterns = [
    path("", views.relation_index, name="list"),
    path("new/", views.relation_create, name="create"),
    path("picker/", views.relation_picker, name="picker"),
    path("<int:pk>/", views.relation_detail, name="detail"),
    path("<int:pk>/edit/", views.relation_edit, name="edit"),
    path("<int:pk>/contacts/", views.relation_contacts, name="contacts"),
    path("<int:pk>/tasks/", views.relation_tasks, name="tasks"),
    path("<int:pk>/history/", views.relation_history_tab, name="history"),
]
