"""Staff page: Client Online sync status, failures with Retry, and a progress bar."""

from __future__ import annotations

from django.contrib import messages
from django.db import connection
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.celery import queue_for_contractant
from portal_sync.desired import desired_state
from portal_sync.models import SyncFailure, SyncRun
from portal_sync.planner import plan
from portal_sync.services import remote_state, retry_failure
from staff.access import staff_required


def _queue_sync() -> None:
    from portal_sync.tasks import sync_contractant_task

    schema_name = connection.schema_name
    queue_for_contractant(sync_contractant_task, schema_name)


@staff_required
def status(request):
    desired, remote = desired_state(), remote_state()
    pending = plan(remote, desired)
    runs = list(SyncRun.objects.all()[:10])
    context = {
        "runs": runs,
        "running": SyncRun.objects.filter(status=SyncRun.Status.RUNNING).first(),
        # The latest run broke off (Client Online unreachable, 5xx, an answer it could not read):
        # said at the top, not only in the table of runs.
        "interrupted": runs[0] if runs and runs[0].status == SyncRun.Status.INTERRUPTED else None,
        "failures": SyncFailure.objects.filter(resolved_at__isnull=True)[:50],
        "pending": pending[:50],
        "pending_count": len(pending),
        "remote": remote.summary(),
        "desired": desired.summary(),
    }
    template = "portal_sync/status.html#progress" if request.htmx else "portal_sync/status.html"
    return render(request, template, context)


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
