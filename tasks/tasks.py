"""Celery tasks of the tasks app: thin, idempotent, schema explicit."""

from __future__ import annotations

from config.celery import app, queue_for_every_active_contractant, require_schema


@app.task(name="tasks.notify_status_change", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_status_change_task(schema_name: str, task_id: int, change_id: int) -> int:
    require_schema(schema_name)
    from tasks.notifications import notify_status_change

    return notify_status_change(task_id=task_id, change_id=change_id)


@app.task(name="tasks.notify_public_reply", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_public_reply_task(schema_name: str, message_id: int) -> int:
    """A staff member's public reply: e-mailed to the contacts whose preference asks for it."""
    require_schema(schema_name)
    from tasks.notifications import notify_public_reply

    return notify_public_reply(message_id=message_id)


@app.task(name="tasks.notify_customer_reply", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_customer_reply_task(schema_name: str, message_id: int) -> int:
    """A customer's reply: the assignee is told, or the staff when nobody is assigned."""
    require_schema(schema_name)
    from tasks.notifications import notify_customer_reply

    return notify_customer_reply(message_id=message_id)


@app.task(name="tasks.notify_assignment", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_assignment_task(schema_name: str, task_id: int, change_id: int) -> int:
    """A task assigned to a staff member by someone else: they are told by e-mail."""
    require_schema(schema_name)
    from tasks.notifications import notify_assignment

    return notify_assignment(task_id=task_id, change_id=change_id)


@app.task(name="tasks.flag_sla_breaches")
def flag_sla_breaches_task(schema_name: str) -> int:
    """Flag this contractant's tasks whose SLA due time passed; the team lead is e-mailed once."""
    require_schema(schema_name)
    from tasks.sla import flag_breaches

    return len(flag_breaches())


@app.task(name="tasks.dispatch_sla_breaches")
def dispatch_sla_breaches_task() -> int:
    """Beat entry point (public schema): one flag task per active contractant."""
    return queue_for_every_active_contractant(flag_sla_breaches_task)


@app.task(name="tasks.run_bulk_job", acks_late=True)
def run_bulk_job_task(schema_name: str, job_id: int) -> str:
    """A bulk action over more tasks than a request should wait for (tasks.bulk). Idempotent: a
    job run again continues with its pending tasks; a job that is gone does nothing."""
    require_schema(schema_name)
    from tasks.bulk import run_bulk_job
    from tasks.models import BulkJob

    job = BulkJob.objects.filter(pk=job_id).first()
    return run_bulk_job(job).state if job is not None else "missing"
