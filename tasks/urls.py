from django.urls import path

from tasks import views

app_name = "tasks"

urlpatterns = [
    path("", views.task_index, name="list"),
    path("new/", views.task_create, name="create"),
    path("move/", views.task_move, name="move"),
    path("support/", views.support_tasks, name="support"),
    path("<int:pk>/", views.task_detail, name="detail"),
    path("<int:pk>/status/", views.task_status, name="status"),
    path("<int:pk>/comments/", views.task_comment, name="comment"),
    path("<int:pk>/links/", views.task_link_add, name="link_add"),
    path("<int:pk>/links/search/", views.task_link_search, name="link_search"),
    path("<int:pk>/links/<int:link_pk>/remove/", views.task_link_remove, name="link_remove"),
]
