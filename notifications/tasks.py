"""Celery tasks of the notifications app: thin, idempotent, schema explicit."""

from __future__ import annotations

from config.celery import app, require_schema


@app.task(name="notifications.send_email", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notification_email_task(schema_name: str, notification_id: int) -> bool:
    """One notification's e-mail, to a staff member whose preference asks for it; sent once."""
    require_schema(schema_name)
    from notifications.services import send_notification_email

    return send_notification_email(notification_id=notification_id)
