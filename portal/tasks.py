"""Celery tasks of the portal: thin, schema explicit."""

from __future__ import annotations

from config.celery import app, require_schema


@app.task(name="portal.send_invitation", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_invitation_task(schema_name: str, invitation_id: int) -> bool:
    require_schema(schema_name)
    from portal.invitations import send_invitation

    return send_invitation(invitation_id=invitation_id)


@app.task(name="portal.send_access_link", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_access_link_task(schema_name: str, email: str) -> bool:
    require_schema(schema_name)
    from portal.services import send_access_link

    return send_access_link(email=email)


@app.task(name="portal.send_email_change", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_email_change_task(schema_name: str, token: str) -> bool:
    require_schema(schema_name)
    from portal.email_change import send_email_change

    return send_email_change(token=token)
