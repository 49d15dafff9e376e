"""Celery tasks of the contacts app: thin, idempotent, schema explicit."""

from __future__ import annotations

from config.celery import app, queue_for_every_active_contractant, require_schema


@app.task(name="contacts.apply_due_out_of_service")
def apply_due_out_of_service_task(schema_name: str) -> int:
    require_schema(schema_name)
    from contacts.services.out_of_service import apply_due_out_of_service

    return apply_due_out_of_service()


@app.task(name="contacts.dispatch_due_out_of_service")
def dispatch_due_out_of_service_task() -> int:
    """Beat entry point (public schema): one apply task per active contractant."""
    return queue_for_every_active_contractant(apply_due_out_of_service_task)
