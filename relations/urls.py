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
    path("<int:pk>/history/", views.relation_history_tab, name="history"),
    # Contacts of a relation (the views reuse contacts' pages; contacts does not import relations).
    path("<int:pk>/contacts/new/", views.relation_contact_create, name="contact_create"),
    path("<int:pk>/contacts/duplicates/", views.relation_contact_duplicates, name="contact_duplicates"),
    path("<int:pk>/contacts/add/", views.relation_contact_add, name="contact_add"),
    path("link-contact/<int:pk>/", views.contact_relation_add, name="link_contact"),
]
