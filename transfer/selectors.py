"""Reads that the import pages share."""

from __future__ import annotations

from django.db.models import QuerySet

from transfer.models import ImportJob, ImportRow


def import_jobs() -> QuerySet[ImportJob]:
    """The import log, newest first, with who uploaded each file."""
    return ImportJob.objects.select_related("actor").order_by("-created_at", "-pk")


def import_job_rows(job: ImportJob, *, show: str = "") -> QuerySet[ImportRow]:
    """The job's rows in file order; `show="refused"` only those refused (as previewed or committed)."""
    rows = ImportRow.objects.filter(job=job)
    if show == "refused":
        rows = rows.filter(action=ImportRow.Action.REFUSE) | rows.filter(outcome=ImportRow.Outcome.REFUSED)
    return rows.order_by("pk")
