from django.urls import path

from transfer import views

app_name = "transfer"
urlpatterns = [
    path("import/", views.import_start, name="import"),
    path("imports/", views.import_log, name="import_log"),
    path("imports/<uuid:code>/", views.import_job, name="import_job"),
    path("imports/<uuid:code>/confirm/", views.import_confirm, name="import_confirm"),
    path("imports/<uuid:code>/discard/", views.import_discard, name="import_discard"),
    path("template.xlsx", views.template_xlsx, name="template_xlsx"),
    path("template-relations.csv", views.template_relations_csv, name="template_relations_csv"),
    path("template-contacts.csv", views.template_contacts_csv, name="template_contacts_csv"),
    path("export/relations/", views.export_relations, name="export_relations"),
    path("export/contacts/", views.export_contacts, name="export_contacts"),
    path("export/tasks/", views.export_tasks, name="export_tasks"),
]
