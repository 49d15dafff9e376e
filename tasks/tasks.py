"""Celery tasks of the tasks app: thin, idempotent, schema explicit."""

from __future__ import annotations

from django.db import connection

from config.celery import app


@app.task(name="tasks.notify_status_change", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_status_change_task(schema_name: str, task_id: int, change_id: int) -> int:
    if connection.schema_name != schema_name:
        raise RuntimeError(f"expected schema {schema_name!r}, running in {connection.schema_name!r}")
    from tasks.notifications import notify_status_change

    return notify_status_change(task_id=task_id, change_id=change_id)
