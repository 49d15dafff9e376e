"""Staff pages: Client Online sync status, failures with Retry, a progress bar, and the
Client Online cards of a relation and a contact (refreshed by htmx while a sync is pending)."""

from __future__ import annotations

from django.contrib import messages
from django.db import connection
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from config.celery import queue_for_contractant
from contacts.access import get_contact_for_staff
from portal_sync.models import SyncFailure
from portal_sync.panels import contact_panel, relation_panel
from portal_sync.selectors import sync_status
from portal_sync.services import interrupt_dead_runs, retry_failure
from relations.access import get_relation_for_staff
from staff.access import staff_required


def _queue_sync() -> None:
    from portal_sync.tasks import sync_contractant_task

    schema_name = connection.schema_name
    queue_for_contractant(sync_contractant_task, schema_name)


@staff_required
def status(request):
    """The page, or (htmx, every 2 s while a sync is pending) its progress section: both read
    what the worker stored, a constant number of rows whatever the size of the contractant
    (issue 17). A run whose worker is gone is recorded as interrupted first (issue 18)."""
    interrupt_dead_runs()
    if request.htmx:
        return render(request, "portal_sync/status.html#progress", {"status": sync_status(with_lists=False)})
    return render(request, "portal_sync/status.html", {"status": sync_status()})


@staff_required
@require_POST
def sync_now(request):
    _queue_sync()
    messages.success(request, _("A sync with Client Online has been started."))
    return redirect("portal_sync:status")


@staff_required
@require_POST
def retry(request, pk: int):
    failure = get_object_or_404(SyncFailure, pk=pk, resolved_at__isnull=True)
    retry_failure(failure=failure)
    _queue_sync()
    messages.success(request, _("The operation will be tried again."))
    return redirect("portal_sync:status")


@staff_required
@require_GET
def relation_card(request, pk: int):
    """A relation's Client Online card alone: what its page's card polls while pending."""
    panel = relation_panel(get_relation_for_staff(request, pk))
    return render(request, panel.template_name, {"data": panel.data})


@staff_required
@require_GET
def contact_card(request, pk: int):
    """A contact's Client Online card alone: what its page's card polls while pending."""
    panel = contact_panel(get_contact_for_staff(request, pk))
    return render(request, panel.template_name, {"data": panel.data})
