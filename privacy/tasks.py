"""Celery tasks of the privacy app: thin, idempotent, schema explicit."""

from __future__ import annotations

from config.celery import app, queue_for_every_active_contractant, require_schema


@app.task(name="privacy.apply_retention")
def apply_retention_task(schema_name: str) -> int:
    require_schema(schema_name)
    from privacy.services import apply_retention

    return apply_retention()


@app.task(name="privacy.dispatch_retention")
def dispatch_retention_task() -> int:
    """Beat entry point (public schema): one retention run per active contractant."""
    return queue_for_every_active_contractant(apply_retention_task)
