"""The REST API (JSON, token or staff session) and the staff page for its tokens.

Routes take ids as the pages do (`<int:pk>`): the isolation crawler fills them with another
contractant's ids, and each answers 404."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api import views
from api.endpoints import contacts, relations, sync, tasks

app_name = "api"

urlpatterns = [
    # The staff page for tokens (HTML).
    path("tokens/", views.token_list, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    # OpenAPI 3 and its browsable docs, with Swagger UI from drf_spectacular_sidecar's static files.
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("relations/", relations.RelationList.as_view(), name="relation_list"),
    path("relations/<int:pk>/", relations.RelationDetail.as_view(), name="relation_detail"),
    path("relations/<int:pk>/relink/", relations.Relink.as_view(), name="relink"),
    path("relations/<int:pk>/sync/", relations.RelationSync.as_view(), name="relation_sync"),
    path("subscriptions/", relations.SubscriptionList.as_view(), name="subscription_list"),
    path("subscriptions/<int:pk>/", relations.SubscriptionDetail.as_view(), name="subscription_detail"),
    path("subscriptions/<int:pk>/setup/", relations.SubscriptionSetup.as_view(), name="subscription_setup"),
    path("contacts/", contacts.ContactList.as_view(), name="contact_list"),
    path("contacts/<int:pk>/", contacts.ContactDetail.as_view(), name="contact_detail"),
    path("contacts/<int:pk>/sync/", contacts.ContactSync.as_view(), name="contact_sync"),
    path("contacts/<int:pk>/links/", contacts.ContactLinkList.as_view(), name="contact_links"),
    path("contacts/<int:pk>/links/<int:link_pk>/", contacts.ContactLinkDetail.as_view(), name="contact_link"),
    path("tasks/", tasks.TaskList.as_view(), name="task_list"),
    path("tasks/<int:pk>/", tasks.TaskDetail.as_view(), name="task_detail"),
    path("tasks/<int:pk>/messages/", tasks.TaskMessageList.as_view(), name="task_messages"),
    path("tasks/<int:pk>/attachments/", tasks.TaskAttachmentList.as_view(), name="task_attachments"),
    path("tasks/<int:pk>/attachments/<uuid:code>/", tasks.TaskAttachmentDownload.as_view(), name="task_attachment"),
    path("sync/", sync.SyncState.as_view(), name="sync"),
]
