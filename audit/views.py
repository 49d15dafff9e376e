"""The security log page: staff administrators only."""

from __future__ import annotations

from django.shortcuts import render

from audit.forms import SecurityEventFilterForm
from audit.selectors import security_events
from tenants.access import staff_admin_required
from tenants.ui import paginate, query_without_page, search_text


@staff_admin_required
def event_index(request):
    form = SecurityEventFilterForm(request.GET or None)
    # Read straight from the query string: search_text drops what PostgreSQL cannot take (NUL
    # bytes) and the selector ignores an unknown kind, so hostile input only narrows nothing.
    query = search_text(request.GET.get("q"))
    kind = request.GET.get("kind", "")
    page = paginate(request, security_events(kind=kind, query=query))
    template = "audit/list.html#results" if request.htmx else "audit/list.html"
    return render(
        request,
        template,
        {"form": form, "page": page, "query_string": query_without_page(request), "filtered": bool(query or kind)},
    )
