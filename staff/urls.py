from django.contrib.auth import views as auth_views
from django.urls import path

from mfa import views as mfa_views
from mfa.services import STAFF
from staff import views
from staff.access import staff_admin_required, staff_required

app_name = "staff"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.StaffLoginView.as_view(), name="login"),
    path("login/code/", views.login_code, name="login_code"),
    path("login/setup/", views.login_setup, name="login_setup"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/two-factor/", staff_required(mfa_views.manage), {"surface": STAFF}, name="two_factor"),
    path("account/two-factor/start/", staff_required(mfa_views.start), {"surface": STAFF}, name="two_factor_start"),
    path(
        "account/two-factor/confirm/",
        staff_required(mfa_views.confirm),
        {"surface": STAFF},
        name="two_factor_confirm",
    ),
    path(
        "account/two-factor/recovery-codes/",
        staff_required(mfa_views.recovery),
        {"surface": STAFF},
        name="two_factor_recovery",
    ),
    path(
        "account/two-factor/disable/",
        staff_required(mfa_views.disable),
        {"surface": STAFF},
        name="two_factor_disable",
    ),
    path("two-factor-policy/", staff_admin_required(mfa_views.policy), name="two_factor_policy"),
    path("health/", views.health, name="health"),
    path("audit/", views.security_log, name="security_log"),
    path("teams/", views.team_list, name="teams"),
    path("teams/new/", views.team_edit, name="team_create"),
    path("teams/<int:pk>/", views.team_edit, name="team_edit"),
    path("teams/<int:pk>/delete/", views.team_remove, name="team_delete"),
]
