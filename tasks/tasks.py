"""Celery tasks of the tasks app: thin, idempotent, schema explicit."""

from __future__ import annotations

from config.celery import app, require_schema


@app.task(name="tasks.notify_status_change", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_status_change_task(schema_name: str, task_id: int, change_id: int) -> int:
    require_schema(schema_name)
    from tasks.notifications import notify_status_change

    return notify_status_change(task_id=task_id, change_id=change_id)
