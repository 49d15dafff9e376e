"""Staff shell of a contractant: login, logout and the start page."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.core.exceptions import NON_FIELD_ERRORS
from django.shortcuts import render

from audit.services import record_login_failed
from tenants.access import staff_required
from tenants.forms import StaffAuthenticationForm


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
    return render(request, "staff/home.html")


def health(request):
    """Tenant-routed and trivial: the floor that bench/load.py compares real pages against."""
    from django.http import HttpResponse

    return HttpResponse("ok", content_type="text/plain")
