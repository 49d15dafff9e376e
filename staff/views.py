"""Staff shell of a contractant: login, logout, the start page and the security log."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.selectors import security_events
from audit.services import record_login_failed
from mfa import selectors as mfa_selectors
from mfa import services as mfa_services
from mfa import views as mfa_views
from mfa.forms import SetupCodeForm
from staff.access import staff_admin_required, staff_required
from staff.forms import SecurityEventFilterForm, StaffAuthenticationForm, TeamForm
from staff.models import Team
from staff.teams import active_staff, team_delete, team_save, teams
from staff.ui import paginate, previous_visit, query_without_page, search_text
from staff.worklist import WorkContext, home_panels, work_items


class StaffLoginView(auth_views.LoginView):
    template_name = "staff/login.html"
    authentication_form = StaffAuthenticationForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        # A right password for an account without staff access sends no login-failed signal.
        if form.has_error(NON_FIELD_ERRORS, "not_staff"):
            record_login_failed(request=self.request, username=form.data.get("username"))
        return super().form_invalid(form)

    def form_valid(self, form):
        # The right password; with two-factor login (or a policy requiring it) the code comes next.
        user = form.get_user()
        step = mfa_services.login_step(user, surface=mfa_services.STAFF)
        if step is None:
            return super().form_valid(form)
        if step == "setup":
            mfa_services.totp_setup_start(user=user)
        mfa_services.login_pending_begin(self.request, user=user, next_url=self.get_redirect_url())
        return redirect("staff:login_code" if step == "code" else "staff:login_setup")


def _pending_login_or_restart(request):
    pending = mfa_services.login_pending(request)
    if pending is None:
        messages.info(request, _("Log in with your password first."))
    return pending


def _after_login(pending) -> str:
    return pending.next_url or resolve_url(settings.LOGIN_REDIRECT_URL)


def login_code(request):
    """The login's second step: a code from the authenticator app or a recovery code."""
    pending = _pending_login_or_restart(request)
    if pending is None:
        return redirect("staff:login")
    return mfa_views.login_code_page(
        request,
        pending=pending,
        surface=mfa_services.STAFF,
        login_url_name="staff:login",
        done_url=_after_login(pending),
        template="mfa/staff_login_code.html",
    )


def login_setup(request):
    """Staff of a contractant that requires two-factor login, without it yet: set it up to log in."""
    pending = _pending_login_or_restart(request)
    if pending is None:
        return redirect("staff:login")
    device = mfa_selectors.pending_totp(pending.user)
    if device is None:
        return redirect("staff:login")
    form = SetupCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = mfa_services.setup_confirm_and_login(request, pending=pending, code=form.cleaned_data["code"])
        except ValidationError as exc:
            if exc.code == "restart":
                messages.error(request, exc.messages[0])
                return redirect("staff:login")
            form.add_error("code", exc)
        else:
            return render(
                request, "mfa/login_recovery_codes.html", {"codes": codes, "continue_url": _after_login(pending)}
            )
    context = {
        "setup_form": form,
        "qr": mfa_selectors.qr_data_uri(device),
        "secret": mfa_selectors.secret_text(device),
        "username": pending.user.get_username(),
        "login_url": reverse("staff:login"),
    }
    return render(request, "mfa/staff_login_setup.html", context, status=400 if form.errors else 200)


@staff_required
def home(request):
    """A work list: what waits for this person, each a count linking to the list that shows it."""
    since = previous_visit(request, WORKLIST_SEEN_KEY)
    context = WorkContext(user=request.user, since=since)
    return render(
        request,
        "staff/home.html",
        {"items": work_items(context), "panels": home_panels.panels_for(context), "since": since},
    )


# When the work list was last shown in this session: "customer replies since you last looked".
WORKLIST_SEEN_KEY = "staff_worklist_seen_at"


def health(request):
    """Tenant-routed and trivial: the floor that bench/load.py compares real pages against."""
    return HttpResponse("ok", content_type="text/plain")


@staff_admin_required
def security_log(request):
    form = SecurityEventFilterForm(request.GET or None)
    # Read straight from the query string: search_text drops what PostgreSQL cannot take (NUL
    # bytes) and the selector ignores an unknown kind, so hostile input only narrows nothing.
    query = search_text(request.GET.get("q"))
    kind = request.GET.get("kind", "")
    page = paginate(request, security_events(kind=kind, query=query))
    template = "staff/security_log.html#results" if request.htmx else "staff/security_log.html"
    return render(
        request,
        template,
        {"form": form, "page": page, "query_string": query_without_page(request), "filtered": bool(query or kind)},
    )


@staff_admin_required
def team_list(request):
    """The contractant's teams; an administrator adds and changes them here."""
    return render(request, "staff/teams.html", {"teams": teams()})


@staff_admin_required
def team_edit(request, pk: int | None = None):
    team = get_object_or_404(Team, pk=pk) if pk is not None else None
    initial = {"name": team.name, "lead": team.lead, "members": team.members.all()} if team else None
    form = TeamForm(request.POST or None, initial=initial, staff=active_staff())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = team_save(
                team=team, name=data["name"], lead=data["lead"], members=data["members"], actor=request.user
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Team %(name)s saved.") % {"name": saved.name})
            return redirect("staff:teams")
    return render(request, "staff/team_form.html", {"form": form, "team": team})


@staff_admin_required
@require_POST
def team_remove(request, pk: int):
    team = get_object_or_404(Team, pk=pk)
    team_delete(team=team, actor=request.user)
    messages.success(request, _("Team %(name)s deleted; its tasks keep their assignee.") % {"name": team.name})
    return redirect("staff:teams")
