"""The staff page for API tokens: a staff administrator creates, names, scopes and revokes them.
A new key is shown once, on the page the creation answers with; only its digest is kept."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from api import services
from api.access import get_token_for_staff_admin
from api.forms import TokenForm
from api.selectors import token_list as tokens
from staff.access import staff_admin_required
from staff.ui import error_text, paginate, query_without_page


@staff_admin_required
def token_list(request):
    form = TokenForm(request.POST or None)
    created = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                created = services.token_create(
                    actor=request.user, name=form.cleaned_data["name"], scope=form.cleaned_data["scope"]
                )
            except ValidationError as exc:
                form.add_error(None, error_text(exc))
            else:
                # A fresh form: the key is shown once, here, and never again.
                form = TokenForm()
        if created is None:
            status = 400
    context = {
        "form": form,
        "created": created,
        "page": paginate(request, tokens()),
        "query_string": query_without_page(request),
    }
    response = render(request, "api/tokens.html", context, status=status)
    if created is not None:
        # The key is on this page only: no cache, no back-button copy.
        response["Cache-Control"] = "no-store"
    return response


@staff_admin_required
@require_POST
def token_revoke(request, pk: int):
    token = get_token_for_staff_admin(request, pk)
    try:
        services.token_revoke(token=token, actor=request.user)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Token %(name)s revoked; its key no longer works.") % {"name": token.name})
    return redirect("api:tokens")
