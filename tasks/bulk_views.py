"""Bulk actions from the task list, and the page of one bulk action's progress and results."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from staff.access import staff_required
from staff.ui import error_text, paginate, query_without_page, safe_next_url
from tasks import bulk
from tasks.bulk_forms import MATCHING, BulkActionForm
from tasks.bulk_selectors import bulk_job_by_code, bulk_job_counts, bulk_job_items, bulk_job_summary
from tasks.listing import task_listing
from tasks.models import BulkJob
from tasks.selectors import task_list


def _matching_task_ids(filters: str, user) -> list[int]:
    """Every task the list's filters (its query string) match, as the list reads them; one
    more than the limit at most, so an over-large selection is refused without reading it all."""
    listing = task_listing(QueryDict(filters), user)
    return list(task_list(**listing.arguments).values_list("pk", flat=True)[: bulk.MAX_BULK_TASKS + 1])


@staff_required
@require_POST
def bulk_action(request):
    form = BulkActionForm(request.POST)
    next_url = safe_next_url(request, request.POST.get("next")) or reverse("tasks:list")
    if not form.is_valid():
        messages.error(request, error_text(ValidationError(sum(form.errors.values(), []))))
        return redirect(next_url)
    data = form.cleaned_data
    task_ids = _matching_task_ids(data["filters"], request.user) if data["scope"] == MATCHING else data["task_ids"]
    try:
        job = bulk.start_bulk_action(actor=request.user, action=data["action"], params=form.params(), task_ids=task_ids)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return redirect(next_url)
    if job.state in (BulkJob.State.QUEUED, BulkJob.State.RUNNING):
        return redirect("tasks:bulk_job", code=job.code)
    summary = bulk_job_summary(job, bulk_job_counts(job))
    # A sentence with a link to the result, from a template (the messages keep its markup safe).
    text = render_to_string("tasks/bulk_job.html#message", {"job": job, "summary": summary}, request=request)
    if job.state == BulkJob.State.FAILED:
        messages.error(request, text)
    else:
        messages.success(request, text)
    return redirect(next_url)


@staff_required
@require_GET
def bulk_job(request, code):
    """A bulk action's progress (polled by htmx while it runs) and its result per task."""
    job = bulk_job_by_code(code)
    counts = bulk_job_counts(job)
    context = {
        "job": job,
        "counts": counts,
        "summary": bulk_job_summary(job, counts),
        "running": job.state in (BulkJob.State.QUEUED, BulkJob.State.RUNNING),
        "page": paginate(request, bulk_job_items(job)),
        "query_string": query_without_page(request),
    }
    if request.htmx:
        return render(request, "tasks/bulk_job.html#job", context)
    return render(request, "tasks/bulk_job.html", context)
