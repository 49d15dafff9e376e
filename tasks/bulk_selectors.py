"""Reads for the bulk-action pages (tasks.bulk_views): a job, its results, its summary."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils.translation import ngettext

from tasks.models import BulkJob, BulkJobItem


def bulk_job_by_code(code) -> BulkJob:
    """The job with this code in the current schema; another contractant's job is not found."""
    job = BulkJob.objects.select_related("actor").filter(code=code).first()
    if job is None:
        raise Http404
    return job


def bulk_job_items(job: BulkJob) -> QuerySet[BulkJobItem]:
    """The job's result per task, by task number, with the task for its subject link."""
    return (
        BulkJobItem.objects.filter(job=job)
        .select_related("task")
        .only("outcome", "message", "task_id", "task__subject")
        .order_by("task_id")
    )


def bulk_job_counts(job: BulkJob) -> dict[str, int]:
    """How many of the job's tasks have each outcome (every outcome present, 0 when none)."""
    counts = dict.fromkeys(BulkJobItem.Outcome.values, 0)
    rows = BulkJobItem.objects.filter(job=job).values_list("outcome").annotate(count=Count("id")).order_by()
    counts.update(dict(rows))
    return counts


def _changed_phrase(action: str, count: int) -> str:
    phrases: dict[str, str] = {
        BulkJob.Action.ASSIGN: ngettext("%(count)d task assigned", "%(count)d tasks assigned", count),
        BulkJob.Action.STATUS: ngettext("%(count)d task changed status", "%(count)d tasks changed status", count),
        BulkJob.Action.PRIORITY: ngettext("%(count)d task changed priority", "%(count)d tasks changed priority", count),
        BulkJob.Action.LINK: ngettext("%(count)d task linked", "%(count)d tasks linked", count),
        BulkJob.Action.UNLINK: ngettext("%(count)d task unlinked", "%(count)d tasks unlinked", count),
        BulkJob.Action.CLOSE: ngettext("%(count)d task closed", "%(count)d tasks closed", count),
    }
    return phrases.get(action, phrases[BulkJob.Action.STATUS]) % {"count": count}


def bulk_job_summary(job: BulkJob, counts: dict[str, int]) -> str:
    """One sentence: "12 tasks closed, 1 unchanged, 1 refused." (zero counts left out)."""
    parts = [_changed_phrase(job.action, counts.get(BulkJobItem.Outcome.CHANGED, 0))]
    if unchanged := counts.get(BulkJobItem.Outcome.UNCHANGED, 0):
        parts.append(ngettext("%(count)d already so", "%(count)d already so", unchanged) % {"count": unchanged})
    refused = counts.get(BulkJobItem.Outcome.REFUSED, 0) + int(job.params.get("not_found", 0))
    if refused:
        parts.append(ngettext("%(count)d refused", "%(count)d refused", refused) % {"count": refused})
    if pending := counts.get(BulkJobItem.Outcome.PENDING, 0):
        parts.append(ngettext("%(count)d still to do", "%(count)d still to do", pending) % {"count": pending})
    return ", ".join(parts) + "."
