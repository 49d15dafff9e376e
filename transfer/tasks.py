"""Celery tasks of the transfer app: thin, idempotent, schema explicit."""

from __future__ import annotations

from config.celery import app, require_schema


@app.task(name="transfer.run_import", acks_late=True)
def run_import_task(schema_name: str, job_id: int) -> str:
    """An import larger than a request should wait for (transfer.services). Idempotent: run
    again, it continues with the pending rows; a job that is gone does nothing."""
    require_schema(schema_name)
    from transfer.models import ImportJob
    from transfer.services import run_import

    job = ImportJob.objects.filter(pk=job_id).first()
    return run_import(job).state if job is not None else "missing"
