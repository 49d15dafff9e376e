from django.urls import path

from contacts import views

app_name = "contacts"

urlpatterns = [
    path("", views.contact_index, name="list"),
    path("new/", views.contact_create, name="create"),
    path("duplicates/", views.contact_duplicates, name="duplicates"),
    path("picker/", views.contact_picker, name="picker"),
    path("attributes/", views.attribute_index, name="attributes"),
    path("attributes/<int:pk>/", views.attribute_edit, name="attribute_edit"),
    path("<int:pk>/", views.contact_detail, name="detail"),
    path("<int:pk>/edit/", views.contact_edit, name="edit"),
    path("<int:pk>/links/<int:link_pk>/", views.contact_link_edit, name="link_edit"),
    path("<int:pk>/links/<int:link_pk>/remove/", views.contact_link_remove, name="link_remove"),
    path("<int:pk>/attributes/", views.contact_attributes, name="attribute_values"),
    path("<int:pk>/merge/", views.contact_merge, name="merge"),
    path("merges/<int:pk>/undo/", views.contact_merge_undo, name="merge_undo"),
    path("<int:pk>/out-of-service/", views.contact_out_of_service, name="out_of_service"),
    path("<int:pk>/out-of-service/cancel/", views.contact_out_of_service_cancel, name="out_of_service_cancel"),
]
