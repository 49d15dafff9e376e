"""Staff shell of a contractant: login, logout, the start page and the security log."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpResponse
from django.shortcuts import render

from audit.selectors import security_events
from audit.services import record_login_failed
from staff.access import staff_admin_required, staff_required
from staff.forms import SecurityEventFilterForm, StaffAuthenticationForm
from staff.ui import paginate, previous_visit, query_without_page, search_text
from staff.worklist import WorkContext, work_items


class StaffLoginView(auth_views.LoginView):
    template_name = "staff/login.html"
    authentication_form = StaffAuthenticationForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        # A right password for an account without staff access sends no login-failed signal.
        if form.has_error(NON_FIELD_ERRORS, "not_staff"):
            record_login_failed(request=self.request, username=form.data.get("username"))
        return super().form_invalid(form)


@staff_required
def home(request):
    """A work list: what waits for this person, each a count linking to the list that shows it."""
    since = previous_visit(request, WORKLIST_SEEN_KEY)
    items = work_items(WorkContext(user=request.user, since=since))
    return render(request, "staff/home.html", {"items": items, "since": since})


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
