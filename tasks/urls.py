from django.urls import path

from tasks import bulk_views, sla_views, views
from tasks.attachment_views import task_attachment

app_name = "tasks"

# Included at the root (config/urls_tenant.py): a relation's Tasks tab is a page of this app
# under the relation's own address.
urlpatterns = [
    path("tasks/", views.task_index, name="list"),
    path("tasks/new/", views.task_create, name="create"),
    path("tasks/move/", views.task_move, name="move"),
    path("tasks/bulk/", bulk_views.bulk_action, name="bulk"),
    path("tasks/bulk/<uuid:code>/", bulk_views.bulk_job, name="bulk_job"),
    path("tasks/views/", views.saved_view_create, name="view_create"),
    path("tasks/views/<int:pk>/delete/", views.saved_view_delete, name="view_delete"),
    path("tasks/settings/", views.desk_settings_edit, name="settings"),
    path("tasks/sla/", sla_views.sla_policy_edit, name="sla_policy"),
    path("tasks/support/", views.support_tasks, name="support"),
    path("tasks/support/<uuid:code>/", views.support_task, name="support_detail"),
    path("tasks/<int:pk>/", views.task_detail, name="detail"),
    path("tasks/<int:pk>/status/", views.task_status, name="status"),
    path("tasks/<int:pk>/messages/", views.task_message, name="message"),
    path("tasks/<int:pk>/take/", views.task_take, name="take"),
    path("tasks/<int:pk>/files/<uuid:code>/", task_attachment, name="attachment"),
    path("tasks/<int:pk>/messages/<uuid:code>/publish/", views.task_publish_message, name="publish_message"),
    path("tasks/<int:pk>/links/", views.task_link_add, name="link_add"),
    path("tasks/<int:pk>/links/search/", views.task_link_search, name="link_search"),
    path("tasks/<int:pk>/links/<int:link_pk>/remove/", views.task_link_remove, name="link_remove"),
    path("relations/<int:pk>/tasks/", views.relation_tasks, name="relation_tab"),
]
