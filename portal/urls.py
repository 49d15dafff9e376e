from django.urls import path

from mfa import views as mfa_views
from mfa.services import PORTAL
from portal import link_views, views
from portal.access import portal_required
from portal.attachment_views import task_attachment

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.portal_login, name="login"),
    path("login/code/", views.portal_login_code, name="login_code"),
    path("logout/", views.portal_logout, name="logout"),
    path("account/", portal_required(mfa_views.manage), {"surface": PORTAL}, name="two_factor"),
    path("account/start/", portal_required(mfa_views.start), {"surface": PORTAL}, name="two_factor_start"),
    path("account/confirm/", portal_required(mfa_views.confirm), {"surface": PORTAL}, name="two_factor_confirm"),
    path(
        "account/recovery-codes/",
        portal_required(mfa_views.recovery),
        {"surface": PORTAL},
        name="two_factor_recovery",
    ),
    path("account/disable/", portal_required(mfa_views.disable), {"surface": PORTAL}, name="two_factor_disable"),
    path("access/", views.access_request, name="access"),
    path("access/<uidb64>/<token>/", views.AccessConfirmView.as_view(), name="access_confirm"),
    path("switch/", views.switch_organisation, name="switch"),
    path("organisations/add/", views.add_organisation, name="add_organisation"),
    path("requests/", views.my_requests, name="requests"),
    path("invitations/<token>/", link_views.invitation, name="invitation"),
    path("email-change/<token>/", link_views.email_change, name="email_change"),
    path("o/<org>/", views.organisation, name="organisation"),
    path("o/<org>/contacts/", views.contacts, name="contacts"),
    path("o/<org>/contacts/new/", views.contact_add, name="contact_add"),
    path("o/<org>/contacts/<contact>/", views.contact_detail, name="contact"),
    path("o/<org>/members/", views.members, name="members"),
    path("o/<org>/members/<int:link_id>/decide/", views.member_decide, name="member_decide"),
    path("o/<org>/members/<int:link_id>/access/", views.member_access, name="member_access"),
    path("o/<org>/members/<int:link_id>/remove/", views.member_remove, name="member_remove"),
    path("o/<org>/tasks/", views.task_list, name="tasks"),
    path("o/<org>/tasks/new/", views.task_new, name="task_new"),
    path("o/<org>/tasks/<task>/", views.task_detail, name="task"),
    path("o/<org>/tasks/<task>/files/<uuid:code>/", task_attachment, name="attachment"),
]
